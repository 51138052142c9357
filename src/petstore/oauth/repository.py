"""Every query of the authorization server.

Two kinds of callers, hence two kinds of functions:

- the service and the pages run on the request's ``AsyncSession``: ``async def``;
- Authlib's callbacks run inside ``AsyncSession.run_sync`` (see :mod:`petstore.oauth.server`)
  and get the plain ``Session`` bound to the same connection and transaction: ``def``.

Nothing here commits (the request owns the transaction) or decides anything: the rules are in
:mod:`petstore.oauth.service` and :mod:`petstore.oauth.server`. Claims (``claim_*``,
``consume_*``, ``decide_*``) are single conditional ``UPDATE``s that report whether this
caller won, so two requests racing for one code cannot both get it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from petstore.auth.models import RefreshToken, RevokedToken
from petstore.oauth.models import (
    APPROVED,
    CONSUMED,
    PENDING,
    AuthorizationCode,
    DeviceAuthorization,
    OAuthClient,
)
from petstore.users.models import User


def _won(result: object) -> bool:
    """Whether a conditional ``UPDATE`` changed the one row it names."""
    return isinstance(result, CursorResult) and result.rowcount == 1


# --- clients (async: the service) --------------------------------------------------------


async def find_client(session: AsyncSession, client_id: str) -> OAuthClient | None:
    return await session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))


async def get_client(session: AsyncSession, ident: uuid.UUID) -> OAuthClient | None:
    return await session.get(OAuthClient, ident)


async def add_client(session: AsyncSession, client: OAuthClient) -> None:
    session.add(client)
    await session.flush()


async def clients_page(
    session: AsyncSession, tenant: str, offset: int, limit: int
) -> tuple[list[OAuthClient], int]:
    """One page of a tenant's clients in id order, and how many it has in all."""
    where = OAuthClient.tenant == tenant
    total = await session.scalar(select(func.count()).select_from(OAuthClient).where(where))
    rows = await session.scalars(
        select(OAuthClient).where(where).order_by(OAuthClient.id).offset(offset).limit(limit)
    )
    return list(rows), int(total or 0)


async def delete_client(session: AsyncSession, client: OAuthClient) -> None:
    """Its codes and device authorizations go with it (``ON DELETE CASCADE``)."""
    await session.delete(client)
    await session.flush()


# --- device authorizations (async: the /device page) ------------------------------------


async def find_device_authorization(
    session: AsyncSession, user_code: str
) -> DeviceAuthorization | None:
    return await session.scalar(
        select(DeviceAuthorization).where(DeviceAuthorization.user_code == user_code)
    )


async def decide_device_authorization(
    session: AsyncSession, ident: uuid.UUID, *, status: str, user_id: uuid.UUID, scope: str
) -> bool:
    """Record the user's decision if the authorization is still pending; ``False`` if another
    decision came first."""
    result = await session.execute(
        update(DeviceAuthorization)
        .where(DeviceAuthorization.id == ident, DeviceAuthorization.status == PENDING)
        .values(status=status, user_id=user_id, scope=scope)
    )
    return _won(result)


# --- Authlib's storage (sync: inside run_sync) ------------------------------------------


def find_client_sync(db: Session, client_id: str) -> OAuthClient | None:
    return db.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))


def get_user(db: Session, user_id: uuid.UUID) -> User | None:
    return db.get(User, user_id)


def purge_codes(db: Session, expired_before: datetime) -> None:
    db.execute(delete(AuthorizationCode).where(AuthorizationCode.expires_at < expired_before))


def add_code(db: Session, code: AuthorizationCode) -> None:
    db.add(code)
    db.flush()


def get_code(db: Session, code_hash: str) -> AuthorizationCode | None:
    return db.get(AuthorizationCode, code_hash)


def claim_code(db: Session, code_hash: str, now: datetime) -> bool:
    """Mark the code used if nobody has: whoever wins may exchange it."""
    result = db.execute(
        update(AuthorizationCode)
        .where(AuthorizationCode.code_hash == code_hash, AuthorizationCode.used_at.is_(None))
        .values(used_at=now)
    )
    return _won(result)


def save_exchange(db: Session, refresh: RefreshToken | None) -> None:
    """Store a new refresh token (if the exchange issued one) and what the exchange changed on
    the rows it read (the code's ``access_jti`` and ``family_id``)."""
    if refresh is not None:
        db.add(refresh)
    db.flush()


def find_refresh_token(db: Session, token_hash: str) -> RefreshToken | None:
    return db.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


def claim_refresh_token(db: Session, ident: uuid.UUID, now: datetime) -> bool:
    """Mark the refresh token used if nobody has: whoever wins gets its successor."""
    result = db.execute(
        update(RefreshToken)
        .where(RefreshToken.id == ident, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    return _won(result)


def family_tokens(db: Session, family_id: uuid.UUID) -> list[RefreshToken]:
    return list(db.scalars(select(RefreshToken).where(RefreshToken.family_id == family_id)))


def revoke_family_tokens(db: Session, family_id: uuid.UUID, now: datetime) -> None:
    db.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def is_revoked(db: Session, jti: str) -> bool:
    return db.get(RevokedToken, jti) is not None


def revoke_jti(db: Session, jti: str, expires_at: datetime) -> None:
    """Refuse the access token ``jti`` from now on (kept until it would have expired)."""
    if not is_revoked(db, jti):
        db.add(RevokedToken(jti=jti, expires_at=expires_at))
        db.flush()


def find_device_credential(db: Session, device_code_hash: str) -> DeviceAuthorization | None:
    return db.scalar(
        select(DeviceAuthorization).where(DeviceAuthorization.device_code_hash == device_code_hash)
    )


def consume_device_authorization(db: Session, ident: uuid.UUID) -> bool:
    """Mark an approved authorization collected if nobody has: its tokens are issued once."""
    result = db.execute(
        update(DeviceAuthorization)
        .where(DeviceAuthorization.id == ident, DeviceAuthorization.status == APPROVED)
        .values(status=CONSUMED)
    )
    return _won(result)


def save_poll(db: Session, row: DeviceAuthorization, polled_at: datetime, interval: int) -> None:
    """Remember when the device last polled and the interval it must keep."""
    row.last_polled_at = polled_at
    row.interval = interval
    db.flush()


def user_code_taken(db: Session, user_code: str) -> bool:
    taken = select(DeviceAuthorization.id).where(DeviceAuthorization.user_code == user_code)
    return db.scalar(taken) is not None


def purge_device_authorizations(db: Session, expired_before: datetime) -> None:
    db.execute(delete(DeviceAuthorization).where(DeviceAuthorization.expires_at < expired_before))


def add_device_authorization(db: Session, row: DeviceAuthorization) -> None:
    db.add(row)
    db.flush()
