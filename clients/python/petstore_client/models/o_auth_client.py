from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.o_auth_client_links import OAuthClientLinks


T = TypeVar("T", bound="OAuthClient")


@_attrs_define
class OAuthClient:
    """
    Attributes:
        id (UUID):
        client_id (str):
        name (str):
        public (bool):
        redirect_uris (list[str]):
        grant_types (list[str]):
        scope (str):
        tenant_id (None | UUID):
        created_at (datetime.datetime):
        links (OAuthClientLinks):
    """

    id: UUID
    client_id: str
    name: str
    public: bool
    redirect_uris: list[str]
    grant_types: list[str]
    scope: str
    tenant_id: None | UUID
    created_at: datetime.datetime
    links: OAuthClientLinks

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        client_id = self.client_id

        name = self.name

        public = self.public

        redirect_uris = self.redirect_uris

        grant_types = self.grant_types

        scope = self.scope

        tenant_id: None | str
        if isinstance(self.tenant_id, UUID):
            tenant_id = str(self.tenant_id)
        else:
            tenant_id = self.tenant_id

        created_at = self.created_at.isoformat()

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "clientId": client_id,
                "name": name,
                "public": public,
                "redirectUris": redirect_uris,
                "grantTypes": grant_types,
                "scope": scope,
                "tenantId": tenant_id,
                "createdAt": created_at,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.o_auth_client_links import OAuthClientLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        client_id = d.pop("clientId")

        name = d.pop("name")

        public = d.pop("public")

        redirect_uris = cast(list[str], d.pop("redirectUris"))

        grant_types = cast(list[str], d.pop("grantTypes"))

        scope = d.pop("scope")

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

        links = OAuthClientLinks.from_dict(d.pop("links"))

        o_auth_client = cls(
            id=id,
            client_id=client_id,
            name=name,
            public=public,
            redirect_uris=redirect_uris,
            grant_types=grant_types,
            scope=scope,
            tenant_id=tenant_id,
            created_at=created_at,
            links=links,
        )

        return o_auth_client
