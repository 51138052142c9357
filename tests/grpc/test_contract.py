"""The proto is the gRPC door's contract: it keeps the Modern Petstore's published fragment
exactly, passes ``buf lint`` (with only the exceptions that fragment forces), the committed
Python code is what ``scripts/proto.sh`` makes of it, and every RPC asks for what the matching
REST operation asks for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from google.protobuf.descriptor import FieldDescriptor

from petstore.grpc import inventory, orders, pets
from petstore.grpc.calls import PUBLIC_READ, Access
from petstore.grpc.v1 import petstore_pb2 as pb
from tests.support.contract import REPO, rest_operations, run_node_tool, scopes_of

GENERATED = REPO / "src" / "petstore" / "grpc" / "v1"

# The published fragment (../shared/reference/protocols.md, §gRPC): names, numbers, types.
PUBLISHED_PET = {
    "id": (1, FieldDescriptor.TYPE_STRING),
    "name": (2, FieldDescriptor.TYPE_STRING),
    "species": (3, FieldDescriptor.TYPE_ENUM),
    "breed": (4, FieldDescriptor.TYPE_STRING),
    "age_months": (5, FieldDescriptor.TYPE_INT32),
    "status": (6, FieldDescriptor.TYPE_ENUM),
    "adoption_fee": (7, FieldDescriptor.TYPE_DOUBLE),
    "currency": (8, FieldDescriptor.TYPE_STRING),
}
PUBLISHED_LIST_REQUEST = {
    "species": (1, FieldDescriptor.TYPE_ENUM),
    "status": (2, FieldDescriptor.TYPE_ENUM),
    "page": (3, FieldDescriptor.TYPE_INT32),
    "limit": (4, FieldDescriptor.TYPE_INT32),
}
PUBLISHED_ENUMS = {
    "Species": {"SPECIES_UNSPECIFIED": 0, "DOG": 1, "CAT": 2, "RABBIT": 3, "BIRD": 4,
                "REPTILE": 5, "OTHER": 6},
    "Status": {"STATUS_UNSPECIFIED": 0, "AVAILABLE": 1, "PENDING": 2, "ADOPTED": 3,
               "NOT_AVAILABLE": 4},
}  # fmt: skip
PUBLISHED_RPCS = {
    "GetPet": ("GetPetRequest", "Pet"),
    "ListPets": ("ListPetsRequest", "ListPetsResponse"),
    "CreatePet": ("CreatePetRequest", "Pet"),
    "UpdatePet": ("UpdatePetRequest", "Pet"),
    "DeletePet": ("DeletePetRequest", "DeletePetResponse"),
}


def _fields(message: str) -> dict[str, tuple[int, int]]:
    descriptor = pb.DESCRIPTOR.message_types_by_name[message]
    return {f.name: (f.number, f.type) for f in descriptor.fields}


def test_the_published_fragment_is_kept_exactly() -> None:
    assert pb.DESCRIPTOR.package == "petstore.v1"
    assert pb.DESCRIPTOR.name == "petstore/v1/petstore.proto"
    assert _fields("Pet").items() >= PUBLISHED_PET.items()
    assert _fields("ListPetsRequest").items() >= PUBLISHED_LIST_REQUEST.items()
    assert _fields("GetPetRequest")["id"] == (1, FieldDescriptor.TYPE_STRING)
    assert _fields("ListPetsResponse")["pets"][0] == 1
    for name, values in PUBLISHED_ENUMS.items():
        enum = pb.DESCRIPTOR.enum_types_by_name[name]
        assert {v.name: v.number for v in enum.values} == values
    service = pb.DESCRIPTOR.services_by_name["PetService"]
    methods = {m.name: (m.input_type.name, m.output_type.name) for m in service.methods}
    assert methods.items() >= PUBLISHED_RPCS.items()


def test_buf_lint_passes(tmp_path: Path) -> None:
    run = run_node_tool("buf", "lint", str(REPO / "proto"), "--error-format=json", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == ""


def test_the_committed_code_is_what_the_proto_generates(tmp_path: Path) -> None:
    env = {**os.environ, "PETSTORE_PYTHON": sys.executable}
    made = subprocess.run(
        ["bash", str(REPO / "scripts" / "proto.sh"), str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    fresh = tmp_path / "petstore" / "grpc" / "v1"
    names = sorted(p.name for p in fresh.iterdir())
    assert names == sorted(p.name for p in GENERATED.iterdir() if p.name != "__pycache__")
    stale = [n for n in names if (fresh / n).read_bytes() != (GENERATED / n).read_bytes()]
    assert stale == [], "run: bash scripts/proto.sh"


# RPC -> the REST operation that does the same thing.
REST_TWIN = {
    "GetPet": "getPet", "ListPets": "listPets", "SearchPets": "searchPets",
    "CreatePet": "createPet", "UpdatePet": "updatePet", "DeletePet": "deletePet",
    "WatchPets": "getPet",
    "PlaceOrder": "createOrder", "GetOrder": "getOrder", "ListOrders": "listOrders",
    "CancelOrder": "deleteOrder", "PayOrder": "createOrderPayment", "WatchOrder": "getOrder",
    "GetInventory": "getStoreInventory",
}  # fmt: skip
ACCESS: dict[str, Access] = {**pets.ACCESS, **orders.ACCESS, **inventory.ACCESS}


def test_every_rpc_has_a_declared_access_and_a_rest_twin() -> None:
    rpcs = {m.name for s in pb.DESCRIPTOR.services_by_name.values() for m in s.methods}
    assert set(ACCESS) == rpcs == set(REST_TWIN)


@pytest.mark.parametrize("rpc", sorted(REST_TWIN))
async def test_an_rpc_needs_the_scopes_of_its_rest_twin(
    client: httpx.AsyncClient, rpc: str
) -> None:
    twin = (await rest_operations(client))[REST_TWIN[rpc]]
    access = ACCESS[rpc]
    assert access.scopes == scopes_of(twin)
    if access == PUBLIC_READ:
        assert "security" not in twin or twin["security"] in ([], [{}])
