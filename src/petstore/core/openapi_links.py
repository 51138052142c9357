"""OpenAPI ``links``: what a client can do next with a resource it has just created.

Declared once, as a table: each row says that after ``source`` answers ``status``, the
``target`` operation takes values from that answer (or from the source's own request). Links
document the workflows (create a pet → order it → pay → fetch the receipt) and let stateful
tools such as schemathesis chain real calls instead of guessing ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

CREATED_ID: Mapping[str, str] = {"id": "$response.body#/id"}


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    parameters: Mapping[str, str] = field(default_factory=lambda: dict(CREATED_ID))
    request_body: Mapping[str, str] | None = None
    status: str = "201"
    description: str = ""


def follows(source: str, *targets: str, **options: Any) -> Iterator[Link]:
    """One link from ``source`` to each of ``targets``, sharing parameters and status."""
    for target in targets:
        yield Link(source, target, **options)


LINKS: tuple[Link, ...] = (
    *follows(
        "createPet",
        "getPet",
        "updatePet",
        "patchPet",
        "deletePet",
        "uploadPetPhoto",
        description="The pet just created.",
    ),
    Link(
        "createPet",
        "createOrder",
        parameters={},
        request_body={"petId": "$response.body#/id"},
        description="Order the pet just created.",
    ),
    *follows(
        "uploadPetPhoto",
        "getPetImage",
        "deletePetImage",
        parameters={"id": "$request.path.id", "imageId": "$response.body#/image/id"},
        description="The image just uploaded.",
    ),
    *follows(
        "createOrder",
        "getOrder",
        "updateOrderStatus",
        "deleteOrder",
        "callbackOrder",
        "listOrderPayments",
        description="The order just placed.",
    ),
    Link(
        "createOrder",
        "createOrderPayment",
        request_body={
            "amount": "$response.body#/totalAmount",
            "currency": "$response.body#/currency",
        },
        description="Pay the order just placed, for its amount and currency.",
    ),
    *follows(
        "createOrderPayment",
        "getOrderPayment",
        parameters={"id": "$request.path.id", "paymentId": "$response.body#/id"},
        description="The payment just made.",
    ),
    Link(
        "createOrderPayment",
        "getReceipt",
        parameters={"id": "$response.body#/receiptId"},
        description="The receipt of the payment just made.",
    ),
    *follows(
        "createUser",
        "getUserById",
        "updateUser",
        "deleteUser",
        description="The account just created.",
    ),
    *follows(
        "createWebhook",
        "getWebhook",
        "updateWebhook",
        "deleteWebhook",
        "rotateWebhookSecret",
        "testWebhook",
        "listWebhookDeliveries",
        description="The subscription just created.",
    ),
)


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for item in document.get("paths", {}).values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }


def add_links(document: dict[str, Any], links: tuple[Link, ...] = LINKS) -> None:
    """Write ``links`` into the responses of their source operations.

    Refuses (``ValueError``) a link whose operations, status or path parameters do not exist:
    a renamed operation must not silently leave a dangling link in the contract.
    """
    operations = _operations(document)
    for link in links:
        source = operations.get(link.source)
        target = operations.get(link.target)
        if source is None or target is None:
            raise ValueError(f"link {link.source} -> {link.target}: unknown operation")
        response = source.get("responses", {}).get(link.status)
        if response is None:
            raise ValueError(f"link from {link.source}: it never answers {link.status}")
        path_parameters = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
        if set(link.parameters) != path_parameters:
            raise ValueError(
                f"link {link.source} -> {link.target}: parameters {sorted(link.parameters)} "
                f"do not match the path parameters {sorted(path_parameters)}"
            )
        definition: dict[str, Any] = {"operationId": link.target}
        if link.parameters:
            definition["parameters"] = dict(link.parameters)
        if link.request_body is not None:
            definition["requestBody"] = dict(link.request_body)
        if link.description:
            definition["description"] = link.description
        response.setdefault("links", {})[link.target] = definition
