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

from petstore.core.errors import DomainError, InvalidInput, UnsupportedMedia

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


def unsupported(detail: str) -> UnsupportedMedia:
    return UnsupportedMedia(detail)


def invalid(detail: str) -> InvalidInput:
    return InvalidInput(
        detail,
        errors=[{"field": "file", "message": detail, "code": "invalid_image"}],
    )


SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")


def _png_end(data: bytes) -> int:
    """Offset just past the IEND chunk, walking the chunk list from the start."""
    offset = 8
    while offset + 12 <= len(data):
        length = struct.unpack(">I", data[offset : offset + 4])[0]
        kind = data[offset + 4 : offset + 8]
        offset += 12 + int(length)
        if kind == b"IEND":
            return offset
    return -1


def _jpeg_end(data: bytes) -> int:
    """Offset just past the EOI marker, walking segments and entropy-coded scans."""
    offset = 2  # after SOI
    while offset + 2 <= len(data):
        if data[offset] != 0xFF:
            return -1
        marker = data[offset + 1]
        if marker == 0xD9:
            return offset + 2
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            offset += 1 if marker == 0xFF else 2
            continue
        if offset + 4 > len(data):
            return -1
        length = struct.unpack(">H", data[offset + 2 : offset + 4])[0]
        offset += 2 + int(length)
        if marker == 0xDA:  # start of scan: skip entropy-coded data up to the next marker
            while offset + 1 < len(data):
                if data[offset] == 0xFF and data[offset + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                offset += 1
    return -1


def _trailing_bytes(data: bytes, fmt: str) -> int:
    """Bytes after the image's own end: a sign of a polyglot (an image with a payload)."""
    if fmt in ("PNG", "JPEG"):
        end = _png_end(data) if fmt == "PNG" else _jpeg_end(data)
        if end < 0:
            raise invalid("The image is broken or truncated (it has no end marker).")
        return len(data) - end
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
        except DomainError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise invalid("The image has too many pixels.") from exc
        except UnidentifiedImageError as exc:
            if data.startswith(SIGNATURES):  # says it is one of ours, but does not decode
                raise invalid("The image is broken or truncated.") from exc
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
