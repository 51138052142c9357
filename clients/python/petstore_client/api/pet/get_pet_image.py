from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_pet_image_size import GetPetImageSize
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    image_id: UUID,
    *,
    size: GetPetImageSize | Unset = GetPetImageSize.FULL,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-ID"] = x_tenant_id

    params: dict[str, Any] = {}

    json_size: str | Unset = UNSET
    if not isinstance(size, Unset):
        json_size = size.value

    params["size"] = json_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/pets/{id}/images/{image_id}".format(
            id=quote(str(id), safe=""),
            image_id=quote(str(image_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | str | None:
    if response.status_code == 200:
        response_200 = cast(str, response.content)
        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Any | Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    image_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    size: GetPetImageSize | Unset = GetPetImageSize.FULL,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[Any | Problem | str]:
    """Get a pet image

     The image bytes (or its thumbnail with `size=thumb`); cacheable forever.

    Args:
        id (UUID): The pet's id (a UUID).
        image_id (UUID): The image's id.
        size (GetPetImageSize | Unset): full (default) or thumb Default: GetPetImageSize.FULL.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | str]
    """

    kwargs = _get_kwargs(
        id=id,
        image_id=image_id,
        size=size,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    image_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    size: GetPetImageSize | Unset = GetPetImageSize.FULL,
    x_tenant_id: UUID | Unset = UNSET,
) -> Any | Problem | str | None:
    """Get a pet image

     The image bytes (or its thumbnail with `size=thumb`); cacheable forever.

    Args:
        id (UUID): The pet's id (a UUID).
        image_id (UUID): The image's id.
        size (GetPetImageSize | Unset): full (default) or thumb Default: GetPetImageSize.FULL.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | str
    """

    return sync_detailed(
        id=id,
        image_id=image_id,
        client=client,
        size=size,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    image_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    size: GetPetImageSize | Unset = GetPetImageSize.FULL,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[Any | Problem | str]:
    """Get a pet image

     The image bytes (or its thumbnail with `size=thumb`); cacheable forever.

    Args:
        id (UUID): The pet's id (a UUID).
        image_id (UUID): The image's id.
        size (GetPetImageSize | Unset): full (default) or thumb Default: GetPetImageSize.FULL.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | str]
    """

    kwargs = _get_kwargs(
        id=id,
        image_id=image_id,
        size=size,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    image_id: UUID,
    *,
    client: AuthenticatedClient | Client,
    size: GetPetImageSize | Unset = GetPetImageSize.FULL,
    x_tenant_id: UUID | Unset = UNSET,
) -> Any | Problem | str | None:
    """Get a pet image

     The image bytes (or its thumbnail with `size=thumb`); cacheable forever.

    Args:
        id (UUID): The pet's id (a UUID).
        image_id (UUID): The image's id.
        size (GetPetImageSize | Unset): full (default) or thumb Default: GetPetImageSize.FULL.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | str
    """

    return (
        await asyncio_detailed(
            id=id,
            image_id=image_id,
            client=client,
            size=size,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
