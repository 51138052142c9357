"""The served documents are consumable by tools: no dangling ``$ref``, every QUERY body
documented, the reference's names, and a 3.1 rendition that validates as 3.1."""

from __future__ import annotations

from typing import Any

import httpx
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolves(doc: dict[str, Any], ref: str) -> bool:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


async def test_no_dangling_refs_and_query_bodies(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/v1/openapi.json")).json()
    dangling = [r for r in _refs(doc) if not _resolves(doc, r)]
    assert dangling == []
    assert "jsonSchemaDialect" not in doc
    for path in ("/v1/pets", "/v1/pets/search"):
        body = doc["paths"][path]["query"]["requestBody"]["content"]["application/json"]
        assert body["schema"]["$ref"] == "#/components/schemas/PetSearch"


async def test_reference_names(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/v1/openapi.json")).json()
    hooks = doc["webhooks"]
    assert hooks["orderStatusChanged"]["post"]["operationId"] == "orderStatusChangedWebhook"
    assert hooks["paymentSucceeded"]["post"]["operationId"] == "paymentSucceededWebhook"
    assert all(item["post"]["security"] == [] for item in hooks.values())
    assert doc["paths"]["/v1/pets/{id}/images"]["post"]["operationId"] == "uploadPetPhoto"
    callback = doc["paths"]["/v1/orders/{id}"]["post"]
    assert list(callback["callbacks"]) == ["orderProcessed"]
    assert callback["security"] != []
    assert doc["paths"]["/v1/auth/tokens"]["post"]["tags"] == ["User"]


async def test_31_rendition_validates_as_31(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/v1/openapi-3.1.json")).json()
    assert doc["openapi"] == "3.1.1"
    validate(doc, cls=OpenAPIV31SpecValidator)
    search = doc["paths"]["/v1/pets"]
    assert "query" not in search
    assert search["x-oai-additionalOperations"]["QUERY"]["operationId"] == "searchPets"
    assert doc["paths"]["/v1/pets/search"]["post"]["operationId"] == "searchPetsByPost"
    flows = doc["components"]["securitySchemes"]["oauth2"]["flows"]
    assert "deviceAuthorization" not in flows
    assert flows["x-oai-deviceAuthorization"]["x-oai-deviceAuthorizationUrl"].endswith(
        "/oauth/device/authorize"
    )
    yaml_answer = await client.get("/v1/openapi-3.1.yaml")
    assert yaml_answer.status_code == 200
