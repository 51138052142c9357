"""The logs of a real server process at DEBUG (SQL statements and parameters included) after a
whole account life (sign-up, failed and good logins, refresh, logout) and a card payment hold
no password, no token (access or refresh), no card number and no CVC, while every request is
one JSON line with its request id, tenant, principal, route template, method, status and time.

Positive controls make the absence meaningful: the SQL that stores refresh tokens and payments
is in the same log with its parameters, the last four digits of the card are there, and a real
access token sent in a URL path (which the request log records) comes out redacted.
"""

from __future__ import annotations

import json
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.accounts import PASSWORD
from tests.support.payments import CVC, HOLDER, VISA, card, tokens
from tests.support.servers import RunningServer, create_staff, petstore, run_server, server_env

pytestmark = [pytest.mark.e2e]

STAFF = "logstaff"
STAFF_PASSWORD = "staff-password-nobody-logs"
WRONG_PASSWORD = "wrong-password-also-secret"
TENANT = str(uuid.uuid4())
PET = {"name": "Logged", "species": "DOG", "ageMonths": 12, "price": "49.99"}


@pytest.fixture
def debug_server(tmp_path: Path) -> Iterator[RunningServer]:
    env = server_env(f"sqlite+aiosqlite:///{tmp_path / 'logs.db'}", PETSTORE_LOG_LEVEL="DEBUG")
    petstore(env, "migrate")
    create_staff(env, STAFF, STAFF_PASSWORD, TENANT)
    with run_server(env, tmp_path / "server.log") as server:
        yield server


def request_lines(log: str) -> list[dict[str, Any]]:
    """The access-log lines (JSON objects whose event is ``request``)."""
    found = []
    for line in log.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if record.get("event") == "request":
            found.append(record)
    return found


def test_a_debug_log_holds_no_secret_and_every_request_field(
    debug_server: RunningServer,
) -> None:
    secrets: list[str] = [PASSWORD, STAFF_PASSWORD, WRONG_PASSWORD, VISA]
    request_ids: list[str] = []
    headers = {"X-Tenant-ID": TENANT}
    with httpx.Client(base_url=debug_server.base_url, headers=headers, timeout=30) as client:

        def call(method: str, path: str, status: int, **kwargs: Any) -> httpx.Response:
            response = client.request(method, path, **kwargs)
            assert response.status_code == status, response.text
            request_ids.append(response.headers["x-request-id"])
            return response

        username = f"u{uuid.uuid4().hex[:12]}"
        signup = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        user_id = call("POST", "/v1/users", 201, json=signup).json()["id"]
        call(
            "POST", "/v1/auth/tokens", 401, json={"username": username, "password": WRONG_PASSWORD}
        )
        first = call(
            "POST", "/v1/auth/tokens", 200, json={"username": username, "password": PASSWORD}
        ).json()
        second = call(
            "POST", "/v1/auth/tokens/refresh", 200, json={"refreshToken": first["refreshToken"]}
        ).json()
        staff = call(
            "POST", "/v1/login", 200, json={"username": STAFF, "password": STAFF_PASSWORD}
        ).json()
        secrets += [first["token"], first["refreshToken"], second["token"]]
        secrets += [second["refreshToken"], staff["token"], staff["refreshToken"]]
        user = {"Authorization": f"Bearer {second['token']}"}

        pet = call(
            "POST", "/v1/pets", 201, json=PET, headers={"Authorization": f"Bearer {staff['token']}"}
        )
        order = call("POST", "/v1/orders", 201, json={"petId": pet.json()["id"]}, headers=user)
        payment = {"amount": "49.99", "currency": "USD", "source": card(VISA)}
        order_id = order.json()["id"]
        call("POST", f"/v1/orders/{order_id}/payment", 201, json=payment, headers=user)
        # A token pasted into a URL: the request log records paths, the redaction must catch it.
        call("GET", f"/v1/pets/{second['token']}", 400, headers=user)
        call("POST", "/v1/logout", 204, json={"refreshToken": second["refreshToken"]}, headers=user)
    # Stop the server first: a request's line is written after its answer has gone out.
    debug_server.process.send_signal(signal.SIGTERM)
    debug_server.process.wait(timeout=30)
    log = debug_server.log()

    # Nothing secret, anywhere: not the values, not the signature part of a token alone.
    for secret in secrets:
        assert secret not in log, f"{secret[:12]}... found in the log"
    for token in (first["token"], second["token"], staff["token"]):
        assert token.rsplit(".", 1)[1] not in log
    assert CVC not in tokens(log.replace(f"[{debug_server.process.pid}]", "[pid]"))
    assert '"cvc"' not in log.lower()

    # Controls: SQL with its parameters was logged, and so was what is meant to be kept.
    assert "INSERT INTO refresh_tokens" in log
    assert "INSERT INTO payments" in log
    assert "4242" in log
    assert HOLDER in log
    assert "[REDACTED:jwt]" in log  # the token in the path, caught

    lines = request_lines(log)
    by_id = {line["request_id"]: line for line in lines}
    assert set(request_ids) <= set(by_id), "every answered request has its log line"
    for line in lines:
        assert {"request_id", "tenant", "principal", "method", "route", "status"} <= set(line)
        assert isinstance(line["duration_ms"], float | int)
    routes = {(line["method"], line["route"], line["status"]) for line in lines}
    assert ("POST", "/v1/users", 201) in routes
    assert ("POST", "/v1/auth/tokens", 401) in routes
    assert ("POST", "/v1/auth/tokens/refresh", 200) in routes
    assert ("POST", "/v1/orders/{id}/payment", 201) in routes
    assert ("GET", "/v1/pets/{id}", 400) in routes
    assert ("POST", "/v1/logout", 204) in routes
    payment_line = next(line for line in lines if line["route"] == "/v1/orders/{id}/payment")
    assert payment_line["principal"] == user_id
    assert payment_line["tenant"] == TENANT
    assert payment_line["path"] == f"/v1/orders/{order_id}/payment"
    signup_line = next(line for line in lines if line["route"] == "/v1/users")
    assert signup_line["principal"] is None  # anonymous
