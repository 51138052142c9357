"""Domain errors: what a business rule says when it refuses, in no protocol's words.

Services raise these; every door renders them in its own protocol's form (the REST door as an
RFC 9457 problem, :mod:`petstore.core.problems`; GraphQL as ``extensions.code``; gRPC as a
status). The ``code`` is the stable, machine-readable part that every door maps; ``detail`` is
the sentence for a person; ``errors`` names the offending fields; ``extensions`` carries facts a
client can act on (``currentStatus``, ``orderId``...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypedDict

from pydantic import ValidationError


class FieldError(TypedDict):
    """One offending input field: a dotted path, a sentence and a machine-readable code."""

    field: str
    message: str
    code: str


def field_errors(
    error: ValidationError, *, prefix: str = "", skip: int = 0, whole: str = ""
) -> list[FieldError]:
    """What a model refused, field by field, as every door names it: the dotted path (under
    ``prefix``, without its first ``skip`` parts), ``whole`` when it is the input itself.
    Never the rejected value: inputs may hold anything (a card number)."""
    return [
        {
            "field": ".".join([*([prefix] if prefix else []), *map(str, e["loc"][skip:])]) or whole,
            "message": e["msg"],
            "code": e["type"],
        }
        for e in error.errors(include_url=False, include_input=False, include_context=False)
    ]


class DomainError(Exception):
    """A rule refused the operation; nothing it did is kept (the caller's transaction rolls
    back, unless the caller decided that a record of the refusal must be kept)."""

    code: ClassVar[str] = "FAILED"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[FieldError] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.extensions = dict(extensions or {})


class InvalidInput(DomainError):
    """The input is well-formed but breaks a rule (a merge patch that removes a required field,
    an amount that does not match the order, a URL that resolves to a private address)."""

    code = "INVALID_INPUT"


class Unauthenticated(DomainError):
    """No valid credentials: the caller must (re)authenticate."""

    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    code = "FORBIDDEN"


class NotFound(DomainError):
    """No such resource, or one the caller may not know exists (BOLA: same answer)."""

    code = "NOT_FOUND"


class Conflict(DomainError):
    """The resource's current state does not allow it (a pet already ordered, a taken name)."""

    code = "CONFLICT"


class PaymentDeclined(DomainError):
    """The processor declined the charge; the attempt is recorded."""

    code = "PAYMENT_DECLINED"


class TooLarge(DomainError):
    """The input is larger than the server accepts."""

    code = "TOO_LARGE"


class UnsupportedMedia(DomainError):
    """The input is not of a type the server handles (an image format, say)."""

    code = "UNSUPPORTED_MEDIA"


class DependencyFailed(DomainError):
    """A service outside this server that the operation needs answered wrongly."""

    code = "DEPENDENCY_FAILED"


class DependencyTimedOut(DomainError):
    """A service outside this server that the operation needs did not answer in time."""

    code = "DEPENDENCY_TIMED_OUT"


def not_found(kind: str, ident: object) -> NotFound:
    return NotFound(f"The requested {kind} with ID '{ident}' was not found.")


def conflict(detail: str, **extensions: Any) -> Conflict:
    return Conflict(detail, extensions=extensions)


def forbidden(detail: str = "You do not have permission to access this resource.") -> Forbidden:
    return Forbidden(detail)


def unauthorized(
    detail: str = "Authentication is required to access this resource.",
) -> Unauthenticated:
    return Unauthenticated(detail)


def validation_failed(field: str, message: str, code: str = "invalid") -> InvalidInput:
    return InvalidInput(
        "The request body is invalid.", errors=[{"field": field, "message": message, "code": code}]
    )
