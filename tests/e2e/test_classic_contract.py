"""The classic OpenAPI 3.0 document is a contract too: schemathesis runs it against a server
process, and the operator's ``petstore classic reset`` puts a tenant's store back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.contract import run_schemathesis
from tests.support.servers import RunningServer, fresh_sqlite_server, petstore

pytestmark = [pytest.mark.e2e, pytest.mark.contract]

TENANT = "6f1c2d3e-4a5b-4c6d-8e7f-901234567890"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with fresh_sqlite_server(tmp_path_factory.mktemp("classic"), "classic") as running:
        yield running


def test_the_document_is_valid_openapi_3_0_in_json_and_yaml(server: RunningServer) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator

    document = httpx.get(f"{server.base_url}/api/v3/openapi.json").json()
    validate(document, cls=OpenAPIV30SpecValidator)
    assert document["servers"] == [{"url": "/api/v3"}]
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert len(operations) == 19
    flow = document["components"]["securitySchemes"]["petstore_auth"]["flows"]["implicit"]
    assert flow["authorizationUrl"] == "/oauth/authorize"
    yaml_doc = httpx.get(f"{server.base_url}/api/v3/openapi.yaml")
    assert yaml_doc.status_code == 200
    assert yaml_doc.text.startswith("openapi: 3.0.3")


def test_schemathesis_finds_no_failures(server: RunningServer, tmp_path: Path) -> None:
    """Every check but ``ignored_auth``: by default the classic API is open, as the
    reference's sandbox is (its document says so with an empty security alternative, which
    that check does not read). The hooks keep negative bodies to JSON (see the module)."""
    output = run_schemathesis(
        server,
        "/api/v3/openapi.json",
        config=Path(__file__).with_name("classic_schemathesis.toml"),
        hooks="tests.e2e.classic_schemathesis_hooks",
        tenant=TENANT,
        seed="20261202",
        cwd=tmp_path,
        extra_args=("--exclude-checks", "ignored_auth"),
    )
    assert "No issues found" in output, output[-5000:]


def test_classic_reset_restores_the_seed_of_one_tenant(server: RunningServer) -> None:
    tenant, other = str(uuid.uuid4()), str(uuid.uuid4())
    pet = {"id": 1, "name": "Changed", "photoUrls": []}
    for who in (tenant, other):
        headers = {"X-Tenant-ID": who}
        added = httpx.post(f"{server.base_url}/api/v3/pet", json=pet, headers=headers)
        assert added.status_code == 200, added.text
    petstore(server.env, "classic", "reset", "--tenant", tenant)
    reset = httpx.get(f"{server.base_url}/api/v3/pet/1", headers={"X-Tenant-ID": tenant})
    assert reset.json()["name"] == "Cat 1"
    untouched = httpx.get(f"{server.base_url}/api/v3/pet/1", headers={"X-Tenant-ID": other})
    assert untouched.json()["name"] == "Changed"
