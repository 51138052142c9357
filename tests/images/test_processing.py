"""``processing.process``: what an upload is (by its bytes) and its clean copy and thumbnail."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image, PngImagePlugin

from petstore.core.errors import DomainError
from petstore.core.problems import from_domain_error
from petstore.core.settings import Settings
from petstore.images.processing import THUMBNAIL_EDGE, Processed, process
from tests.support.images import animation, blank_png, decode, encode

ORIENTATION = 0x0112
MAX_PIXELS = 16_777_216  # the documented default of PETSTORE_MAX_IMAGE_PIXELS (4096 x 4096)


def clean(data: bytes, max_pixels: int = MAX_PIXELS) -> Processed:
    """``process`` under the default pixel limit, or another."""
    return process(data, max_pixels=max_pixels)


def halves(size: tuple[int, int] = (200, 100)) -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    return image


@pytest.mark.parametrize(
    ("fmt", "mode", "content_type", "extension"),
    [
        ("JPEG", "RGB", "image/jpeg", "jpg"),
        ("JPEG", "L", "image/jpeg", "jpg"),
        ("PNG", "RGB", "image/png", "png"),
        ("PNG", "RGBA", "image/png", "png"),
        ("PNG", "P", "image/png", "png"),
        ("WEBP", "RGB", "image/webp", "webp"),
        ("WEBP", "RGBA", "image/webp", "webp"),
    ],
)
def test_each_accepted_format_round_trips_with_its_type_and_size(
    fmt: str, mode: str, content_type: str, extension: str
) -> None:
    assert THUMBNAIL_EDGE == 320
    source = halves((640, 400)).convert(mode)
    result = clean(encode(source, fmt))

    for encoded, size in ((result.image, (640, 400)), (result.thumbnail, (320, 200))):
        assert encoded.content_type == content_type
        assert encoded.extension == extension
        assert (encoded.width, encoded.height) == size
        copy = decode(encoded.data)
        assert copy.format == fmt
        assert copy.size == size
    # The pixels survive (red on the left, blue on the right), not just the dimensions.
    pixels = decode(result.image.data).convert("RGB")
    red, blue = pixels.getpixel((100, 200)), pixels.getpixel((540, 200))
    assert isinstance(red, tuple)
    assert isinstance(blue, tuple)
    if mode != "L":
        assert red[0] > 200 > red[2]
        assert blue[2] > 200 > blue[0]


def _png_with_text(image: Image.Image) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "a chunk that mentions IEND and \xff\xd9")
    return encode(image, "PNG", pnginfo=info)


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (lambda im: encode(im, "JPEG", progressive=True), "image/jpeg"),
        (lambda im: encode(im, "JPEG", optimize=True, quality=95, subsampling=0), "image/jpeg"),
        (lambda im: encode(im, "JPEG", restart_marker_blocks=4), "image/jpeg"),
        (lambda im: encode(im, "PNG", compress_level=0), "image/png"),
        (_png_with_text, "image/png"),
        (lambda im: encode(im, "WEBP", lossless=True), "image/webp"),
    ],
    ids=[
        "progressive-jpeg",
        "optimized-jpeg",
        "jpeg-with-restart-markers",
        "uncompressed-png",
        "png-with-text-chunk",
        "lossless-webp",
    ],
)
def test_ordinary_variants_of_the_accepted_formats_are_accepted(
    make: Callable[[Image.Image], bytes], content_type: str
) -> None:
    """The end-of-image checks that catch polyglots must not refuse ordinary encoder output."""
    source = Image.frombytes("RGB", (300, 200), bytes(range(256)) * 703 + bytes(32))
    result = clean(make(source))
    assert result.image.content_type == content_type
    assert (result.image.width, result.image.height) == (300, 200)
    assert decode(result.image.data).size == (300, 200)


def test_transparency_survives_in_png_and_webp() -> None:
    image = Image.new("RGBA", (50, 50), (10, 200, 10, 0))
    for fmt in ("PNG", "WEBP"):
        copy = decode(clean(encode(image, fmt)).image.data)
        assert copy.mode == "RGBA"
        alpha = copy.getpixel((25, 25))
        assert isinstance(alpha, tuple)
        assert alpha[3] == 0


def test_a_small_image_keeps_its_size_in_the_thumbnail() -> None:
    result = clean(encode(halves((120, 60)), "PNG"))
    assert (result.thumbnail.width, result.thumbnail.height) == (120, 60)


def test_webp_with_trailing_data_is_rejected() -> None:
    webp = encode(halves(), "WEBP")
    assert clean(webp).image.content_type == "image/webp"  # positive control
    with pytest.raises(DomainError) as refused:
        clean(webp + b"<html><script>alert(1)</script></html>")
    assert from_domain_error(refused.value).status == 422
    assert refused.value.errors is not None
    assert refused.value.errors[0]["code"] == "invalid_image"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_exif_orientation_is_applied(fmt: str) -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90 degrees clockwise to display"
    rotated = clean(encode(halves(), fmt, exif=exif))
    upright = clean(encode(halves(), fmt))  # control: without the tag nothing turns

    assert (upright.image.width, upright.image.height) == (200, 100)
    assert (rotated.image.width, rotated.image.height) == (100, 200)
    assert decode(rotated.image.data).size == (100, 200)
    assert (rotated.thumbnail.width, rotated.thumbnail.height) == (100, 200)
    # Turned clockwise: the left (red) half is now on top, the right (blue) half below.
    pixels = decode(rotated.image.data).convert("RGB")
    top, bottom = pixels.getpixel((50, 40)), pixels.getpixel((50, 160))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 200 > top[2]
    assert bottom[2] > 200 > bottom[0]
    # The copy carries no orientation tag, or a viewer would turn it a second time.
    assert ORIENTATION not in decode(rotated.image.data).getexif()


def test_exif_is_not_carried_into_the_copy() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 12.5)})
    original = encode(halves(), "JPEG", exif=exif)
    assert Image.open(io.BytesIO(original)).getexif()[0x010F] == "Canon"  # control
    result = clean(original)
    for encoded in (result.image, result.thumbnail):
        assert b"Exif" not in encoded.data
        assert dict(decode(encoded.data).getexif()) == {}


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", 422),
        (b"plain text, not an image", 415),
        (encode(Image.new("RGB", (8, 8)), "GIF"), 415),
        (encode(Image.new("RGB", (8, 8)), "BMP"), 415),
        (encode(Image.new("RGB", (8, 8)), "TIFF"), 415),
    ],
    ids=["empty", "text", "gif", "bmp", "tiff"],
)
def test_anything_else_is_refused(data: bytes, status: int) -> None:
    with pytest.raises(DomainError) as refused:
        clean(data)
    assert from_domain_error(refused.value).status == status


def test_the_documented_pixel_limit_is_the_default() -> None:
    assert Settings.model_fields["max_image_pixels"].default == MAX_PIXELS


def test_the_pixel_limit_counts_width_times_height() -> None:
    assert clean(blank_png(100, 100), max_pixels=10_000).image.width == 100
    for width, height in ((100, 101), (10_001, 1), (1, 10_001)):
        with pytest.raises(DomainError) as refused:
            clean(blank_png(width, height), max_pixels=10_000)
        assert from_domain_error(refused.value).status == 422
        assert "too many pixels" in str(refused.value.detail)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_an_animation_becomes_its_first_frame(fmt: str) -> None:
    """Only the first frame is decoded and kept, so the frames together may exceed the pixel
    limit (here 20 frames of 10,000 pixels under a limit of 10,000): the work is one frame's."""
    colours = [(255, 0, 0)] + [(0, 0, 255), (0, 255, 0)] * 9 + [(0, 0, 255)]
    source = animation(fmt, colours, (100, 100))
    assert getattr(Image.open(io.BytesIO(source)), "n_frames", 1) == 20  # the control
    result = clean(source, max_pixels=10_000)
    copy = decode(result.image.data)
    assert getattr(copy, "n_frames", 1) == 1
    pixel = copy.convert("RGB").getpixel((50, 50))
    assert isinstance(pixel, tuple)
    assert pixel[0] > 200 > pixel[2]  # red: the first frame
