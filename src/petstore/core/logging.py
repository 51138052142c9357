"""Structured logs: one JSON object per line (or readable text for a terminal).

Standard-library loggers (ours, uvicorn's, SQLAlchemy's) all go through structlog's formatter,
so ``extra={...}`` fields become JSON keys. Nothing secret is passed to a logger: request logs
carry request id, tenant, principal (an id), method, route template, path, status and duration,
never headers or bodies.

As defence in depth, :func:`redact` runs on every line last: values under sensitive keys
(passwords, tokens, secrets, card data) and anything that looks like a bearer token, a JWT or a
card number (13 to 19 digits passing the Luhn check) are replaced, wherever they appear, the
message and tracebacks included.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import IO, Any

import structlog

REDACTED = "[REDACTED]"
# Keys are compared lower-cased without separators: "refreshToken", "refresh_token" and
# "Refresh-Token" are one key.
_SENSITIVE_KEYS = frozenset(
    {"authorization", "cookie", "setcookie", "pan", "cardnumber", "number", "accountnumber"}
)
_SENSITIVE_PARTS = ("password", "passwd", "secret", "token", "apikey", "cvc", "cvv", "credential")
_KEY_NOISE = re.compile(r"[^a-z0-9]")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}")
# Whole "words" only: a run of digits inside a longer token (a request id's hex) is not a card.
_PAN = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z])")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _pan(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    return "[REDACTED:pan]" if _luhn(digits) else match.group(0)


def scrub(text: str) -> str:
    """``text`` with bearer credentials, JWTs and card numbers replaced."""
    if "eyJ" in text:
        text = _JWT.sub("[REDACTED:jwt]", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _PAN.sub(_pan, text)


def sensitive_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    name = _KEY_NOISE.sub("", key.lower())
    return name in _SENSITIVE_KEYS or any(part in name for part in _SENSITIVE_PARTS)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {k: REDACTED if sensitive_key(k) else _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return scrub(bytes(value).decode("utf-8", errors="replace"))
    return value


def redact(
    _logger: object, _name: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """The last processor before rendering: nothing secret-looking leaves the process."""
    for key, value in event.items():
        if sensitive_key(key):
            event[key] = REDACTED
        elif not isinstance(value, int | float | bool | type(None)):
            event[key] = _clean(value)
    return event


# Record attributes that are not fields of the line; ``color_message`` is uvicorn's coloured
# copy of the message, noise once the message itself is there.
_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "color_message",
}


def _extra_fields(
    _logger: object, _name: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    record = event.get("_record")
    if isinstance(record, logging.LogRecord):
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                event.setdefault(key, value)
    return event


def configure_logging(
    level: str = "INFO", json: bool = True, stream: IO[str] | None = None
) -> None:
    """Route every logger through one structlog formatter writing to ``stream`` (stderr)."""
    out = stream or sys.stderr
    # Colour only for a terminal: a file or a pipe would keep the escape codes.
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=out.isatty())
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _extra_fields,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Our own access log replaces uvicorn's (it knows the request id and tenant).
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
