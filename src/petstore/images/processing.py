"""Decide what an upload really is, and make a clean copy of it.

The type comes from the bytes (Pillow), never from the file name or the declared content
type. Only JPEG, PNG and WebP are accepted. Pixel bombs, broken or truncated files and
polyglots (an image with something else appended) are refused. Accepted images are decoded
and re-encoded, which drops EXIF (GPS position included) and anything else riding along, and
a thumbnail is made.

Decoding costs memory by the pixel, not by the byte: a 115 kB PNG can declare 40 million
pixels (160 MB decoded, more in the copies). So the pixel count is read from the header, which
Pillow parses without decoding, and refused over ``PETSTORE_MAX_IMAGE_PIXELS`` before a single
pixel is decoded. Of an animated PNG or WebP only the first frame is decoded and kept (a still
picture, like every copy made here), so the work is bounded by one frame whatever the number of
frames. At most two full-size copies exist at once, each closed as soon as it is done with, and
the freed memory is handed back to the operating system afterwards (glibc's ``malloc_trim``):
otherwise a server keeps the peak of its largest upload for the rest of its life.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from petstore.core.errors import DomainError, InvalidInput, UnsupportedMedia

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
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

# Pillow's own guard, behind ours: it warns above Image.MAX_IMAGE_PIXELS (89,478,485) and
# refuses above twice that. Its warning is made an error, once for the process (a filter set
# around each call would not be thread-safe, and uploads are decoded in worker threads), so
# nothing Pillow itself doubts is ever decoded, whatever the setting says.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


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


def _too_many_pixels(max_pixels: int, size: str = "it") -> InvalidInput:
    return invalid(f"The image has too many pixels: {size} is over the limit of {max_pixels:,}.")


def _check_pixels(image: Image.Image, max_pixels: int) -> None:
    """Refuse by the dimensions the header declares, before anything is decoded."""
    if image.width * image.height > max_pixels:
        raise _too_many_pixels(max_pixels, f"{image.width} x {image.height}")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The upload decoded (its first frame), once its format and size are acceptable."""
    try:
        with Image.open(io.BytesIO(data)) as header:  # lazy: reads the header only
            fmt = header.format
            if fmt not in FORMATS:
                raise unsupported(
                    f"Images must be JPEG, PNG or WebP; this file is {fmt or 'not an image'}."
                )
            _check_pixels(header, max_pixels)
            header.verify()  # structure and checksums, still without decoding
        image = Image.open(io.BytesIO(data))
        image.load()  # decode the first frame: truncated files fail here
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc  # Pillow's guard, at open: above ours
    except UnidentifiedImageError as exc:
        if data.startswith(SIGNATURES):  # says it is one of ours, but does not decode
            raise invalid("The image is broken or truncated.") from exc
        raise unsupported(NOT_AN_IMAGE) from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as exc:
        # IndexError: Pillow's verify() of a PNG that has no image data at all.
        raise invalid("The image is broken or truncated.") from exc
    return image


def _encode(image: Image.Image, fmt: str) -> Encoded:
    out = io.BytesIO()
    if fmt == "JPEG":
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        rgb.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return Encoded(out.getvalue(), FORMATS[fmt], EXTENSIONS[fmt], image.width, image.height)


def _clean_copy(image: Image.Image) -> Image.Image:
    """A fresh image with the pixels of ``image`` turned upright, and nothing else: no EXIF,
    no XMP, no comments, no ICC profile from the upload. ``image`` is closed."""
    ImageOps.exif_transpose(image, in_place=True)  # keep the orientation the camera meant
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        converted = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.close()
        image = converted
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    image.close()
    return clean


def process(data: bytes, *, max_pixels: int) -> Processed:
    """Validate an upload and return its clean re-encoding and thumbnail."""
    if not data:
        raise invalid("The file is empty.")
    image = _open(data, max_pixels)
    fmt = str(image.format)
    try:
        if _trailing_bytes(data, fmt) > 0:
            raise invalid("The file carries data after the end of the image.")
        with _clean_copy(image) as clean:
            full = _encode(clean, fmt)
            clean.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))  # in place: no second full copy
            thumbnail = _encode(clean, fmt)
    finally:
        image.close()
        _release_freed_memory()
    return Processed(full, thumbnail)


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, where there is one (not on musl, macOS or Windows)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_TRIM = _malloc_trim()


def _release_freed_memory() -> None:
    """Give the memory freed by a decode back to the operating system. Pillow allocates large
    images in 16 MiB blocks that glibc serves from its heap once its mmap threshold has grown,
    and a heap shrinks only from the top: without a trim the process keeps its peak."""
    if _TRIM is not None:
        _TRIM(0)
