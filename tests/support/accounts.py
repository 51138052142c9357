"""Users of the API as tests make them: sign up, log in, and the bearer headers that follow.

One ``login`` serves every test: in-process (``httpx.AsyncClient`` on the ASGI app) and against
a server process (``httpx.Client`` or ``httpx.AsyncClient`` over TCP). It returns the raw
answer, because the login tests assert on refusals; ``auth_of`` turns a successful one into
headers."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, overload

import httpx
from fastapi import FastAPI

from petstore.auth.principal import Principal
from petstore.auth.scopes import ROLE_SCOPES, Role
from petstore.container import container_of
from petstore.users import service as users_service
from petstore.users.models import User
from petstore.users.schemas import UserCreate
from tests.support.apps import make_client

PASSWORD = "correct horse battery"
TOKENS_PATH = "/v1/auth/tokens"


def new_username() -> str:
    """A username no other test uses: tests share one database (isolated by tenant)."""
    return f"u{uuid.uuid4().hex[:12]}"


def new_user(**fields: Any) -> dict[str, Any]:
    """A ``POST /v1/users`` body for a fresh username with ``PASSWORD``; ``fields`` override."""
    username = new_username()
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password": PASSWORD,
        **fields,
    }


def bearer(token: str) -> dict[str, str]:
    """The ``Authorization`` header that presents ``token``."""
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Account:
    """A logged-in user: who it is, its password, and the token pair it was given."""

    id: str
    username: str
    password: str
    token: str
    refresh_token: str

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)

    @classmethod
    def logged_in(cls, response: httpx.Response, username: str, password: str) -> Account:
        """The account a successful login answer describes (asserted to be one)."""
        assert response.status_code == 200, response.text
        tokens = response.json()
        return cls(
            id=tokens["user"]["id"],
            username=username,
            password=password,
            token=tokens["token"],
            refresh_token=tokens["refreshToken"],
        )


AccountFactory = Callable[..., Awaitable[Account]]


def principal_of(account: Account, tenant: str, role: Role = Role.USER) -> Principal:
    """Who ``account`` is to a service called directly (tests of transactions do that)."""
    return Principal(
        user_id=uuid.UUID(account.id),
        username=account.username,
        role=role,
        scopes=ROLE_SCOPES[role],
        tenant=tenant,
    )


@overload
def login(
    client: httpx.AsyncClient,
    username: str,
    password: str = PASSWORD,
    path: str = TOKENS_PATH,
    **extra: Any,
) -> Coroutine[Any, Any, httpx.Response]: ...


@overload
def login(
    client: httpx.Client,
    username: str,
    password: str = PASSWORD,
    path: str = TOKENS_PATH,
    **extra: Any,
) -> httpx.Response: ...


def login(
    client: httpx.Client | httpx.AsyncClient,
    username: str,
    password: str = PASSWORD,
    path: str = TOKENS_PATH,
    **extra: Any,
) -> httpx.Response | Coroutine[Any, Any, httpx.Response]:
    """Post credentials (and ``extra`` fields such as ``scope``) to a login path; the answer,
    whatever it is (awaitable for an async client). Not asserted: refusals are tested too."""
    return client.post(path, json={"username": username, "password": password, **extra})


def auth_of(response: httpx.Response) -> dict[str, str]:
    """The bearer headers of a login answer, which must be a success."""
    assert response.status_code == 200, response.text
    return bearer(response.json()["token"])


async def sign_up(client: httpx.AsyncClient, **fields: Any) -> str:
    """Sign a fresh user up through the API (asserted to succeed); its username."""
    body = new_user(**fields)
    response = await client.post("/v1/users", json=body)
    assert response.status_code == 201, response.text
    return str(body["username"])


async def sign_up_and_login(client: httpx.AsyncClient) -> Account:
    """A fresh user, signed up and logged in through the API."""
    username = await sign_up(client)
    return Account.logged_in(await login(client, username), username, PASSWORD)


def sign_up_and_login_blocking(signup: httpx.Client, login_on: httpx.Client) -> Account:
    """``sign_up_and_login`` for blocking clients, signing up on one server process and logging
    in on another (``login_on``): what scale-out tests need to see both share the users."""
    body = new_user()
    created = signup.post("/v1/users", json=body)
    assert created.status_code == 201, created.text
    username = str(body["username"])
    return Account.logged_in(login(login_on, username), username, PASSWORD)


async def sign_up_directly(
    app: FastAPI, tenant: str, username: str, role: Role = Role.USER
) -> User:
    """Create a user through the service, as the CLI does: the only way to a staff account (the
    API signs up plain users), and one that no request counts against a rate limit."""
    data = UserCreate(username=username, email=f"{username}@example.com", password=PASSWORD)
    async with container_of(app).sessionmaker() as session:
        user = await users_service.sign_up(
            session, container_of(app).passwords, tenant, data, role=role
        )
        await session.commit()
    return user


async def account_in(app: FastAPI, tenant: str, *, staff: bool = False) -> Account:
    """A logged-in account in ``tenant`` (any tenant, not just the test's)."""
    username = new_username()
    await sign_up_directly(app, tenant, username, Role.STAFF if staff else Role.USER)
    async with make_client(app, tenant) as client:
        response = await login(client, username)
    return Account.logged_in(response, username, PASSWORD)
