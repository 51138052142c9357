"""Pictures in and out of bytes, for the upload tests and the processing tests alike."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    """``image`` as a file of format ``fmt`` (``params`` go to Pillow: quality, EXIF...)."""
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    """The picture in ``data``, fully read (Pillow reads lazily, and would hide a bad file)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
