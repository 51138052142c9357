"""Image response bodies."""

from __future__ import annotations

import uuid
from typing import Any

from petstore.core.schemas import OutputModel
from petstore.images.models import PetImage


class ImageOut(OutputModel):
    id: uuid.UUID
    url: str
    thumbnailUrl: str  # noqa: N815 - wire names are camelCase
    contentType: str  # noqa: N815
    width: int
    height: int
    bytes: int


class UploadResult(OutputModel):
    success: bool
    message: str
    image: ImageOut


def image_url(base: str, pet_id: uuid.UUID, image_id: uuid.UUID) -> str:
    return f"{base}/v1/pets/{pet_id}/images/{image_id}"


def image_payload(image: PetImage, base: str) -> dict[str, Any]:
    """The wire form of a stored image, for every door."""
    url = image_url(base, image.pet_id, image.id)
    return {
        "id": str(image.id),
        "url": url,
        "thumbnailUrl": f"{url}?size=thumb",
        "contentType": image.content_type,
        "width": image.width,
        "height": image.height,
        "bytes": image.bytes,
    }
