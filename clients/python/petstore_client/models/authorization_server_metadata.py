from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="AuthorizationServerMetadata")


@_attrs_define
class AuthorizationServerMetadata:
    """RFC 8414 authorization server metadata (snake_case, as the RFC names the members).

    Attributes:
        issuer (str):
        authorization_endpoint (str):
        token_endpoint (str):
        device_authorization_endpoint (str):
        revocation_endpoint (str):
        introspection_endpoint (str):
        jwks_uri (str):
        registration_endpoint (str):
        scopes_supported (list[str]):
        response_types_supported (list[str]):
        response_modes_supported (list[str]):
        grant_types_supported (list[str]):
        token_endpoint_auth_methods_supported (list[str]):
        revocation_endpoint_auth_methods_supported (list[str]):
        introspection_endpoint_auth_methods_supported (list[str]):
        code_challenge_methods_supported (list[str]):
        service_documentation (str):
        access_token_issuer (str): The `iss` claim of the access tokens (JWTs) issued here.
    """

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    device_authorization_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    response_modes_supported: list[str]
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    revocation_endpoint_auth_methods_supported: list[str]
    introspection_endpoint_auth_methods_supported: list[str]
    code_challenge_methods_supported: list[str]
    service_documentation: str
    access_token_issuer: str

    def to_dict(self) -> dict[str, Any]:
        issuer = self.issuer

        authorization_endpoint = self.authorization_endpoint

        token_endpoint = self.token_endpoint

        device_authorization_endpoint = self.device_authorization_endpoint

        revocation_endpoint = self.revocation_endpoint

        introspection_endpoint = self.introspection_endpoint

        jwks_uri = self.jwks_uri

        registration_endpoint = self.registration_endpoint

        scopes_supported = self.scopes_supported

        response_types_supported = self.response_types_supported

        response_modes_supported = self.response_modes_supported

        grant_types_supported = self.grant_types_supported

        token_endpoint_auth_methods_supported = (
            self.token_endpoint_auth_methods_supported
        )

        revocation_endpoint_auth_methods_supported = (
            self.revocation_endpoint_auth_methods_supported
        )

        introspection_endpoint_auth_methods_supported = (
            self.introspection_endpoint_auth_methods_supported
        )

        code_challenge_methods_supported = self.code_challenge_methods_supported

        service_documentation = self.service_documentation

        access_token_issuer = self.access_token_issuer

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "issuer": issuer,
                "authorization_endpoint": authorization_endpoint,
                "token_endpoint": token_endpoint,
                "device_authorization_endpoint": device_authorization_endpoint,
                "revocation_endpoint": revocation_endpoint,
                "introspection_endpoint": introspection_endpoint,
                "jwks_uri": jwks_uri,
                "registration_endpoint": registration_endpoint,
                "scopes_supported": scopes_supported,
                "response_types_supported": response_types_supported,
                "response_modes_supported": response_modes_supported,
                "grant_types_supported": grant_types_supported,
                "token_endpoint_auth_methods_supported": token_endpoint_auth_methods_supported,
                "revocation_endpoint_auth_methods_supported": revocation_endpoint_auth_methods_supported,
                "introspection_endpoint_auth_methods_supported": introspection_endpoint_auth_methods_supported,
                "code_challenge_methods_supported": code_challenge_methods_supported,
                "service_documentation": service_documentation,
                "access_token_issuer": access_token_issuer,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        issuer = d.pop("issuer")

        authorization_endpoint = d.pop("authorization_endpoint")

        token_endpoint = d.pop("token_endpoint")

        device_authorization_endpoint = d.pop("device_authorization_endpoint")

        revocation_endpoint = d.pop("revocation_endpoint")

        introspection_endpoint = d.pop("introspection_endpoint")

        jwks_uri = d.pop("jwks_uri")

        registration_endpoint = d.pop("registration_endpoint")

        scopes_supported = cast(list[str], d.pop("scopes_supported"))

        response_types_supported = cast(list[str], d.pop("response_types_supported"))

        response_modes_supported = cast(list[str], d.pop("response_modes_supported"))

        grant_types_supported = cast(list[str], d.pop("grant_types_supported"))

        token_endpoint_auth_methods_supported = cast(
            list[str], d.pop("token_endpoint_auth_methods_supported")
        )

        revocation_endpoint_auth_methods_supported = cast(
            list[str], d.pop("revocation_endpoint_auth_methods_supported")
        )

        introspection_endpoint_auth_methods_supported = cast(
            list[str], d.pop("introspection_endpoint_auth_methods_supported")
        )

        code_challenge_methods_supported = cast(
            list[str], d.pop("code_challenge_methods_supported")
        )

        service_documentation = d.pop("service_documentation")

        access_token_issuer = d.pop("access_token_issuer")

        authorization_server_metadata = cls(
            issuer=issuer,
            authorization_endpoint=authorization_endpoint,
            token_endpoint=token_endpoint,
            device_authorization_endpoint=device_authorization_endpoint,
            revocation_endpoint=revocation_endpoint,
            introspection_endpoint=introspection_endpoint,
            jwks_uri=jwks_uri,
            registration_endpoint=registration_endpoint,
            scopes_supported=scopes_supported,
            response_types_supported=response_types_supported,
            response_modes_supported=response_modes_supported,
            grant_types_supported=grant_types_supported,
            token_endpoint_auth_methods_supported=token_endpoint_auth_methods_supported,
            revocation_endpoint_auth_methods_supported=revocation_endpoint_auth_methods_supported,
            introspection_endpoint_auth_methods_supported=introspection_endpoint_auth_methods_supported,
            code_challenge_methods_supported=code_challenge_methods_supported,
            service_documentation=service_documentation,
            access_token_issuer=access_token_issuer,
        )

        return authorization_server_metadata
