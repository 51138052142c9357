from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SecretOut")


@_attrs_define
class SecretOut:
    """
    Attributes:
        secret (None | str): The new signing secret; shown only now. `null` in an idempotent replay (`Idempotent-
            Redacted: secret`): rotate again to get one.
    """

    secret: None | str

    def to_dict(self) -> dict[str, Any]:
        secret: None | str
        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        secret = _parse_secret(d.pop("secret"))

        secret_out = cls(
            secret=secret,
        )

        return secret_out
