from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CallbackAccepted")


@_attrs_define
class CallbackAccepted:
    """Empty: the outcome arrives at the callback URL."""

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        callback_accepted = cls()

        return callback_accepted
