from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.payment import Payment
from ...models.payment_create import PaymentCreate
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    body: PaymentCreate,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-ID"] = x_tenant_id

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orders/{id}/payment".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Payment | Problem | None:
    if response.status_code == 201:
        response_201 = Payment.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = Problem.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Payment | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: PaymentCreate,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Payment | Problem]:
    """Pay an order

     Pay a PLACED order by card or bank account; the amount and currency must equal the order's. Success:
    201, the order becomes APPROVED and a receipt is issued. A decline answers 402 `payment-declined`;
    the attempt is recorded as FAILED and the order stays PLACED, ready for another try. Test numbers:
    card `4000000000000002` and accounts ending `000000000` are declined. Send an `Idempotency-Key` so a
    retry charges once.

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (PaymentCreate): Must match the order's amount and currency exactly.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Payment | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        x_tenant_id=x_tenant_id,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: PaymentCreate,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Payment | Problem | None:
    """Pay an order

     Pay a PLACED order by card or bank account; the amount and currency must equal the order's. Success:
    201, the order becomes APPROVED and a receipt is issued. A decline answers 402 `payment-declined`;
    the attempt is recorded as FAILED and the order stays PLACED, ready for another try. Test numbers:
    card `4000000000000002` and accounts ending `000000000` are declined. Send an `Idempotency-Key` so a
    retry charges once.

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (PaymentCreate): Must match the order's amount and currency exactly.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Payment | Problem
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        x_tenant_id=x_tenant_id,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: PaymentCreate,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Payment | Problem]:
    """Pay an order

     Pay a PLACED order by card or bank account; the amount and currency must equal the order's. Success:
    201, the order becomes APPROVED and a receipt is issued. A decline answers 402 `payment-declined`;
    the attempt is recorded as FAILED and the order stays PLACED, ready for another try. Test numbers:
    card `4000000000000002` and accounts ending `000000000` are declined. Send an `Idempotency-Key` so a
    retry charges once.

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (PaymentCreate): Must match the order's amount and currency exactly.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Payment | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        x_tenant_id=x_tenant_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: PaymentCreate,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Payment | Problem | None:
    """Pay an order

     Pay a PLACED order by card or bank account; the amount and currency must equal the order's. Success:
    201, the order becomes APPROVED and a receipt is issued. A decline answers 402 `payment-declined`;
    the attempt is recorded as FAILED and the order stays PLACED, ready for another try. Test numbers:
    card `4000000000000002` and accounts ending `000000000` are declined. Send an `Idempotency-Key` so a
    retry charges once.

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (PaymentCreate): Must match the order's amount and currency exactly.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Payment | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            x_tenant_id=x_tenant_id,
            idempotency_key=idempotency_key,
        )
    ).parsed
