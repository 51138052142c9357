"""Malformed authorization requests: never a 500, never a traceback, never a redirect to a URI
taken from a request that is not even well-formed.

Each case spoils one parameter of an otherwise valid request (registered public client, its
registered redirect URI, an S256 challenge). A request that breaks the parameter syntax gets the
400 page (``invalid_request``) and no ``Location``; a well-formed one that is refused after the
client and redirect URI were verified goes back to the client (RFC 6749 §4.1.2.1).
"""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.support.accounts import Account
from tests.support.oauth import REDIRECT, authorize_params, pkce, redirect_query, register

CODE_GRANTS = ["authorization_code", "refresh_token"]
TOO_LONG = 2049  # one over the limit on every authorization parameter
TENANT_A, TENANT_B = "0190a8b0-0000-7000-8000-00000000000a", "0190a8b0-0000-7000-8000-00000000000b"

# (label, parameter, value); a tuple of values repeats the parameter.
MALFORMED: list[tuple[str, str, str | tuple[str, ...]]] = [
    ("quote in redirect_uri", "redirect_uri", REDIRECT + '"x'),
    ("only a quote as redirect_uri", "redirect_uri", '"'),
    ("backslash in redirect_uri", "redirect_uri", REDIRECT + "\\x"),
    ("space in redirect_uri", "redirect_uri", REDIRECT + " x"),
    ("NUL in redirect_uri", "redirect_uri", REDIRECT + "\x00"),
    ("newline in redirect_uri", "redirect_uri", REDIRECT + "\r\nSet-Cookie: a=b"),
    ("DEL in redirect_uri", "redirect_uri", REDIRECT + "\x7f"),
    ("non-ASCII redirect_uri", "redirect_uri", "https://app.example.com/callbäck"),
    ("redirect_uri not a URL", "redirect_uri", "not a url"),
    ("relative redirect_uri", "redirect_uri", "callback"),
    ("bad percent-escape in redirect_uri", "redirect_uri", REDIRECT + "%zz"),
    ("overlong redirect_uri", "redirect_uri", REDIRECT + "?" + "a" * TOO_LONG),
    ("repeated redirect_uri", "redirect_uri", (REDIRECT, REDIRECT)),
    ("control character in client_id", "client_id", "abc\x01def"),
    ("overlong client_id", "client_id", "c" * TOO_LONG),
    ("repeated client_id", "client_id", ("a", "b")),
    ("quote in response_type", "response_type", 'code"'),
    ("unknown response_type with a quote", "response_type", 'token"x'),
    ("tab in response_type", "response_type", "code\ttoken"),
    ("non-ASCII response_type", "response_type", "cöde"),
    ("repeated response_type", "response_type", ("code", "code")),
    ("control character in state", "state", "a\x00b"),
    ("overlong state", "state", "s" * TOO_LONG),
    ("repeated state", "state", ("a", "b")),
    ("non-ASCII scope", "scope", "read:pets ☃"),
    ("repeated scope", "scope", ("read:pets", "write:pets")),
    ("control character in code_challenge", "code_challenge", "a" * 42 + "\x00"),
    ("non-ASCII code_challenge", "code_challenge", "é" * 43),
    ("overlong code_challenge", "code_challenge", "a" * TOO_LONG),
    ("repeated code_challenge", "code_challenge", ("a" * 43, "b" * 43)),
    ("repeated code_challenge_method", "code_challenge_method", ("S256", "S256")),
    ("newline in code_challenge_method", "code_challenge_method", "S256\n"),
    ("repeated tenant", "tenant", (TENANT_A, TENANT_B)),
]

# Well-formed, refused once the client and its redirect URI are verified: the error goes there.
REFUSED_BY_THE_CLIENTS_RULES: list[tuple[str, str, str]] = [
    ("unknown response_type", "response_type", "token"),
    ("two response types", "response_type", "code token"),
    ("challenge method S512", "code_challenge_method", "S512"),
    ("quote in the challenge method", "code_challenge_method", 'S256"'),
    ("challenge too long for PKCE", "code_challenge", "a" * 129),
    ("challenge in base64, not base64url", "code_challenge", "a+/" * 15),
]


def _query(params: dict[str, str], name: str, value: str | tuple[str, ...]) -> httpx.QueryParams:
    """``params`` with ``name`` set to ``value`` (given once per value of a tuple)."""
    values = value if isinstance(value, tuple) else (value,)
    kept = [(k, v) for k, v in params.items() if k != name]
    return httpx.QueryParams(tuple(kept + [(name, v) for v in values]))


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not logged, [r.getMessage() for r in logged]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("label", "name", "value"), MALFORMED, ids=[c[0] for c in MALFORMED])
async def test_a_malformed_authorization_request_gets_the_400_page(
    oc: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    staff: Account,
    caplog: pytest.LogCaptureFixture,
    method: str,
    label: str,
    name: str,
    value: str | tuple[str, ...],
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    query = _query(authorize_params(registered.client_id, pkce()), name, value)
    caplog.set_level(logging.INFO)
    response = await browser.request(method, "/oauth/authorize", params=query)
    assert response.status_code == 400, (label, response.text[:500])
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "invalid_request" in response.text
    assert f"&#x27;{name}&#x27;" in response.text  # the page names the parameter...
    assert "Set-Cookie: a=b" not in response.text  # ...and never quotes the value
    _no_traceback(caplog)


@pytest.mark.parametrize(
    ("label", "name", "value"),
    REFUSED_BY_THE_CLIENTS_RULES,
    ids=[c[0] for c in REFUSED_BY_THE_CLIENTS_RULES],
)
async def test_a_well_formed_refused_request_goes_back_to_the_client(
    oc: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    staff: Account,
    caplog: pytest.LogCaptureFixture,
    label: str,
    name: str,
    value: str,
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce())
    caplog.set_level(logging.INFO)
    response = await browser.get("/oauth/authorize", params=_query(params, name, value))
    error = redirect_query(response)
    assert error["error"] in ("invalid_request", "unsupported_response_type"), label
    assert error["state"] == params["state"]
    _no_traceback(caplog)


async def test_unregistered_redirect_uri_with_a_quote_is_not_quoted_back(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account
) -> None:
    """The original finding: Authlib put the redirect URI into an error description, which
    may not contain a quote, and raised instead of answering."""
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    evil = 'https://evil.example.net/"><script>alert(1)</script>'
    params = authorize_params(registered.client_id, pkce(), redirect_uri=evil)
    response = await browser.get("/oauth/authorize", params=params)
    assert response.status_code == 400
    assert "evil" not in response.text
    assert "<script>alert" not in response.text
