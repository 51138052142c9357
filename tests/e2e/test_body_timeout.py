"""``PETSTORE_BODY_READ_TIMEOUT_SECONDS`` against a real ``petstore serve``: a raw socket that
sends its headers and the start of a body, then stalls, gets a 408 problem and the connection
closed; an upload that keeps moving, slower than the timeout in total, is served.

The timeout is short for the test (3 s); the slow upload sends a piece every 0.2 s, fifteen
times faster than the timeout, for more than the timeout in all.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.support.accounts import auth_of, login
from tests.support.images import blank_png
from tests.support.pets import PET
from tests.support.problems import PROBLEM_BASE
from tests.support.servers import (
    RunningServer,
    create_staff,
    petstore,
    run_server,
    server_client,
    server_env,
)

pytestmark = [pytest.mark.e2e]

TIMEOUT = 3.0
STAFF = "slowstaff"
STAFF_PASSWORD = "slow-staff-password"
TENANT = str(uuid.uuid4())
ANSWER_DEADLINE = 60.0  # generous: the server is on a busy machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    tmp = tmp_path_factory.mktemp("body-timeout")
    env = server_env(
        f"sqlite+aiosqlite:///{tmp / 'slow.db'}",
        PETSTORE_MEDIA_DIR=str(tmp / "media"),
        PETSTORE_BODY_READ_TIMEOUT_SECONDS=str(TIMEOUT),
    )
    petstore(env, "migrate")
    create_staff(env, STAFF, STAFF_PASSWORD, TENANT)
    with run_server(env, tmp / "server.log") as running:
        yield running


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a deadline, then fail)."""
    sock.settimeout(ANSWER_DEADLINE)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_a_stalled_body_gets_408_and_the_connection_closed(server: RunningServer) -> None:
    head = (
        "POST /v1/pets HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        f"X-Tenant-ID: {TENANT}\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=ANSWER_DEADLINE) as sock:
        sock.sendall(head.encode() + b'{"name": "Sta')  # and nothing more, ever
        answer = read_until_closed(sock)  # returning at all means the server closed it
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 408 Request Timeout", answer[:300]
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b"connection: close" in headers.lower()
    assert b"content-type: application/problem+json" in headers.lower()
    problem = json.loads(body)
    assert problem["type"] == f"{PROBLEM_BASE}/request-timeout"
    assert problem["status"] == 408


def multipart(data: bytes, boundary: str) -> bytes:
    return (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="slow.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )


def test_a_slow_upload_that_keeps_moving_is_not_cut_off(server: RunningServer) -> None:
    with server_client(server.base_url, TENANT) as client:
        auth = auth_of(login(client, STAFF, STAFF_PASSWORD))
        created = client.post("/v1/pets", json=PET, headers=auth)
        assert created.status_code == 201, created.text
        boundary = uuid.uuid4().hex
        body = multipart(blank_png(1500, 1500), boundary)
        pieces = 25  # 0.2 s apart: 5 s in all, longer than the 3 s timeout

        def slowly() -> Iterator[bytes]:
            size = -(-len(body) // pieces)
            for n in range(pieces):
                yield body[n * size : (n + 1) * size]
                time.sleep(0.2)

        started = time.monotonic()
        response = client.post(
            f"/v1/pets/{created.json()['id']}/images",
            content=slowly(),
            headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert time.monotonic() - started > TIMEOUT  # the control: slower than the timeout
        assert response.status_code == 201, response.text
