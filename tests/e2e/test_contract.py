"""The OpenAPI document is the contract: schemathesis checks a running server against it.

Every operation, every check (status codes, content types, headers, response schemas,
negative and positive data, auth, unsupported methods, stateful links), zero failures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from petstore.core.openapi_links import LINKS
from tests.support.contract import run_schemathesis
from tests.support.servers import (
    RunningServer,
    create_staff_accounts,
    petstore,
    run_server,
    server_env,
)

pytestmark = [pytest.mark.e2e, pytest.mark.contract]

TENANT = "550e8400-e29b-41d4-a716-446655440000"
STAFF_PASSWORD = "contract-staff-password"
# The run deletes and edits users (its own among them): a pool of staff accounts outlives it.
STAFF_POOL = 300


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("contract")
    env = server_env(f"sqlite+aiosqlite:///{root / 'contract.db'}")
    petstore(env, "migrate")
    petstore(env, "seed", "--tenant", TENANT)
    create_staff_accounts(
        env["PETSTORE_DATABASE_URL"],
        TENANT,
        [f"staff{i}" for i in range(STAFF_POOL)],
        STAFF_PASSWORD,
    )
    with run_server(env, root / "server.log") as running:
        yield running


def test_openapi_document_is_valid_3_2(server: RunningServer) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV32SpecValidator

    document = httpx.get(f"{server.base_url}/v1/openapi.json").json()
    assert document["openapi"] == "3.2.0"
    validate(document, cls=OpenAPIV32SpecValidator)
    yaml_doc = httpx.get(f"{server.base_url}/v1/openapi.yaml")
    assert yaml_doc.status_code == 200
    assert yaml_doc.text.startswith("openapi: 3.2.0")
    assert "query" in document["paths"]["/v1/pets"]
    flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
    assert set(flows) == {"authorizationCode", "deviceAuthorization", "clientCredentials"}


def test_docs_page_and_assets_are_served_locally(server: RunningServer) -> None:
    page = httpx.get(f"{server.base_url}/v1/docs")
    assert page.status_code == 200
    assert "/v1/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        served = httpx.get(f"{server.base_url}/v1/docs/assets/{asset}")
        assert served.status_code == 200
        assert len(served.content) > 10_000


def test_schemathesis_finds_no_failures(server: RunningServer, tmp_path: Path) -> None:
    output = run_schemathesis(
        server,
        "/v1/openapi.json",
        config=Path(__file__).with_name("schemathesis.toml"),
        hooks="tests.e2e.schemathesis_hooks",
        tenant=TENANT,
        seed="20261125",
        cwd=tmp_path,
        extra_env={
            "PETSTORE_CONTRACT_BASE_URL": server.base_url,
            "PETSTORE_CONTRACT_TENANT": TENANT,
            "PETSTORE_CONTRACT_USERNAMES": ",".join(f"staff{i}" for i in range(STAFF_POOL)),
            "PETSTORE_CONTRACT_PASSWORD": STAFF_PASSWORD,
        },
    )
    # The stateful phase chained calls over the document's declared links.
    links = re.search(
        r"API Links:\s+(\d+) covered / (\d+) selected / (\d+) total(?: \((\d+) inferred\))?",
        output,
    )
    assert links is not None, output[-5000:]
    covered, _selected, total, inferred = (int(g or 0) for g in links.groups())
    assert total - inferred == len(LINKS)
    assert covered > 0
    print(f"\ncontract run, stateful phase: {links.group(0)}")
