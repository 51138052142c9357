"""Access-token verification is strict: every forged, altered or foreign token is refused
(through HTTP, on ``GET /v1/users/me``), and the published JWKS verifies real tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import FastAPI

from petstore.container import container_of
from tests.support.accounts import Account
from tests.support.tokens import expire, sign, signer, unverified_claims

PRIVATE_JWK_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


async def status_of(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
    return response.status_code


async def test_a_real_token_works(client: httpx.AsyncClient, user: Account) -> None:
    assert await status_of(client, user.token) == 200


async def test_re_signing_the_same_claims_works(
    app: FastAPI, client: httpx.AsyncClient, user: Account
) -> None:
    """The control for the tests below: each of them changes exactly one thing."""
    assert await status_of(client, sign(app, unverified_claims(user.token))) == 200


def _not_yet_valid(c: dict[str, Any]) -> None:
    c["nbf"] = int(time.time()) + 600


ClaimChange = Callable[[dict[str, Any]], None]
CLAIM_CHANGES: dict[str, ClaimChange] = {
    "expired": expire,
    "not-yet-valid": _not_yet_valid,
    "wrong-aud": lambda c: c.update(aud="someone-else"),
    "wrong-iss": lambda c: c.update(iss="https://evil.example"),
    "missing-jti": lambda c: c.pop("jti"),
    "missing-exp": lambda c: c.pop("exp"),
    "missing-sub": lambda c: c.pop("sub"),
    "missing-aud": lambda c: c.pop("aud"),
    "missing-iss": lambda c: c.pop("iss"),
    "missing-iat": lambda c: c.pop("iat"),
    "sub-not-a-uuid": lambda c: c.update(sub="admin"),
}


@pytest.mark.parametrize("change", sorted(CLAIM_CHANGES))
async def test_bad_claims_signed_with_the_real_key_are_401(
    app: FastAPI, client: httpx.AsyncClient, user: Account, change: str
) -> None:
    claims = unverified_claims(user.token)
    CLAIM_CHANGES[change](claims)
    assert await status_of(client, sign(app, claims)) == 401


async def test_tampered_payload_character_is_401(client: httpx.AsyncClient, user: Account) -> None:
    header, payload, signature = user.token.split(".")
    i = len(payload) // 2  # a middle character: all six of its bits reach the decoded bytes
    flipped = "B" if payload[i] == "A" else "A"
    tampered = f"{header}.{payload[:i]}{flipped}{payload[i + 1 :]}.{signature}"
    assert tampered != user.token
    assert await status_of(client, tampered) == 401


async def test_escalated_payload_with_original_signature_is_401(
    client: httpx.AsyncClient, user: Account
) -> None:
    header, _, signature = user.token.split(".")
    claims = unverified_claims(user.token)
    claims.update(role="STAFF", scope="read:pets write:pets read:user write:user")
    forged = f"{header}.{b64url_json(claims)}.{signature}"
    assert await status_of(client, forged) == 401
    assert await status_of(client, f"{header}.{b64url_json(claims)}.") == 401


async def test_alg_none_is_401(app: FastAPI, client: httpx.AsyncClient, user: Account) -> None:
    claims = unverified_claims(user.token)
    for alg in ("none", "None", "NONE"):
        header = {"alg": alg, "typ": "JWT", "kid": signer(app).kid}
        unsigned = f"{b64url_json(header)}.{b64url_json(claims)}."
        assert await status_of(client, unsigned) == 401, alg


async def test_hs256_signed_with_the_public_key_is_401(
    app: FastAPI, client: httpx.AsyncClient, user: Account
) -> None:
    """The key-confusion attack: the public key (which anyone can fetch) as an HMAC secret."""
    claims = unverified_claims(user.token)
    public_key = signer(app).public_key
    secrets = [
        public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1),
    ]
    for secret in secrets:
        for header in (
            {"alg": "HS256", "typ": "JWT", "kid": signer(app).kid},
            {"alg": "HS256", "typ": "JWT"},
        ):
            signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
            mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
            assert await status_of(client, f"{signing_input}.{b64url(mac)}") == 401


async def test_unknown_or_missing_kid_is_401(
    app: FastAPI, client: httpx.AsyncClient, user: Account
) -> None:
    claims = unverified_claims(user.token)
    assert await status_of(client, sign(app, claims, {"kid": "not-a-known-key"})) == 401
    assert await status_of(client, sign(app, claims, {})) == 401
    # PyJWT refuses to write a non-string kid; sign by hand with the real key (the real kid,
    # signed the same way, is the control).
    for kid, expected in ((signer(app).kid, 200), (12345, 401), ([signer(app).kid], 401)):
        signing_input = f"{b64url_json({'alg': 'RS256', 'kid': kid})}.{b64url_json(claims)}"
        signature = signer(app).private_key.sign(
            signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        assert await status_of(client, f"{signing_input}.{b64url(signature)}") == expected, kid


async def test_signature_by_another_key_under_the_real_kid_is_401(
    app: FastAPI, client: httpx.AsyncClient, user: Account
) -> None:
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        unverified_claims(user.token),
        foreign,
        algorithm="RS256",
        headers={"kid": signer(app).kid},
    )
    assert await status_of(client, token) == 401


async def test_malformed_bearer_values_are_401(client: httpx.AsyncClient) -> None:
    for value in ("x", "a.b", "a.b.c", "....", "eyJhbGciOiJSUzI1NiJ9.e30.", "%%.%%.%%"):
        assert await status_of(client, value) == 401, value


async def test_jwks_verifies_real_tokens_and_holds_no_private_members(
    app: FastAPI, client: httpx.AsyncClient, user: Account
) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    keys = response.json()["keys"]
    assert keys
    for jwk in keys:
        assert jwk["kty"] == "RSA"
        assert (jwk["use"], jwk["alg"]) == ("sig", "RS256")
        assert not PRIVATE_JWK_MEMBERS & set(jwk), sorted(jwk)
    kid = jwt.get_unverified_header(user.token)["kid"]
    matching = [jwk for jwk in keys if jwk["kid"] == kid]
    assert len(matching) == 1
    settings = container_of(app).settings
    claims = jwt.decode(
        user.token,
        jwt.PyJWK(matching[0]).key,
        algorithms=["RS256"],
        audience=settings.jwt_audience,
        issuer=settings.token_issuer,
    )
    assert claims["sub"] == user.id
    assert claims["preferred_username"] == user.username
    assert set(claims["scope"].split()) >= {"read:user", "write:user"}
    # And the JWKS key does not verify a token signed by anyone else.
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, foreign, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            forged,
            jwt.PyJWK(matching[0]).key,
            algorithms=["RS256"],
            audience=settings.jwt_audience,
        )
