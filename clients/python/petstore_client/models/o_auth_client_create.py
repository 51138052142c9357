from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.o_auth_client_create_grant_types_item import (
    OAuthClientCreateGrantTypesItem,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="OAuthClientCreate")


@_attrs_define
class OAuthClientCreate:
    """
    Attributes:
        name (str):
        grant_types (list[OAuthClientCreateGrantTypesItem]):
        redirect_uris (list[str] | Unset): Exact redirect URIs (https, or http on loopback); needed for
            authorization_code.
        scope (None | str | Unset):
        public (bool | Unset): A public client (browser or native app) has no secret and must use PKCE. Default: False.
    """

    name: str
    grant_types: list[OAuthClientCreateGrantTypesItem]
    redirect_uris: list[str] | Unset = UNSET
    scope: None | str | Unset = UNSET
    public: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        grant_types = []
        for grant_types_item_data in self.grant_types:
            grant_types_item = grant_types_item_data.value
            grant_types.append(grant_types_item)

        redirect_uris: list[str] | Unset = UNSET
        if not isinstance(self.redirect_uris, Unset):
            redirect_uris = self.redirect_uris

        scope: None | str | Unset
        if isinstance(self.scope, Unset):
            scope = UNSET
        else:
            scope = self.scope

        public = self.public

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "grantTypes": grant_types,
            }
        )
        if redirect_uris is not UNSET:
            field_dict["redirectUris"] = redirect_uris
        if scope is not UNSET:
            field_dict["scope"] = scope
        if public is not UNSET:
            field_dict["public"] = public

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        grant_types = []
        _grant_types = d.pop("grantTypes")
        for grant_types_item_data in _grant_types:
            grant_types_item = OAuthClientCreateGrantTypesItem(grant_types_item_data)

            grant_types.append(grant_types_item)

        redirect_uris = cast(list[str], d.pop("redirectUris", UNSET))

        def _parse_scope(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scope = _parse_scope(d.pop("scope", UNSET))

        public = d.pop("public", UNSET)

        o_auth_client_create = cls(
            name=name,
            grant_types=grant_types,
            redirect_uris=redirect_uris,
            scope=scope,
            public=public,
        )

        o_auth_client_create.additional_properties = d
        return o_auth_client_create

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
