"""How the gRPC door words failures (no server needed): each domain error's status code and
details, database trouble told apart from bugs, and a stream that cannot outlive its token."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from sqlalchemy import exc

from petstore.core import errors
from petstore.core.ids import utcnow
from petstore.core.live import LiveFeed
from petstore.grpc.calls import status_of_failure
from petstore.grpc.messages import proto_field
from petstore.grpc.streams import until_expiry


def _decoded(rendered: grpc.Status) -> status_pb2.Status:
    trailer = dict(rendered.trailing_metadata)["grpc-status-details-bin"]
    return status_pb2.Status.FromString(trailer)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.InvalidInput("bad"), grpc.StatusCode.INVALID_ARGUMENT),
        (errors.TooLarge("big"), grpc.StatusCode.INVALID_ARGUMENT),
        (errors.unauthorized(), grpc.StatusCode.UNAUTHENTICATED),
        (errors.forbidden(), grpc.StatusCode.PERMISSION_DENIED),
        (errors.not_found("pet", "x"), grpc.StatusCode.NOT_FOUND),
        (errors.conflict("taken"), grpc.StatusCode.FAILED_PRECONDITION),
        (errors.PaymentDeclined("no"), grpc.StatusCode.FAILED_PRECONDITION),
        (errors.DependencyFailed("upstream"), grpc.StatusCode.UNAVAILABLE),
        (errors.DependencyTimedOut("slow"), grpc.StatusCode.DEADLINE_EXCEEDED),
    ],
)
def test_each_domain_error_has_its_status(error: errors.DomainError, code: grpc.StatusCode) -> None:
    rendered = status_of_failure(error, proto_field)
    assert rendered.code is code
    assert rendered.details == error.detail
    info = error_details_pb2.ErrorInfo()
    assert _decoded(rendered).details[0].Unpack(info)
    assert info.reason == error.code


def test_field_errors_become_violations_named_by_proto_field() -> None:
    error = errors.InvalidInput(
        "no", errors=[{"field": "medicalInfo.spayedNeutered", "message": "bad", "code": "type"}]
    )
    bad = error_details_pb2.BadRequest()
    assert _decoded(status_of_failure(error, proto_field)).details[1].Unpack(bad)
    assert [(v.field, v.reason) for v in bad.field_violations] == [
        ("medical_info.spayed_neutered", "type")
    ]


class SerializationFailureError(Exception):
    sqlstate = "40001"


def test_database_trouble_is_retryable_and_bugs_say_nothing() -> None:
    down = exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open"))
    assert status_of_failure(down, proto_field).code is grpc.StatusCode.UNAVAILABLE
    raced = exc.DBAPIError("UPDATE pets", {}, SerializationFailureError("could not serialize"))
    assert status_of_failure(raced, proto_field).code is grpc.StatusCode.ABORTED
    bug = status_of_failure(KeyError("secret internals"), proto_field)
    assert bug.code is grpc.StatusCode.INTERNAL
    assert "secret" not in bug.details


async def test_a_stream_ends_when_its_token_expires() -> None:
    feed = LiveFeed()
    async with feed.subscribe(tenant="") as subscription:
        messages = until_expiry(subscription, utcnow() + timedelta(milliseconds=50))
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(messages), timeout=30)
