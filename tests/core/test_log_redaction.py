"""The redaction processor: what looks secret never reaches a log line, what does not is kept.

The processor is checked on its own (every rule, with near misses that must survive) and through
the real logging set-up (``configure_logging``), where it must also clean the formatted message
and tracebacks.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from petstore.core.logging import REDACTED, configure_logging, redact, scrub

JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIwMTkxZDZkNS0wMDAwIiwic2NvcGUiOiJyZWFkOnBldHMifQ"
    ".c2lnbmF0dXJlLWJ5dGVzLWhlcmUtYW5kLW1vcmU"
)
VISA = "4242424242424242"
AMEX = "378282246310005"
NOT_LUHN = "4242424242424241"
REQUEST_ID = "a3f09c1e5b7d2f4a0000000000000018"  # counter part passes Luhn on its own
UUID = "0191d6d5-1c2b-7a3e-9f00-5e6d7c8b9a01"


def run(event: dict[str, Any]) -> dict[str, Any]:
    return dict(redact(None, "info", dict(event)))


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "new_password",
        "currentPassword",
        "token",
        "refreshToken",
        "refresh_token",
        "access_token",
        "Authorization",
        "cookie",
        "client_secret",
        "secret",
        "api_key",
        "X-Api-Key",
        "cvc",
        "CVV",
        "card_number",
        "number",
    ],
)
def test_sensitive_keys_are_redacted_whatever_the_value(key: str) -> None:
    assert run({key: "harmless-looking"})[key] == REDACTED


def test_nested_structures_are_cleaned() -> None:
    event = {
        "body": {"username": "alice", "password": "hunter2", "card": {"number": VISA}},
        "items": [{"refreshToken": "abc"}, f"Bearer {JWT}"],
        "pair": ("ok", VISA),
    }
    cleaned = run(event)
    assert cleaned["body"] == {
        "username": "alice",
        "password": REDACTED,
        "card": {"number": REDACTED},
    }
    assert cleaned["items"] == [{"refreshToken": REDACTED}, "Bearer [REDACTED:jwt]"]
    assert cleaned["pair"] == ["ok", "[REDACTED:pan]"]


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (f"Authorization: Bearer {JWT}", JWT),
        ("authorization: bearer opaque-token_value.123", "opaque-token_value.123"),
        (f"decoded {JWT} for you", JWT),
        (f"GET /v1/pets/{JWT}", JWT),
        (f"paid with {VISA} today", VISA),
        ("paid with 4242 4242 4242 4242 today", "4242 4242 4242 4242"),
        ("paid with 4242-4242-4242-4242", "4242-4242-4242-4242"),
        (f"amex '{AMEX}'", AMEX),
        (f"/v1/pets/{VISA}", VISA),
    ],
)
def test_secret_looking_values_are_redacted(text: str, gone: str) -> None:
    cleaned = run({"event": text})["event"]
    assert gone not in cleaned
    assert "[REDACTED" in cleaned


@pytest.mark.parametrize(
    "text",
    [
        f"request {REQUEST_ID} done",
        f"pet {UUID}",
        f"checksum fails: {NOT_LUHN}",
        "2026-12-01T07:04:36.123456Z took 12.5 ms",
        "last four 4242, expires 11/2028",
        "The Authorization header must be 'Bearer <token>'.",
        "INSERT INTO payments (id, last4) VALUES (?, ?)",
    ],
)
def test_ordinary_values_are_kept(text: str) -> None:
    assert run({"event": text})["event"] == text
    assert scrub(text) == text


def test_numbers_and_none_pass_through_untouched() -> None:
    event = {"status": 200, "duration_ms": 1.5, "principal": None, "ok": True}
    assert run(event) == event


# --- through the real logging set-up ------------------------------------------------------


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("DEBUG", json=True, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_stdlib_log_lines_are_redacted_end_to_end(captured: io.StringIO) -> None:
    log = logging.getLogger("petstore.test")
    log.info(
        "login for %s with %s",
        "alice",
        JWT,
        extra={"password": "hunter2", "request_id": REQUEST_ID, "status": 200},
    )
    try:
        raise ValueError(f"card {VISA} refused")
    except ValueError:
        log.exception("payment failed", extra={"headers": {"authorization": f"Bearer {JWT}"}})

    first, second = lines(captured)
    assert first["event"] == "login for alice with [REDACTED:jwt]"
    assert first["password"] == REDACTED
    assert first["request_id"] == REQUEST_ID  # kept
    assert first["status"] == 200
    assert second["headers"] == {"authorization": REDACTED}
    assert "ValueError" in second["exception"]  # the traceback is there...
    text = captured.getvalue()
    for secret in (JWT, VISA, "hunter2"):  # ...and nothing secret anywhere
        assert secret not in text


def test_sql_parameters_in_a_debug_message_are_redacted(captured: io.StringIO) -> None:
    sql = logging.getLogger("petstore.test.sql")
    sql.debug("[generated in 0.0001s] ('%s', '%s', 4242)", VISA, "Zelda")
    (line,) = lines(captured)
    assert VISA not in line["event"]
    assert "'Zelda', 4242)" in line["event"]
