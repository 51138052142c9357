"""``petstore user ...`` and ``petstore seed --reset``: each command runs as a process on the
test database, and its effect is checked through the API (or the Redis counters the servers
share), so a command that printed success without doing it fails here."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from petstore.auth.service import LoginThrottle
from petstore.core.problems import Problem
from petstore.core.ratelimit import RedisRateLimitStore
from petstore.core.redis import create_redis
from petstore.pets.schemas import PetStatus
from tests.support.accounts import PASSWORD, Account, login, sign_up, sign_up_and_login
from tests.support.databases import redis_database
from tests.support.pets import PET
from tests.support.servers import cli_failure, cli_output, run_cli, server_env
from tests.support.settings import fast_settings, needs_redis

NEW_PASSWORD = "a brand new passphrase"
REDIS_DB = 5  # keys here are per test tenant; nothing flushes it


async def pet_ids(client: httpx.AsyncClient) -> set[str]:
    """Every pet of the client's tenant, whatever its status (a listing shows one status)."""
    ids: set[str] = set()
    for status in PetStatus:
        page = await client.get("/v1/pets", params={"status": status.value, "limit": 100})
        ids |= {pet["id"] for pet in page.json()["data"]}
    return ids


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return server_env(database_url, PETSTORE_MEDIA_DIR=str(tmp_path / "media"))


async def test_list_and_show_name_the_tenants_accounts(
    client: httpx.AsyncClient, cli_env: dict[str, str], tenant: str
) -> None:
    first, second = await sign_up(client), await sign_up(client)
    listing = cli_output(run_cli(cli_env, "user", "list", "--tenant", tenant))
    rows = {line.split("\t")[0]: line.split("\t") for line in listing.splitlines()}
    assert set(rows) == {first, second}
    assert rows[first][1:3] == ["USER", f"{first}@example.com"]

    shown = cli_output(run_cli(cli_env, "user", "show", first.upper(), "--tenant", tenant))
    assert f"username: {first}" in shown
    assert f"id: {rows[first][3]}" in shown
    assert (
        cli_output(run_cli(cli_env, "user", "list")).count(first) == 0
    )  # other tenants stay apart


async def test_promote_makes_staff_and_signs_the_account_out(
    client: httpx.AsyncClient, cli_env: dict[str, str], tenant: str
) -> None:
    account = await sign_up_and_login(client)
    assert (await client.get("/v1/users/me", headers=account.auth)).status_code == 200

    said = cli_output(run_cli(cli_env, "user", "promote", account.username, "--tenant", tenant))
    assert "is now STAFF" in said
    assert (await client.get("/v1/users/me", headers=account.auth)).status_code == 401
    staff = Account.logged_in(await login(client, account.username), account.username, PASSWORD)
    assert (await client.post("/v1/pets", json=PET, headers=staff.auth)).status_code == 201
    again = cli_output(run_cli(cli_env, "user", "promote", account.username, "--tenant", tenant))
    assert "already STAFF" in again

    cli_output(run_cli(cli_env, "user", "demote", account.username, "--tenant", tenant))
    user = Account.logged_in(await login(client, account.username), account.username, PASSWORD)
    assert (await client.post("/v1/pets", json=PET, headers=user.auth)).status_code == 403


async def test_reset_password_applies_the_policy_and_the_new_password(
    client: httpx.AsyncClient, cli_env: dict[str, str], tenant: str
) -> None:
    account = await sign_up_and_login(client)
    command = ("user", "reset-password", account.username, "--tenant", tenant, "--password-stdin")

    weak = cli_failure(run_cli(cli_env, *command, stdin="password\n"))
    assert "password" in weak
    assert (await login(client, account.username)).status_code == 200

    cli_output(run_cli(cli_env, *command, stdin=f"{NEW_PASSWORD}\n"))
    assert (await client.get("/v1/users/me", headers=account.auth)).status_code == 401
    assert (await login(client, account.username)).status_code == 401
    assert (await login(client, account.username, NEW_PASSWORD)).status_code == 200


async def test_delete_asks_unless_told_yes(
    client: httpx.AsyncClient, cli_env: dict[str, str], tenant: str
) -> None:
    username = await sign_up(client)
    refused = run_cli(cli_env, "user", "delete", username, "--tenant", tenant, stdin="n\n")
    assert refused.returncode == 1
    assert (await login(client, username)).status_code == 200

    cli_output(run_cli(cli_env, "user", "delete", username, "--tenant", tenant, "--yes"))
    assert (await login(client, username)).status_code == 401
    gone = cli_failure(run_cli(cli_env, "user", "show", username, "--tenant", tenant))
    assert f"no user {username!r}" in gone
    assert "petstore user list" in gone


def test_unlock_without_redis_explains_why_it_cannot(cli_env: dict[str, str]) -> None:
    line = cli_failure(run_cli(cli_env, "user", "unlock", "anyone"))
    assert "PETSTORE_REDIS_URL" in line


@needs_redis
async def test_unlock_clears_the_accounts_failed_logins_in_redis(
    client: httpx.AsyncClient, database_url: str, cli_env: dict[str, str], tenant: str
) -> None:
    username = await sign_up(client)
    url = redis_database(REDIS_DB)
    settings = fast_settings(database_url, redis_url=SecretStr(url))
    store = RedisRateLimitStore(create_redis(settings))
    throttle = LoginThrottle(store, settings)
    try:
        for _ in range(settings.login_failures_per_username_and_ip):
            await throttle.failed(tenant, username, "203.0.113.7")
        with pytest.raises(Problem) as locked:
            await throttle.check(tenant, username, "203.0.113.7")
        assert locked.value.status == 429

        env = {**cli_env, "PETSTORE_REDIS_URL": url}
        said = cli_output(run_cli(env, "user", "unlock", username.upper(), "--tenant", tenant))
        assert "2 failed-login counter(s) cleared" in said
        await throttle.check(tenant, username, "203.0.113.7")  # no longer refused
    finally:
        await store.aclose()


async def test_seed_reset_replaces_the_tenants_catalog(
    client: httpx.AsyncClient, cli_env: dict[str, str], tenant: str
) -> None:
    cli_output(run_cli(cli_env, "seed", "--pets", "3", "--tenant", tenant))
    again = cli_output(run_cli(cli_env, "seed", "--pets", "3", "--tenant", tenant))
    assert "already has 3 pets" in again
    first_ids = await pet_ids(client)
    assert len(first_ids) == 3

    asked = run_cli(cli_env, "seed", "--reset", "--pets", "2", "--tenant", tenant, stdin="n\n")
    assert asked.returncode == 1
    said = cli_output(
        run_cli(cli_env, "seed", "--reset", "--yes", "--pets", "2", "--tenant", tenant)
    )
    assert "deleted 3 pets and 0 orders" in said
    pets = await pet_ids(client)
    assert len(pets) == 2
    assert not first_ids & pets
