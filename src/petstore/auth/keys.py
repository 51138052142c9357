"""The signing key ring.

With ``PETSTORE_JWT_PRIVATE_KEY_FILE`` the operator's key is used. Otherwise the first process
to start generates an RSA key and stores it in the database, so every process sharing the
database signs and verifies with the same keys and restarts keep issued tokens valid.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from jwt.algorithms import RSAAlgorithm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.auth import repository
from petstore.auth.models import SigningKey
from petstore.core.ids import utcnow
from petstore.core.settings import Settings

ALGORITHM = "RS256"


@dataclass(frozen=True, slots=True)
class KeyPair:
    kid: str
    private_key: rsa.RSAPrivateKey

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "alg": ALGORITHM})
        return jwk


def _thumbprint_kid(key: rsa.RSAPrivateKey) -> str:
    """RFC 7638 thumbprint: the same key always gets the same id."""
    numbers = key.public_key().public_numbers()

    def b64(n: int) -> str:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    canonical = f'{{"e":"{b64(numbers.e)}","kty":"RSA","n":"{b64(numbers.n)}"}}'
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _load_pem(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the JWT signing key must be an RSA private key")
    return key


def derive_key(key: rsa.RSAPrivateKey, purpose: bytes) -> bytes:
    """256 bits for ``purpose``: HKDF-SHA256 of the private key (RFC 5869)."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(der)


class KeyRing:
    """Keys by id; the newest one signs, all of them verify."""

    def __init__(self) -> None:
        self._keys: dict[str, KeyPair] = {}
        self._signing: KeyPair | None = None

    @property
    def signing_key(self) -> KeyPair:
        if self._signing is None:
            raise RuntimeError("the key ring has not been loaded")
        return self._signing

    def derived_key(self, purpose: bytes) -> bytes:
        """A key for ``purpose`` derived from the signing key: the same in every process that
        signs with that key, and as hard to get as the key itself, for secrets whose theft
        would be worth as much as the key's (a signed-in browser session gets tokens)."""
        return derive_key(self.signing_key.private_key, purpose)

    def public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        pair = self._keys.get(kid)
        return pair.public_key if pair is not None else None

    def jwks(self) -> dict[str, Any]:
        return {"keys": [pair.jwk() for pair in self._keys.values()]}

    def _add(self, key: rsa.RSAPrivateKey, kid: str | None = None) -> KeyPair:
        pair = KeyPair(kid or _thumbprint_kid(key), key)
        self._keys[pair.kid] = pair
        return pair

    async def load(
        self, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        if settings.jwt_private_key_file is not None:
            self._signing = self._add(_load_pem(settings.jwt_private_key_file.read_bytes()))
            return
        await self.refresh(sessionmaker)
        if self._signing is None:
            await self._generate(sessionmaker)
            await self.refresh(sessionmaker)

    async def refresh(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        async with sessionmaker() as session:
            rows = await repository.signing_keys(session)
        for row in rows:
            if row.kid not in self._keys:
                self._add(_load_pem(row.private_pem.encode()), row.kid)
        if rows:
            # Every process picks the same signer: the oldest key, until one is retired.
            self._signing = self._keys[rows[0].kid]

    async def _generate(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        async with sessionmaker() as session:
            row = SigningKey(kid=_thumbprint_kid(key), private_pem=pem, created_at=utcnow())
            try:
                await repository.add_signing_key(session, row)
                await session.commit()
            except IntegrityError:  # pragma: no cover - another process won the race
                await session.rollback()
