from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-ID"] = x_tenant_id

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/orders/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | Problem]:
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
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[Any | Problem]:
    """Cancel an order

     Cancels a PLACED or APPROVED order: it is kept, as CANCELLED, and the pet becomes AVAILABLE again. A
    paid (APPROVED) order is refunded in full the way a card processor would: its payment becomes
    REFUNDED and lists the refund (amount, currency, reason, time, id), and `payment.refunded` is sent,
    all in the transaction of the cancellation. SHIPPED and DELIVERED orders cannot be cancelled (409
    `conflict`). Cancelling a cancelled order again is a no-op (204; nothing is refunded twice). Paying
    and cancelling at once: one of them goes first, never both half-way.

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
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
    x_tenant_id: UUID | Unset = UNSET,
) -> Any | Problem | None:
    """Cancel an order

     Cancels a PLACED or APPROVED order: it is kept, as CANCELLED, and the pet becomes AVAILABLE again. A
    paid (APPROVED) order is refunded in full the way a card processor would: its payment becomes
    REFUNDED and lists the refund (amount, currency, reason, time, id), and `payment.refunded` is sent,
    all in the transaction of the cancellation. SHIPPED and DELIVERED orders cannot be cancelled (409
    `conflict`). Cancelling a cancelled order again is a no-op (204; nothing is refunded twice). Paying
    and cancelling at once: one of them goes first, never both half-way.

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        id=id,
        client=client,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[Any | Problem]:
    """Cancel an order

     Cancels a PLACED or APPROVED order: it is kept, as CANCELLED, and the pet becomes AVAILABLE again. A
    paid (APPROVED) order is refunded in full the way a card processor would: its payment becomes
    REFUNDED and lists the refund (amount, currency, reason, time, id), and `payment.refunded` is sent,
    all in the transaction of the cancellation. SHIPPED and DELIVERED orders cannot be cancelled (409
    `conflict`). Cancelling a cancelled order again is a no-op (204; nothing is refunded twice). Paying
    and cancelling at once: one of them goes first, never both half-way.

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    x_tenant_id: UUID | Unset = UNSET,
) -> Any | Problem | None:
    """Cancel an order

     Cancels a PLACED or APPROVED order: it is kept, as CANCELLED, and the pet becomes AVAILABLE again. A
    paid (APPROVED) order is refunded in full the way a card processor would: its payment becomes
    REFUNDED and lists the refund (amount, currency, reason, time, id), and `payment.refunded` is sent,
    all in the transaction of the cancellation. SHIPPED and DELIVERED orders cannot be cancelled (409
    `conflict`). Cancelling a cancelled order again is a no-op (204; nothing is refunded twice). Paying
    and cancelling at once: one of them goes first, never both half-way.

    Args:
        id (UUID): The order's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
