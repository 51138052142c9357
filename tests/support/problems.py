"""The one error shape of the API (RFC 9457 ``application/problem+json``), asserted in one
place so every test checks the whole of it, not just the status."""

from __future__ import annotations

from typing import Any

import httpx

PROBLEM_BASE = "https://petstoreapi.com/errors"


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and type slug."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"{PROBLEM_BASE}/{slug}"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    return body


def field_errors(response: httpx.Response) -> dict[str, str]:
    """The fields a 422 validation problem names, each with its message."""
    body = assert_problem(response, 422, "validation-error")
    return {error["field"]: error["message"] for error in body["errors"]}
