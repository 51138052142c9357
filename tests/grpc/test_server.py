"""The gRPC server as an operator and a client library meet it: reflection and health, limits
(message size, deadlines, the shared rate limit), malformed bytes, sandbox mode, several
workers on one port, a graceful shutdown, and a database outage answered UNAVAILABLE."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from petstore.grpc.v1 import petstore_pb2 as pb
from petstore.grpc.v1 import petstore_pb2_grpc as rpc
from tests.support.accounts import PASSWORD, Account, login
from tests.support.grpc import CALL_SECONDS, GrpcClient, connect, details, grpc_server, metadata
from tests.support.pets import PET
from tests.support.postgres_cluster import PostgresCluster, private_cluster
from tests.support.servers import create_staff, petstore, server_env

pytestmark = pytest.mark.e2e

OUR_SERVICES = {
    "petstore.v1.PetService",
    "petstore.v1.OrderService",
    "petstore.v1.InventoryService",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GrpcClient]:
    root = tmp_path_factory.mktemp("grpc-server")
    env = server_env(f"sqlite+aiosqlite:///{root / 'server.db'}")
    petstore(env, "migrate")
    with grpc_server(env, root / "server.log") as client:
        yield client
        assert "Traceback" not in client.server.log()


def test_reflection_lists_the_services(server: GrpcClient) -> None:
    services = set(ProtoReflectionDescriptorDatabase(server.channel).get_services())
    assert services >= OUR_SERVICES | {
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }


@pytest.mark.parametrize("service", ["", *sorted(OUR_SERVICES)])
def test_health_says_serving(server: GrpcClient, service: str) -> None:
    stub = health_pb2_grpc.HealthStub(server.channel)
    answer = stub.Check(  # type: ignore[attr-defined]  # the stub's methods are set per instance
        health_pb2.HealthCheckRequest(service=service), timeout=CALL_SECONDS
    )
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


def test_malformed_protobuf_bytes_are_refused_and_the_server_goes_on(server: GrpcClient) -> None:
    raw = server.channel.unary_unary(
        "/petstore.v1.PetService/GetPet",
        request_serializer=lambda body: body,
        response_deserializer=lambda body: body,
    )
    for garbage in (b"\xff\xff\xff\xff", b"\x0a\x05ab", b"\x0a" + b"\x80" * 12):
        with pytest.raises(grpc.RpcError) as caught:
            raw(garbage, timeout=CALL_SECONDS)
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    listed = server.pets.ListPets(pb.ListPetsRequest(), timeout=CALL_SECONDS)
    assert listed.pagination.limit == 20


def test_an_oversized_message_is_refused(server: GrpcClient) -> None:
    huge = pb.CreatePetRequest(pet=pb.Pet(description="x" * 2_000_000))  # over the 1 MiB limit
    with pytest.raises(grpc.RpcError) as caught:
        server.pets.CreatePet(huge, timeout=CALL_SECONDS)
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED


def test_a_deadline_already_past_is_honoured(server: GrpcClient) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        server.pets.ListPets(pb.ListPetsRequest(), timeout=0.000001)
    assert caught.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED


def test_rest_and_grpc_share_one_rate_limit(tmp_path: Path) -> None:
    env = server_env(
        f"sqlite+aiosqlite:///{tmp_path / 'limited.db'}", PETSTORE_RATE_LIMIT_REQUESTS="4"
    )
    petstore(env, "migrate")
    with grpc_server(env, tmp_path / "server.log") as client:
        for _ in range(2):
            assert (
                httpx.get(f"{client.server.base_url}/v1/pets", timeout=CALL_SECONDS).status_code
                == 200
            )
        for _ in range(2):
            client.pets.ListPets(pb.ListPetsRequest(), timeout=CALL_SECONDS)
        with pytest.raises(grpc.RpcError) as caught:
            client.pets.ListPets(pb.ListPetsRequest(), timeout=CALL_SECONDS)
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    found = details(caught.value)
    assert found["RetryInfo"].retry_delay.seconds >= 1  # type: ignore[attr-defined]
    assert "QuotaFailure" in found


def test_sandbox_mode_serves_the_demo_as_rest_does(tmp_path: Path) -> None:
    env = server_env(f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}", PETSTORE_AUTH_MODE="sandbox")
    petstore(env, "migrate")
    with grpc_server(env, tmp_path / "server.log") as client:
        pet = pb.Pet(name="Demo", species=pb.DOG, age_months=3, price="10.00")
        request = pb.CreatePetRequest(pet=pet)
        with pytest.raises(grpc.RpcError) as caught:  # write:pets is not left open to anonymous
            client.pets.CreatePet(request, timeout=CALL_SECONDS)
        assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
        created = client.pets.CreatePet(
            request, metadata=metadata("anything"), timeout=CALL_SECONDS
        )
        order = client.orders.PlaceOrder(
            pb.PlaceOrderRequest(pet_id=created.id), timeout=CALL_SECONDS
        )
        assert order.status == pb.ORDER_STATUS_PLACED  # anonymous: the demo user, as in REST


def test_two_workers_share_the_grpc_port(tmp_path: Path) -> None:
    env = server_env(f"sqlite+aiosqlite:///{tmp_path / 'workers.db'}", PETSTORE_LOG_LEVEL="INFO")
    petstore(env, "migrate")
    with grpc_server(env, tmp_path / "server.log", workers=2) as client:
        for _ in range(12):  # new connections, spread by the kernel over both workers
            channel = connect(client.target)
            try:
                answer = rpc.PetServiceStub(channel).ListPets(
                    pb.ListPetsRequest(), timeout=CALL_SECONDS
                )
                assert answer.pagination.limit == 20
            finally:
                channel.close()
        assert "address already in use" not in client.server.log().lower()
        assert client.server.log().count("gRPC listening on") == 2


def test_sigterm_ends_watch_streams_with_unavailable(tmp_path: Path) -> None:
    env = server_env(
        f"sqlite+aiosqlite:///{tmp_path / 'shutdown.db'}", PETSTORE_SHUTDOWN_GRACE_SECONDS="5"
    )
    petstore(env, "migrate")
    with grpc_server(env, tmp_path / "server.log") as client:
        stream = client.pets.WatchPets(pb.WatchPetsRequest(), timeout=CALL_SECONDS)
        stream.initial_metadata()
        client.server.process.send_signal(signal.SIGTERM)
        with pytest.raises(grpc.RpcError) as caught:
            next(stream)
        assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
        assert client.server.process.wait(timeout=CALL_SECONDS) == 0


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    with private_cluster("the outage test") as instance:
        yield instance


@pytest.mark.postgres
def test_a_database_outage_is_unavailable_then_over(
    cluster: PostgresCluster, tmp_path: Path
) -> None:
    env = server_env(cluster.create_database("outage"))
    petstore(env, "migrate")
    tenant = str(uuid.uuid4())
    create_staff(env, "outagestaff", PASSWORD, tenant)
    with grpc_server(env, tmp_path / "server.log") as client:
        rest = httpx.Client(
            base_url=client.server.base_url, headers={"X-Tenant-ID": tenant}, timeout=CALL_SECONDS
        )
        staff = Account.logged_in(login(rest, "outagestaff"), "outagestaff", PASSWORD)
        pet_id = rest.post("/v1/pets", json=PET, headers=staff.auth).json()["id"]
        request, meta = pb.GetPetRequest(id=pet_id), (("x-tenant-id", tenant),)
        cluster.stop()
        with pytest.raises(grpc.RpcError) as caught:
            client.pets.GetPet(request, metadata=meta, timeout=CALL_SECONDS)
        assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
        assert details(caught.value)["RetryInfo"].retry_delay.seconds >= 1  # type: ignore[attr-defined]
        cluster.start()
        assert client.pets.GetPet(request, metadata=meta, timeout=CALL_SECONDS).id == pet_id
        assert "Traceback" not in client.server.log()
