from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.test_event_out import TestEventOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
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
        "url": "/v1/webhooks/{id}/ping".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TestEventOut | None:
    if response.status_code == 202:
        response_202 = TestEventOut.from_dict(response.json())

        return response_202

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
) -> Response[Problem | TestEventOut]:
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
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | TestEventOut]:
    """Ping the endpoint

     The same as `POST /v1/webhooks/{id}/test`, under the name other servers use: queues a `webhook.test`
    event for this subscription only.

    Args:
        id (UUID): The subscription's id.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TestEventOut]
    """

    kwargs = _get_kwargs(
        id=id,
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
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Problem | TestEventOut | None:
    """Ping the endpoint

     The same as `POST /v1/webhooks/{id}/test`, under the name other servers use: queues a `webhook.test`
    event for this subscription only.

    Args:
        id (UUID): The subscription's id.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TestEventOut
    """

    return sync_detailed(
        id=id,
        client=client,
        x_tenant_id=x_tenant_id,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | TestEventOut]:
    """Ping the endpoint

     The same as `POST /v1/webhooks/{id}/test`, under the name other servers use: queues a `webhook.test`
    event for this subscription only.

    Args:
        id (UUID): The subscription's id.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TestEventOut]
    """

    kwargs = _get_kwargs(
        id=id,
        x_tenant_id=x_tenant_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Problem | TestEventOut | None:
    """Ping the endpoint

     The same as `POST /v1/webhooks/{id}/test`, under the name other servers use: queues a `webhook.test`
    event for this subscription only.

    Args:
        id (UUID): The subscription's id.
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TestEventOut
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            x_tenant_id=x_tenant_id,
            idempotency_key=idempotency_key,
        )
    ).parsed
