from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conversation_collection import ConversationCollection
from ...models.conversation_status import ConversationStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ConversationStatus | Unset = UNSET,
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

    params["page"] = page

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/support/conversations",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConversationCollection | Problem | None:
    if response.status_code == 200:
        response_200 = ConversationCollection.from_dict(response.json())

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
) -> Response[ConversationCollection | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ConversationStatus | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ConversationCollection | Problem]:
    """List support conversations

     Your conversations with support, newest first; staff see every one.

    Args:
        status (ConversationStatus | Unset):
        page (int | Unset): Page number, from 1. Default: 1.
        limit (int | Unset): Items per page (1-100). Default: 20.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConversationCollection | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
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
    status: ConversationStatus | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> ConversationCollection | Problem | None:
    """List support conversations

     Your conversations with support, newest first; staff see every one.

    Args:
        status (ConversationStatus | Unset):
        page (int | Unset): Page number, from 1. Default: 1.
        limit (int | Unset): Items per page (1-100). Default: 20.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConversationCollection | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        page=page,
        limit=limit,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ConversationStatus | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ConversationCollection | Problem]:
    """List support conversations

     Your conversations with support, newest first; staff see every one.

    Args:
        status (ConversationStatus | Unset):
        page (int | Unset): Page number, from 1. Default: 1.
        limit (int | Unset): Items per page (1-100). Default: 20.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConversationCollection | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        page=page,
        limit=limit,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ConversationStatus | Unset = UNSET,
    page: int | Unset = 1,
    limit: int | Unset = 20,
    x_tenant_id: UUID | Unset = UNSET,
) -> ConversationCollection | Problem | None:
    """List support conversations

     Your conversations with support, newest first; staff see every one.

    Args:
        status (ConversationStatus | Unset):
        page (int | Unset): Page number, from 1. Default: 1.
        limit (int | Unset): Items per page (1-100). Default: 20.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConversationCollection | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            page=page,
            limit=limit,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
