"""The GraphQL schema, its limits, and its SDL (the contract: exported by ``petstore
graphql-schema``, served at ``/v1/graphql/schema.graphql``, committed as ``schema.graphql``
and compared in a test)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from petstore.graphql.extensions import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_TOKENS,
    CachedParse,
    CostLimit,
    ErrorCodes,
    OneTransaction,
)
from petstore.graphql.mutations import Mutation
from petstore.graphql.queries import Query
from petstore.graphql.subscriptions import Subscription

SDL_PATH = Path(__file__).with_name("schema.graphql")
PARSED_DOCUMENTS = 1_000

# The limiter extensions build a new rule class per instance, and the validation cache is
# keyed by the rule classes: build them once, or every request would validate afresh.
LIMIT_RULES = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    CostLimit,
)


class PetstoreSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Logged by :class:`ErrorCodes` when they are bugs; refusals are answers, not logs."""


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        # A client sends the same few documents again and again: parse and validate each
        # once (the limits below are validation rules, so their verdicts are cached too).
        lambda: CachedParse(maxsize=PARSED_DOCUMENTS),
        lambda: ValidationCache(maxsize=PARSED_DOCUMENTS),
        ErrorCodes,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(list(LIMIT_RULES)),
        OneTransaction,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return PetstoreSchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions
    )


def sdl() -> str:
    return build_schema().as_str() + "\n"
