"""Access tokens: short-lived RS256 JWTs, verified strictly.

Verification pins the algorithm (so ``none`` and HS256-signed-with-the-public-key tokens are
refused), requires a known ``kid`` and checks ``iss``, ``aud``, ``exp``, ``iat``, ``sub`` and
``jti``. Revocation is checked separately (it needs the database).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from petstore.auth.keys import ALGORITHM, KeyRing
from petstore.auth.scopes import Role
from petstore.core.ids import utcnow
from petstore.core.settings import Settings

LEEWAY_SECONDS = 5


def bearer_value(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, ``None`` for any other."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


class InvalidToken(Exception):  # noqa: N818
    """The bearer value is not a token this server issued, or no longer valid."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: uuid.UUID
    username: str
    role: Role
    scopes: frozenset[str]
    tenant: str
    jti: str
    expires_at: datetime
    issued_at: datetime
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: datetime


class TokenService:
    def __init__(self, settings: Settings, keys: KeyRing) -> None:
        self._settings = settings
        self._keys = keys

    def issue(
        self,
        *,
        user_id: uuid.UUID,
        username: str,
        role: Role,
        scopes: frozenset[str],
        tenant: str,
        client_id: str | None = None,
        audience: str | None = None,
    ) -> IssuedToken:
        """Sign an access token; ``client_id`` (RFC 9068) names the OAuth client it was issued
        to, absent for tokens from login. ``audience`` is the resource (RFC 8707) it is for;
        by default the REST API, which refuses tokens for any other."""
        now = utcnow()
        expires_at = now + timedelta(seconds=self._settings.access_token_ttl_seconds)
        jti = secrets.token_urlsafe(16)
        claims = {
            "iss": self._settings.token_issuer,
            "aud": audience or self._settings.jwt_audience,
            "sub": str(user_id),
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": jti,
            "scope": " ".join(sorted(scopes)),
            "role": role.value,
            "preferred_username": username,
            "tid": tenant,
        }
        if client_id is not None:
            claims["client_id"] = client_id
        signer = self._keys.signing_key
        token = jwt.encode(
            claims, signer.private_key, algorithm=ALGORITHM, headers={"kid": signer.kid}
        )
        return IssuedToken(token=token, jti=jti, expires_at=expires_at.replace(microsecond=0))

    def verify(self, token: str, audience: str | None = None) -> TokenClaims:
        """The claims of a token this server issued for ``audience`` (default: the REST API)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("unexpected signing algorithm")
        kid = header.get("kid")
        key = self._keys.public_key(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("unknown signing key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=audience or self._settings.jwt_audience,
                issuer=self._settings.token_issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
            )
            return TokenClaims(
                subject=uuid.UUID(claims["sub"]),
                username=str(claims.get("preferred_username", "")),
                role=Role(claims.get("role", Role.USER.value)),
                scopes=frozenset(str(claims.get("scope", "")).split()),
                tenant=str(claims.get("tid", "")),
                jti=str(claims["jti"]),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=utcnow().tzinfo),
                issued_at=datetime.fromtimestamp(int(claims["iat"]), tz=utcnow().tzinfo),
                client_id=str(claims["client_id"]) if "client_id" in claims else None,
            )
        except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
            raise InvalidToken(str(exc)) from exc
