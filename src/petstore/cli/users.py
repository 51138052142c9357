"""``petstore user ...``: the operator's account commands (the API lets nobody make staff, list
every account or lift a lockout)."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.passwords import Passwords
from petstore.auth.scopes import Role
from petstore.cli.common import TenantOption, operator_session, tenant_name
from petstore.cli.errors import OperatorError
from petstore.core.settings import Settings
from petstore.core.tenancy import SHARED_POOL
from petstore.users import service
from petstore.users.models import User
from petstore.users.schemas import UserCreate

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)

Username = Annotated[str, typer.Argument(help="The login name (case-insensitive).")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
LIST_LIMIT = 1000


def _read_password(from_stdin: bool) -> str:
    return sys.stdin.readline().rstrip("\n") if from_stdin else getpass.getpass("New password: ")


async def _the_user(session: AsyncSession, tenant: str, username: str) -> User:
    user = await service.find_by_username(session, tenant, username)
    if user is None:
        raise OperatorError(
            f"no user {username!r} in {tenant_name(tenant)} (see `petstore user list`)"
        )
    return user


@app.command("create")
def create(
    username: Annotated[str, typer.Option(prompt=True, help="Login name.")],
    email: Annotated[str, typer.Option(prompt=True, help="Email address.")],
    staff: Annotated[bool, typer.Option("--staff", help="Give the STAFF role.")] = False,
    tenant: TenantOption = SHARED_POOL,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user account (the only way to create staff)."""
    password = _read_password(password_stdin)
    try:
        data = UserCreate(username=username, email=email, password=password)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise OperatorError(f"invalid {first['loc'][0]}: {first['msg']}") from None
    settings = Settings()
    role = Role.STAFF if staff else Role.USER

    async def run() -> User:
        async with operator_session(settings) as session:
            user = await service.sign_up(session, Passwords(settings), tenant, data, role)
            await session.commit()
            return user

    user = asyncio.run(run())
    typer.echo(f"created {role.value} {user.username} ({user.id})")


@app.command("list")
def list_users(tenant: TenantOption = SHARED_POOL) -> None:
    """List the accounts of a tenant: username, role, email, id."""
    settings = Settings()

    async def run() -> list[User]:
        async with operator_session(settings) as session:
            return await service.users_in_tenant(session, tenant, LIST_LIMIT)

    for user in asyncio.run(run()):
        typer.echo(f"{user.username}\t{user.role}\t{user.email}\t{user.id}")


@app.command("show")
def show(username: Username, tenant: TenantOption = SHARED_POOL) -> None:
    """Show one account."""
    settings = Settings()

    async def run() -> User:
        async with operator_session(settings) as session:
            return await _the_user(session, tenant, username)

    user = asyncio.run(run())
    for label, value in (
        ("id", user.id),
        ("username", user.username),
        ("email", user.email),
        ("role", user.role),
        ("name", f"{user.first_name or ''} {user.last_name or ''}".strip() or "-"),
        ("created", user.created_at.isoformat()),
    ):
        typer.echo(f"{label}: {value}")


def _change_role(username: str, tenant: str, role: Role) -> None:
    settings = Settings()

    async def run() -> bool:
        async with operator_session(settings) as session:
            user = await _the_user(session, tenant, username)
            changed = await service.set_role(session, user, role)
            await session.commit()
            return changed

    if asyncio.run(run()):
        typer.echo(f"{username} is now {role.value}; their tokens were revoked (sign in again)")
    else:
        typer.echo(f"{username} was already {role.value}")


@app.command("promote")
def promote(username: Username, tenant: TenantOption = SHARED_POOL) -> None:
    """Make the account staff (pets, inventory, every order)."""
    _change_role(username, tenant, Role.STAFF)


@app.command("demote")
def demote(username: Username, tenant: TenantOption = SHARED_POOL) -> None:
    """Make a staff account an ordinary user again."""
    _change_role(username, tenant, Role.USER)


@app.command("reset-password")
def reset_password(
    username: Username, tenant: TenantOption = SHARED_POOL, password_stdin: PasswordStdin = False
) -> None:
    """Set a new password (the password policy applies) and sign the account out everywhere."""
    password = _read_password(password_stdin)
    settings = Settings()

    async def run() -> None:
        async with operator_session(settings) as session:
            user = await _the_user(session, tenant, username)
            await service.reset_password(session, Passwords(settings), user, password)
            await session.commit()

    asyncio.run(run())
    typer.echo(f"password of {username} reset; their tokens were revoked")


@app.command("unlock")
def unlock(username: Username, tenant: TenantOption = SHARED_POOL) -> None:
    """Lift a lockout after failed logins (the budgets live in Redis, shared by the servers)."""
    from petstore.auth.service import LoginThrottle
    from petstore.core.ratelimit import RedisRateLimitStore
    from petstore.core.redis import create_redis

    settings = Settings()
    if settings.redis_url is None:
        raise OperatorError(
            "without PETSTORE_REDIS_URL each server counts failed logins in its own memory, "
            f"out of this command's reach: the lockout ends within "
            f"{settings.login_failure_window_seconds} s, or when the server restarts"
        )

    async def run() -> int:
        async with operator_session(settings) as session:
            await _the_user(session, tenant, username)
        store = RedisRateLimitStore(create_redis(settings))
        try:
            return await LoginThrottle(store, settings).forgive(tenant, username)
        finally:
            await store.aclose()

    cleared = asyncio.run(run())
    typer.echo(f"{username} unlocked ({cleared} failed-login counter(s) cleared)")


@app.command("delete")
def delete(
    username: Username,
    tenant: TenantOption = SHARED_POOL,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False,
) -> None:
    """Delete an account with its tokens (their orders stay, as through the API)."""
    if not yes:
        typer.confirm(f"Delete {username} from {tenant_name(tenant)}?", abort=True)
    settings = Settings()

    async def run() -> None:
        async with operator_session(settings) as session:
            await service.delete_user(session, await _the_user(session, tenant, username))
            await session.commit()

    asyncio.run(run())
    typer.echo(f"deleted {username}")
