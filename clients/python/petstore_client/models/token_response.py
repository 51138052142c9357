from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.token_user import TokenUser


T = TypeVar("T", bound="TokenResponse")


@_attrs_define
class TokenResponse:
    """
    Attributes:
        token (str): The access token (a signed JWT).
        expires_at (datetime.datetime):
        token_type (str):
        expires_in (int): Seconds until the access token expires.
        refresh_token (str): Single-use; exchange it for a new pair.
        scope (str):
        user (TokenUser):
    """

    token: str
    expires_at: datetime.datetime
    token_type: str
    expires_in: int
    refresh_token: str
    scope: str
    user: TokenUser

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        expires_at = self.expires_at.isoformat()

        token_type = self.token_type

        expires_in = self.expires_in

        refresh_token = self.refresh_token

        scope = self.scope

        user = self.user.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "token": token,
                "expiresAt": expires_at,
                "tokenType": token_type,
                "expiresIn": expires_in,
                "refreshToken": refresh_token,
                "scope": scope,
                "user": user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.token_user import TokenUser  # noqa: PLC0415

        d = dict(src_dict)
        token = d.pop("token")

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        token_type = d.pop("tokenType")

        expires_in = d.pop("expiresIn")

        refresh_token = d.pop("refreshToken")

        scope = d.pop("scope")

        user = TokenUser.from_dict(d.pop("user"))

        token_response = cls(
            token=token,
            expires_at=expires_at,
            token_type=token_type,
            expires_in=expires_in,
            refresh_token=refresh_token,
            scope=scope,
            user=user,
        )

        return token_response
