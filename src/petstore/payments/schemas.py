"""Payment bodies: a card or a bank account, in either vocabulary the reference uses.

The schema's own words (``billingAddress``, ``accountHolderName``, ``accountNumber``,
``routingNumber``) and the examples' UK words (``addressLine1``..., ``name``, ``number``,
``sortCode``) are both accepted and normalised; ``object`` may be ``card``, ``bank_account``
or ``bankAccount`` in any case. Card numbers are checked (length, Luhn, expiry, CVC) before
anything is charged. ``cvc`` is write-only and never stored.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Strict, Tag, model_validator
from pydantic.json_schema import SkipJsonSchema

from petstore.core import money
from petstore.core.ids import rfc3339
from petstore.core.money import precision_rules
from petstore.core.problems import Problem
from petstore.core.schemas import (
    JSON_INTEGER,
    UPPERCASE,
    Amount,
    Currency,
    InputModel,
    OutputModel,
    amount_in_currency,
)
from petstore.payments.models import Payment as PaymentRow
from petstore.payments.models import Receipt as ReceiptRow
from petstore.payments.models import Refund as RefundRow
from petstore.payments.processor import DECLINED_CARD


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """The brand from the number's leading digits (IIN ranges)."""
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    six = int(digits[:6])
    if digits[0] == "4":
        return "VISA"
    if 51 <= two <= 55 or 222100 <= six <= 272099:
        return "MASTERCARD"
    if two in (34, 37):
        return "AMEX"
    if digits.startswith("6011") or digits.startswith("65") or 644 <= three <= 649:
        return "DISCOVER"
    if 300 <= three <= 305 or two in (36, 38, 39) or digits.startswith("3095"):
        return "DINERS"
    if 3528 <= four <= 3589:
        return "JCB"
    if two == 62:
        return "UNIONPAY"
    return None


class BillingAddress(InputModel):
    line1: Annotated[str, Field(max_length=200, json_schema_extra={"writeOnly": True})] | None = (
        None
    )
    line2: Annotated[str, Field(max_length=200, json_schema_extra={"writeOnly": True})] | None = (
        None
    )
    city: Annotated[str, Field(max_length=100)] | None = None
    state: Annotated[str, Field(max_length=100)] | None = None
    postalCode: Annotated[str, Field(max_length=20)] | None = None  # noqa: N815
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | None = None


_UK_ADDRESS = {
    "addressLine1": "line1",
    "addressLine2": "line2",
    "addressCity": "city",
    "addressState": "state",
    "addressPostCode": "postalCode",
    "addressCountry": "country",
}


class CardSource(InputModel):
    object: Literal["card"] = Field(description="`card` (case-insensitive).")
    name: Annotated[str, Field(min_length=1, max_length=100, examples=["Jane Doe"])]
    number: Annotated[
        str,
        Field(
            pattern=r"^[0-9]{13,19}$",
            description="The full card number (write-only; reads show it masked).",
            examples=["4242424242424242"],
        ),
    ]
    cvc: (
        Annotated[str, Field(pattern=r"^[0-9]{3,4}$", json_schema_extra={"writeOnly": True})]
        | SkipJsonSchema[None]
    ) = None
    expMonth: Annotated[int, Strict(), Field(ge=1, le=12), JSON_INTEGER]  # noqa: N815
    expYear: Annotated[int, Strict(), Field(ge=2000, le=2100), JSON_INTEGER]  # noqa: N815
    billingAddress: BillingAddress | SkipJsonSchema[None] = None  # noqa: N815

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("object"), str):
            data["object"] = data["object"].lower()
        if isinstance(data.get("number"), str):
            data["number"] = data["number"].replace(" ", "").replace("-", "")
        uk = {new: data.pop(old) for old, new in _UK_ADDRESS.items() if old in data}
        if uk and "billingAddress" not in data:
            data["billingAddress"] = uk
        return data

    @model_validator(mode="after")
    def _check_card(self) -> CardSource:
        if not luhn_ok(self.number):
            raise ValueError("number: not a valid card number (checksum)")
        now = datetime.now(UTC)
        if (self.expYear, self.expMonth) < (now.year, now.month):
            raise ValueError("the card has expired (expMonth/expYear are in the past)")
        if self.cvc is not None:
            expected = 4 if card_brand(self.number) == "AMEX" else 3
            if len(self.cvc) != expected:
                raise ValueError(f"cvc: must be {expected} digits for this card")
        return self


class BankAccountSource(InputModel):
    object: Literal["bank_account"] = Field(
        description="`bank_account` (also `bankAccount`; case-insensitive)."
    )
    accountHolderName: Annotated[str, Field(min_length=1, max_length=100)]  # noqa: N815
    accountNumber: Annotated[  # noqa: N815
        str,
        Field(pattern=r"^[0-9]{4,17}$", description="Write-only; reads show it masked."),
    ]
    routingNumber: Annotated[str, Field(pattern=r"^[0-9]{9}$")] | SkipJsonSchema[None] = None  # noqa: N815
    sortCode: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | SkipJsonSchema[None] = None  # noqa: N815
    accountType: (  # noqa: N815
        Annotated[Literal["CHECKING", "SAVINGS", "INDIVIDUAL", "COMPANY"], UPPERCASE]
        | SkipJsonSchema[None]
    ) = None
    bankName: Annotated[str, Field(max_length=100)] | SkipJsonSchema[None] = None  # noqa: N815
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | SkipJsonSchema[None] = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("object"), str):
            data["object"] = "bank_account"
        if "accountHolderName" not in data and "name" in data:
            data["accountHolderName"] = data.pop("name")
        if "accountNumber" not in data and "number" in data:
            data["accountNumber"] = data.pop("number")
        if isinstance(data.get("sortCode"), str):
            data["sortCode"] = data["sortCode"].replace("-", "").replace(" ", "")
        return data

    @model_validator(mode="after")
    def _check_routing(self) -> BankAccountSource:
        if (self.routingNumber is None) == (self.sortCode is None):
            raise ValueError("give exactly one of routingNumber (9 digits) or sortCode (6 digits)")
        return self


def _source_kind(value: Any) -> str | None:
    kind = value.get("object") if isinstance(value, dict) else getattr(value, "object", None)
    if not isinstance(kind, str):
        return None
    kind = kind.lower().replace("_", "")
    return {"card": "card", "bankaccount": "bank_account"}.get(kind)


PaymentSource = Annotated[
    Annotated[CardSource, Tag("card")] | Annotated[BankAccountSource, Tag("bank_account")],
    Discriminator(
        _source_kind,
        custom_error_type="invalid_source",
        custom_error_message="source.object must be 'card' or 'bank_account'",
    ),
]


class PaymentCreate(InputModel):
    """Must match the order's amount and currency exactly."""

    model_config = ConfigDict(json_schema_extra=precision_rules("amount"))

    currency: Currency  # before the amount, which is checked against it
    amount: Amount
    source: PaymentSource = Field(
        json_schema_extra={
            "discriminator": {
                "propertyName": "object",
                "mapping": {
                    "card": "#/components/schemas/CardSource",
                    "bank_account": "#/components/schemas/BankAccountSource",
                },
            }
        }
    )

    _amount_fits = amount_in_currency("amount")


class CardOut(OutputModel):
    object: Literal["card"]
    name: str
    number: str = Field(examples=["************4242"])
    last4: str
    brand: str | None
    expMonth: int | None  # noqa: N815
    expYear: int | None  # noqa: N815
    billingAddress: dict[str, str | None] | None  # noqa: N815


class BankAccountOut(OutputModel):
    object: Literal["bank_account"]
    accountHolderName: str  # noqa: N815
    accountNumber: str  # noqa: N815
    last4: str
    routingNumber: str | None  # noqa: N815
    sortCode: str | None  # noqa: N815
    accountType: str | None  # noqa: N815
    bankName: str | None  # noqa: N815
    country: str | None


class PaymentLinks(OutputModel):
    self: str
    order: str
    receipt: str | None


RefundReason = Literal["REQUESTED_BY_CUSTOMER", "CANCELLED_BY_STAFF"]


class Refund(OutputModel):
    """Money given back: a paid order that is cancelled is refunded in full."""

    id: uuid.UUID
    paymentId: uuid.UUID  # noqa: N815
    orderId: uuid.UUID  # noqa: N815
    amount: str
    currency: str
    reason: RefundReason = Field(
        description="REQUESTED_BY_CUSTOMER: the buyer cancelled; CANCELLED_BY_STAFF: staff did."
    )
    status: Literal["SUCCEEDED"]
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815


class Payment(OutputModel):
    id: uuid.UUID
    orderId: uuid.UUID  # noqa: N815
    amount: str
    currency: str
    status: Literal["PENDING", "PROCESSING", "SUCCEEDED", "FAILED", "CANCELLED", "REFUNDED"] = (
        Field(description="REFUNDED: the order was cancelled after it was paid; see `refunds`.")
    )
    source: Annotated[CardOut | BankAccountOut, Field(discriminator="object")]
    failureCode: str | None  # noqa: N815
    failureMessage: str | None  # noqa: N815
    receiptId: uuid.UUID | None  # noqa: N815
    amountRefunded: str = Field(examples=["0.00"])  # noqa: N815
    refunds: list[Refund]
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    links: PaymentLinks


class PaymentCollection(OutputModel):
    data: list[Payment]


class Receipt(OutputModel):
    id: uuid.UUID
    orderId: uuid.UUID  # noqa: N815
    paymentId: uuid.UUID  # noqa: N815
    userId: uuid.UUID  # noqa: N815
    amount: str
    currency: str
    paymentMethod: str  # noqa: N815
    paymentLast4: str  # noqa: N815
    paidAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    links: dict[str, str]


def refund_payload(refund: RefundRow) -> dict[str, Any]:
    return {
        "id": str(refund.id),
        "paymentId": str(refund.payment_id),
        "orderId": str(refund.order_id),
        "amount": money.to_text(refund.amount_minor, refund.currency),
        "currency": refund.currency,
        "reason": refund.reason,
        "status": refund.status,
        "createdAt": rfc3339(refund.created_at),
    }


def payment_payload(
    payment: PaymentRow, receipt: ReceiptRow | None, refund: RefundRow | None, base: str
) -> dict[str, Any]:
    masked = ("*" * 12 if payment.method == "card" else "*" * 8) + payment.last4
    source: dict[str, Any]
    if payment.method == "card":
        has_address = payment.billing_city or payment.billing_postal_code or payment.country
        source = {
            "object": "card",
            "name": payment.holder_name,
            "number": masked,
            "last4": payment.last4,
            "brand": payment.brand,
            "expMonth": payment.exp_month,
            "expYear": payment.exp_year,
            "billingAddress": {
                "city": payment.billing_city,
                "state": payment.billing_state,
                "postalCode": payment.billing_postal_code,
                "country": payment.country,
            }
            if has_address
            else None,
        }
    else:
        source = {
            "object": "bank_account",
            "accountHolderName": payment.holder_name,
            "accountNumber": masked,
            "last4": payment.last4,
            "routingNumber": payment.routing_number,
            "sortCode": payment.sort_code,
            "accountType": payment.account_type,
            "bankName": payment.bank_name,
            "country": payment.country,
        }
    order_href = f"{base}/v1/orders/{payment.order_id}"
    return {
        "id": str(payment.id),
        "orderId": str(payment.order_id),
        "amount": money.to_text(payment.amount_minor, payment.currency),
        "currency": payment.currency,
        "status": payment.status,
        "source": source,
        "failureCode": payment.failure_code,
        "failureMessage": payment.failure_message,
        "receiptId": str(receipt.id) if receipt else None,
        "amountRefunded": money.to_text(refund.amount_minor if refund else 0, payment.currency),
        "refunds": [refund_payload(refund)] if refund else [],
        "createdAt": rfc3339(payment.created_at),
        "links": {
            "self": f"{order_href}/payments/{payment.id}",
            "order": order_href,
            "receipt": f"{base}/v1/receipts/{receipt.id}" if receipt else None,
        },
    }


def receipt_payload(receipt: ReceiptRow, payment: PaymentRow, base: str) -> dict[str, Any]:
    return {
        "id": str(receipt.id),
        "orderId": str(receipt.order_id),
        "paymentId": str(receipt.payment_id),
        "userId": str(receipt.user_id),
        "amount": money.to_text(receipt.amount_minor, receipt.currency),
        "currency": receipt.currency,
        "paymentMethod": payment.method,
        "paymentLast4": payment.last4,
        "paidAt": rfc3339(payment.created_at),
        "createdAt": rfc3339(receipt.created_at),
        "links": {
            "self": f"{base}/v1/receipts/{receipt.id}",
            "order": f"{base}/v1/orders/{receipt.order_id}",
            "payment": f"{base}/v1/orders/{receipt.order_id}/payments/{receipt.payment_id}",
        },
    }


def declined_problem(payment: dict[str, Any]) -> Problem:
    """A declined charge, for every door that answers with a problem document: the 402
    ``payment-declined``, with the (masked) attempt beside it."""
    return Problem(
        402,
        payment.get("failureMessage") or "The payment was declined.",
        slug="payment-declined",
        title="Payment Declined",
        extensions={"payment": payment},
    )


class TestCard(StrEnum):
    """A card of the processor's test mode, by name: an assistant never handles a real card
    number, and the number never appears in what a tool returns."""

    VISA = "VISA"
    MASTERCARD = "MASTERCARD"
    AMEX = "AMEX"
    DECLINED = "DECLINED"


TEST_CARD_NUMBERS: dict[TestCard, str] = {
    TestCard.VISA: "4242424242424242",
    TestCard.MASTERCARD: "5555555555554444",
    TestCard.AMEX: "378282246310005",
    TestCard.DECLINED: DECLINED_CARD,
}
