"""Pictures in and out of bytes, for the upload tests and the processing tests alike."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _png(width: int, height: int, idat: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + idat + _chunk(b"IEND", b"")


def blank_png(width: int, height: int) -> bytes:
    """A valid black RGB PNG of any size, compressed row by row (never held decoded): a
    40-megapixel one is about 115 kB, the shape of a decompression bomb."""
    row = b"\x00" * (1 + 3 * width)  # filter byte, then the pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return _png(width, height, _chunk(b"IDAT", data))


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds no pixels at all: decoding it fails, so only
    a check made before decoding can refuse it for its size."""
    return _png(width, height, b"")


def animation(fmt: str, colours: list[tuple[int, int, int]], size: tuple[int, int]) -> bytes:
    """An animated PNG or WebP with one plain frame per colour."""
    frames = [Image.new("RGB", size, colour) for colour in colours]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
