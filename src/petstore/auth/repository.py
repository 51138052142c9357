"""Every query behind tokens: refresh tokens, revoked access tokens and signing keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.models import RefreshToken, RevokedToken, SigningKey
from petstore.oauth.models import OAuthClient


@dataclass(frozen=True, slots=True)
class TokenHolder:
    """Whose refresh tokens a bulk revocation covers: a user's, an OAuth client's, or one
    rotation family's (a spent refresh token was presented again)."""

    user_id: uuid.UUID | None = None
    client_id: str | None = None
    family_id: uuid.UUID | None = None

    def clause(self) -> ColumnElement[bool]:
        if self.user_id is not None:
            return RefreshToken.user_id == self.user_id
        if self.client_id is not None:
            return RefreshToken.client_id == self.client_id
        if self.family_id is not None:
            return RefreshToken.family_id == self.family_id
        raise ValueError("a token holder is a user, a client or a family")


async def add_refresh_token(session: AsyncSession, row: RefreshToken) -> None:
    session.add(row)
    await session.flush()


async def find_refresh_token(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


async def claim_refresh_token(session: AsyncSession, token_id: uuid.UUID, now: datetime) -> bool:
    """Mark the token used unless it already is, in one statement: of two simultaneous
    exchanges only one sees ``True``."""
    claimed = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token_id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def families_issued_with(session: AsyncSession, access_jti: str | None) -> list[uuid.UUID]:
    """The families of the refresh tokens issued alongside this access token."""
    query = select(RefreshToken.family_id).where(RefreshToken.access_jti == access_jti)
    return list((await session.scalars(query)).all())


async def families_of_token(
    session: AsyncSession, token_hash: str, user_id: uuid.UUID
) -> list[uuid.UUID]:
    """The family of this refresh token, if it belongs to ``user_id``."""
    query = select(RefreshToken.family_id).where(
        RefreshToken.token_hash == token_hash, RefreshToken.user_id == user_id
    )
    return list((await session.scalars(query)).all())


async def unrevoked_access_tokens(
    session: AsyncSession, holder: TokenHolder, issued_after: datetime
) -> list[tuple[str, datetime, datetime | None]]:
    """``(jti, issued at, expires at)`` of the access tokens issued with the holder's refresh
    tokens after ``issued_after`` and not yet recorded as revoked (expiry ``None``: unknown,
    written before it was recorded)."""
    already = select(RevokedToken.jti).where(RevokedToken.jti == RefreshToken.access_jti)
    rows = await session.execute(
        select(
            RefreshToken.access_jti, RefreshToken.created_at, RefreshToken.access_expires_at
        ).where(holder.clause(), RefreshToken.created_at > issued_after, ~already.exists())
    )
    return [(jti, created_at, expires_at) for jti, created_at, expires_at in rows.all()]


async def revoke_refresh_tokens(session: AsyncSession, holder: TokenHolder, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(holder.clause(), RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def add_revoked_token(session: AsyncSession, jti: str, expires_at: datetime) -> None:
    """Record one revoked access token; raises ``IntegrityError`` if it already is."""
    session.add(RevokedToken(jti=jti, expires_at=expires_at))
    await session.flush()


async def add_revoked_tokens(session: AsyncSession, tokens: list[tuple[str, datetime]]) -> None:
    """Record ``(jti, expires at)`` pairs in one statement; raises ``IntegrityError`` if any
    of them already is."""
    await session.execute(insert(RevokedToken), [{"jti": j, "expires_at": e} for j, e in tokens])


async def is_revoked(session: AsyncSession, jti: str) -> bool:
    return await session.get(RevokedToken, jti) is not None


async def client_exists(session: AsyncSession, client_id: str) -> bool:
    """Whether the OAuth client still exists (its tokens die with it)."""
    found = await session.scalar(select(OAuthClient.id).where(OAuthClient.client_id == client_id))
    return found is not None


async def signing_keys(session: AsyncSession) -> list[SigningKey]:
    """Every stored signing key, oldest first."""
    rows = await session.scalars(select(SigningKey).order_by(SigningKey.created_at))
    return list(rows.all())


async def add_signing_key(session: AsyncSession, key: SigningKey) -> None:
    """Store a key; raises ``IntegrityError`` when another process stored the same one."""
    session.add(key)
    await session.flush()
