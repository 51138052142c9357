from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.order import Order
from ...models.order_patch import OrderPatch
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    body: OrderPatch | OrderPatch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-ID"] = x_tenant_id

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/orders/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    if isinstance(body, OrderPatch):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/merge-patch+json"
    if isinstance(body, OrderPatch):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Order | Problem | None:
    if response.status_code == 200:
        response_200 = Order.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

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
) -> Response[Order | Problem]:
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
    body: OrderPatch | OrderPatch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[Order | Problem]:
    """Move an order along its lifecycle (staff)

     `{"status": "SHIPPED"}`: APPROVED → SHIPPED → DELIVERED, or CANCELLED before it ships (a paid order
    is then refunded, as by `DELETE`).

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        body (OrderPatch): Staff move an order along its lifecycle (APPROVED → SHIPPED →
            DELIVERED, or CANCELLED
            before it ships).
        body (OrderPatch): Staff move an order along its lifecycle (APPROVED → SHIPPED →
            DELIVERED, or CANCELLED
            before it ships).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Order | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: OrderPatch | OrderPatch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Order | Problem | None:
    """Move an order along its lifecycle (staff)

     `{"status": "SHIPPED"}`: APPROVED → SHIPPED → DELIVERED, or CANCELLED before it ships (a paid order
    is then refunded, as by `DELETE`).

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        body (OrderPatch): Staff move an order along its lifecycle (APPROVED → SHIPPED →
            DELIVERED, or CANCELLED
            before it ships).
        body (OrderPatch): Staff move an order along its lifecycle (APPROVED → SHIPPED →
            DELIVERED, or CANCELLED
            before it ships).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Order | Problem
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: OrderPatch | OrderPatch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[Order | Problem]:
    """Move an order along its lifecycle (staff)

     `{"status": "SHIPPED"}`: APPROVED → SHIPPED → DELIVERED, or CANCELLED before it ships (a paid order
    is then refunded, as by `DELETE`).

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        body (OrderPatch): Staff move an order along its lifecycle (APPROVED → SHIPPED →
            DELIVERED, or CANCELLED
            before it ships).
        body (OrderPatch): Staff move an order along its lifecycle (APPROVED → SHIPPED →
            DELIVERED, or CANCELLED
            before it ships).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Order | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: OrderPatch | OrderPatch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Order | Problem | None:
    """Move an order along its lifecycle (staff)

     `{"status": "SHIPPED"}`: APPROVED → SHIPPED → DELIVERED, or CANCELLED before it ships (a paid order
    is then refunded, as by `DELETE`).

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        body (OrderPatch): Staff move an order along its lifecycle (APPROVED → SHIPPED →
            DELIVERED, or CANCELLED
            before it ships).
        body (OrderPatch): Staff move an order along its lifecycle (APPROVED → SHIPPED →
            DELIVERED, or CANCELLED
            before it ships).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Order | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
