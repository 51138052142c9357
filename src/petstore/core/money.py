"""Money: a decimal string on the wire, an integer count of the currency's minor unit in storage.

Currencies do not all have cents: ISO 4217 gives each one an exponent (the yen has no minor
unit, the Bahraini dinar has three decimals). An amount means something only when written with
at most that many decimals, so this module is the one place that knows the exponents, turns
amounts into minor units and back, and says why an amount does not fit its currency. The wire
types built on it (:mod:`petstore.core.schemas`: ``Amount``, ``Currency``,
``amount_in_currency``) are what every body carrying an amount uses, and the OpenAPI document
states the same rule (:func:`precision_rules`).

The table is the list of currencies the API accepts. Neither the standard library nor any of
our dependencies ships ISO 4217, so the codes and exponents are written out here.
"""

from __future__ import annotations

import re
from typing import Any

MINOR_UNITS: dict[str, int] = {
    # The reference's own currencies.
    "USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2,
    # Other widely used currencies with two decimals.
    "AED": 2, "BRL": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2, "HKD": 2, "HUF": 2,
    "IDR": 2, "ILS": 2, "INR": 2, "MXN": 2, "MYR": 2, "NOK": 2, "NZD": 2, "PHP": 2,
    "PLN": 2, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TRY": 2, "TWD": 2, "ZAR": 2,
    # No minor unit.
    "CLP": 0, "ISK": 0, "JPY": 0, "KRW": 0, "PYG": 0, "UGX": 0, "VND": 0, "XAF": 0,
    "XOF": 0,
    # Three decimals.
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip
CURRENCIES = tuple(sorted(MINOR_UNITS))
LEGACY_MINOR_UNITS = 2
"""Rows stored before the table existed may name a currency outside it: they were written with
two decimals, and are read back that way."""
MAX_WHOLE_DIGITS = 10


def amount_pattern(decimals: int) -> str:
    """A regular expression for decimals greater than zero with at most ``decimals`` decimals
    and ten digits before the point; ``0``, ``0.00`` and leading zeros do not match."""
    whole = rf"[1-9][0-9]{{0,{MAX_WHOLE_DIGITS - 1}}}"
    if decimals == 0:
        return f"^{whole}$"
    # Below one: 0.d, 0.0d, ... where the first non-zero digit comes within the decimals.
    below_one = "|".join(
        "0" * zeros + "[1-9]" + (f"[0-9]{{0,{rest}}}" if rest else "")
        for zeros, rest in ((z, decimals - 1 - z) for z in range(decimals))
    )
    return rf"^(?:{whole}(?:\.[0-9]{{1,{decimals}}})?|0\.(?:{below_one}))$"


MAX_DECIMALS = max(MINOR_UNITS.values())
AMOUNT_PATTERN = amount_pattern(MAX_DECIMALS)
"""An amount of some accepted currency; :func:`precision_problem` narrows it per currency."""
_AMOUNT = re.compile(AMOUNT_PATTERN)


def minor_units(currency: str) -> int:
    """The ISO 4217 exponent: how many decimals an amount in ``currency`` may have."""
    return MINOR_UNITS.get(currency, LEGACY_MINOR_UNITS)


def shape_problem(amount: str) -> str | None:
    """Why ``amount`` is not a decimal string greater than zero, or None when it is one."""
    if _AMOUNT.fullmatch(amount) is None:
        return (
            "must be a decimal string greater than zero, with at most "
            f"{MAX_DECIMALS} decimals, such as '49.99'"
        )
    return None


def precision_problem(amount: str, currency: str) -> str | None:
    """Why a well-formed ``amount`` has more decimals than ``currency`` has, or None."""
    exponent = minor_units(currency)
    _, _, fraction = amount.partition(".")
    if len(fraction) <= exponent:
        return None
    if exponent == 0:
        return f"{currency} has no minor unit: write a whole amount such as '1500'"
    return f"{currency} has {exponent} decimals: write at most {exponent} after the point"


def to_minor(amount: str, currency: str) -> int:
    """``"75.5"`` USD → ``7550``; ``"1500"`` JPY → ``1500``; ``"1.25"`` BHD → ``1250``.
    The amount has passed :func:`shape_problem` and :func:`precision_problem`."""
    exponent = minor_units(currency)
    whole, _, fraction = amount.partition(".")
    return int(whole) * int(10**exponent) + int(fraction.ljust(exponent, "0") or "0")


def to_text(minor: int, currency: str) -> str:
    """The canonical wire form, with exactly the currency's decimals: ``7550`` USD → ``"75.50"``,
    ``1500`` JPY → ``"1500"``, ``1250`` BHD → ``"1.250"``."""
    exponent = minor_units(currency)
    if exponent == 0:
        return str(minor)
    whole, fraction = divmod(minor, int(10**exponent))
    return f"{whole}.{fraction:0{exponent}d}"


def precision_rules(amount_field: str) -> dict[str, Any]:
    """JSON Schema (2020-12 ``if``/``then``) saying what :func:`precision_problem` checks, for
    the OpenAPI document of a body that carries an amount and its ``currency``. A pet without a
    currency is priced in USD (two decimals).

    Each ``if``/``then`` says outright what JSON Schema already assumes (it constrains two
    properties and leaves the others alone): validators that close every subschema unless told
    otherwise, as Redocly's example check does, would reject valid examples."""
    open_ = {"unevaluatedProperties": True}
    rules = []
    for decimals in sorted(set(MINOR_UNITS.values())):
        codes = [code for code in CURRENCIES if MINOR_UNITS[code] == decimals]
        condition: dict[str, Any] = {"properties": {"currency": {"enum": codes}}, **open_}
        if "USD" not in codes:
            condition["required"] = ["currency"]
        then = {"properties": {amount_field: {"pattern": amount_pattern(decimals)}}, **open_}
        rules.append({"if": condition, "then": then})
    return {"allOf": rules}
