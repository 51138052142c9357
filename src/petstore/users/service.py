"""User rules: unique usernames and emails per tenant, self-or-staff access, hashed passwords
that pass the password policy (:mod:`petstore.auth.password_policy`) whoever sets them.

A user who may not see a record gets the same 404 as for a record that does not exist, so ids
cannot be probed. Sandbox mode (the public demo, whose third-party test suites expect it) answers
403 instead, since a demo's ids hide nothing, and a taken username or email as invalid input
(422) rather than a conflict (409).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.password_policy import check_new_password
from petstore.auth.passwords import Passwords
from petstore.auth.principal import Principal
from petstore.auth.scopes import Role
from petstore.auth.service import revoke_everything_of
from petstore.core.errors import (
    DomainError,
    FieldError,
    InvalidInput,
    conflict,
    forbidden,
    not_found,
)
from petstore.core.ids import new_id, utcnow
from petstore.users import repository
from petstore.users.models import User
from petstore.users.schemas import UserCreate, UserUpdate


async def _ensure_available(
    session: AsyncSession,
    tenant: str,
    username: str | None,
    email: str | None,
    exclude: uuid.UUID | None = None,
    *,
    sandbox: bool = False,
) -> None:
    taken = await repository.find_taken(session, tenant, username, email, exclude)
    if taken is None:
        return
    if username is not None and taken.username.lower() == username.lower():
        raise _taken("username", f"The username '{username}' is already taken.", sandbox)
    raise _taken("email", "That email address is already registered.", sandbox)


def _taken(field: str | None, detail: str, sandbox: bool) -> DomainError:
    if not sandbox:
        return conflict(detail, field=field) if field else conflict(detail)
    errors: list[FieldError] = [{"field": field or "username", "message": detail, "code": "taken"}]
    return InvalidInput(detail, errors=errors)


async def sign_up(
    session: AsyncSession,
    passwords: Passwords,
    tenant: str,
    data: UserCreate,
    role: Role = Role.USER,
    *,
    sandbox: bool = False,
) -> User:
    """A new account; ``sandbox`` (the server's mode: sign-up has no caller to carry it)
    reports a taken name as the demo does."""
    check_new_password(data.password, username=data.username, email=data.email)
    await _ensure_available(session, tenant, data.username, data.email, sandbox=sandbox)
    now = utcnow()
    prefs = data.preferences
    user = User(
        id=new_id(),
        tenant=tenant,
        username=data.username,
        email=data.email,
        first_name=data.firstName,
        last_name=data.lastName,
        phone=data.phone,
        password_hash=await passwords.hash(data.password),
        role=role.value,
        newsletter=prefs.newsletter if prefs else False,
        notifications=prefs.notifications if prefs else False,
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            await repository.add(session, user)
    except IntegrityError as exc:
        # Lost a race with a simultaneous sign-up for the same name.
        detail = f"The username '{data.username}' or its email is already taken."
        raise _taken(None, detail, sandbox) from exc
    return user


async def visible_user(
    session: AsyncSession, actor: Principal, tenant: str, user_id: uuid.UUID
) -> User:
    allowed = actor.can_see_user(user_id)
    user = await repository.get(session, tenant, user_id) if allowed or actor.sandbox else None
    if user is None:
        raise not_found("user", user_id)
    if not allowed:
        raise forbidden("Only your own account, or staff, may use another user's record.")
    return user


async def users_by_ids(
    session: AsyncSession, tenant: str, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, User]:
    """Many users of the tenant at once, by id (for doors that batch lookups: DataLoaders);
    who may see which is the caller's :meth:`Principal.can_see_user`."""
    return {user.id: user for user in await repository.get_many(session, tenant, user_ids)}


async def update_user(
    session: AsyncSession,
    passwords: Passwords,
    user: User,
    data: UserUpdate,
    *,
    sandbox: bool = False,
) -> User:
    fields = data.model_fields_set
    nulled = [
        f for f in ("username", "email", "password") if f in fields and getattr(data, f) is None
    ]
    if nulled:
        raise InvalidInput("These fields cannot be null.", errors=[_null_error(f) for f in nulled])
    if data.password is not None:  # judged against the account as it will be
        check_new_password(
            data.password, username=data.username or user.username, email=data.email or user.email
        )
    await _ensure_available(
        session, user.tenant, data.username, data.email, exclude=user.id, sandbox=sandbox
    )
    if data.username is not None:
        user.username = data.username
    if data.email is not None:
        user.email = data.email
    if data.firstName is not None:
        user.first_name = data.firstName
    if data.lastName is not None:
        user.last_name = data.lastName
    if "phone" in fields:
        user.phone = data.phone
    if data.preferences is not None:
        user.newsletter = data.preferences.newsletter
        user.notifications = data.preferences.notifications
    if data.password is not None:
        user.password_hash = await passwords.hash(data.password)
    user.updated_at = utcnow()
    await repository.save(session, user)
    return user


def _null_error(field: str) -> FieldError:
    return {"field": field, "message": "may not be null", "code": "null_not_allowed"}


async def delete_user(session: AsyncSession, user: User) -> None:
    """Delete the account and refuse every token it still holds."""
    await revoke_everything_of(session, user.id)
    await repository.remove(session, user)


async def find_by_username(session: AsyncSession, tenant: str, username: str) -> User | None:
    """The account with this login name in ``tenant`` (case-insensitive), for operators."""
    return await repository.get_by_username(session, tenant, username)


async def users_in_tenant(session: AsyncSession, tenant: str, limit: int) -> list[User]:
    """The tenant's users by username, for operators (the API has no user listing)."""
    return await repository.in_tenant(session, tenant, limit)


async def set_role(session: AsyncSession, user: User, role: Role) -> bool:
    """Give ``user`` the role; False when it already had it. Tokens carry the role, so those
    issued before a change are refused from now on: the user signs in again."""
    if user.role == role.value:
        return False
    user.role = role.value
    user.updated_at = utcnow()
    await repository.save(session, user)
    await revoke_everything_of(session, user.id)
    return True


async def reset_password(
    session: AsyncSession, passwords: Passwords, user: User, password: str
) -> None:
    """Set a new password chosen by an operator (the policy applies as to anyone) and refuse
    every token the account holds: whoever had it signed in must sign in again."""
    check_new_password(password, username=user.username, email=user.email)
    user.password_hash = await passwords.hash(password)
    user.updated_at = utcnow()
    await repository.save(session, user)
    await revoke_everything_of(session, user.id)
