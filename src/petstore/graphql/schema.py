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
)
from strawberry.types import ExecutionContext

from petstore.graphql.extensions import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_TOKENS,
    CostLimit,
    ErrorCodes,
    OneTransaction,
)
from petstore.graphql.mutations import Mutation
from petstore.graphql.queries import Query
from petstore.graphql.subscriptions import Subscription

SDL_PATH = Path(__file__).with_name("schema.graphql")


class PetstoreSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Logged by :class:`ErrorCodes` when they are bugs; refusals are answers, not logs."""


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        ErrorCodes,
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules([CostLimit]),
        OneTransaction,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return PetstoreSchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions
    )


def sdl() -> str:
    return build_schema().as_str() + "\n"
