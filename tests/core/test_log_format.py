"""Readable text logs (``PETSTORE_LOG_JSON=false``): colour only on a terminal, and none of
uvicorn's ``color_message`` copies, so a log redirected to a file reads as plain text."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from typing import IO

import pytest

from petstore.core.logging import configure_logging

ESC = "\x1b["


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def log_like_uvicorn(stream: IO[str]) -> None:
    configure_logging("INFO", json=False, stream=stream)
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on %s",
        "http://127.0.0.1:8000",
        extra={"color_message": f"Uvicorn running on {ESC}1mhttp://127.0.0.1:8000{ESC}0m"},
    )


@pytest.mark.usefixtures("restore_root")
def test_a_file_or_pipe_gets_plain_text() -> None:
    stream = io.StringIO()
    log_like_uvicorn(stream)
    text = stream.getvalue()
    assert "Uvicorn running on http://127.0.0.1:8000" in text
    assert ESC not in text
    assert "color_message" not in text


@pytest.mark.usefixtures("restore_root")
def test_a_terminal_gets_colour() -> None:
    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        log_like_uvicorn(terminal)
        terminal.flush()
        written = os.read(leader, 65536).decode()
    os.close(leader)
    assert ESC in written
    assert "color_message" not in written
