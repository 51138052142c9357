"""User operations through HTTP, on every database: sign-up, self-or-staff access, ETags,
tenancy, and simultaneous sign-ups for one name."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from petstore.auth.service import REVOKE_BATCH
from petstore.container import container_of
from petstore.users.models import User
from tests.support.accounts import PASSWORD, Account, AccountFactory, login, new_user
from tests.support.apps import make_client
from tests.support.problems import assert_problem


async def count_users(app: FastAPI, tenant: str, username: str) -> int:
    async with container_of(app).sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.tenant == tenant, func.lower(User.username) == username.lower())
        )
    return int(count or 0)


# --- sign-up -----------------------------------------------------------------------------


async def test_sign_up_returns_201_location_and_no_password(
    client: httpx.AsyncClient, tenant: str
) -> None:
    data = new_user(firstName="Kyle", lastName="Kihn", phone="+18638982053")
    response = await client.post("/v1/users", json=data)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"http://petstore.test/v1/users/{body['id']}"
    assert uuid.UUID(body["id"]).version == 7
    assert (body["username"], body["email"], body["role"]) == (
        data["username"],
        data["email"],
        "USER",
    )
    assert (body["firstName"], body["lastName"], body["phone"]) == ("Kyle", "Kihn", "+18638982053")
    assert body["tenantId"] == tenant
    assert body["links"]["self"] == response.headers["location"]
    assert "etag" in response.headers
    # Neither the password nor its hash leave the server, under any name.
    assert PASSWORD not in response.text
    assert "password" not in response.text.lower()
    assert "$argon2" not in response.text


async def test_sign_up_username_taken_is_409_even_in_other_case(
    client: httpx.AsyncClient,
) -> None:
    data = new_user()
    assert (await client.post("/v1/users", json=data)).status_code == 201
    again = await client.post("/v1/users", json=new_user(username=data["username"].upper()))
    body = assert_problem(again, 409, "conflict")
    assert body["instance"] == "/v1/users"
    assert body.get("field") == "username"


async def test_sign_up_email_taken_is_409_even_in_other_case(client: httpx.AsyncClient) -> None:
    data = new_user()
    assert (await client.post("/v1/users", json=data)).status_code == 201
    again = await client.post("/v1/users", json=new_user(email=data["email"].upper()))
    body = assert_problem(again, 409, "conflict")
    assert body.get("field") == "email"


MISSING = object()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "short7!"),  # 7 characters: one under the minimum
        ("email", "not-an-email"),
        ("email", "two@@example.com"),
        ("username", MISSING),
        ("username", "a b"),
        ("username", "ab"),
    ],
)
async def test_sign_up_validation_is_422_with_field_errors(
    client: httpx.AsyncClient, field: str, value: object
) -> None:
    data = new_user()
    valid = dict(data)
    if value is MISSING:
        del data[field]
    else:
        data[field] = value
    response = await client.post("/v1/users", json=data)
    body = assert_problem(response, 422, "validation-error")
    errors = body["errors"]
    assert errors, body
    for error in errors:
        assert set(error) == {"field", "message", "code"}
        assert all(isinstance(v, str) and v for v in error.values())
    assert [e["field"] for e in errors] == [field]
    # Nothing was created: the valid version of the same sign-up still succeeds.
    assert (await client.post("/v1/users", json=valid)).status_code == 201


# --- reading and changing one's own record ------------------------------------------------


async def test_get_me_and_get_self(client: httpx.AsyncClient, user: Account) -> None:
    me = await client.get("/v1/users/me", headers=user.auth)
    assert me.status_code == 200, me.text
    body = me.json()
    assert (body["id"], body["username"]) == (user.id, user.username)
    assert "password" not in me.text.lower()
    by_id = await client.get(f"/v1/users/{user.id}", headers=user.auth)
    assert by_id.status_code == 200
    assert by_id.json() == body


async def test_unauthenticated_is_401(client: httpx.AsyncClient, user: Account) -> None:
    for method, path in (
        ("GET", "/v1/users/me"),
        ("GET", f"/v1/users/{user.id}"),
        ("PUT", f"/v1/users/{user.id}"),
        ("DELETE", f"/v1/users/{user.id}"),
    ):
        response = await client.request(
            method, path, json={"firstName": "X"} if method == "PUT" else None
        )
        assert_problem(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")
    garbage = await client.get("/v1/users/me", headers={"Authorization": "Bearer not-a-token"})
    assert_problem(garbage, 401, "unauthorized")
    basic = await client.get("/v1/users/me", headers={"Authorization": "Basic dTpw"})
    assert_problem(basic, 401, "unauthorized")


async def test_token_without_user_scope_is_403(
    client: httpx.AsyncClient, make_account: AccountFactory
) -> None:
    reader = await make_account(scope="read:pets")
    response = await client.get("/v1/users/me", headers=reader.auth)
    body = assert_problem(response, 403, "forbidden")
    assert "read:user" in body["detail"]
    put = await client.put(f"/v1/users/{reader.id}", json={"firstName": "X"}, headers=reader.auth)
    assert_problem(put, 403, "forbidden")


async def test_put_merges_only_the_given_fields(client: httpx.AsyncClient, user: Account) -> None:
    before = (await client.get("/v1/users/me", headers=user.auth)).json()
    response = await client.put(
        f"/v1/users/{user.id}",
        json={"firstName": "Jeffrey", "preferences": {"newsletter": True}},
        headers=user.auth,
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["firstName"] == "Jeffrey"
    assert after["preferences"] == {"newsletter": True, "notifications": False}
    unchanged = {"firstName", "preferences", "updatedAt"}
    assert {k: v for k, v in after.items() if k not in unchanged} == {
        k: v for k, v in before.items() if k not in unchanged
    }
    assert (await client.get("/v1/users/me", headers=user.auth)).json() == after


async def test_put_password_changes_login(client: httpx.AsyncClient, user: Account) -> None:
    new_password = "a much longer new secret"
    response = await client.put(
        f"/v1/users/{user.id}", json={"password": new_password}, headers=user.auth
    )
    assert response.status_code == 200, response.text
    assert new_password not in response.text
    assert "password" not in response.text.lower()
    assert (await login(client, user.username, new_password)).status_code == 200
    assert (await login(client, user.username, PASSWORD)).status_code == 401


async def test_put_validation_and_conflicts(
    client: httpx.AsyncClient, user: Account, make_account: AccountFactory
) -> None:
    other = await make_account()
    taken = await client.put(
        f"/v1/users/{user.id}", json={"username": other.username.upper()}, headers=user.auth
    )
    assert_problem(taken, 409, "conflict")
    short = await client.put(f"/v1/users/{user.id}", json={"password": "x"}, headers=user.auth)
    assert_problem(short, 422, "validation-error")
    null_name = await client.put(f"/v1/users/{user.id}", json={"username": None}, headers=user.auth)
    assert_problem(null_name, 422, "validation-error")
    # Renaming to one's own name in another case is not a conflict with oneself.
    same = await client.put(
        f"/v1/users/{user.id}", json={"username": user.username.upper()}, headers=user.auth
    )
    assert same.status_code == 200, same.text
    assert same.json()["username"] == user.username.upper()


async def test_delete_self_then_login_fails(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.delete(f"/v1/users/{user.id}", headers=user.auth)
    assert response.status_code == 204
    assert response.content == b""
    failed = await login(client, user.username, PASSWORD)
    assert_problem(failed, 401, "unauthorized")
    gone = await client.get("/v1/users/me", headers=user.auth)
    assert gone.status_code in (401, 404), gone.text
    # The name is free again.
    again = await client.post(
        "/v1/users",
        json={
            "username": user.username,
            "email": f"{user.username}@example.com",
            "password": PASSWORD,
        },
    )
    assert again.status_code == 201, again.text


async def test_deleting_an_account_with_many_sessions_revokes_them_all(
    client: httpx.AsyncClient, user: Account
) -> None:
    """Regression (found by the contract run): revoking one token at a time made deleting an
    account that had logged in thousands of times take longer than clients wait."""
    tokens = [user.token]
    for _ in range(REVOKE_BATCH + 20):  # more than one batch of revocations
        signed_in = await login(client, user.username, PASSWORD)
        assert signed_in.status_code == 200, signed_in.text
        tokens.append(signed_in.json()["token"])
    logout = await client.post("/v1/logout", headers={"Authorization": f"Bearer {tokens[1]}"})
    assert logout.status_code == 204, logout.text  # one of them is revoked already

    response = await client.delete(f"/v1/users/{user.id}", headers=user.auth)
    assert response.status_code == 204, response.text
    for token in (tokens[0], tokens[1], tokens[len(tokens) // 2], tokens[-1]):
        refused = await client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert_problem(refused, 401, "unauthorized")


# --- object-level authorization -----------------------------------------------------------


async def test_user_cannot_touch_another_user(
    client: httpx.AsyncClient, make_account: AccountFactory
) -> None:
    alice = await make_account()
    bob = await make_account()
    bob_before = (await client.get("/v1/users/me", headers=bob.auth)).json()
    path = f"/v1/users/{bob.id}"
    read = await client.get(path, headers=alice.auth)
    write = await client.put(
        path, json={"firstName": "Pwned", "password": "attacker-pass"}, headers=alice.auth
    )
    remove = await client.delete(path, headers=alice.auth)
    missing = await client.get(f"/v1/users/{uuid.uuid4()}", headers=alice.auth)
    for response in (read, write, remove):
        body = assert_problem(response, 404, "not-found")
        # Indistinguishable from a user that does not exist.
        assert body["title"] == missing.json()["title"]
    assert (await client.get("/v1/users/me", headers=bob.auth)).json() == bob_before
    assert (await login(client, bob.username, PASSWORD)).status_code == 200
    assert (await login(client, bob.username, "attacker-pass")).status_code == 401


async def test_staff_can_read_change_and_delete_anyone(
    client: httpx.AsyncClient, staff: Account, make_account: AccountFactory
) -> None:
    bob = await make_account()
    path = f"/v1/users/{bob.id}"
    read = await client.get(path, headers=staff.auth)
    assert read.status_code == 200, read.text
    assert read.json()["username"] == bob.username
    write = await client.put(path, json={"lastName": "Staffed"}, headers=staff.auth)
    assert write.status_code == 200, write.text
    assert (await client.get("/v1/users/me", headers=bob.auth)).json()["lastName"] == "Staffed"
    remove = await client.delete(path, headers=staff.auth)
    assert remove.status_code == 204
    assert (await client.get(path, headers=staff.auth)).status_code == 404
    assert (await login(client, bob.username, PASSWORD)).status_code == 401


# --- conditional requests -----------------------------------------------------------------


async def test_etag_if_none_match_and_if_match(client: httpx.AsyncClient, user: Account) -> None:
    path = f"/v1/users/{user.id}"
    first = await client.get(path, headers=user.auth)
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    not_modified = await client.get(path, headers={**user.auth, "If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    other = await client.get(path, headers={**user.auth, "If-None-Match": '"other"'})
    assert other.status_code == 200
    me = await client.get("/v1/users/me", headers={**user.auth, "If-None-Match": etag})
    assert me.status_code == 304

    changed = await client.put(
        path, json={"firstName": "First"}, headers={**user.auth, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    new_etag = changed.headers["etag"]
    assert new_etag != etag
    stale = await client.put(
        path, json={"firstName": "Second"}, headers={**user.auth, "If-Match": etag}
    )
    assert_problem(stale, 412, "precondition-failed")
    stale_delete = await client.delete(path, headers={**user.auth, "If-Match": etag})
    assert_problem(stale_delete, 412, "precondition-failed")
    current = await client.get(path, headers=user.auth)
    assert current.json()["firstName"] == "First"
    assert current.headers["etag"] == new_etag
    removed = await client.delete(path, headers={**user.auth, "If-Match": new_etag})
    assert removed.status_code == 204


# --- tenancy ------------------------------------------------------------------------------


async def test_same_username_in_two_tenants_and_tokens_stay_in_their_tenant(
    app: FastAPI, client: httpx.AsyncClient, tenant: str
) -> None:
    data = new_user()
    other_tenant = str(uuid.uuid4())
    async with make_client(app, other_tenant) as other:
        assert (await client.post("/v1/users", json=data)).status_code == 201
        second = await other.post("/v1/users", json={**data, "password": "other tenant pw"})
        assert second.status_code == 201, second.text
        assert second.json()["tenantId"] == other_tenant

        token_a = (await login(client, data["username"], PASSWORD)).json()
        # Each tenant's account has its own password.
        assert (await login(other, data["username"], PASSWORD)).status_code == 401
        auth_a = {"Authorization": f"Bearer {token_a['token']}"}
        crossed = await other.get("/v1/users/me", headers=auth_a)
        assert_problem(crossed, 403, "forbidden")
        crossed_by_id = await other.get(f"/v1/users/{token_a['user']['id']}", headers=auth_a)
        assert_problem(crossed_by_id, 403, "forbidden")
    async with make_client(app, None) as shared:
        assert_problem(await shared.get("/v1/users/me", headers=auth_a), 403, "forbidden")
    assert (await client.get("/v1/users/me", headers=auth_a)).status_code == 200
    assert await count_users(app, tenant, data["username"]) == 1
    assert await count_users(app, other_tenant, data["username"]) == 1


async def test_users_of_another_tenant_are_invisible(
    app: FastAPI, user: Account, staff: Account
) -> None:
    async with make_client(app, str(uuid.uuid4())) as other:
        stranger = new_user()
        assert (await other.post("/v1/users", json=stranger)).status_code == 201
        token = (await login(other, stranger["username"], PASSWORD)).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        # A valid user of tenant B asking for tenant A's user id: it does not exist there.
        assert_problem(await other.get(f"/v1/users/{user.id}", headers=auth), 404, "not-found")
        # Tenant A's staff token is refused in tenant B outright.
        crossed = await other.get(f"/v1/users/{user.id}", headers=staff.auth)
        assert_problem(crossed, 403, "forbidden")
        crossed_delete = await other.delete(f"/v1/users/{user.id}", headers=staff.auth)
        assert_problem(crossed_delete, 403, "forbidden")


# --- concurrency --------------------------------------------------------------------------


async def test_simultaneous_sign_ups_for_one_name_create_exactly_one_user(
    app: FastAPI, client: httpx.AsyncClient, tenant: str
) -> None:
    username = f"race{uuid.uuid4().hex[:10]}"

    async def sign_up(i: int) -> httpx.Response:
        # Same username (in varying case), distinct emails: only the name collides.
        name = username.upper() if i % 2 else username
        return await client.post(
            "/v1/users",
            json={
                "username": name,
                "email": f"{username}-{i}@example.com",
                "password": f"{PASSWORD} {i}",
            },
        )

    responses = await asyncio.gather(*(sign_up(i) for i in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 19, [r.text for r in responses if r.status_code != 409]
    for r in responses:
        if r.status_code == 409:
            assert_problem(r, 409, "conflict")
    winner = next(r for r in responses if r.status_code == 201).json()
    assert await count_users(app, tenant, username) == 1
    index = int(winner["email"].split("-")[-1].split("@")[0])
    assert (await login(client, username, f"{PASSWORD} {index}")).status_code == 200
