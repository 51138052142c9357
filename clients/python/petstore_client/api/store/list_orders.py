from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.order_collection import OrderCollection
from ...models.order_status import OrderStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: OrderStatus | Unset = UNSET,
    user_id: UUID | Unset = UNSET,
    pet_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-ID"] = x_tenant_id

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_user_id: str | Unset = UNSET
    if not isinstance(user_id, Unset):
        json_user_id = str(user_id)
    params["userId"] = json_user_id

    json_pet_id: str | Unset = UNSET
    if not isinstance(pet_id, Unset):
        json_pet_id = str(pet_id)
    params["petId"] = json_pet_id

    params["page"] = page

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/orders",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OrderCollection | Problem | None:
    if response.status_code == 200:
        response_200 = OrderCollection.from_dict(response.json())

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
) -> Response[OrderCollection | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: OrderStatus | Unset = UNSET,
    user_id: UUID | Unset = UNSET,
    pet_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[OrderCollection | Problem]:
    """List orders

     Your orders, newest first; staff see everyone's and may filter by user.

    Args:
        status (OrderStatus | Unset):
        user_id (UUID | Unset): Staff only.
        pet_id (UUID | Unset):
        page (int | Unset): Page number, from 1. Default: 1.
        limit (int | Unset): Items per page (1-100). Default: 20.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrderCollection | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        user_id=user_id,
        pet_id=pet_id,
        page=page,
        limit=limit,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: OrderStatus | Unset = UNSET,
    user_id: UUID | Unset = UNSET,
    pet_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> OrderCollection | Problem | None:
    """List orders

     Your orders, newest first; staff see everyone's and may filter by user.

    Args:
        status (OrderStatus | Unset):
        user_id (UUID | Unset): Staff only.
        pet_id (UUID | Unset):
        page (int | Unset): Page number, from 1. Default: 1.
        limit (int | Unset): Items per page (1-100). Default: 20.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrderCollection | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        user_id=user_id,
        pet_id=pet_id,
        page=page,
        limit=limit,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: OrderStatus | Unset = UNSET,
    user_id: UUID | Unset = UNSET,
    pet_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[OrderCollection | Problem]:
    """List orders

     Your orders, newest first; staff see everyone's and may filter by user.

    Args:
        status (OrderStatus | Unset):
        user_id (UUID | Unset): Staff only.
        pet_id (UUID | Unset):
        page (int | Unset): Page number, from 1. Default: 1.
        limit (int | Unset): Items per page (1-100). Default: 20.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrderCollection | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        user_id=user_id,
        pet_id=pet_id,
        page=page,
        limit=limit,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: OrderStatus | Unset = UNSET,
    user_id: UUID | Unset = UNSET,
    pet_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> OrderCollection | Problem | None:
    """List orders

     Your orders, newest first; staff see everyone's and may filter by user.

    Args:
        status (OrderStatus | Unset):
        user_id (UUID | Unset): Staff only.
        pet_id (UUID | Unset):
        page (int | Unset): Page number, from 1. Default: 1.
        limit (int | Unset): Items per page (1-100). Default: 20.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrderCollection | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            user_id=user_id,
            pet_id=pet_id,
            page=page,
            limit=limit,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
