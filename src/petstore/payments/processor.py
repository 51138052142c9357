"""The payment processor interface and the built-in simulated processor.

A real gateway implements :class:`PaymentProcessor`; it is the only code that ever sees a full
card or account number, and nothing it receives is persisted by us.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal, Protocol

DECLINED_CARD = "4000000000000002"
DECLINED_ACCOUNT_SUFFIX = "000000000"


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    amount_minor: int
    currency: str
    method: Literal["card", "bank_account"]
    number: str  # full card or account number: passed to the gateway, never stored
    holder_name: str


@dataclass(frozen=True, slots=True)
class ChargeResult:
    succeeded: bool
    reference: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """Give back ``amount_minor`` of the charge the processor knows as ``charge_reference``."""

    charge_reference: str
    amount_minor: int
    currency: str
    reason: str


class PaymentProcessor(Protocol):
    async def charge(self, request: ChargeRequest) -> ChargeResult: ...

    async def refund(self, request: RefundRequest) -> str:
        """Refund a charge; returns the processor's reference of the refund. A gateway that
        cannot refund raises a domain error (``DependencyFailed``): the cancellation that asked
        for the refund is then rolled back, the order still paid."""
        ...


class SimulatedProcessor:
    """Approves everything except the documented test numbers (like a gateway's test mode)."""

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        if request.method == "card" and request.number == DECLINED_CARD:
            return ChargeResult(False, None, "card_declined", "The card was declined.")
        if request.method == "bank_account" and request.number.endswith(DECLINED_ACCOUNT_SUFFIX):
            return ChargeResult(False, None, "account_declined", "The bank declined the debit.")
        return ChargeResult(True, f"sim_{secrets.token_hex(8)}")

    async def refund(self, request: RefundRequest) -> str:
        """Every refund of a charge it made succeeds at once (test mode has no refund decline)."""
        return f"sim_re_{secrets.token_hex(8)}"
