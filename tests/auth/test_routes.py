"""Login, the failed-login throttle, refresh-token rotation and logout, on every database."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from petstore.core.settings import Settings
from tests.support.accounts import PASSWORD, Account, AccountFactory, bearer, login, sign_up
from tests.support.apps import make_client, running_app
from tests.support.pets import PET
from tests.support.problems import assert_problem
from tests.support.settings import fast_settings

RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
LOGIN_PATHS = ["/v1/auth/tokens", "/v1/login"]
THROTTLE = 3


async def me_status(client: httpx.AsyncClient, token: str) -> int:
    return (await client.get("/v1/users/me", headers=bearer(token))).status_code


async def refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await client.post("/v1/auth/tokens/refresh", json={"refreshToken": refresh_token})


# --- login --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", LOGIN_PATHS)
async def test_login_answers_200_with_a_token_pair(
    client: httpx.AsyncClient, user: Account, path: str
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    response = await login(client, user.username, PASSWORD, path)
    after = datetime.now(UTC)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["tokenType"] == "Bearer"
    assert body["token"].count(".") == 2
    assert isinstance(body["refreshToken"], str)
    assert len(body["refreshToken"]) >= 32
    assert RFC3339_Z.match(body["expiresAt"]), body["expiresAt"]
    expires_at = datetime.strptime(body["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before + timedelta(seconds=3599) <= expires_at <= after + timedelta(seconds=3600)
    assert 3590 <= body["expiresIn"] <= 3600
    assert body["user"]["id"] == user.id
    assert body["user"]["username"] == user.username
    assert body["user"]["role"] == "USER"
    assert set(body["scope"].split()) == {
        "read:pets",
        "read:orders",
        "write:orders",
        "read:user",
        "write:user",
        "chat:write",
    }
    assert PASSWORD not in response.text
    assert await me_status(client, body["token"]) == 200


async def test_login_username_is_case_insensitive(client: httpx.AsyncClient, user: Account) -> None:
    response = await login(client, user.username.upper(), PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["user"]["id"] == user.id


async def test_wrong_password_and_unknown_user_look_the_same(
    client: httpx.AsyncClient, user: Account
) -> None:
    wrong = await login(client, user.username, PASSWORD + "!")
    unknown = await login(client, f"nobody{uuid.uuid4().hex[:8]}", PASSWORD)
    first = assert_problem(wrong, 401, "unauthorized")
    second = assert_problem(unknown, 401, "unauthorized")
    assert first["detail"] == second["detail"]
    assert first["title"] == second["title"]
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]
    assert "token" not in first
    assert "refreshToken" not in first


async def test_login_validation_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/tokens", json={"username": "someone"})
    body = assert_problem(response, 422, "validation-error")
    assert "password" in [e["field"] for e in body["errors"]]


async def test_scope_subset_is_granted_and_excess_is_400(
    client: httpx.AsyncClient, user: Account, staff: Account
) -> None:
    narrowed = await login(client, user.username, PASSWORD, scope="read:pets read:user")
    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["scope"] == "read:pets read:user"
    for scope in ("write:pets", "read:pets write:pets", "admin", "read:user bogus:scope"):
        excess = await login(client, user.username, PASSWORD, scope=scope)
        assert_problem(excess, 400, "invalid-scope")
    staff_login = await login(client, staff.username, PASSWORD, scope="write:pets")
    assert staff_login.status_code == 200, staff_login.text
    assert staff_login.json()["scope"] == "write:pets"


# --- failed-login throttle ----------------------------------------------------------------


@pytest.fixture
async def throttled_app(database_url: str) -> AsyncIterator[FastAPI]:
    # A window far longer than the test, so no window boundary can fall inside it.
    settings = fast_settings(
        database_url,
        login_failures_per_username_and_ip=THROTTLE,
        login_failure_window_seconds=1_000_000,
    )
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def throttled(throttled_app: FastAPI, tenant: str) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(throttled_app, tenant) as c:
        yield c


async def test_failed_logins_lock_the_username_even_for_the_right_password(
    throttled: httpx.AsyncClient,
) -> None:
    username = await sign_up(throttled)
    bystander = await sign_up(throttled)
    # Failures count against the username whatever its case.
    for name in (username, username.upper(), username.capitalize()):
        assert_problem(await login(throttled, name, "wrong password"), 401, "unauthorized")
    locked = await login(throttled, username, PASSWORD)
    body = assert_problem(locked, 429, "rate-limit-exceeded")
    assert "token" not in body
    retry_after = int(locked.headers["retry-after"])
    assert 1 <= retry_after <= 1_000_000
    assert locked.headers["ratelimit-remaining"] == "0"
    assert_problem(
        await login(throttled, username, PASSWORD, "/v1/login"), 429, "rate-limit-exceeded"
    )
    # The budget is the username's, not everyone's.
    assert (await login(throttled, bystander, PASSWORD)).status_code == 200


async def test_unknown_usernames_are_throttled_too(throttled: httpx.AsyncClient) -> None:
    ghost = f"ghost{uuid.uuid4().hex[:8]}"
    for _ in range(THROTTLE):
        assert_problem(await login(throttled, ghost, "guess"), 401, "unauthorized")
    assert_problem(await login(throttled, ghost, "guess"), 429, "rate-limit-exceeded")


async def test_successful_logins_are_never_counted(throttled: httpx.AsyncClient) -> None:
    username = await sign_up(throttled)
    for _ in range(THROTTLE - 1):
        assert (await login(throttled, username, "wrong password")).status_code == 401
    for i in range(THROTTLE * 4):
        response = await login(throttled, username, PASSWORD)
        assert response.status_code == 200, (i, response.text)
    # Had the successes counted, the budget would be long gone; one failure is still allowed.
    assert (await login(throttled, username, "wrong password")).status_code == 401
    assert (await login(throttled, username, PASSWORD)).status_code == 429


async def test_throttle_is_per_tenant(throttled_app: FastAPI, throttled: httpx.AsyncClient) -> None:
    username = await sign_up(throttled)
    for _ in range(THROTTLE):
        await login(throttled, username, "wrong password")
    assert (await login(throttled, username, PASSWORD)).status_code == 429
    async with make_client(throttled_app, str(uuid.uuid4())) as other:
        await other.post(
            "/v1/users",
            json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
        )
        assert (await login(other, username, PASSWORD)).status_code == 200


STRANGER_IP, OWNER_IP = "203.0.113.7", "198.51.100.9"


@pytest.fixture
async def default_throttle_app(database_url: str) -> AsyncIterator[FastAPI]:
    """The failed-login budgets at their defaults (5 per username and address, 20 per
    address, 100 per username), in a window far longer than the test."""
    defaults = Settings.model_fields
    settings = fast_settings(
        database_url,
        login_failures_per_ip=defaults["login_failures_per_ip"].default,
        login_failure_window_seconds=1_000_000,
    )
    assert settings.login_failures_per_username_and_ip == 5
    assert settings.login_failures_per_ip == 20
    assert settings.login_failures_per_username == 100
    async with running_app(settings) as application:
        yield application


async def test_a_strangers_failures_lock_out_the_stranger_not_the_owner(
    default_throttle_app: FastAPI, tenant: str
) -> None:
    async with (
        make_client(default_throttle_app, tenant, client_ip=STRANGER_IP) as stranger,
        make_client(default_throttle_app, tenant, client_ip=OWNER_IP) as owner,
    ):
        username = await sign_up(owner)
        for _ in range(5):
            assert_problem(await login(stranger, username, "wrong password"), 401, "unauthorized")
        # The stranger's address is locked out of this account, even with the right password...
        assert_problem(await login(stranger, username, PASSWORD), 429, "rate-limit-exceeded")
        assert_problem(await login(stranger, username.upper(), "guess"), 429, "rate-limit-exceeded")
        # ...but the owner, from elsewhere, signs in (and may still mistype).
        assert (await login(owner, username, PASSWORD)).status_code == 200
        assert (await login(owner, username, "typo")).status_code == 401
        assert (await login(owner, username, PASSWORD)).status_code == 200


async def test_the_per_address_budget_still_holds_across_usernames(
    default_throttle_app: FastAPI, tenant: str
) -> None:
    async with (
        make_client(default_throttle_app, tenant, client_ip=STRANGER_IP) as stranger,
        make_client(default_throttle_app, tenant, client_ip=OWNER_IP) as owner,
    ):
        username = await sign_up(owner)
        for i in range(20):  # 20 accounts, one guess each: no (username, address) budget is spent
            ghost = f"ghost{i}{uuid.uuid4().hex[:8]}"
            assert_problem(await login(stranger, ghost, "guess"), 401, "unauthorized")
        assert_problem(await login(stranger, username, PASSWORD), 429, "rate-limit-exceeded")
        assert (await login(owner, username, PASSWORD)).status_code == 200


async def test_guessing_one_account_from_many_addresses_meets_the_username_budget(
    database_url: str, tenant: str
) -> None:
    settings = fast_settings(
        database_url,
        login_failures_per_username_and_ip=THROTTLE,
        login_failures_per_username=2 * THROTTLE,
        login_failure_window_seconds=1_000_000,
    )
    async with running_app(settings) as application:
        async with make_client(application, tenant) as c:
            username = await sign_up(c)
        for address in ("192.0.2.1", "192.0.2.2"):
            async with make_client(application, tenant, client_ip=address) as guesser:
                for _ in range(THROTTLE):
                    assert (await login(guesser, username, "guess")).status_code == 401
        async with make_client(application, tenant, client_ip="192.0.2.3") as third:
            assert_problem(await login(third, username, PASSWORD), 429, "rate-limit-exceeded")


# --- refresh ------------------------------------------------------------------------------


async def test_refresh_rotates_the_pair(client: httpx.AsyncClient, user: Account) -> None:
    response = await refresh(client, user.refresh_token)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["tokenType"] == "Bearer"
    assert body["token"] != user.token
    assert body["refreshToken"] != user.refresh_token
    assert body["user"]["id"] == user.id
    assert RFC3339_Z.match(body["expiresAt"])
    assert await me_status(client, body["token"]) == 200
    # The new refresh token works once in turn.
    again = await refresh(client, body["refreshToken"])
    assert again.status_code == 200, again.text


async def test_refresh_keeps_the_granted_scopes(
    client: httpx.AsyncClient, make_account: AccountFactory
) -> None:
    narrow = await make_account(scope="read:pets")
    response = await refresh(client, narrow.refresh_token)
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "read:pets"
    assert await me_status(client, response.json()["token"]) == 403


async def test_a_scope_refusal_says_how_to_get_the_scope(
    client: httpx.AsyncClient, user: Account, make_account: AccountFactory
) -> None:
    staff_only = await client.post("/v1/pets", json=PET, headers=user.auth)
    detail = assert_problem(staff_only, 403, "forbidden")["detail"]
    assert "needs the scope(s): write:pets" in detail
    assert "STAFF role" in detail
    assert "petstore user promote" in detail

    narrow = await make_account(scope="read:pets")
    narrowed = await client.get("/v1/users/me", headers=narrow.auth)
    detail = assert_problem(narrowed, 403, "forbidden")["detail"]
    assert "needs the scope(s): read:user" in detail
    assert "issued without it; sign in again" in detail
    assert "promote" not in detail


async def test_reusing_a_refresh_token_revokes_its_whole_family(
    client: httpx.AsyncClient, user: Account
) -> None:
    rotated = await refresh(client, user.refresh_token)
    assert rotated.status_code == 200, rotated.text
    newest = rotated.json()["refreshToken"]
    reused = await refresh(client, user.refresh_token)
    assert_problem(reused, 401, "unauthorized")
    # The reuse means the token was stolen: the thief's (or owner's) newest token dies too.
    after_theft = await refresh(client, newest)
    assert_problem(after_theft, 401, "unauthorized")


async def test_reusing_a_refresh_token_revokes_the_familys_access_tokens_at_once(
    client: httpx.AsyncClient, user: Account
) -> None:
    """The access tokens of a stolen family die with it, not an hour later at their expiry."""
    rotated = await refresh(client, user.refresh_token)
    assert rotated.status_code == 200, rotated.text
    second_access = rotated.json()["token"]
    assert await me_status(client, user.token) == 200
    assert await me_status(client, second_access) == 200
    other = await login(client, user.username, PASSWORD)  # another family of the same user
    assert other.status_code == 200, other.text
    assert_problem(await refresh(client, user.refresh_token), 401, "unauthorized")
    assert await me_status(client, user.token) == 401
    assert await me_status(client, second_access) == 401
    assert await me_status(client, other.json()["token"]) == 200


async def test_refresh_rejects_garbage_and_other_tenants(
    app: FastAPI, client: httpx.AsyncClient, user: Account
) -> None:
    assert_problem(await refresh(client, "not-a-refresh-token"), 401, "unauthorized")
    assert_problem(await refresh(client, secrets.token_urlsafe(32)), 401, "unauthorized")
    async with make_client(app, str(uuid.uuid4())) as other:
        assert_problem(await refresh(other, user.refresh_token), 401, "unauthorized")
    # Refused elsewhere, it still works in its own tenant (nothing was consumed).
    assert (await refresh(client, user.refresh_token)).status_code == 200


# --- logout -------------------------------------------------------------------------------


async def test_logout_revokes_the_access_and_refresh_tokens(
    client: httpx.AsyncClient, user: Account
) -> None:
    response = await client.post("/v1/logout", headers=user.auth)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert await me_status(client, user.token) == 401
    assert_problem(await refresh(client, user.refresh_token), 401, "unauthorized")
    # Logging out again with the revoked token is itself refused.
    assert (await client.post("/v1/logout", headers=user.auth)).status_code == 401
    # The account itself is fine: a new login works.
    assert (await login(client, user.username, PASSWORD)).status_code == 200


async def test_logout_leaves_other_sessions_alone(client: httpx.AsyncClient, user: Account) -> None:
    second = (await login(client, user.username, PASSWORD)).json()
    assert (await client.post("/v1/logout", headers=user.auth)).status_code == 204
    assert await me_status(client, second["token"]) == 200
    assert (await refresh(client, second["refreshToken"])).status_code == 200


async def test_logout_with_a_refresh_token_in_the_body(
    client: httpx.AsyncClient, user: Account
) -> None:
    rotated = (await refresh(client, user.refresh_token)).json()
    response = await client.post(
        "/v1/logout",
        json={"refreshToken": rotated["refreshToken"]},
        headers=bearer(rotated["token"]),
    )
    assert response.status_code == 204, response.text
    assert await me_status(client, rotated["token"]) == 401
    assert_problem(await refresh(client, rotated["refreshToken"]), 401, "unauthorized")


async def test_logout_needs_a_token(client: httpx.AsyncClient) -> None:
    assert_problem(await client.post("/v1/logout"), 401, "unauthorized")


async def test_deleting_an_account_revokes_every_token_it_holds(
    client: httpx.AsyncClient, user: Account
) -> None:
    """Revocation in bulk still reaches every login's access token (and the refresh tokens)."""
    logins = [(await login(client, user.username, PASSWORD)).json() for _ in range(3)]
    deleted = await client.delete(f"/v1/users/{user.id}", headers=user.auth)
    assert deleted.status_code == 204
    for tokens in [{"token": user.token, "refreshToken": user.refresh_token}, *logins]:
        assert_problem(
            await client.get("/v1/users/me", headers=bearer(tokens["token"])), 401, "unauthorized"
        )
        assert_problem(await refresh(client, tokens["refreshToken"]), 401, "unauthorized")
