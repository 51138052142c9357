"""Domain errors in gRPC's own form: a status code, a sentence, and the rich details of
``google.rpc`` (``BadRequest`` field violations, ``ErrorInfo``, ``RetryInfo``...) in the
``grpc-status-details-bin`` trailer, which ``grpc_status.rpc_status.from_call`` reads back.

The codes follow gRPC's own guidance: a refused state (a pet already ordered) is
``FAILED_PRECONDITION``, not worth retrying as is; a transaction the database rolled back to
resolve a race (serialization failure, deadlock) is ``ABORTED``, retry the whole call; a
database that cannot answer is ``UNAVAILABLE``, retry later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from pydantic import ValidationError

from petstore.core import errors
from petstore.core.errors import FieldError, field_errors

DOMAIN = "petstoreapi.com"
"""``ErrorInfo.domain``: who defines the ``reason`` values."""

CODES: Mapping[type[errors.DomainError], int] = {
    errors.InvalidInput: code_pb2.INVALID_ARGUMENT,
    errors.TooLarge: code_pb2.INVALID_ARGUMENT,
    errors.UnsupportedMedia: code_pb2.INVALID_ARGUMENT,
    errors.Unauthenticated: code_pb2.UNAUTHENTICATED,
    errors.Forbidden: code_pb2.PERMISSION_DENIED,
    errors.NotFound: code_pb2.NOT_FOUND,
    errors.Conflict: code_pb2.FAILED_PRECONDITION,
    errors.PaymentDeclined: code_pb2.FAILED_PRECONDITION,
    errors.DependencyFailed: code_pb2.UNAVAILABLE,
    errors.DependencyTimedOut: code_pb2.DEADLINE_EXCEEDED,
}

Rename = Callable[[str], str]
"""From a wire field path (``ageMonths``) to the request's proto field path (``age_months``)."""


def _packed(message: Message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def rich(code: int, message: str, details: Sequence[Message] = ()) -> grpc.Status:
    return rpc_status.to_status(
        status_pb2.Status(code=code, message=message, details=[_packed(d) for d in details])
    )


def _bad_request(violations: Sequence[FieldError], rename: Rename) -> error_details_pb2.BadRequest:
    return error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(
                field=rename(v["field"]), description=v["message"], reason=v["code"]
            )
            for v in violations
        ]
    )


def _metadata(extensions: Mapping[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in extensions.items()}


def of_domain_error(error: errors.DomainError, rename: Rename) -> grpc.Status:
    code = next(
        (c for kind, c in CODES.items() if isinstance(error, kind)), code_pb2.FAILED_PRECONDITION
    )
    details: list[Message] = [
        error_details_pb2.ErrorInfo(
            reason=error.code, domain=DOMAIN, metadata=_metadata(error.extensions)
        )
    ]
    if error.errors:
        details.append(_bad_request(error.errors, rename))
    if code == code_pb2.FAILED_PRECONDITION and isinstance(error, errors.Conflict):
        details.append(
            error_details_pb2.PreconditionFailure(
                violations=[
                    error_details_pb2.PreconditionFailure.Violation(
                        type="STATE", subject=error.code, description=error.detail
                    )
                ]
            )
        )
    return rich(code, error.detail, details)


def of_validation_error(error: ValidationError, rename: Rename) -> grpc.Status:
    """A request that a domain model refused: every violation, named by its proto field."""
    violations = field_errors(error, whole="request")
    return rich(
        code_pb2.INVALID_ARGUMENT,
        "The request is invalid.",
        [
            error_details_pb2.ErrorInfo(reason=errors.InvalidInput.code, domain=DOMAIN),
            _bad_request(violations, rename),
        ],
    )


def retry_later(code: int, message: str, seconds: int, *extra: Message) -> grpc.Status:
    delay = duration_pb2.Duration(seconds=max(seconds, 1))
    return rich(code, message, [error_details_pb2.RetryInfo(retry_delay=delay), *extra])


def rate_limited(seconds: int, limit: int, window: int) -> grpc.Status:
    quota = error_details_pb2.QuotaFailure(
        violations=[
            error_details_pb2.QuotaFailure.Violation(
                subject="caller",
                description=f"{limit} calls per {window} s, shared with the REST API",
            )
        ]
    )
    return retry_later(
        code_pb2.RESOURCE_EXHAUSTED,
        f"Rate limit exceeded. Please wait {seconds} seconds before making another call.",
        seconds,
        quota,
    )


def database_trouble(serialization_conflict: bool) -> grpc.Status:
    if serialization_conflict:
        return retry_later(code_pb2.ABORTED, "A concurrent change won; retry the call.", 1)
    return retry_later(code_pb2.UNAVAILABLE, "The database is unavailable; retry shortly.", 2)


def internal() -> grpc.Status:
    return rich(code_pb2.INTERNAL, "An unexpected error occurred; it has been logged.")
