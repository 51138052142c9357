"""A server process gives back the memory of a large upload: after images at the pixel limit
(4096 x 4096, 16.8 MP, 64 MiB per decoded copy) its resident size returns to what it was.

Without the trim after each decode, glibc serves Pillow's 16 MiB blocks from a heap that it
never shrinks, and the process keeps about 50 MiB more from the second such upload on (the
reported 39.7 MP image kept about 300 MiB).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.accounts import auth_of, login
from tests.support.images import blank_png
from tests.support.pets import PET
from tests.support.servers import (
    RunningServer,
    create_staff,
    petstore,
    run_server,
    server_client,
    server_env,
    wait_for,
)

pytestmark = [pytest.mark.e2e]

STAFF = "memorystaff"
STAFF_PASSWORD = "memory-staff-password"
TENANT = str(uuid.uuid4())
MiB = 1024 * 1024
SLACK = 24 * MiB  # allocator noise; far under the 64 MiB of one decoded copy


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    env = server_env(
        f"sqlite+aiosqlite:///{tmp_path / 'memory.db'}", PETSTORE_MEDIA_DIR=str(tmp_path / "m")
    )
    petstore(env, "migrate")
    create_staff(env, STAFF, STAFF_PASSWORD, TENANT)
    with run_server(env, tmp_path / "server.log") as running:
        yield running


def resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc")


def upload(client: httpx.Client, pet_id: str, data: bytes, auth: dict[str, str]) -> None:
    files = {"file": ("big.png", data, "image/png")}
    response = client.post(f"/v1/pets/{pet_id}/images", files=files, headers=auth)
    assert response.status_code == 201, response.text


def test_the_memory_of_large_uploads_is_given_back(server: RunningServer) -> None:
    pid = server.process.pid
    with server_client(server.base_url, TENANT, timeout=120) as client:
        auth = auth_of(login(client, STAFF, STAFF_PASSWORD))
        created = client.post("/v1/pets", json=PET, headers=auth)
        assert created.status_code == 201, created.text
        pet_id = created.json()["id"]
        upload(client, pet_id, blank_png(64, 64), auth)  # warm up: the image code is loaded
        before = resident_bytes(pid)
        for _ in range(3):
            upload(client, pet_id, blank_png(4096, 4096), auth)

    def settled() -> int | None:
        now = resident_bytes(pid)
        return now if now <= before + SLACK else None

    wait_for(f"the resident size to return to {before / MiB:.0f} MiB", settled, timeout=10)
