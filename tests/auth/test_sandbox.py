"""Sandbox mode behaves like the public demo server (any bearer value accepted) while keeping
validation and business rules; it is refused in production."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import ValidationError

from petstore.app import create_app
from petstore.core.settings import Settings
from tests.support.accounts import Account, new_user, sign_up_and_login
from tests.support.apps import make_client
from tests.support.payments import bank, card, card_payment, place_order
from tests.support.pets import PET
from tests.support.settings import fast_settings


@pytest.fixture
async def sandbox(database_url: str, tenant: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(fast_settings(database_url, auth_mode="sandbox"))
    async with app.router.lifespan_context(app), make_client(app, tenant) as client:
        yield client


async def test_any_bearer_value_gets_every_scope(sandbox: httpx.AsyncClient) -> None:
    created = await sandbox.post(
        "/v1/pets", json=PET, headers={"Authorization": "Bearer anything-at-all"}
    )
    assert created.status_code == 201, created.text
    invalid = await sandbox.post(
        "/v1/pets", json={**PET, "ageMonths": -1}, headers={"Authorization": "Bearer x"}
    )
    assert invalid.status_code == 422  # validation stays strict


async def test_pet_writes_still_need_some_bearer_value(sandbox: httpx.AsyncClient) -> None:
    assert (await sandbox.post("/v1/pets", json=PET)).status_code == 401


async def test_user_reads_are_open_as_the_demo_user(sandbox: httpx.AsyncClient) -> None:
    me = await sandbox.get("/v1/users/me")
    assert me.status_code == 200
    assert me.json()["username"] == "sandbox-demo"


async def test_a_real_token_acts_as_its_user(sandbox: httpx.AsyncClient, user: Account) -> None:
    me = await sandbox.get("/v1/users/me", headers=user.auth)
    assert me.status_code == 200
    assert me.json()["id"] == user.id


async def test_a_taken_username_is_invalid_input_not_a_conflict(
    sandbox: httpx.AsyncClient,
) -> None:
    body = new_user()
    assert (await sandbox.post("/v1/users", json=body)).status_code == 201
    again = await sandbox.post("/v1/users", json={**body, "email": "other@example.com"})
    assert again.status_code == 422, again.text
    assert again.json()["errors"][0]["field"] == "username"


async def test_another_users_record_is_forbidden_not_hidden(sandbox: httpx.AsyncClient) -> None:
    me, other = await sign_up_and_login(sandbox), await sign_up_and_login(sandbox)
    put = await sandbox.put(f"/v1/users/{other.id}", json={"firstName": "X"}, headers=me.auth)
    assert put.status_code == 403, put.text
    assert (await sandbox.get(f"/v1/users/{other.id}", headers=me.auth)).status_code == 403
    unknown = "019b4138-e0af-70b9-8f0c-6ea97d495dfa"
    assert (await sandbox.get(f"/v1/users/{unknown}", headers=me.auth)).status_code == 404
    own = await sandbox.put(f"/v1/users/{me.id}", json={"firstName": "Me"}, headers=me.auth)
    assert own.status_code == 200
    assert own.json()["firstName"] == "Me"


async def _order(sandbox: httpx.AsyncClient, buyer: Account) -> dict[str, object]:
    pet = await sandbox.post("/v1/pets", json=PET, headers={"Authorization": "Bearer x"})
    assert pet.status_code == 201, pet.text
    return await place_order(sandbox, buyer.auth, pet.json()["id"])


async def test_any_amount_is_accepted_and_recorded_as_sent(sandbox: httpx.AsyncClient) -> None:
    buyer = await sign_up_and_login(sandbox)
    order = await _order(sandbox, buyer)
    body = {"amount": "19.99", "currency": "USD", "source": card("4242424242424242")}
    paid = await sandbox.post(f"/v1/orders/{order['id']}/payment", json=body, headers=buyer.auth)
    assert paid.status_code == 201, paid.text
    assert paid.json()["amount"] == "19.99"
    after = await sandbox.get(f"/v1/orders/{order['id']}", headers=buyer.auth)
    assert after.json()["status"] == "APPROVED"
    wrong = {**body, "currency": "EUR"}
    other = await _order(sandbox, buyer)
    refused = await sandbox.post(
        f"/v1/orders/{other['id']}/payment", json=wrong, headers=buyer.auth
    )
    assert refused.status_code == 422  # the currency must still match


async def test_a_paid_order_can_be_paid_again_as_a_separate_payment(
    sandbox: httpx.AsyncClient,
) -> None:
    buyer = await sign_up_and_login(sandbox)
    order = await _order(sandbox, buyer)
    url = f"/v1/orders/{order['id']}"
    first = await sandbox.post(f"{url}/payment", json=card_payment(order), headers=buyer.auth)
    approved = (await sandbox.get(url, headers=buyer.auth)).json()
    by_bank = {**card_payment(order), "source": bank("000123456789")}
    second = await sandbox.post(f"{url}/payment", json=by_bank, headers=buyer.auth)
    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["status"] == "SUCCEEDED"
    assert (await sandbox.get(url, headers=buyer.auth)).json() == approved  # order unchanged
    payments = (await sandbox.get(f"{url}/payments", headers=buyer.auth)).json()["data"]
    assert [p["status"] for p in payments] == ["SUCCEEDED", "SUCCEEDED"]
    cancelled = await sandbox.delete(url, headers=buyer.auth)
    assert cancelled.status_code in (200, 204), cancelled.text
    payments = (await sandbox.get(f"{url}/payments", headers=buyer.auth)).json()["data"]
    assert [p["status"] for p in payments] == ["REFUNDED", "REFUNDED"]


def test_sandbox_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="sandbox"):
        Settings(env="production", auth_mode="sandbox", public_url="https://pets.example")
