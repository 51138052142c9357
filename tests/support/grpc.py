"""A ``petstore serve`` process with its gRPC door on, and a real grpcio client of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from petstore.grpc.v1 import petstore_pb2_grpc as rpc
from tests.support.servers import RunningServer, free_port, run_server

READY_WITHIN_SECONDS = 60.0  # generous: CI machines may be busy
CALL_SECONDS = 30.0
DETAIL_TYPES: dict[str, type[Message]] = {
    kind.DESCRIPTOR.full_name: kind
    for kind in (
        error_details_pb2.BadRequest,
        error_details_pb2.ErrorInfo,
        error_details_pb2.PreconditionFailure,
        error_details_pb2.QuotaFailure,
        error_details_pb2.RetryInfo,
    )
}


@dataclass
class GrpcClient:
    server: RunningServer
    target: str
    channel: grpc.Channel

    @property
    def pets(self) -> rpc.PetServiceStub:
        return rpc.PetServiceStub(self.channel)

    @property
    def orders(self) -> rpc.OrderServiceStub:
        return rpc.OrderServiceStub(self.channel)

    @property
    def inventory(self) -> rpc.InventoryServiceStub:
        return rpc.InventoryServiceStub(self.channel)


def connect(target: str) -> grpc.Channel:
    channel = grpc.insecure_channel(target)
    grpc.channel_ready_future(channel).result(timeout=READY_WITHIN_SECONDS)
    return channel


@contextmanager
def grpc_server(env: dict[str, str], log_path: Path, workers: int = 1) -> Iterator[GrpcClient]:
    """A server process answering gRPC on a free port (bound before HTTP answers: the door
    starts in the lifespan) and a channel to it."""
    port = free_port()
    env = {**env, "PETSTORE_GRPC_PORT": str(port)}
    with run_server(env, log_path, workers) as server:
        channel = connect(f"127.0.0.1:{port}")
        try:
            yield GrpcClient(server, f"127.0.0.1:{port}", channel)
        finally:
            channel.close()


def metadata(token: str | None = None, tenant: str | None = None) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    if token is not None:
        pairs.append(("authorization", f"Bearer {token}"))
    if tenant:
        pairs.append(("x-tenant-id", tenant))
    return tuple(pairs)


def details(error: grpc.RpcError) -> dict[str, Message]:
    """The ``google.rpc`` details of a failed call, by type name (``BadRequest``...)."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]  # a failed call is a Call
    assert status is not None, f"no rich status on {error}"
    assert status.code == error.code().value[0]
    found: dict[str, Message] = {}
    for packed in status.details:
        name = packed.type_url.rsplit("/", 1)[-1]
        kind = DETAIL_TYPES[name]
        message = kind()
        packed.Unpack(message)
        found[name.rsplit(".", 1)[-1]] = message
    return found


def violations(error: grpc.RpcError) -> dict[str, str]:
    """Field → reason of a failed call's ``BadRequest``."""
    bad = details(error)["BadRequest"]
    assert isinstance(bad, error_details_pb2.BadRequest)
    return {v.field: v.reason for v in bad.field_violations}


def error_reason(error: grpc.RpcError) -> tuple[str, dict[str, str]]:
    info = details(error)["ErrorInfo"]
    assert isinstance(info, error_details_pb2.ErrorInfo)
    return info.reason, dict(info.metadata)
