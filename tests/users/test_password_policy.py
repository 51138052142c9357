"""The password policy (NIST SP 800-63B) wherever a password is set: sign-up, a user changing
their own, staff setting someone's, the CLI and the demo account; and NFKC normalisation, so
that the same password typed in another Unicode form still signs in."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import update

from petstore.auth.password_policy import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    common_passwords,
    password_refusals,
)
from petstore.container import container_of
from petstore.migrations.runner import upgrade
from petstore.seed import DEMO_STAFF_PASSWORD, DEMO_STAFF_USERNAME
from petstore.users.models import User
from tests.support.accounts import PASSWORD, Account, AccountFactory, login, new_user
from tests.support.apps import make_client, running_app
from tests.support.problems import assert_problem
from tests.support.servers import petstore, server_env
from tests.support.settings import fast_settings

# (label, password, the codes of the rules it breaks); {u} is the username, {e} the email.
REFUSED: list[tuple[str, str, set[str]]] = [
    ("common", "password", {"password_common"}),
    ("common, another case", "PassWord", {"password_common"}),
    (
        "common, fullwidth letters",
        "\uff30\uff41\uff53\uff53\uff57\uff4f\uff52\uff44",
        {"password_common"},
    ),
    ("common, with digits", "iloveyou1", {"password_common"}),
    ("digits in a row", "12345678", {"password_sequence", "password_common"}),
    ("letters in a row", "abcdefgh", {"password_sequence"}),
    ("digits down", "87654321", {"password_sequence"}),
    ("letters down, upper case", "ZYXWVUTS", {"password_sequence"}),
    ("eight spaces", " " * 8, {"password_repeated_character"}),
    ("one letter repeated", "aaaaaaaaaaaa", {"password_repeated_character"}),
    ("one letter repeated, mixed case", "aAaAaAaAaA", {"password_repeated_character"}),
    ("the username", "{u}", {"password_contains_username"}),
    ("the username upper-cased", "{U}", {"password_contains_username"}),
    ("containing the username", "my {u} secret", {"password_contains_username"}),
    ("the email", "{e}", {"password_contains_email", "password_contains_username"}),
    ("the service name", "my petstore secret", {"password_contains_service_name"}),
    ("too short", "x7#kQ2!", {"password_too_short"}),
    ("too short once normalised", "e\u0301" * 4 + "ab", {"password_too_short"}),
    ("too long", "k" + "9mQ2vL#x" * 32, {"password_too_long"}),
    ("too long once normalised", "\ufdfa" * 15, {"password_too_long"}),
    ("a newline", "correct\nhorse battery", {"password_invalid_character"}),
    ("a control character", "correct\x07horse battery", {"password_invalid_character"}),
    ("a line separator", "correct\u2028horse battery", {"password_invalid_character"}),
    ("an unassigned code point", "correct\u0378horse battery", {"password_invalid_character"}),
]

ACCEPTED: list[tuple[str, str]] = [
    ("the tests' passphrase", PASSWORD),
    ("eight characters", "x7#kQ2!v"),
    ("the longest", "k" + "9mQ2vL#x" * 31 + "9mQ2vL#"),
    ("spaces around", "  leading and trailing  "),
    ("letters of other scripts", "pässwörd ünïcödé 日本語"),
    ("emoji", "🐶🐱🐭🐹🐰🦊🐻🐼"),
    ("an emoji joined with ZWJ", "our 👨‍👩‍👧 family secret"),
    ("a common password inside a longer one", "password is not my password"),
]


def _fill(template: str, body: dict[str, str]) -> str:
    return template.format(u=body["username"], U=body["username"].upper(), e=body["email"])


def _refused(response: httpx.Response, password: str, codes: set[str]) -> None:
    body = assert_problem(response, 422, "validation-error")
    assert {e["field"] for e in body["errors"]} == {"password"}
    assert {e["code"] for e in body["errors"]} == codes, body
    assert "refused" in body["detail"]
    if len(password) >= 12:  # a distinctive value: it must not come back, whole or in part
        assert password not in response.text


def test_the_shipped_blocklist_is_loaded_from_the_package() -> None:
    """Loaded once, from the data file beside the module (packaged with it)."""
    assert common_passwords() is common_passwords()
    assert len(common_passwords()) > 15_000
    assert {"password", "iloveyou", "qwertyuiop", "football"} <= common_passwords()
    # Shorter entries could never match: the length rule refuses them first.
    assert min(len(p) for p in common_passwords()) == MIN_PASSWORD_LENGTH
    assert MAX_PASSWORD_LENGTH >= 64  # 800-63B: permit at least 64


def test_an_unpaired_surrogate_is_refused_before_it_reaches_the_hasher() -> None:
    """JSON bodies cannot carry one (400, not JSON); the CLI's standard input could."""
    refusals = password_refusals("correct\ud800horse battery", username="alice", email="a@b.cd")
    assert [e["code"] for e in refusals] == ["password_invalid_character"]


@pytest.mark.parametrize(("label", "template", "codes"), REFUSED, ids=[c[0] for c in REFUSED])
async def test_sign_up_refuses_a_weak_password_saying_which_rule(
    client: httpx.AsyncClient, label: str, template: str, codes: set[str]
) -> None:
    body = new_user()
    body["password"] = _fill(template, body)
    response = await client.post("/v1/users", json=body)
    _refused(response, body["password"], codes)
    # Nothing was created: the same sign-up with a good password works.
    assert (await client.post("/v1/users", json={**body, "password": PASSWORD})).status_code == 201


@pytest.mark.parametrize(("label", "password"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
async def test_sign_up_accepts_any_printable_password_and_it_signs_in(
    client: httpx.AsyncClient, label: str, password: str
) -> None:
    body = new_user(password=password)
    assert (await client.post("/v1/users", json=body)).status_code == 201
    assert (await login(client, body["username"], password)).status_code == 200


async def test_a_password_change_is_held_to_the_policy(
    client: httpx.AsyncClient, user: Account
) -> None:
    path = f"/v1/users/{user.id}"
    for password, code in (("password1", "password_common"), (" " * 10, None)):
        response = await client.put(path, json={"password": password}, headers=user.auth)
        _refused(response, password, {code or "password_repeated_character"})
    assert (await login(client, user.username, PASSWORD)).status_code == 200


async def test_a_change_is_judged_against_the_new_username_and_email(
    client: httpx.AsyncClient, user: Account
) -> None:
    renamed = f"n{uuid.uuid4().hex[:10]}"
    change = {"username": renamed, "password": f"{renamed} forever"}
    response = await client.put(f"/v1/users/{user.id}", json=change, headers=user.auth)
    _refused(response, change["password"], {"password_contains_username"})
    email = {"email": f"{renamed}@example.org", "password": f"x {renamed}@example.org"}
    response = await client.put(f"/v1/users/{user.id}", json=email, headers=user.auth)
    _refused(response, email["password"], {"password_contains_email"})
    # Nothing half written: neither the name nor the address changed.
    assert (await client.get("/v1/users/me", headers=user.auth)).json()["username"] == user.username


async def test_staff_setting_a_users_password_is_held_to_the_policy(
    client: httpx.AsyncClient, staff: Account, make_account: AccountFactory
) -> None:
    bob = await make_account()
    weak = {"password": f"{bob.username}-reset"}
    response = await client.put(f"/v1/users/{bob.id}", json=weak, headers=staff.auth)
    _refused(response, weak["password"], {"password_contains_username"})
    assert (await login(client, bob.username, PASSWORD)).status_code == 200


# --- NFKC ---------------------------------------------------------------------------------

ANGSTROM_SIGN = "\u212b"  # NFKC: Å, U+00C5
COMPOSED = "\u00c5"
DECOMPOSED = "A\u030a"


async def test_a_password_signs_in_in_any_unicode_form(client: httpx.AsyncClient) -> None:
    body = new_user(password=f"{DECOMPOSED}ngström is a unit")
    assert (await client.post("/v1/users", json=body)).status_code == 201
    for form in (COMPOSED, DECOMPOSED, ANGSTROM_SIGN):
        response = await login(client, body["username"], f"{form}ngström is a unit")
        assert response.status_code == 200, form
    assert (await login(client, body["username"], "Angström is a unit")).status_code == 401


async def test_a_hash_of_the_typed_form_still_signs_in_and_is_renewed(
    app: FastAPI, client: httpx.AsyncClient, user: Account
) -> None:
    """Hashes made before normalisation are of the password as typed."""
    typed, other_form = f"{DECOMPOSED}ngström is a unit", f"{ANGSTROM_SIGN}ngström is a unit"
    state = container_of(app)
    settings = state.settings
    hasher = PasswordHasher(  # the server's own parameters: only the form calls for a new hash
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )
    async with state.sessionmaker() as session:
        stored = update(User).where(User.id == uuid.UUID(user.id))
        await session.execute(stored.values(password_hash=hasher.hash(typed)))
        await session.commit()
    assert (await login(client, user.username, other_form)).status_code == 401
    assert (await login(client, user.username, typed)).status_code == 200
    # Renewed in the normalised form: every form signs in from now on.
    assert (await login(client, user.username, other_form)).status_code == 200


# --- the CLI and the demo account ---------------------------------------------------------


def _cli_env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    return server_env(url)


def test_the_cli_refuses_a_weak_password(tmp_path: Path) -> None:
    env = _cli_env(tmp_path)
    args = ["user", "create", "--username", "alice", "--email", "alice@example.com"]
    with pytest.raises(RuntimeError, match="most common"):
        petstore(env, *args, "--password-stdin", stdin="password1\n")


async def test_the_demo_staff_account_passes_the_policy(tmp_path: Path) -> None:
    env = _cli_env(tmp_path)
    tenant = str(uuid.uuid4())
    petstore(env, "seed", "--pets", "0", "--with-staff", "--tenant", tenant)
    settings = fast_settings(env["PETSTORE_DATABASE_URL"])
    async with running_app(settings) as app, make_client(app, tenant) as client:
        response = await login(client, DEMO_STAFF_USERNAME, DEMO_STAFF_PASSWORD)
    assert response.status_code == 200, response.text
