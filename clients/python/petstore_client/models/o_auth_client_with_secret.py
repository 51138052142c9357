from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.o_auth_client_with_secret_links import OAuthClientWithSecretLinks


T = TypeVar("T", bound="OAuthClientWithSecret")


@_attrs_define
class OAuthClientWithSecret:
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
        links (OAuthClientWithSecretLinks):
        client_secret (None | str): Shown only in this response (null for public clients); keep it safe. Also `null` in
            an idempotent replay (`Idempotent-Redacted: clientSecret`): the server keeps only its hash.
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
    links: OAuthClientWithSecretLinks
    client_secret: None | str

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

        client_secret: None | str
        client_secret = self.client_secret

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
                "clientSecret": client_secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.o_auth_client_with_secret_links import OAuthClientWithSecretLinks  # noqa: PLC0415

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

        links = OAuthClientWithSecretLinks.from_dict(d.pop("links"))

        def _parse_client_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_secret = _parse_client_secret(d.pop("clientSecret"))

        o_auth_client_with_secret = cls(
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
            client_secret=client_secret,
        )

        return o_auth_client_with_secret
