"""Paying orders through HTTP, on every database: both source vocabularies, validation, the
simulated processor's declines, retries, idempotency and receipts."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.support.accounts import (
    PASSWORD,
    Account,
    AccountFactory,
    auth_of,
    login,
    sign_up_and_login,
)
from tests.support.payments import ACCOUNT, AMEX, DECLINED_ACCOUNT, DECLINED_CARD, MASTERCARD, VISA
from tests.support.pets import PET, MakePet
from tests.support.problems import assert_problem, field_errors
from tests.support.servers import (
    RunningServer,
    create_staff,
    petstore,
    run_server,
    server_env,
    server_limits,
)

NEXT_YEAR = datetime.now(UTC).year + 1
LAST_YEAR = datetime.now(UTC).year - 1


def card(number: str = VISA, cvc: str | None = "987", **extra: Any) -> dict[str, Any]:
    source: dict[str, Any] = {
        "object": "card",
        "name": "Jane Doe",
        "number": number,
        "expMonth": 12,
        "expYear": NEXT_YEAR,
        **extra,
    }
    if cvc is not None:
        source["cvc"] = cvc
    return source


def bank(number: str = ACCOUNT, **extra: Any) -> dict[str, Any]:
    return {
        "object": "bank_account",
        "accountHolderName": "Jane Doe",
        "accountNumber": number,
        "routingNumber": "110000000",
        "accountType": "CHECKING",
        **extra,
    }


def payment_body(
    order: dict[str, Any],
    source: dict[str, Any],
    amount: str | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    return {
        "amount": amount if amount is not None else order["totalAmount"],
        "currency": currency if currency is not None else order["currency"],
        "source": source,
    }


async def pay(
    client: httpx.AsyncClient,
    account: Account,
    order: dict[str, Any],
    source: dict[str, Any],
    *,
    amount: str | None = None,
    currency: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        f"/v1/orders/{order['id']}/payment",
        json=payment_body(order, source, amount, currency),
        headers={**account.auth, **(headers or {})},
    )


def strings(value: Any) -> Iterator[str]:
    """Every key and string value in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str | int):
        yield str(value)


def assert_secrets_absent(response: httpx.Response, number: str, cvc: str | None = None) -> None:
    """No CVC field, no CVC value and no full number anywhere in the response.

    The full number is looked for as a substring. A three or four digit CVC may well occur
    inside an id or a timestamp, so it is looked for as a value of its own: a JSON string or
    number, or a token (a maximal run of letters, digits, '.', '_' and '-') of the raw text.
    """
    assert "cvc" not in response.text.lower()
    assert number not in response.text
    if cvc is not None:
        assert cvc not in set(strings(response.json()))
        assert cvc not in re.findall(r"[0-9A-Za-z_.-]+", response.text)


@pytest.fixture
def new_order(
    client: httpx.AsyncClient, make_pet: MakePet
) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def factory(
        buyer: Account, price: str = "49.99", currency: str = "USD"
    ) -> dict[str, Any]:
        pet = await make_pet(price=price, currency=currency)
        response = await client.post("/v1/orders", json={"petId": pet["id"]}, headers=buyer.auth)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    return factory


NewOrder = Callable[..., Awaitable[dict[str, Any]]]


async def order_status(client: httpx.AsyncClient, account: Account, order: dict[str, Any]) -> str:
    response = await client.get(f"/v1/orders/{order['id']}", headers=account.auth)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


async def attempts(
    client: httpx.AsyncClient, account: Account, order: dict[str, Any]
) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/orders/{order['id']}/payments", headers=account.auth)
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


# --- cards -------------------------------------------------------------------------------


async def test_card_in_the_schema_vocabulary(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user, price="125.50", currency="EUR")
    address = {
        "line1": "1 Main St",
        "city": "Portland",
        "state": "OR",
        "postalCode": "97201",
        "country": "us",
    }
    response = await pay(client, user, order, card(billingAddress=address))
    assert response.status_code == 201, response.text
    payment = response.json()
    assert response.headers["location"] == payment["links"]["self"]
    assert uuid.UUID(payment["id"]).version == 7
    assert payment["orderId"] == order["id"]
    assert (payment["status"], payment["amount"], payment["currency"]) == (
        "SUCCEEDED",
        "125.50",
        "EUR",
    )
    source = payment["source"]
    assert source["object"] == "card"
    assert source["number"] == "************4242"
    assert (source["last4"], source["brand"], source["name"]) == ("4242", "VISA", "Jane Doe")
    assert (source["expMonth"], source["expYear"]) == (12, NEXT_YEAR)
    billing = source["billingAddress"]
    assert (billing["city"], billing["state"], billing["postalCode"], billing["country"]) == (
        "Portland",
        "OR",
        "97201",
        "US",
    )
    assert payment["failureCode"] is None
    assert payment["receiptId"] is not None
    assert_secrets_absent(response, VISA, "987")

    assert await order_status(client, user, order) == "APPROVED"
    listed = await attempts(client, user, order)
    assert listed == [payment]
    one = await client.get(payment["links"]["self"], headers=user.auth)
    assert one.status_code == 200
    assert one.json() == payment


async def test_card_in_the_uk_vocabulary(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user, price="80.00", currency="GBP")
    source = {
        "object": "Card",
        "name": "Tom Smith",
        "number": "5555 5555 5555 4444",
        "cvc": "456",
        "expMonth": 1,
        "expYear": NEXT_YEAR,
        "addressLine1": "10 Downing St",
        "addressCity": "London",
        "addressCountry": "gb",
        "addressPostCode": "SW1A 2AA",
    }
    response = await pay(client, user, order, source, currency="gbp")
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "SUCCEEDED"
    assert payment["currency"] == "GBP"
    out = payment["source"]
    assert out["object"] == "card"
    assert (out["number"], out["last4"], out["brand"]) == ("************4444", "4444", "MASTERCARD")
    assert out["name"] == "Tom Smith"
    billing = out["billingAddress"]
    assert (billing["city"], billing["postalCode"], billing["country"]) == (
        "London",
        "SW1A 2AA",
        "GB",
    )
    assert_secrets_absent(response, MASTERCARD, "456")
    assert await order_status(client, user, order) == "APPROVED"


async def test_amex_with_a_four_digit_cvc(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user)
    three = await pay(client, user, order, card(AMEX, cvc="123"))
    assert_problem(three, 422, "validation-error")
    response = await pay(client, user, order, card(AMEX, cvc="7361"))
    assert response.status_code == 201, response.text
    out = response.json()["source"]
    assert (out["brand"], out["last4"]) == ("AMEX", "0005")
    assert out["number"].endswith("0005")
    assert set(out["number"][:-4]) == {"*"}
    assert_secrets_absent(response, AMEX, "7361")


async def test_card_without_cvc_is_accepted(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user)
    response = await pay(client, user, order, card(cvc=None))
    assert response.status_code == 201, response.text
    assert response.json()["source"]["billingAddress"] is None


# --- bank accounts -----------------------------------------------------------------------


async def test_bank_account_in_the_schema_vocabulary(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user)
    response = await pay(client, user, order, bank(accountType="checking", bankName="Test Bank"))
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "SUCCEEDED"
    out = payment["source"]
    assert out["object"] == "bank_account"
    assert out["accountHolderName"] == "Jane Doe"
    assert (out["last4"], out["routingNumber"], out["sortCode"]) == ("6789", "110000000", None)
    assert out["accountType"] == "CHECKING"
    assert out["bankName"] == "Test Bank"
    assert out["accountNumber"].endswith("6789")
    assert set(out["accountNumber"][:-4]) == {"*"}
    assert_secrets_absent(response, ACCOUNT)
    assert await order_status(client, user, order) == "APPROVED"
    assert payment["receiptId"] is not None


@pytest.mark.parametrize("kind", ["bankAccount", "BANK_ACCOUNT", "bank_account", "BankAccount"])
async def test_bank_account_in_the_uk_vocabulary(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder, kind: str
) -> None:
    order = await new_order(user, currency="GBP")
    source = {
        "object": kind,
        "name": "Tom Smith",
        "number": "31926819",
        "sortCode": "60-16-13",
        "accountType": "Savings",
    }
    response = await pay(client, user, order, source)
    assert response.status_code == 201, response.text
    out = response.json()["source"]
    assert out["object"] == "bank_account"
    assert out["accountHolderName"] == "Tom Smith"
    assert (out["sortCode"], out["routingNumber"], out["accountType"]) == (
        "601613",
        None,
        "SAVINGS",
    )
    assert out["last4"] == "6819"
    assert_secrets_absent(response, "31926819")


# --- validation --------------------------------------------------------------------------


def _invalid_sources() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("bad-luhn", card("4242424242424241")),
        ("expired", card(expYear=LAST_YEAR)),
        ("amex-3-digit-cvc", card(AMEX, cvc="123")),
        ("visa-4-digit-cvc", card(VISA, cvc="1234")),
        ("month-13", card(expMonth=13)),
        ("too-short", card("4242")),
        ("routing-8-digits", bank(routingNumber="11000000")),
        ("routing-and-sort-code", bank(sortCode="601613")),
        ("neither-routing-nor-sort-code", bank(routingNumber=None)),
        ("account-type", bank(accountType="GOLD")),
        ("unknown-object", {**card(), "object": "cash"}),
    ]


@pytest.mark.parametrize(
    "source", [s for _, s in _invalid_sources()], ids=[i for i, _ in _invalid_sources()]
)
async def test_invalid_sources_are_422(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder, source: dict[str, Any]
) -> None:
    order = await new_order(user)
    response = await pay(client, user, order, source)
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"]
    assert "4242424242424241" not in response.text
    assert await order_status(client, user, order) == "PLACED"
    assert await attempts(client, user, order) == []


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [("1.00", None, "amount"), ("49.98", None, "amount"), (None, "EUR", "currency")],
)
async def test_amount_and_currency_must_be_the_orders(
    client: httpx.AsyncClient,
    user: Account,
    new_order: NewOrder,
    amount: str | None,
    currency: str | None,
    field: str,
) -> None:
    order = await new_order(user, price="49.99", currency="USD")
    response = await pay(client, user, order, card(), amount=amount, currency=currency)
    body = assert_problem(response, 422, "validation-error")
    assert [e["field"] for e in body["errors"]] == [field]
    assert await order_status(client, user, order) == "PLACED"
    assert await attempts(client, user, order) == []


async def test_the_same_amount_written_differently_is_accepted(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user, price="50.00")
    response = await pay(client, user, order, card(), amount="50")
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == "50.00"


async def test_a_yen_order_is_paid_in_whole_yen(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user, price="15000", currency="JPY")
    assert (order["totalAmount"], order["currency"]) == ("15000", "JPY")
    for written in ("15000.00", "15000.5"):
        refused = await pay(client, user, order, card(), amount=written)
        errors = field_errors(refused)
        assert list(errors) == ["amount"]
        assert "JPY has no minor unit" in errors["amount"]
    assert await attempts(client, user, order) == []
    paid = await pay(client, user, order, card(), currency="jpy")
    assert paid.status_code == 201, paid.text
    assert (paid.json()["amount"], paid.json()["currency"]) == ("15000", "JPY")
    receipt = await client.get(paid.json()["links"]["receipt"], headers=user.auth)
    assert receipt.json()["amount"] == "15000"


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        ("0", "greater than zero"),
        ("0.00", "greater than zero"),
        ("-49.99", "greater than zero"),
        ("49.999", "USD has 2 decimals"),
    ],
)
async def test_a_payment_amount_must_be_positive_with_the_currencys_decimals(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder, amount: str, says: str
) -> None:
    order = await new_order(user)
    errors = field_errors(await pay(client, user, order, card(), amount=amount))
    assert list(errors) == ["amount"]
    assert says in errors["amount"]
    assert await attempts(client, user, order) == []


# --- who may pay what --------------------------------------------------------------------


async def test_unknown_or_foreign_orders_are_404(
    client: httpx.AsyncClient, make_account: AccountFactory, new_order: NewOrder
) -> None:
    owner, other = await make_account(), await make_account()
    order = await new_order(owner)
    foreign = await pay(client, other, order, card())
    assert_problem(foreign, 404, "not-found")
    unknown = {**order, "id": str(uuid.uuid4())}
    assert_problem(await pay(client, owner, unknown, card()), 404, "not-found")
    # The order is checked before the body.
    no_body = await client.post(f"/v1/orders/{uuid.uuid4()}/payment", json={}, headers=owner.auth)
    assert_problem(no_body, 404, "not-found")
    assert_problem(
        await client.get(f"/v1/orders/{order['id']}/payments", headers=other.auth),
        404,
        "not-found",
    )
    assert await order_status(client, owner, order) == "PLACED"
    assert await attempts(client, owner, order) == []


async def test_no_token_is_401_whatever_the_body(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user)
    path = f"/v1/orders/{order['id']}/payment"
    broken = await client.post(
        path, content=b'{"amount": ', headers={"Content-Type": "application/json"}
    )
    assert_problem(broken, 401, "unauthorized")
    assert_problem(await client.post(path, json={}), 401, "unauthorized")
    assert_problem(await client.post(path, json=payment_body(order, card())), 401, "unauthorized")
    bad_token = await client.post(
        path, json=payment_body(order, card()), headers={"Authorization": "Bearer forged"}
    )
    assert_problem(bad_token, 401, "unauthorized")
    assert_problem(
        await client.post(f"/v1/orders/{uuid.uuid4()}/payment", content=b"garbage"),
        401,
        "unauthorized",
    )
    assert await attempts(client, user, order) == []


async def test_only_placed_orders_can_be_paid(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user)
    assert (await pay(client, user, order, card())).status_code == 201
    again = await pay(client, user, order, card(MASTERCARD, cvc="321"))
    body = assert_problem(again, 409, "conflict")
    assert body["currentStatus"] == "APPROVED"
    assert [p["status"] for p in await attempts(client, user, order)] == ["SUCCEEDED"]

    cancelled = await new_order(user)
    delete = await client.delete(f"/v1/orders/{cancelled['id']}", headers=user.auth)
    assert delete.status_code == 204
    body = assert_problem(await pay(client, user, cancelled, card()), 409, "conflict")
    assert body["currentStatus"] == "CANCELLED"
    assert await attempts(client, user, cancelled) == []


# --- declines and retries ----------------------------------------------------------------


async def test_a_declined_card_is_recorded_and_a_retry_works(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user)
    declined = await pay(client, user, order, card(DECLINED_CARD, cvc="555"))
    body = assert_problem(declined, 402, "payment-declined")
    failed = body["payment"]
    assert failed["status"] == "FAILED"
    assert failed["orderId"] == order["id"]
    assert failed["failureCode"]
    assert failed["receiptId"] is None
    assert failed["source"]["last4"] == "0002"
    assert_secrets_absent(declined, DECLINED_CARD, "555")
    assert await order_status(client, user, order) == "PLACED"
    assert await attempts(client, user, order) == [failed]
    pet = await client.get(f"/v1/pets/{order['petId']}")
    assert pet.json()["status"] == "PENDING"

    retry = await pay(client, user, order, card())
    assert retry.status_code == 201, retry.text
    assert retry.json()["status"] == "SUCCEEDED"
    assert await order_status(client, user, order) == "APPROVED"
    assert [p["status"] for p in await attempts(client, user, order)] == ["FAILED", "SUCCEEDED"]


async def test_a_declined_bank_account_is_recorded_and_a_retry_works(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user)
    declined = await pay(client, user, order, bank(DECLINED_ACCOUNT))
    body = assert_problem(declined, 402, "payment-declined")
    assert body["payment"]["status"] == "FAILED"
    assert body["payment"]["source"]["object"] == "bank_account"
    assert_secrets_absent(declined, DECLINED_ACCOUNT)
    assert await order_status(client, user, order) == "PLACED"
    assert [p["status"] for p in await attempts(client, user, order)] == ["FAILED"]

    retry = await pay(client, user, order, bank())
    assert retry.status_code == 201, retry.text
    assert await order_status(client, user, order) == "APPROVED"
    assert [p["status"] for p in await attempts(client, user, order)] == ["FAILED", "SUCCEEDED"]


# --- idempotency -------------------------------------------------------------------------


async def test_the_same_idempotency_key_charges_once(
    client: httpx.AsyncClient, user: Account, new_order: NewOrder
) -> None:
    order = await new_order(user)
    key = {"Idempotency-Key": f"pay-{uuid.uuid4()}"}
    first = await pay(client, user, order, card(), headers=key)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    second = await pay(client, user, order, card(), headers=key)
    assert second.status_code == 201, second.text
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    assert second.headers["location"] == first.headers["location"]
    listed = await attempts(client, user, order)
    assert [p["status"] for p in listed] == ["SUCCEEDED"]
    assert listed[0]["id"] == first.json()["id"]

    # Same key, another body: refused, not replayed.
    other_body = await pay(client, user, order, card(MASTERCARD, cvc="321"), headers=key)
    assert_problem(other_body, 422, "idempotency-key-reused")
    # Another key is another payment, and the order is no longer PLACED.
    fresh = {"Idempotency-Key": f"pay-{uuid.uuid4()}"}
    body = assert_problem(await pay(client, user, order, card(), headers=fresh), 409, "conflict")
    assert body["currentStatus"] == "APPROVED"
    assert len(await attempts(client, user, order)) == 1


# --- receipts ----------------------------------------------------------------------------


async def test_receipts_for_the_owner_and_staff_only(
    client: httpx.AsyncClient,
    make_account: AccountFactory,
    staff: Account,
    new_order: NewOrder,
) -> None:
    owner, other = await make_account(), await make_account()
    order = await new_order(owner, price="99.95", currency="USD")
    paid = await pay(client, owner, order, card())
    assert paid.status_code == 201, paid.text
    payment = paid.json()
    receipt_url = payment["links"]["receipt"]
    assert receipt_url == f"http://petstore.test/v1/receipts/{payment['receiptId']}"

    response = await client.get(receipt_url, headers=owner.auth)
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert receipt["id"] == payment["receiptId"]
    assert (receipt["orderId"], receipt["paymentId"], receipt["userId"]) == (
        order["id"],
        payment["id"],
        owner.id,
    )
    assert (receipt["amount"], receipt["currency"]) == ("99.95", "USD")
    assert (receipt["paymentMethod"], receipt["paymentLast4"]) == ("card", "4242")
    for stamp in (receipt["paidAt"], receipt["createdAt"]):
        assert stamp.endswith("Z")
        assert datetime.fromisoformat(stamp).tzinfo is not None
    assert receipt["links"]["order"].endswith(f"/v1/orders/{order['id']}")
    assert VISA not in response.text
    assert "etag" in response.headers

    assert_problem(await client.get(receipt_url, headers=other.auth), 404, "not-found")
    by_staff = await client.get(receipt_url, headers=staff.auth)
    assert by_staff.status_code == 200
    assert by_staff.json() == receipt
    assert_problem(
        await client.get(f"/v1/receipts/{uuid.uuid4()}", headers=owner.auth), 404, "not-found"
    )
    assert_problem(await client.get(receipt_url), 401, "unauthorized")


# --- against a real server process --------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("payments-server")
    env = server_env(f"sqlite+aiosqlite:///{root / 'payments.db'}")
    petstore(env, "migrate")
    create_staff(env, "paystaff", PASSWORD)
    with run_server(env, root / "server.log") as running:
        yield running


PIPELINES = 10
ROUNDS = 5


@pytest.mark.e2e
async def test_a_retry_right_after_the_answer_is_replayed(server: RunningServer) -> None:
    """Over a real connection the client holds the whole 201 before its retry leaves, so the
    retry must find the stored answer, not a key "still being processed" (409). Ten buyers pay
    at once, so the server is as busy as a real one."""
    limits = server_limits(PIPELINES * 2)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as client:
        staff = auth_of(await login(client, "paystaff"))
        buyers = [(await sign_up_and_login(client)).auth for _ in range(PIPELINES)]
        orders: list[list[dict[str, Any]]] = []
        for buyer in buyers:
            mine = []
            for _ in range(ROUNDS):
                pet = await client.post("/v1/pets", json={**PET, "price": "49.99"}, headers=staff)
                order = await client.post(
                    "/v1/orders", json={"petId": pet.json()["id"]}, headers=buyer
                )
                assert order.status_code == 201, order.text
                mine.append(order.json())
            orders.append(mine)

        async def pay_then_retry(buyer: dict[str, str], mine: list[dict[str, Any]]) -> list[str]:
            outcomes = []
            for order in mine:
                path = f"/v1/orders/{order['id']}/payment"
                body = payment_body(order, card())
                headers = {**buyer, "Idempotency-Key": f"k-{uuid.uuid4()}"}
                first = await client.post(path, json=body, headers=headers)
                assert first.status_code == 201, first.text
                retry = await client.post(path, json=body, headers=headers)
                replayed = retry.headers.get("idempotent-replayed")
                same = retry.content == first.content
                outcomes.append(f"{retry.status_code} replayed={replayed} same={same}")
            return outcomes

        results = await asyncio.gather(
            *(pay_then_retry(b, o) for b, o in zip(buyers, orders, strict=True))
        )
        outcomes = Counter(outcome for result in results for outcome in result)
        assert outcomes == {"201 replayed=true same=True": PIPELINES * ROUNDS}
