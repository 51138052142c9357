"""Access tokens as an attacker (or a clock) would change them: read the claims of a real
token, change them, and sign them again with the server's own key (what only the server can
do), so a test isolates the one claim it is about."""

from __future__ import annotations

import time
from typing import Any

import jwt
from fastapi import FastAPI

from petstore.auth.keys import KeyPair
from petstore.container import container_of


def unverified_claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def signer(app: FastAPI) -> KeyPair:
    pair: KeyPair = container_of(app).keys.signing_key
    return pair


def sign(app: FastAPI, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    """Sign with the server's real private key (what only the server can do)."""
    pair = signer(app)
    return jwt.encode(
        claims,
        pair.private_key,
        algorithm="RS256",
        headers={"kid": pair.kid} if headers is None else headers,
    )


def expire(claims: dict[str, Any]) -> None:
    """Make the claims those of a token that expired a minute ago (beyond any leeway)."""
    now = int(time.time())
    claims.update(iat=now - 7200, nbf=now - 7200, exp=now - 60)
