from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="TestEventOut")


@_attrs_define
class TestEventOut:
    """
    Attributes:
        event_id (UUID):
    """

    event_id: UUID

    def to_dict(self) -> dict[str, Any]:
        event_id = str(self.event_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "eventId": event_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_id = UUID(d.pop("eventId"))

        test_event_out = cls(
            event_id=event_id,
        )

        return test_event_out
