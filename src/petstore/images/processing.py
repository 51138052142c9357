"""Decide what an upload really is, and make a clean copy of it.

The type comes from the bytes (Pillow), never from the file name or the declared content
type. Only JPEG, PNG and WebP are accepted. Pixel bombs, broken or truncated files and
polyglots (an image with something else appended) are refused. Accepted images are decoded
and re-encoded, which drops EXIF (GPS position included) and anything else riding along, and
a thumbnail is made.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from petstore.core.problems import Problem

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # about 7,000 x 5,700: far beyond any photo a pet page needs
THUMBNAIL_EDGE = 320
NOT_AN_IMAGE = "Images must be JPEG, PNG or WebP; this file is not an image."


@dataclass(frozen=True, slots=True)
class Encoded:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Processed:
    image: Encoded
    thumbnail: Encoded


def unsupported(detail: str) -> Problem:
    return Problem(415, detail)


def invalid(detail: str) -> Problem:
    return Problem(
        422,
        detail,
        errors=[{"field": "file", "message": detail, "code": "invalid_image"}],
    )


def _trailing_bytes(data: bytes, fmt: str) -> int:
    """Bytes after the image's own end: a sign of a polyglot (an image with a payload)."""
    if fmt == "PNG":
        end = data.rfind(b"IEND")
        return len(data) - (end + 8) if end != -1 else 0
    if fmt == "JPEG":
        end = data.rfind(b"\xff\xd9")
        return len(data) - (end + 2) if end != -1 else 0
    if fmt == "WEBP" and len(data) >= 12:
        declared: int = struct.unpack("<I", data[4:8])[0] + 8
        return len(data) - declared
    return 0


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            fmt = image.format
            if fmt not in FORMATS:
                raise unsupported(
                    f"Images must be JPEG, PNG or WebP; this file is {fmt or 'not an image'}."
                )
            if image.width * image.height > MAX_PIXELS:
                raise invalid(f"The image has too many pixels (at most {MAX_PIXELS:,}).")
            image.verify()  # structure and checksums
            image = Image.open(io.BytesIO(data))
            image.load()  # decode everything: truncated files fail here
        except Problem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise invalid("The image has too many pixels.") from exc
        except UnidentifiedImageError as exc:
            raise unsupported(NOT_AN_IMAGE) from exc
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
            raise invalid("The image is broken or truncated.") from exc
    return image


def _encode(image: Image.Image, fmt: str) -> Encoded:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return Encoded(out.getvalue(), FORMATS[fmt], EXTENSIONS[fmt], image.width, image.height)


def process(data: bytes) -> Processed:
    """Validate an upload and return its clean re-encoding and thumbnail."""
    if not data:
        raise invalid("The file is empty.")
    image = _open(data)
    fmt = str(image.format)
    if _trailing_bytes(data, fmt) > 0:
        raise invalid("The file carries data after the end of the image.")
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    # A fresh image: no EXIF, no XMP, no comments, no ICC profile from the upload.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    thumb = clean.copy()
    thumb.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
    return Processed(_encode(clean, fmt), _encode(thumb, fmt))
