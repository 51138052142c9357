"""The served documents pass the linters client developers run (Redocly's recommended rules,
Spectral's ``spectral:oas``) and feed the TypeScript ecosystem: ``openapi-typescript`` types
that a typed usage file compiles against. The npm tools come from ``tools/contract``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from tests.support.contract import NODE_TOOLS, run_node_tool

DOCUMENTS = ["/v1/openapi.json", "/v1/openapi-3.1.json"]
# Spectral warnings that stay on purpose (each explained in the README's "The contract").
ACCEPTED_SPECTRAL_WARNINGS = {"info-contact"}


async def _dump(client: httpx.AsyncClient, path: str, into: Path) -> Path:
    answer = await client.get(path)
    assert answer.status_code == 200
    target = into / "openapi.json"
    target.write_text(answer.text)
    return target


@pytest.mark.parametrize("path", DOCUMENTS)
async def test_redocly_recommended_finds_nothing(
    client: httpx.AsyncClient, tmp_path: Path, path: str
) -> None:
    document = await _dump(client, path, tmp_path)
    config = str(NODE_TOOLS / "redocly.yaml")
    run = run_node_tool(
        "redocly", "lint", "--config", config, "--format=json", str(document), cwd=tmp_path
    )
    report = json.loads(run.stdout)
    problems = [(p["ruleId"], p["message"]) for p in report["problems"]]
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, problems
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("path", DOCUMENTS)
async def test_spectral_oas_finds_no_errors(
    client: httpx.AsyncClient, tmp_path: Path, path: str
) -> None:
    document = await _dump(client, path, tmp_path)
    ruleset = str(NODE_TOOLS / ".spectral.yaml")
    run = run_node_tool(
        "spectral", "lint", "-r", ruleset, "-f", "json", str(document), cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout + run.stderr
    findings = json.loads(run.stdout)
    errors = [(f["code"], f["message"], f["path"]) for f in findings if f["severity"] == 0]
    warnings = {f["code"] for f in findings if f["severity"] == 1}
    assert errors == []
    assert warnings == ACCEPTED_SPECTRAL_WARNINGS


async def test_typescript_types_compile_a_typed_client(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    """The generated declarations compile, and so does ``usage.ts``, which names paths,
    bodies, problems and webhook payloads: a renamed field or a lost schema fails ``tsc``."""
    document = await _dump(client, "/v1/openapi.json", tmp_path)
    for name in ("usage.ts", "tsconfig.json"):
        shutil.copy(NODE_TOOLS / name, tmp_path / name)
    generate = run_node_tool(
        "openapi-typescript", str(document), "-o", "petstore.d.ts", cwd=tmp_path
    )
    assert generate.returncode == 0, generate.stdout + generate.stderr
    assert "export interface webhooks" in (tmp_path / "petstore.d.ts").read_text()
    compile_ = run_node_tool("tsc", "-p", str(tmp_path), cwd=tmp_path)
    assert compile_.returncode == 0, compile_.stdout + compile_.stderr
