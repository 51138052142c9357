"""Card and bank-account data for payments: the payment sandbox's test numbers (which ones
succeed and which are declined), the CVCs, and what may be kept of them. The card-data and
logging tests check that none of it but the kept part is ever stored or logged."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx

YEAR = datetime.now(UTC).year
HOLDER = "Zelda Quixote-Cardholder"

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"
AMEX = "378282246310005"
DECLINED_CARD = "4000000000000002"
BAD_LUHN = "4242424242424241"
EXPIRED = "4111111111111111"
ACCOUNT = "000123456789"
DECLINED_ACCOUNT = "123000000000"
UK_ACCOUNT = "31926819"

FULL_NUMBERS = (
    VISA,
    MASTERCARD,
    AMEX,
    DECLINED_CARD,
    BAD_LUHN,
    EXPIRED,
    ACCOUNT,
    DECLINED_ACCOUNT,
    UK_ACCOUNT,
)
CVC = "987"
AMEX_CVC = "7361"
CVCS = (CVC, AMEX_CVC)
# What may be kept: the last four digits of each number that was charged or declined.
KEPT_LAST4 = ("4242", "4444", "0005", "0002", "6789", "0000", "6819")

# Maximal runs of these characters are "tokens": a CVC stored or logged as a value is a token
# of its own ('987', "987", =987, (987, ...), while UUIDs, timestamps, durations, hashes and
# request ids are longer tokens, so a three or four digit CVC cannot match them by chance.
_TOKEN = re.compile(r"[0-9A-Za-z_.-]+")


def tokens(textual: str) -> set[str]:
    """The tokens of ``textual``: a CVC counts as found only as a whole token."""
    return set(_TOKEN.findall(textual))


def card(number: str, cvc: str = CVC, **extra: Any) -> dict[str, Any]:
    """A card payment source in the schema's vocabulary, by ``HOLDER``."""
    return {
        "object": "card",
        "name": HOLDER,
        "number": number,
        "cvc": cvc,
        "expMonth": 11,
        "expYear": YEAR + 2,
        **extra,
    }


def bank(number: str, **extra: Any) -> dict[str, Any]:
    """A bank-account payment source, by ``HOLDER``."""
    return {
        "object": "bank_account",
        "accountHolderName": HOLDER,
        "accountNumber": number,
        "routingNumber": "110000000",
        **extra,
    }


def card_payment(order: dict[str, Any], number: str = VISA) -> dict[str, Any]:
    """The body that pays ``order`` (its amount and currency) by card."""
    return {"amount": order["totalAmount"], "currency": order["currency"], "source": card(number)}


async def place_order(
    client: httpx.AsyncClient, auth: dict[str, str], pet_id: str
) -> dict[str, Any]:
    """A PLACED order for the pet, by the holder of ``auth``."""
    response = await client.post("/v1/orders", json={"petId": pet_id}, headers=auth)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def pay_by_card(
    client: httpx.AsyncClient, auth: dict[str, str], order: dict[str, Any], number: str = VISA
) -> httpx.Response:
    return await client.post(
        f"/v1/orders/{order['id']}/payment", json=card_payment(order, number), headers=auth
    )


async def paid_order(
    client: httpx.AsyncClient, auth: dict[str, str], pet_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An APPROVED order for the pet and its SUCCEEDED payment."""
    order = await place_order(client, auth, pet_id)
    paid = await pay_by_card(client, auth, order)
    assert paid.status_code == 201, paid.text
    payment: dict[str, Any] = paid.json()
    return order, payment
