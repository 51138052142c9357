from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="TokenUser")


@_attrs_define
class TokenUser:
    """
    Attributes:
        id (UUID):
        username (str):
        email (str):
        role (str):
    """

    id: UUID
    username: str
    email: str
    role: str

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        username = self.username

        email = self.email

        role = self.role

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "username": username,
                "email": email,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        username = d.pop("username")

        email = d.pop("email")

        role = d.pop("role")

        token_user = cls(
            id=id,
            username=username,
            email=email,
            role=role,
        )

        return token_user
