"""Schemathesis hooks for the contract run (loaded through ``SCHEMATHESIS_HOOKS``).

- Authentication: every generated case logs in afresh as a staff user, because the run itself
  exercises ``POST /v1/logout`` (revoking the token it was sent with) and deletes users.
- ``Idempotency-Key``: real clients send a fresh key per logical request; generated data would
  reuse one value across different bodies, which the API rightly refuses (422). Idempotency
  semantics have their own tests (tests/core/test_idempotency.py).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import httpx
import schemathesis

import tests.support.threadsafe_ast  # noqa: F401 - see its docstring; before any run

BASE_URL = os.environ.get("PETSTORE_CONTRACT_BASE_URL", "")
TENANT = os.environ.get("PETSTORE_CONTRACT_TENANT", "")
USERNAMES = os.environ.get("PETSTORE_CONTRACT_USERNAMES", "").split(",")
PASSWORD = os.environ.get("PETSTORE_CONTRACT_PASSWORD", "")


@schemathesis.auth(refresh_interval=None)
class FreshStaffToken:
    """Logs in from a pool of staff accounts, moving on when the run deleted or changed one."""

    def __init__(self) -> None:
        self.current = 0

    def get(self, case: Any, context: Any) -> str:
        while self.current < len(USERNAMES):
            response = httpx.post(
                f"{BASE_URL}/v1/auth/tokens",
                json={"username": USERNAMES[self.current], "password": PASSWORD},
                headers={"X-Tenant-ID": TENANT},
                timeout=10,
            )
            if response.status_code == 200:
                return str(response.json()["token"])
            self.current += 1
        raise RuntimeError("every staff account of the pool was deleted or changed")

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    headers = case.headers
    if headers and "Idempotency-Key" in headers:
        headers["Idempotency-Key"] = uuid.uuid4().hex
