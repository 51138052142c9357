from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.upload_pet_photo_body import UploadPetPhotoBody
from ...models.upload_result import UploadResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    body: UploadPetPhotoBody,
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
        "url": "/v1/pets/{id}/images".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | UploadResult | None:
    if response.status_code == 201:
        response_201 = UploadResult.from_dict(response.json())

        return response_201

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
) -> Response[Problem | UploadResult]:
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
    body: UploadPetPhotoBody,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | UploadResult]:
    """Upload a pet image

     Staff only. JPEG, PNG or WebP, decided by the bytes; at most 5 MB and 16,777,216 pixels (4096 x
    4096, by default; more is 422). The image is re-encoded (metadata such as EXIF and GPS position is
    dropped; of an animation, the first frame), a 320 px thumbnail is made, and its URL is appended to
    the pet's `photos`.

    Args:
        id (UUID): The pet's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (UploadPetPhotoBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UploadResult]
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
    body: UploadPetPhotoBody,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Problem | UploadResult | None:
    """Upload a pet image

     Staff only. JPEG, PNG or WebP, decided by the bytes; at most 5 MB and 16,777,216 pixels (4096 x
    4096, by default; more is 422). The image is re-encoded (metadata such as EXIF and GPS position is
    dropped; of an animation, the first frame), a 320 px thumbnail is made, and its URL is appended to
    the pet's `photos`.

    Args:
        id (UUID): The pet's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (UploadPetPhotoBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UploadResult
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
    body: UploadPetPhotoBody,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | UploadResult]:
    """Upload a pet image

     Staff only. JPEG, PNG or WebP, decided by the bytes; at most 5 MB and 16,777,216 pixels (4096 x
    4096, by default; more is 422). The image is re-encoded (metadata such as EXIF and GPS position is
    dropped; of an animation, the first frame), a 320 px thumbnail is made, and its URL is appended to
    the pet's `photos`.

    Args:
        id (UUID): The pet's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (UploadPetPhotoBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UploadResult]
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
    body: UploadPetPhotoBody,
    x_tenant_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Problem | UploadResult | None:
    """Upload a pet image

     Staff only. JPEG, PNG or WebP, decided by the bytes; at most 5 MB and 16,777,216 pixels (4096 x
    4096, by default; more is 422). The image is re-encoded (metadata such as EXIF and GPS position is
    dropped; of an animation, the first frame), a 320 px thumbnail is made, and its URL is appended to
    the pet's `photos`.

    Args:
        id (UUID): The pet's id (a UUID).
        x_tenant_id (UUID | Unset): Scopes every read and write to one tenant. Omit it to use the
            shared pool. Must be a UUID.
        idempotency_key (str | Unset):
        body (UploadPetPhotoBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UploadResult
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
