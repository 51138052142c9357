"""Every query on ``users``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.users.models import User


async def get(session: AsyncSession, tenant: str, user_id: uuid.UUID) -> User | None:
    return await session.scalar(select(User).where(User.tenant == tenant, User.id == user_id))


async def get_many(session: AsyncSession, tenant: str, user_ids: Sequence[uuid.UUID]) -> list[User]:
    """The tenant's users among ``user_ids``, in one statement (unknown ids are left out)."""
    if not user_ids:
        return []
    rows = await session.scalars(select(User).where(User.tenant == tenant, User.id.in_(user_ids)))
    return list(rows.all())


async def get_by_username(session: AsyncSession, tenant: str, username: str) -> User | None:
    return await session.scalar(
        select(User).where(User.tenant == tenant, func.lower(User.username) == username.lower())
    )


async def find_taken(
    session: AsyncSession,
    tenant: str,
    username: str | None,
    email: str | None,
    exclude: uuid.UUID | None = None,
) -> User | None:
    """A user other than ``exclude`` who already holds this username or email."""
    clauses = []
    if username is not None:
        clauses.append(func.lower(User.username) == username.lower())
    if email is not None:
        clauses.append(func.lower(User.email) == email.lower())
    if not clauses:
        return None
    query = select(User).where(User.tenant == tenant, or_(*clauses))
    if exclude is not None:
        query = query.where(User.id != exclude)
    return await session.scalar(query.limit(1))


async def add(session: AsyncSession, user: User) -> None:
    session.add(user)
    await session.flush()


async def save(session: AsyncSession, user: User) -> None:
    """Write the user's changed fields now, inside the request's transaction."""
    session.add(user)
    await session.flush()


async def remove(session: AsyncSession, user: User) -> None:
    await session.execute(delete(User).where(User.id == user.id))


async def in_tenant(session: AsyncSession, tenant: str, limit: int) -> list[User]:
    """The tenant's first ``limit`` users by username (for operators)."""
    query = select(User).where(User.tenant == tenant).order_by(func.lower(User.username))
    return list((await session.scalars(query.limit(limit))).all())
