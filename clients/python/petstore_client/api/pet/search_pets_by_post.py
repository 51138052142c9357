from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.pet_collection import PetCollection
from ...models.pet_search import PetSearch
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PetSearch | Unset = UNSET,
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
        "url": "/v1/pets/search",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PetCollection | Problem | None:
    if response.status_code == 200:
        response_200 = PetCollection.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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
) -> Response[PetCollection | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PetSearch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[PetCollection | Problem]:
    """Search pets (POST fallback)

     Same as `QUERY /v1/pets`, for clients and proxies that cannot send QUERY.

    Args:
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (PetSearch | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PetCollection | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tenant_id=x_tenant_id,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: PetSearch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> PetCollection | Problem | None:
    """Search pets (POST fallback)

     Same as `QUERY /v1/pets`, for clients and proxies that cannot send QUERY.

    Args:
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (PetSearch | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PetCollection | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        x_tenant_id=x_tenant_id,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PetSearch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[PetCollection | Problem]:
    """Search pets (POST fallback)

     Same as `QUERY /v1/pets`, for clients and proxies that cannot send QUERY.

    Args:
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (PetSearch | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PetCollection | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tenant_id=x_tenant_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PetSearch | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> PetCollection | Problem | None:
    """Search pets (POST fallback)

     Same as `QUERY /v1/pets`, for clients and proxies that cannot send QUERY.

    Args:
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (PetSearch | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PetCollection | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_tenant_id=x_tenant_id,
            idempotency_key=idempotency_key,
        )
    ).parsed
