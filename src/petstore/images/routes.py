"""HTTP routes for pet images: upload (staff), serve (public, cacheable), delete (staff)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from petstore.container import container_of
from petstore.core.database import SessionDep
from petstore.core.links import base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.problems import Problem, content_type_is_form
from petstore.core.responses import JsonResponse, no_content
from petstore.core.routing import PetstoreRoute
from petstore.core.tenancy import TenantDep
from petstore.images import service
from petstore.images.processing import invalid
from petstore.images.schemas import UploadResult, image_payload
from petstore.pets.routes import PetDep, PetForWrite

router = APIRouter(tags=["Pet"], route_class=PetstoreRoute)
UPLOAD_PATH = re.compile(r"^/v1/pets/[^/]+/images$")
MULTIPART_OVERHEAD = 64 * 1024
ImageId = Annotated[uuid.UUID, Path(alias="imageId", description="The image's id.")]


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "additionalProperties": False,
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "contentMediaType": "application/octet-stream",
                        "description": ("A JPEG, PNG or WebP image of at most 5 MB and 16.8 MP."),
                    },
                    "additionalMetadata": {"type": "string", "maxLength": 1000},
                },
            }
        }
    },
}


async def _read_upload(request: Request, max_bytes: int) -> tuple[bytes, str | None]:
    if not content_type_is_form(request.headers.get("content-type")):
        raise Problem(415, "Upload the image as multipart/form-data with a 'file' part.")
    form = await request.form(max_files=1, max_fields=4)
    unknown = sorted(set(form.keys()) - {"file", "additionalMetadata"})
    if unknown:
        raise invalid(
            f"Unexpected form part '{unknown[0][:50]}': send 'file' and optionally "
            "'additionalMetadata'."
        )
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise invalid("The 'file' part is missing.")
    data = await file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Problem(413, f"The image exceeds the limit of {max_bytes} bytes.")
    metadata = form.get("additionalMetadata")
    if metadata is not None and not isinstance(metadata, str):
        raise invalid("additionalMetadata must be text.")
    if metadata is not None and len(metadata) > 1000:
        raise invalid("additionalMetadata is longer than 1000 characters.")
    return data, metadata


@router.post(
    "/v1/pets/{id}/images",
    operation_id="uploadPetPhoto",
    summary="Upload a pet image",
    description=(
        "Staff only. JPEG, PNG or WebP, decided by the bytes; at most 5 MB and 16,777,216 "
        "pixels (4096 x 4096, by default; more is 422). The image is re-encoded (metadata such "
        "as EXIF and GPS position is dropped; of an animation, the first frame), a 320 px "
        "thumbnail is made, and its URL is appended to the pet's `photos`."
    ),
    status_code=201,
    response_model=UploadResult,
    responses=responses_for(401, 403, 404, 409, body=True),
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def upload_image(request: Request, pet: PetForWrite, session: SessionDep) -> Response:
    state = container_of(request.app)
    data, metadata = await _read_upload(request, state.settings.max_image_bytes)
    base = base_url(request)
    image = await service.add_image(
        session,
        state.sessionmaker,
        state.storage,
        pet,
        data,
        metadata,
        base,
        max_pixels=state.settings.max_image_pixels,
    )
    described = image_payload(image, base)
    payload = {"success": True, "message": "Image uploaded.", "image": described}
    return JsonResponse(payload, status_code=201, headers={"Location": described["url"]})


@router.get(
    "/v1/pets/{id}/images/{imageId}",
    operation_id="getPetImage",
    summary="Get a pet image",
    description="The image bytes (or its thumbnail with `size=thumb`); cacheable forever.",
    response_class=Response,
    responses={
        200: {
            "description": "The image.",
            "content": {
                t: {"schema": {"type": "string", "contentMediaType": t}}
                for t in ("image/jpeg", "image/png", "image/webp")
            },
        },
        **responses_for(304, 400, 404),
    },
)
async def get_image(
    request: Request,
    pet: PetDep,
    session: SessionDep,
    tenant: TenantDep,
    image_id: ImageId,
    size: Annotated[Literal["full", "thumb"], Query(description="full (default) or thumb")] = (
        "full"
    ),
) -> Response:
    image = await service.get_image(session, tenant, pet.id, image_id)
    key = image.thumb_key if size == "thumb" else image.key
    etag = '"' + key.rsplit("/", 1)[-1].split(".")[0] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") in (etag, f"W/{etag}", "*"):
        return Response(status_code=304, headers=headers)
    data = await container_of(request.app).storage.get(key)
    if data is None:
        raise Problem(404, "The image's file is missing from storage.")
    return Response(data, media_type=image.content_type, headers=headers)


@router.delete(
    "/v1/pets/{id}/images/{imageId}",
    operation_id="deletePetImage",
    summary="Delete a pet image",
    description="Staff only. Removes the image and its URL from the pet's `photos`.",
    status_code=204,
    responses=responses_for(400, 401, 403, 404),
)
async def delete_image(
    request: Request, pet: PetForWrite, session: SessionDep, image_id: ImageId
) -> Response:
    state = container_of(request.app)
    image = await service.get_image(session, pet.tenant, pet.id, image_id)
    await service.delete_image(session, state.sessionmaker, state.storage, pet, image)
    return no_content()
