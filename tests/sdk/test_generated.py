"""The committed SDK is what ``scripts/sdk.sh`` makes from the served 3.1 rendition today: a
change to the API that was not followed by regenerating fails here, naming the stale files."""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx

from tests.support.contract import REPO, regenerate_sdk
from tests.support.servers import run_cli, server_env

PACKAGE = REPO / "clients" / "python" / "petstore_client"
HAND_WRITTEN = {"sdk", "py.typed", "__pycache__"}


def _differences(made: filecmp.dircmp[str], prefix: str = "") -> list[str]:
    found = [f"{prefix}{name}" for name in made.left_only + made.right_only + made.diff_files]
    for name, sub in made.subdirs.items():
        found += _differences(sub, f"{prefix}{name}/")
    return found


async def test_the_committed_sdk_is_fresh(client: httpx.AsyncClient, tmp_path: Path) -> None:
    document = tmp_path / "openapi-3.1.json"
    document.write_text((await client.get("/v1/openapi-3.1.json")).text)
    fresh = tmp_path / "petstore_client"
    regenerate_sdk(document, fresh)
    ignored = [*HAND_WRITTEN, ".ruff_cache"]
    stale = _differences(filecmp.dircmp(str(PACKAGE), str(fresh), ignore=ignored))
    assert stale == [], f"run `bash scripts/sdk.sh`: these differ from the served document: {stale}"


async def test_the_cli_prints_the_served_31_rendition(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    """``scripts/sdk.sh`` reads the document from ``petstore openapi --rendition 3.1``."""
    env = server_env(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    printed = run_cli(env, "openapi", "--rendition", "3.1")
    assert printed.returncode == 0, printed.stderr
    served = (await client.get("/v1/openapi-3.1.json")).json()
    assert json.loads(printed.stdout) == served


def test_the_sdk_builds_as_its_own_package(tmp_path: Path) -> None:
    """``petstore-client`` is a separate distribution: its wheel holds both halves and the
    ``py.typed`` marker, and needs only httpx and attrs."""
    source = tmp_path / "source"  # setuptools builds in the tree: not in the checkout's
    shutil.copytree(PACKAGE.parent, source, ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q"]
    built = subprocess.run(
        [*pip, "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = tmp_path.glob("petstore_client-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        headers = archive.read(metadata).decode()
    for member in ("sdk/session.py", "api/pet/get_pet.py", "models/pet.py", "py.typed"):
        assert f"petstore_client/{member}" in names
    assert "Name: petstore-client" in headers
    requires = sorted(
        line.split()[1] for line in headers.splitlines() if line.startswith("Requires-Dist")
    )
    assert requires == ["attrs>=23.1", "httpx<1,>=0.27"]
