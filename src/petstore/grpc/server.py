"""The gRPC server: ``grpc.aio`` in the HTTP server's process and event loop, started and
stopped by the application's lifespan, so both doors share one container (sessions, live
feed, rate limits) and one shutdown.

On ``PETSTORE_GRPC_PORT`` (``0`` turns the door off). ``petstore serve --workers N`` starts
one gRPC server per worker on the same port with ``SO_REUSEPORT`` (the kernel spreads new
connections over the workers, as it does for HTTP); a single process binds the port alone, so
a second server started on it by mistake fails loudly instead of sharing it.

Standard services beside ours: server reflection (``grpcurl list`` works with no .proto at
hand) and ``grpc.health.v1.Health``, SERVING for the whole server and each of our services
while it runs, NOT_SERVING once it drains.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError
from google.rpc import code_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from petstore.container import Container
from petstore.grpc import status
from petstore.grpc.calls import Door
from petstore.grpc.inventory import InventoryService
from petstore.grpc.orders import OrderService
from petstore.grpc.pets import PetService
from petstore.grpc.streams import Streams
from petstore.grpc.v1 import petstore_pb2 as pb
from petstore.grpc.v1 import petstore_pb2_grpc as rpc

logger = logging.getLogger("petstore.grpc")

SERVICES = tuple(service.full_name for service in pb.DESCRIPTOR.services_by_name.values())
SEND_LIMIT_BYTES = 4 * 1_048_576
KEEPALIVE_MS = 60_000
"""Pings on idle connections, so a load balancer's idle timeout does not silently cut a
watch stream that has nothing to say for a while."""


def link_base(container: Container) -> str:
    """Where the links in recorded events point (webhook payloads): the public URL, else the
    HTTP server this process runs beside."""
    settings = container.settings
    if settings.public_url:
        return settings.public_url.rstrip("/")
    wildcard = settings.grpc_host in ("0.0.0.0", "::", "")  # noqa: S104 - recognised, not bound
    host = "localhost" if wildcard else settings.grpc_host
    return f"http://{host}:{settings.http_port}"


class _Undecodable:
    """What a request that is not a valid protobuf message decodes to, for the behaviour."""


UNDECODABLE = _Undecodable()


class RefuseUndecodable(grpc.aio.ServerInterceptor):
    """Bytes that do not decode as the RPC's request message answer ``INVALID_ARGUMENT``
    (grpcio's own answer is ``UNKNOWN``, naming a Python exception, with a logged traceback)."""

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None or handler.request_deserializer is None:
            return handler
        decode = handler.request_deserializer

        def safely(raw: bytes) -> Any:
            try:
                return decode(raw)
            except DecodeError:
                return UNDECODABLE

        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                _checked_unary(handler.unary_unary),
                request_deserializer=safely,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                _checked_stream(handler.unary_stream),
                request_deserializer=safely,
                response_serializer=handler.response_serializer,
            )
        return handler  # no client-streaming RPCs here


async def _refuse(context: grpc.aio.ServicerContext[Any, Any]) -> None:
    await context.abort_with_status(
        status.rich(code_pb2.INVALID_ARGUMENT, "The request is not a valid protobuf message.")
    )


def _checked_unary(behaviour: Any) -> Any:
    async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        if request is UNDECODABLE:
            await _refuse(context)
        return await behaviour(request, context)

    return unary


def _checked_stream(behaviour: Any) -> Any:
    async def stream(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        if request is UNDECODABLE:
            await _refuse(context)
        async for item in behaviour(request, context):
            yield item

    return stream


class GrpcServer:
    def __init__(self, container: Container) -> None:
        settings = container.settings
        self.streams = Streams(container.live)
        door = Door(container, link_base(container))
        self.health = health.aio.HealthServicer()
        self.server = grpc.aio.server(
            interceptors=[RefuseUndecodable()],
            options=[
                ("grpc.max_receive_message_length", settings.max_json_body_bytes),
                ("grpc.max_send_message_length", SEND_LIMIT_BYTES),
                ("grpc.so_reuseport", 1 if settings.grpc_reuse_port else 0),
                ("grpc.keepalive_time_ms", KEEPALIVE_MS),
            ],
        )
        rpc.add_PetServiceServicer_to_server(PetService(door, self.streams), self.server)
        rpc.add_OrderServiceServicer_to_server(OrderService(door, self.streams), self.server)
        rpc.add_InventoryServiceServicer_to_server(InventoryService(door), self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection.enable_server_reflection(
            (*SERVICES, health.SERVICE_NAME, reflection.SERVICE_NAME), self.server
        )
        address = f"{settings.grpc_host}:{settings.grpc_port}"
        self.port = self.server.add_insecure_port(address)
        self.address = address

    async def start(self) -> None:
        await self.server.start()
        for name in ("", *SERVICES):
            await self._set(name, health_pb2.HealthCheckResponse.SERVING)
        logger.info("gRPC listening on %s", self.address)

    async def stop(self, grace: float) -> None:
        """Drain: health says NOT_SERVING, watch streams end (UNAVAILABLE: reconnect), unary
        calls in flight get ``grace`` seconds, new calls are refused."""
        for name in ("", *SERVICES):
            await self._set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        self.streams.close_all()
        await self.server.stop(grace)

    async def _set(self, name: str, state: Any) -> None:
        await self.health.set(name, state)
