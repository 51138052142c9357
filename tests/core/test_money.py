"""The money rules: ISO 4217 exponents, minor units both ways, and the OpenAPI patterns saying
exactly what the validators check (one rule, two readings of it)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from petstore.core import money


def test_the_exponents_are_iso_4217s() -> None:
    expected = {"JPY": 0, "KRW": 0, "USD": 2, "EUR": 2, "GBP": 2, "BHD": 3, "KWD": 3}
    assert {code: money.minor_units(code) for code in expected} == expected
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in money.CURRENCIES)
    assert {"USD", "EUR", "GBP", "CAD", "AUD"} <= set(money.CURRENCIES)  # the reference's


@pytest.mark.parametrize(
    ("amount", "currency", "minor", "text"),
    [
        ("75.5", "USD", 7550, "75.50"),
        ("75", "USD", 7500, "75.00"),
        ("0.01", "EUR", 1, "0.01"),
        ("15000", "JPY", 15000, "15000"),
        ("1.25", "BHD", 1250, "1.250"),
        ("0.001", "KWD", 1, "0.001"),
        ("9999999999.99", "USD", 999999999999, "9999999999.99"),
    ],
)
def test_minor_units_both_ways(amount: str, currency: str, minor: int, text: str) -> None:
    assert money.to_minor(amount, currency) == minor
    assert money.to_text(minor, currency) == text
    assert money.to_minor(text, currency) == minor


def test_rows_in_a_currency_outside_the_table_read_with_two_decimals() -> None:
    assert money.to_text(12345, "XTS") == "123.45"


def fits(amount: str, currency: str) -> bool:
    shaped = money.shape_problem(amount) is None
    return shaped and money.precision_problem(amount, currency) is None


AMOUNTS = st.from_regex(r"\A-?[0-9]{0,12}(\.[0-9]{0,5})?\Z") | st.sampled_from(
    ["0", "0.0", "0.000", "0.001", "0.01", "0.010", "0.1", "01", "1.", ".5", "1e3", "15000"]
)


@given(amount=AMOUNTS, currency=st.sampled_from(money.CURRENCIES))
def test_the_documented_patterns_say_what_the_validators_check(amount: str, currency: str) -> None:
    documented = money.precision_rules("price")["allOf"]
    [pattern] = [
        rule["then"]["properties"]["price"]["pattern"]
        for rule in documented
        if currency in rule["if"]["properties"]["currency"]["enum"]
    ]
    assert (re.fullmatch(pattern, amount) is not None) is fits(amount, currency)
    assert (re.fullmatch(money.AMOUNT_PATTERN, amount) is not None) is (
        money.shape_problem(amount) is None
    )


def test_zero_is_never_an_amount() -> None:
    for zero in ("0", "0.0", "0.00", "0.000"):
        assert money.shape_problem(zero) is not None
