"""The AsyncAPI 3.0 document: served as JSON and YAML, valid against the official AsyncAPI
3.0.0 JSON Schema (from the npm package @asyncapi/specs, pinned in tools/contract), and
describing exactly what the MQTT transport publishes."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from petstore.core.events import new_event
from petstore.events import CATALOGUE
from petstore.mqtt.topics import RETAINED, TEMPLATES, publications
from tests.support.contract import NODE_TOOLS

SPEC = NODE_TOOLS / "node_modules" / "@asyncapi" / "specs" / "schemas" / "3.0.0.json"


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    served = await client.get("/v1/asyncapi.json")
    assert served.status_code == 200
    as_yaml = await client.get("/v1/asyncapi.yaml")
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    body: dict[str, Any] = served.json()
    assert yaml.safe_load(as_yaml.text) == body
    return body


def test_it_is_valid_asyncapi_3(document: dict[str, Any]) -> None:
    if not SPEC.is_file():
        pytest.fail("run `bash scripts/node_tools.sh` (scripts/test.sh does): no AsyncAPI schema")
    schema = json.loads(SPEC.read_text())
    registry: Registry[Any] = Registry().with_resources(
        (uri, Resource.from_contents(part, default_specification=DRAFT7))
        for uri, part in schema["definitions"].items()
    )
    errors = sorted(
        Draft7Validator(schema, registry=registry).iter_errors(document), key=lambda e: e.path
    )
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_every_topic_is_a_channel_with_its_qos_and_retain_flag(document: dict[str, Any]) -> None:
    addresses = {c["address"]: c for c in document["channels"].values()}
    for template in TEMPLATES:
        assert template in addresses
        assert "tenants/{tenantId}/" + template in addresses
    sends = {
        op["channel"]["$ref"].rsplit("/", 1)[1]: op["bindings"]["mqtt"]
        for op in document["operations"].values()
        if op["action"] == "send" and "mqtt" in op.get("bindings", {})
    }
    mqtt = {
        k: c
        for k, c in document["channels"].items()
        if c["servers"] == [{"$ref": "#/servers/mqtt"}]
    }
    assert len(mqtt) == 2 * len(TEMPLATES)
    for channel_id, channel in mqtt.items():
        template = channel["address"].removeprefix("tenants/{tenantId}/")
        retained = template in RETAINED
        expected: dict[str, Any] = {"bindingVersion": "0.2.0", "qos": 1, "retain": retained}
        if not retained:  # events expire; state does not (it would vanish while current)
            expected["messageExpiryInterval"] = 86_400
        assert sends[channel_id] == expected
        for name in channel["parameters"]:
            assert "{" + name + "}" in channel["address"]


def test_each_event_is_documented_on_the_channels_it_is_published_to(
    document: dict[str, Any],
) -> None:
    by_address = {c["address"]: set(c["messages"]) for c in document["channels"].values()}
    ids = {"id": str(uuid.uuid4()), "species": "DOG"}
    for event_type in CATALOGUE:
        kinds = ("pet", "order", "payment")
        data: dict[str, Any] = {k: ids for k in kinds if k in event_type.data.model_fields}
        for publication in publications(new_event(event_type.name, "", data)):
            template = publication.topic.replace(ids["id"], "{id}")
            address = next(a for a in by_address if _matches(a, template))
            if "stock" in address:
                assert by_address[address] == {"InventoryStock"}
            else:
                assert event_type.title in by_address[address], address


def _matches(address: str, topic: str) -> bool:
    parts, wanted = address.split("/"), topic.split("/")
    return len(parts) == len(wanted) and all(
        p == w or p.startswith("{") for p, w in zip(parts, wanted, strict=True)
    )
