from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_inventory_response_getinventory import (
    GetInventoryResponseGetinventory,
)
from ...models.pet_status import PetStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: list[PetStatus] | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-ID"] = x_tenant_id

    params: dict[str, Any] = {}

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item = status_item_data.value
            json_status.append(status_item)

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/inventories",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GetInventoryResponseGetinventory | Problem | None:
    if response.status_code == 200:
        response_200 = GetInventoryResponseGetinventory.from_dict(response.json())

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
) -> Response[GetInventoryResponseGetinventory | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: list[PetStatus] | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[GetInventoryResponseGetinventory | Problem]:
    """Pet counts by status

     A map of pet status to count, for this tenant.

    Args:
        status (list[PetStatus] | Unset): Only these statuses (repeat the parameter or separate
            with commas).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetInventoryResponseGetinventory | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: list[PetStatus] | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> GetInventoryResponseGetinventory | Problem | None:
    """Pet counts by status

     A map of pet status to count, for this tenant.

    Args:
        status (list[PetStatus] | Unset): Only these statuses (repeat the parameter or separate
            with commas).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetInventoryResponseGetinventory | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: list[PetStatus] | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[GetInventoryResponseGetinventory | Problem]:
    """Pet counts by status

     A map of pet status to count, for this tenant.

    Args:
        status (list[PetStatus] | Unset): Only these statuses (repeat the parameter or separate
            with commas).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetInventoryResponseGetinventory | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: list[PetStatus] | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> GetInventoryResponseGetinventory | Problem | None:
    """Pet counts by status

     A map of pet status to count, for this tenant.

    Args:
        status (list[PetStatus] | Unset): Only these statuses (repeat the parameter or separate
            with commas).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetInventoryResponseGetinventory | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
