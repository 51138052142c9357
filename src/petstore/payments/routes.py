"""HTTP routes for paying orders, listing attempts and reading receipts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Request
from starlette.responses import Response

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.container import ContainerDep
from petstore.core.database import SessionDep
from petstore.core.links import base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.problems import render
from petstore.core.responses import JsonResponse, created_response, resource_response
from petstore.core.routing import PetstoreRoute
from petstore.core.tenancy import TenantDep
from petstore.payments import service
from petstore.payments.schemas import (
    Payment,
    PaymentCollection,
    PaymentCreate,
    Receipt,
    declined_problem,
    payment_payload,
    receipt_payload,
)
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
    container: ContainerDep,
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
    base = base_url(request)
    outcome = await service.pay_order(session, container.processor, payer, order, body, base)
    payload = payment_payload(outcome.payment, outcome.receipt, None, base)
    if not outcome.succeeded:
        # Returned, not raised: the FAILED attempt must be committed with this request.
        return render(request, declined_problem(payload))
    return created_response(request, payload, payload["links"]["self"])


@router.get(
    "/v1/orders/{id}/payments",
    operation_id="listOrderPayments",
    summary="List an order's payment attempts",
    description=(
        "Every payment attempt on the order, oldest first, declined ones included: the "
        "history a support agent needs."
    ),
    response_model=PaymentCollection,
    responses=responses_for(400, 401, 403, 404),
)
async def list_payments(request: Request, order: ReadableOrder, session: SessionDep) -> Response:
    base = base_url(request)
    rows = await service.list_payments(session, order)
    return JsonResponse({"data": [payment_payload(*row, base) for row in rows]})


@router.get(
    "/v1/orders/{id}/payments/{paymentId}",
    operation_id="getOrderPayment",
    summary="Get one payment attempt",
    description=(
        "One payment attempt on the order, with its status and (once it succeeded) its receipt id."
    ),
    response_model=Payment,
    responses=responses_for(304, 400, 401, 403, 404),
)
async def get_payment(
    request: Request,
    order: ReadableOrder,
    session: SessionDep,
    payment_id: Annotated[uuid.UUID, Path(alias="paymentId")],
) -> Response:
    record = await service.get_payment(session, order, payment_id)
    return resource_response(request, payment_payload(*record, base_url(request)))


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
