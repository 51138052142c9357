"""Serving needs only the runtime lock: a venv built from ``requirements.lock`` and the project
alone (no test tools) passes ``pip check`` and serves the demo store. A runtime dependency
that only the dev lock brings in fails here, not on a newcomer's first ``serve.sh``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.servers import run_server, server_env

REPO = Path(__file__).resolve().parents[2]
DEV_ONLY = ("pytest", "mypy", "ruff", "playwright", "schemathesis", "hypothesis")


def pip(venv: Path, *args: str) -> None:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", *args],
        check=True,
        capture_output=True,
        env=env,
        timeout=900,
    )


def test_a_venv_from_the_runtime_lock_alone_serves(tmp_path: Path) -> None:
    venv = tmp_path / "runtime-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip(venv, "install", "--progress-bar", "off", "-r", str(REPO / "requirements.lock"))
    pip(venv, "install", "--no-deps", str(REPO))
    pip(venv, "check")
    for tool in DEV_ONLY:
        found = subprocess.run(
            [str(venv / "bin" / "python"), "-c", f"import {tool}"], capture_output=True
        )
        assert found.returncode != 0, f"{tool} is in the runtime venv"

    env = server_env(
        f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}", PETSTORE_MEDIA_DIR=str(tmp_path / "media")
    )
    log = tmp_path / "serve.log"
    with run_server(env, log, venv_bin=venv / "bin", extra_args=["--demo"]) as server:
        pets = httpx.get(f"{server.base_url}/v1/pets?limit=5", timeout=30)
        assert pets.status_code == 200, pets.text
        assert len(pets.json()["data"]) == 5
        door = httpx.get(f"{server.base_url}/", headers={"Accept": "text/html"}, timeout=30)
        assert door.status_code == 200
        assert "text/html" in door.headers["content-type"]
