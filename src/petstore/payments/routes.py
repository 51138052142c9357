"""HTTP routes for paying orders, listing attempts and reading receipts."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from starlette.responses import Response

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.core.database import SessionDep
from petstore.core.ids import rfc3339
from petstore.core.links import base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.problems import Problem, render
from petstore.core.responses import JsonResponse, created_response, resource_response
from petstore.core.routing import PetstoreRoute
from petstore.core.schemas import minor_to_money
from petstore.core.tenancy import TenantDep
from petstore.payments import service
from petstore.payments.models import Payment as PaymentRow
from petstore.payments.models import Receipt as ReceiptRow
from petstore.payments.schemas import Payment, PaymentCollection, PaymentCreate, Receipt
from petstore.store.routes import ReadableOrder, WritableOrder

router = APIRouter(tags=["Payments"], route_class=PetstoreRoute)
Reader = Annotated[Principal, Depends(RequireScopes("read:orders", sandbox_anonymous=True))]
Payer = Annotated[Principal, Depends(RequireScopes("write:orders", sandbox_anonymous=True))]

CARD_EXAMPLE = {
    "amount": "49.99",
    "currency": "USD",
    "source": {
        "object": "card",
        "name": "Jane Doe",
        "number": "4242424242424242",
        "cvc": "123",
        "expMonth": 12,
        "expYear": 2030,
        "billingAddress": {"city": "Portland", "postalCode": "97201", "country": "US"},
    },
}
BANK_EXAMPLE = {
    "amount": "49.99",
    "currency": "USD",
    "source": {
        "object": "bank_account",
        "accountHolderName": "Jane Doe",
        "accountNumber": "000123456789",
        "routingNumber": "110000000",
        "accountType": "CHECKING",
    },
}


def payment_payload(payment: PaymentRow, receipt: ReceiptRow | None, base: str) -> dict[str, Any]:
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
        "amount": minor_to_money(payment.amount_minor),
        "currency": payment.currency,
        "status": payment.status,
        "source": source,
        "failureCode": payment.failure_code,
        "failureMessage": payment.failure_message,
        "receiptId": str(receipt.id) if receipt else None,
        "createdAt": rfc3339(payment.created_at),
        "links": {
            "self": f"{order_href}/payments/{payment.id}",
            "order": order_href,
            "receipt": f"{base}/v1/receipts/{receipt.id}" if receipt else None,
        },
    }


@router.post(
    "/v1/orders/{id}/payment",
    operation_id="createOrderPayment",
    summary="Pay an order",
    description=(
        "Pay a PLACED order by card or bank account; the amount and currency must equal the "
        "order's. Success: 201, the order becomes APPROVED and a receipt is issued. A decline "
        "answers 402 `payment-declined`; the attempt is recorded as FAILED and the order stays "
        "PLACED, ready for another try. Test numbers: card `4000000000000002` and accounts "
        "ending `000000000` are declined. Send an `Idempotency-Key` so a retry charges once."
    ),
    status_code=201,
    response_model=Payment,
    responses=responses_for(401, 402, 403, 404, 409, body=True),
)
async def pay_order(
    request: Request,
    order: WritableOrder,
    payer: Payer,
    session: SessionDep,
    body: Annotated[
        PaymentCreate,
        Body(
            openapi_examples={
                "card": {"summary": "Card", "value": CARD_EXAMPLE},
                "bank_account": {"summary": "Bank account", "value": BANK_EXAMPLE},
            }
        ),
    ],
) -> Response:
    outcome = await service.pay_order(session, request.app.state.processor, payer, order, body)
    payload = payment_payload(outcome.payment, outcome.receipt, base_url(request))
    if not outcome.succeeded:
        # Returned, not raised: the FAILED attempt must be committed with this request.
        return render(
            request,
            Problem(
                402,
                outcome.payment.failure_message or "The payment was declined.",
                slug="payment-declined",
                title="Payment Declined",
                extensions={"payment": payload},
            ),
        )
    return created_response(request, payload, payload["links"]["self"])


@router.get(
    "/v1/orders/{id}/payments",
    operation_id="listOrderPayments",
    summary="List an order's payment attempts",
    response_model=PaymentCollection,
    responses=responses_for(400, 401, 403, 404),
)
async def list_payments(request: Request, order: ReadableOrder, session: SessionDep) -> Response:
    base = base_url(request)
    rows = await service.list_payments(session, order)
    return JsonResponse({"data": [payment_payload(p, r, base) for p, r in rows]})


@router.get(
    "/v1/orders/{id}/payments/{paymentId}",
    operation_id="getOrderPayment",
    summary="Get one payment attempt",
    response_model=Payment,
    responses=responses_for(304, 400, 401, 403, 404),
)
async def get_payment(
    request: Request,
    order: ReadableOrder,
    session: SessionDep,
    payment_id: Annotated[uuid.UUID, Path(alias="paymentId")],
) -> Response:
    payment, receipt = await service.get_payment(session, order, payment_id)
    return resource_response(request, payment_payload(payment, receipt, base_url(request)))


def receipt_payload(receipt: ReceiptRow, payment: PaymentRow, base: str) -> dict[str, Any]:
    return {
        "id": str(receipt.id),
        "orderId": str(receipt.order_id),
        "paymentId": str(receipt.payment_id),
        "userId": str(receipt.user_id) if receipt.user_id else None,
        "amount": minor_to_money(receipt.amount_minor),
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


@router.get(
    "/v1/receipts/{id}",
    operation_id="getReceipt",
    summary="Get a receipt",
    description="The receipt of a successful payment; its order's owner or staff only.",
    response_model=Receipt,
    responses=responses_for(304, 400, 401, 403, 404),
)
async def get_receipt(
    request: Request,
    reader: Reader,
    session: SessionDep,
    tenant: TenantDep,
    id: Annotated[uuid.UUID, Path(description="The receipt's id.")],
) -> Response:
    receipt, payment = await service.visible_receipt(session, reader, tenant, id)
    return resource_response(request, receipt_payload(receipt, payment, base_url(request)))
