from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.preferences_out import PreferencesOut
    from ..models.user_links import UserLinks


T = TypeVar("T", bound="User")


@_attrs_define
class User:
    """
    Attributes:
        id (UUID):
        username (str):
        email (str):
        first_name (str):
        last_name (str):
        phone (None | str):
        role (str): USER or STAFF.
        preferences (PreferencesOut):
        tenant_id (None | UUID):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        links (UserLinks):
    """

    id: UUID
    username: str
    email: str
    first_name: str
    last_name: str
    phone: None | str
    role: str
    preferences: PreferencesOut
    tenant_id: None | UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    links: UserLinks

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        username = self.username

        email = self.email

        first_name = self.first_name

        last_name = self.last_name

        phone: None | str
        phone = self.phone

        role = self.role

        preferences = self.preferences.to_dict()

        tenant_id: None | str
        if isinstance(self.tenant_id, UUID):
            tenant_id = str(self.tenant_id)
        else:
            tenant_id = self.tenant_id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "username": username,
                "email": email,
                "firstName": first_name,
                "lastName": last_name,
                "phone": phone,
                "role": role,
                "preferences": preferences,
                "tenantId": tenant_id,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preferences_out import PreferencesOut  # noqa: PLC0415
        from ..models.user_links import UserLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        username = d.pop("username")

        email = d.pop("email")

        first_name = d.pop("firstName")

        last_name = d.pop("lastName")

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))

        role = d.pop("role")

        preferences = PreferencesOut.from_dict(d.pop("preferences"))

        def _parse_tenant_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                tenant_id_type_0 = UUID(data)

                return tenant_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        tenant_id = _parse_tenant_id(d.pop("tenantId"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        links = UserLinks.from_dict(d.pop("links"))

        user = cls(
            id=id,
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            role=role,
            preferences=preferences,
            tenant_id=tenant_id,
            created_at=created_at,
            updated_at=updated_at,
            links=links,
        )

        return user
