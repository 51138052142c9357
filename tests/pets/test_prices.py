"""Pet prices through HTTP, on every database: an amount has at most as many decimals as its
currency (ISO 4217: JPY none, USD two, BHD three), is greater than zero, and is in a currency
the store accepts; on create, replace and merge-patch alike, and so says the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.support.accounts import Account
from tests.support.pets import PET, MakePet
from tests.support.problems import field_errors

MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


async def create(client: httpx.AsyncClient, staff: Account, **fields: Any) -> httpx.Response:
    return await client.post("/v1/pets", json={**PET, **fields}, headers=staff.auth)


async def patch(
    client: httpx.AsyncClient, staff: Account, pet: dict[str, Any], **fields: Any
) -> httpx.Response:
    return await client.patch(
        f"/v1/pets/{pet['id']}", json=fields, headers={**staff.auth, **MERGE_PATCH}
    )


@pytest.mark.parametrize(
    ("currency", "price", "stored"),
    [
        ("JPY", "15000", "15000"),
        ("krw", "250000", "250000"),
        ("USD", "49.9", "49.90"),
        ("EUR", "0.05", "0.05"),
        ("BHD", "95.5", "95.500"),
        ("KWD", "0.125", "0.125"),
    ],
)
async def test_prices_are_written_in_the_currencys_minor_units(
    client: httpx.AsyncClient, staff: Account, currency: str, price: str, stored: str
) -> None:
    response = await create(client, staff, price=price, currency=currency)
    assert response.status_code == 201, response.text
    assert (response.json()["price"], response.json()["currency"]) == (stored, currency.upper())
    fetched = await client.get(f"/v1/pets/{response.json()['id']}")
    assert fetched.json()["price"] == stored


@pytest.mark.parametrize(
    ("currency", "price", "says"),
    [
        ("JPY", "15000.50", "JPY has no minor unit"),
        ("JPY", "15000.00", "JPY has no minor unit"),
        ("KRW", "9.9", "KRW has no minor unit"),
        ("USD", "1.234", "USD has 2 decimals"),
        ("BHD", "1.2345", "greater than zero"),
        ("USD", "0", "greater than zero"),
        ("USD", "0.00", "greater than zero"),
        ("JPY", "0", "greater than zero"),
        ("USD", "-5.00", "greater than zero"),
    ],
)
async def test_a_price_that_does_not_fit_its_currency_is_422_naming_price(
    client: httpx.AsyncClient, staff: Account, currency: str, price: str, says: str
) -> None:
    errors = field_errors(await create(client, staff, price=price, currency=currency))
    assert list(errors) == ["price"]
    assert says in errors["price"]


async def test_an_unknown_currency_is_422_naming_currency(
    client: httpx.AsyncClient, staff: Account
) -> None:
    errors = field_errors(await create(client, staff, price="10.00", currency="XYZ"))
    assert list(errors) == ["currency"]
    assert "JPY" in errors["currency"]  # the message lists what is accepted


async def test_adoption_fee_is_judged_as_written_not_rounded(
    client: httpx.AsyncClient, staff: Account
) -> None:
    body = {k: v for k, v in PET.items() if k != "price"}
    whole = await client.post(
        "/v1/pets", json={**body, "adoptionFee": 1500, "currency": "JPY"}, headers=staff.auth
    )
    assert whole.status_code == 201, whole.text
    assert whole.json()["price"] == "1500"
    for fee, currency in ((12.5, "JPY"), (12.345, "USD"), (0, "USD")):
        response = await client.post(
            "/v1/pets", json={**body, "adoptionFee": fee, "currency": currency}, headers=staff.auth
        )
        assert list(field_errors(response)) == ["price"], (fee, currency)


async def test_put_applies_the_same_rule(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    url = f"/v1/pets/{pet['id']}"
    refused = await client.put(url, json={**PET, "currency": "JPY"}, headers=staff.auth)
    assert list(field_errors(refused)) == ["price"]  # "120.00" yen
    assert (await client.get(url)).json()["currency"] == "USD"
    replaced = await client.put(
        url, json={**PET, "currency": "JPY", "price": "18000"}, headers=staff.auth
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["price"], replaced.json()["currency"]) == ("18000", "JPY")


async def test_a_patch_is_judged_on_the_pet_it_makes(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    """The price alone, or the currency alone, may be fine and the pet they make not."""
    usd = await make_pet(price="120.00")
    assert list(field_errors(await patch(client, staff, usd, currency="JPY"))) == ["price"]
    assert list(field_errors(await patch(client, staff, usd, price="0.00"))) == ["price"]
    assert list(field_errors(await patch(client, staff, usd, price="1.999"))) == ["price"]
    assert (await client.get(f"/v1/pets/{usd['id']}")).json()["price"] == "120.00"

    yen = await patch(client, staff, usd, currency="jpy", price="16000")
    assert yen.status_code == 200, yen.text
    assert (yen.json()["price"], yen.json()["currency"]) == ("16000", "JPY")
    assert list(field_errors(await patch(client, staff, usd, price="16000.5"))) == ["price"]
    dinar = await patch(client, staff, usd, currency="BHD")  # 16000 yen → 16000.000 dinar
    assert dinar.status_code == 200, dinar.text
    assert dinar.json()["price"] == "16000.000"


def patterns_by_currency(schema: dict[str, Any], field: str) -> dict[str, re.Pattern[str]]:
    """The pattern the ``if``/``then`` rules of a body's schema give ``field``, per currency."""
    return {
        code: re.compile(rule["then"]["properties"][field]["pattern"])
        for rule in schema["allOf"]
        for code in rule["if"]["properties"]["currency"]["enum"]
    }


async def test_the_openapi_document_states_the_rule(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/v1/openapi.json")).json()["components"]["schemas"]
    for body, field in (
        ("PetWrite", "price"),
        ("PaymentCreate", "amount"),
        ("CallbackRequest", "amount"),
    ):
        schema = schemas[body]
        currencies = set(schema["properties"]["currency"]["enum"])
        assert {"JPY", "KRW", "USD", "EUR", "BHD", "KWD"} <= currencies, body
        assert "XYZ" not in currencies
        shape = re.compile(schema["properties"][field]["pattern"])
        assert shape.fullmatch("95.500")
        assert not shape.fullmatch("0")
        assert not shape.fullmatch("0.00")
        per_currency = patterns_by_currency(schema, field)
        assert set(per_currency) == currencies, body
        assert per_currency["JPY"].fullmatch("15000")
        assert not per_currency["JPY"].fullmatch("15000.00")
        assert per_currency["USD"].fullmatch("49.99")
        assert not per_currency["USD"].fullmatch("49.999")
        assert per_currency["KWD"].fullmatch("0.125")
