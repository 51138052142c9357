"""What runs around every GraphQL operation: its transaction, its error shapes, its cost.

- **One transaction per operation** (queries read-only, mutations one write transaction that
  rolls back whole if any field failed). Subscriptions hold none: they check in short ones.
- **Errors** keep GraphQL's shape and gain ``extensions.code``: a domain refusal by its kind
  (``UNAUTHENTICATED``, ``FORBIDDEN``, ``NOT_FOUND``, ``BAD_USER_INPUT`` with the offending
  ``errors``, ``CONFLICT`` with its facts), a document that does not parse or validate
  (``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED``), bad variables
  (``BAD_USER_INPUT``), a database that cannot answer (``SERVICE_UNAVAILABLE``). Anything else is
  a bug: logged with its traceback, answered ``INTERNAL_SERVER_ERROR`` with no detail.
- **Cost**: every selected field costs 1, times the page size of the lists it is inside
  (``limit``, or ``pagination.limit``; 20 when not given, 100 when a variable says), so the
  biggest document the server will run is bounded before it runs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import suppress
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.types.graphql import OperationType

from petstore.core import errors
from petstore.core.database import is_database_unavailable, unit_of_work

logger = logging.getLogger("petstore.graphql")

CODES: dict[type[errors.DomainError], str] = {
    errors.InvalidInput: "BAD_USER_INPUT",
    errors.TooLarge: "BAD_USER_INPUT",
    errors.UnsupportedMedia: "BAD_USER_INPUT",
    errors.Unauthenticated: "UNAUTHENTICATED",
    errors.Forbidden: "FORBIDDEN",
    errors.NotFound: "NOT_FOUND",
    errors.Conflict: "CONFLICT",
    errors.PaymentDeclined: "PAYMENT_DECLINED",
    errors.DependencyFailed: "SERVICE_UNAVAILABLE",
    errors.DependencyTimedOut: "SERVICE_UNAVAILABLE",
}
MAX_DEPTH = 8
MAX_ALIASES = 15
MAX_TOKENS = 2_000
MAX_COST = 10_000
DEFAULT_PAGE = 20
VARIABLE_PAGE = 100


class _RollBack(Exception):  # noqa: N818 - a signal, not an error
    pass


class OneTransaction(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        kind = self.execution_context.operation_type
        if kind is OperationType.SUBSCRIPTION:
            yield
            return
        write = kind is OperationType.MUTATION
        try:
            async with unit_of_work(context.container.sessionmaker, write=write) as session:
                context.bind(session)
                yield
                result = self.execution_context.result
                if write and result is not None and result.errors:
                    raise _RollBack
        except _RollBack:
            pass
        finally:
            context.bind(None)


class CachedParse(ParserCache):
    """strawberry's parser cache, without its one flaw: a document that does not parse would
    raise out of the hook, past the code that reports it. Such a document is left unparsed
    instead, for strawberry's own parse to refuse as usual (it is not cached)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


def code_of(error: GraphQLError, before_execution: bool) -> tuple[str, dict[str, Any]]:
    """The ``extensions`` of ``error``: its code, and what a client can act on.
    ``before_execution``: found while parsing or validating the document."""
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED", {}
    if isinstance(original, errors.DomainError):
        code = next((c for kind, c in CODES.items() if isinstance(original, kind)), "BAD_REQUEST")
        extra: dict[str, Any] = dict(original.extensions)
        if original.errors:
            extra["errors"] = original.errors
        return code, extra
    if before_execution:
        if error.message.startswith("Variable '") or (
            error.message.startswith("OneOf") and not error.nodes
        ):
            return "BAD_USER_INPUT", {}  # variables that do not fit their declared types
        return "GRAPHQL_VALIDATION_FAILED", {}
    if original is None or isinstance(original, GraphQLError):
        if error.message.startswith("Cannot return null"):
            return "INTERNAL_SERVER_ERROR", {}  # a resolver broke its own schema: a bug
        return "BAD_USER_INPUT", {}  # variables that do not fit their declared types
    if is_database_unavailable(original):
        return "SERVICE_UNAVAILABLE", {}
    return "INTERNAL_SERVER_ERROR", {}


def shaped(error: GraphQLError, before_execution: bool) -> GraphQLError:
    code, extra = code_of(error, before_execution)
    message = error.message
    if code == "INTERNAL_SERVER_ERROR":
        logger.error("GraphQL field failed unexpectedly", exc_info=error.original_error)
        message = "An unexpected error occurred; it has been logged."
    elif code == "SERVICE_UNAVAILABLE" and error.original_error is not None:
        message = "The database is unavailable; retry shortly."
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": code, **extra},
    )


def refusal(error: errors.DomainError) -> GraphQLError:
    """A domain refusal as the GraphQL error it reads as, for where :class:`ErrorCodes` does
    not reach: a subscription's own checks, reported over the WebSocket."""
    code, extra = code_of(GraphQLError(error.detail, original_error=error), False)
    return GraphQLError(error.detail, extensions={"code": code, **extra})


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        found = getattr(result, "errors", None)
        if result is not None and found:
            early = {id(e) for e in self.execution_context.pre_execution_errors or ()}
            result.errors = [shaped(e, id(e) in early) for e in found]


def _page_size(field: FieldNode) -> int:
    for argument in field.arguments or ():
        value = argument.value
        if argument.name.value == "limit":
            return int(value.value) if isinstance(value, IntValueNode) else VARIABLE_PAGE
        if argument.name.value == "pagination" and isinstance(value, ObjectValueNode):
            for inner in value.fields:
                if inner.name.value == "limit":
                    is_int = isinstance(inner.value, IntValueNode)
                    return int(inner.value.value) if is_int else VARIABLE_PAGE  # type: ignore[attr-defined]
    return DEFAULT_PAGE


LISTS = frozenset({"pets", "searchPets", "orders", "images"})
"""Fields whose children repeat: by their page size (a page's `items` are its children)."""


def cost_of(
    selections: SelectionSetNode | None,
    times: int,
    fragments: dict[str, Any],
    spread: frozenset[str] = frozenset(),
) -> int:
    """``spread``: the fragments being expanded (a cycle is another rule's error, not a hang)."""
    total = 0
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            name = selection.name.value
            inner = times * (_page_size(selection) if name in LISTS else 1)
            total += times + cost_of(selection.selection_set, inner, fragments, spread)
        elif isinstance(selection, InlineFragmentNode):
            total += cost_of(selection.selection_set, times, fragments, spread)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in spread:
                body = fragments[name].selection_set
                total += cost_of(body, times, fragments, spread | {name})
    return total


class CostLimit(ValidationRule):
    """Refuses a document whose cost (above) is over :data:`MAX_COST` before it runs."""

    def enter_document(self, node: Any, *_args: Any) -> None:
        fragments = {
            d.name.value: d for d in node.definitions if not isinstance(d, OperationDefinitionNode)
        }
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                cost = cost_of(definition.selection_set, 1, fragments)
                if cost > MAX_COST:
                    self.report_error(
                        GraphQLError(
                            f"The operation costs {cost}, over the limit of {MAX_COST}: ask "
                            "for fewer fields or smaller pages.",
                            definition,
                        )
                    )
