"""Framework-level errors are problems too (404, 405 + Allow, 413, 414), and ``X-Request-ID`` is
echoed or minted on every answer."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.accounts import Account
from tests.support.pets import PET
from tests.support.problems import assert_problem

LIMIT = 1_048_576
HEX32 = re.compile(r"^[0-9a-f]{32}$")


def allow(response: httpx.Response) -> set[str]:
    return {m.strip() for m in response.headers["allow"].split(",")}


def oversized_pet() -> bytes:
    body = json.dumps({**PET, "description": "x" * (LIMIT + LIMIT // 10)}).encode()
    assert len(body) > LIMIT
    return body


async def chunks(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


# --- unknown routes and methods -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/nothing-here", "/v2/pets", "/v1/pets/1/2/3/4"])
async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    body = assert_problem(response, 404, "not-found")
    assert body["instance"] == path
    assert path in body["detail"]


async def test_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v1/pets")
    body = assert_problem(response, 405, "method-not-allowed")
    assert body["instance"] == "/v1/pets"
    assert {"GET", "POST", "QUERY"} <= allow(response)
    assert "DELETE" not in allow(response)

    item = await client.post("/v1/pets/019b4132-70aa-764f-b315-e2803d882a24")
    assert_problem(item, 405, "method-not-allowed")
    assert {"GET", "PUT", "PATCH", "DELETE"} <= allow(item)
    assert "POST" not in allow(item)

    login = await client.get("/v1/auth/tokens")
    assert_problem(login, 405, "method-not-allowed")
    assert "POST" in allow(login)


# --- content type ---------------------------------------------------------------------------

SIGN_UP = b'{"username": "newcomer", "email": "new@example.com", "password": "long enough pw"}'


@pytest.mark.parametrize(
    ("headers", "sent"),
    [
        ({"Content-Type": "application/x-www-form-urlencoded"}, "as 'application/x-www-form-"),
        ({}, "without a Content-Type"),
        ({"Content-Type": "text/plain"}, "as 'text/plain'"),
    ],
    ids=["curl -d", "no content type", "text"],
)
async def test_json_sent_as_something_else_is_415_naming_the_header(
    client: httpx.AsyncClient, headers: dict[str, str], sent: str
) -> None:
    response = await client.post("/v1/users", content=SIGN_UP, headers=headers)
    body = assert_problem(response, 415, "unsupported-media-type")
    assert sent in body["detail"]
    assert "Content-Type: application/json" in body["detail"]


async def test_a_missing_body_stays_a_422_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/users")
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["code"] == "missing"


# --- body size ----------------------------------------------------------------------------


async def test_body_over_the_limit_with_content_length_is_413(
    client: httpx.AsyncClient, staff: Account
) -> None:
    data = oversized_pet()
    response = await client.post(
        "/v1/pets", content=data, headers={**staff.auth, "Content-Type": "application/json"}
    )
    body = assert_problem(response, 413, "payload-too-large")
    assert body["instance"] == "/v1/pets"
    assert str(LIMIT) in body["detail"]
    # Even the earliest refusal carries the per-request headers.
    assert HEX32.match(response.headers["x-request-id"])
    assert "ratelimit-limit" in response.headers
    assert (await client.get("/v1/pets")).json()["pagination"]["totalItems"] == 0


async def test_streamed_body_over_the_limit_is_413(
    client: httpx.AsyncClient, staff: Account
) -> None:
    request = client.build_request(
        "POST",
        "/v1/pets",
        content=chunks(oversized_pet()),
        headers={**staff.auth, "Content-Type": "application/json"},
    )
    assert "content-length" not in request.headers  # sent chunked: only counting can catch it
    response = await client.send(request)
    body = assert_problem(response, 413, "payload-too-large")
    assert body["instance"] == "/v1/pets"
    assert (await client.get("/v1/pets")).json()["pagination"]["totalItems"] == 0


async def test_streamed_body_over_the_limit_with_idempotency_key_is_413(
    client: httpx.AsyncClient, staff: Account
) -> None:
    response = await client.post(
        "/v1/pets",
        content=chunks(oversized_pet()),
        headers={**staff.auth, "Content-Type": "application/json", "Idempotency-Key": "big"},
    )
    assert_problem(response, 413, "payload-too-large")


async def test_streamed_body_under_the_limit_is_accepted(
    client: httpx.AsyncClient, staff: Account
) -> None:
    data = json.dumps({**PET, "description": "y" * 1000}).encode()
    response = await client.post(
        "/v1/pets",
        content=chunks(data, size=100),
        headers={**staff.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["description"] == "y" * 1000


# --- X-Request-ID -------------------------------------------------------------------------


URL_LIMIT = 8192


@pytest.mark.parametrize("where", ["query", "path"])
async def test_a_request_target_over_the_limit_is_414(
    client: httpx.AsyncClient, where: str
) -> None:
    long = "x" * (9 * 1024)
    url = f"/v1/pets?junk={long}" if where == "query" else f"/v1/pets/{long}"
    response = await client.get(url)
    body = assert_problem(response, 414, "uri-too-long")
    assert str(URL_LIMIT) in body["detail"]
    assert len(response.content) < 1024  # the refused URL is not echoed back
    assert response.headers["x-request-id"]


async def test_a_request_target_at_the_limit_is_served(client: httpx.AsyncClient) -> None:
    prefix = "/v1/pets?species=DOG&junk="
    response = await client.get(prefix + "x" * (URL_LIMIT - len(prefix)))
    assert response.status_code == 200, response.text


async def test_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    for request_id in ("abc-123", "req_2025.01:xyz", "A" * 128):
        response = await client.get("/v1/pets", headers={"X-Request-ID": request_id})
        assert response.headers["x-request-id"] == request_id
    problem = await client.get("/v1/nothing-here", headers={"X-Request-ID": "trace-me"})
    assert problem.status_code == 404
    assert problem.headers["x-request-id"] == "trace-me"


async def test_request_id_is_minted_when_missing(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/pets")).headers["x-request-id"]
    second = (await client.get("/v1/nothing-here")).headers["x-request-id"]
    assert HEX32.match(first)
    assert HEX32.match(second)
    assert first != second


@pytest.mark.parametrize(
    "garbage",
    ["has spaces in it", "A" * 129, "", "semi;colon", "<script>", "new\tline"],
)
async def test_garbage_request_id_is_replaced(client: httpx.AsyncClient, garbage: str) -> None:
    response = await client.get("/v1/pets", headers={"X-Request-ID": garbage})
    assert response.status_code == 200
    assert HEX32.match(response.headers["x-request-id"]), response.headers["x-request-id"]


async def test_security_headers_on_every_answer(client: httpx.AsyncClient) -> None:
    for response in (await client.get("/v1/pets"), await client.get("/v1/nothing-here")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
