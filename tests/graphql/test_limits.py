"""What keeps the GraphQL door safe: depth, cost, aliases and size limits refuse a document
before it runs, batches are not accepted, introspection can be switched off, REST's body and
rate limits apply, and no document (a fuzz of hypothesis-made ones included) gets a 5xx, a
traceback or an error without ``extensions.code``."""

from __future__ import annotations

import string
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petstore.graphql.extensions import (
    MAX_ALIASES,
    MAX_COST,
    MAX_DEPTH,
    MAX_TOKENS,
    CostLimit,
)
from petstore.graphql.schema import sdl
from tests.support.apps import make_client, running_app
from tests.support.graphql import PATH, codes, data_of, gql
from tests.support.settings import fast_settings


async def test_a_document_deeper_than_the_limit_is_refused(client: httpx.AsyncClient) -> None:
    query = "{ orders { items { pet { images { url } } } } }"  # depth 5: fine
    assert "GRAPHQL_VALIDATION_FAILED" not in codes(await gql(client, query))
    # The schema has no cycles (a pet lists no orders), so only a made-up document goes deeper.
    deep = "{ " + "orders { " * (MAX_DEPTH + 1) + "id" + " }" * (MAX_DEPTH + 1) + " }"
    refused = await gql(client, deep)
    assert set(codes(refused)) == {"GRAPHQL_VALIDATION_FAILED"}
    messages = [error["message"] for error in refused["errors"]]
    assert any(f"exceeds maximum operation depth of {MAX_DEPTH}" in m for m in messages)


async def test_a_document_longer_than_the_token_limit_is_refused(client: httpx.AsyncClient) -> None:
    long = "{ pets { " + " ".join(["id"] * (MAX_TOKENS + 1)) + " } }"
    refused = await gql(client, long)
    assert codes(refused) == ["GRAPHQL_PARSE_FAILED"]  # the parser stops at the limit
    assert str(MAX_TOKENS) in refused["errors"][0]["message"]


async def test_a_document_costlier_than_the_limit_is_refused(client: httpx.AsyncClient) -> None:
    fields = "id name breed ageMonths color description price currency status createdAt"
    image = "images { id url thumbnailUrl width height bytes contentType }"
    costly = f"{{ pets(limit: 100) {{ {fields} {image} }} }}"  # 100 x (10 + 1 + 20 x 7)
    refused = await gql(client, costly)
    assert codes(refused) == ["GRAPHQL_VALIDATION_FAILED"]
    assert f"over the limit of {MAX_COST}" in refused["errors"][0]["message"]
    cheap = "{ pets(limit: 5) { name images { url } } }"
    assert "errors" not in await gql(client, cheap)


async def test_a_document_is_validated_once_and_refused_every_time(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing and validation are cached per document text (the limits are validation rules,
    so their verdict is cached with it): a client repeating its query pays for them once."""
    checked: list[str] = []
    original = CostLimit.enter_document

    def counting(rule: CostLimit, node: Any, *args: Any) -> None:
        checked.append(node.loc.source.body)
        original(rule, node, *args)

    monkeypatch.setattr(CostLimit, "enter_document", counting)
    unique = uuid.uuid4().hex  # texts no other test sent to this app (the cache is per app)
    query = f"query Once{unique} {{ pets(limit: 3) {{ id name }} }}"
    for _ in range(3):
        assert "errors" not in await gql(client, query)
    assert checked == [query]
    nested = "orders { " * (MAX_DEPTH + 1) + "id" + " }" * (MAX_DEPTH + 1)
    too_deep = f"query Deep{unique} {{ {nested} }}"
    for _ in range(2):  # a cached verdict still refuses
        assert set(codes(await gql(client, too_deep))) == {"GRAPHQL_VALIDATION_FAILED"}
    assert checked == [query, too_deep]


async def test_aliases_and_batches_are_capped(client: httpx.AsyncClient) -> None:
    many = "{ " + " ".join(f"a{i}: pets(limit: 1) {{ id }}" for i in range(MAX_ALIASES + 1)) + " }"
    assert codes(await gql(client, many)) == ["GRAPHQL_VALIDATION_FAILED"]
    batch = await client.post(PATH, json=[{"query": "{ pets { id } }"}] * 2)
    assert batch.status_code == 400  # one operation per request


async def test_the_body_and_rate_limits_of_rest_apply(database_url: str) -> None:
    limited = fast_settings(database_url, rate_limit_requests=3, max_json_body_bytes=2048)
    async with running_app(limited) as app, make_client(app, None) as client:
        big = await client.post(PATH, json={"query": "{ pets { id } }", "pad": "x" * 4096})
        assert big.status_code == 413
        answers = [
            (await client.post(PATH, json={"query": "{ pets { id } }"})).status_code
            for _ in range(3)
        ]
        assert answers[-1] == 429
        assert (await client.get("/v1/pets")).status_code == 429  # one budget for both doors


async def test_introspection_is_on_and_can_be_switched_off(
    client: httpx.AsyncClient, database_url: str
) -> None:
    query = "{ __schema { queryType { name } } }"
    assert data_of(await gql(client, query)) == {"__schema": {"queryType": {"name": "Query"}}}
    closed_settings = fast_settings(database_url, graphql_introspection=False)
    async with running_app(closed_settings) as app, make_client(app, None) as closed:
        assert set(codes(await gql(closed, query))) == {"GRAPHQL_VALIDATION_FAILED"}
        assert (await closed.get(f"{PATH}/schema.graphql")).text == sdl()


MALFORMED = [
    "", "{", 'query { pets(limit: "x") { id } }', "{ pets { nope } }", "subscription { x }",
    "mutation { createPet }", "{ pet(id: true) { id } }", "{ pets(limit: 99999999999) { id } }",
    "fragment F on Pet { ...F } { pets { ...F } }", "\x00",
    "{ " + "pets { " * 50 + "id" + " }" * 50 + " }",
]  # fmt: skip


@pytest.mark.parametrize("document", MALFORMED)
async def test_malformed_documents_get_coded_errors(
    client: httpx.AsyncClient, document: str
) -> None:
    result = await gql(client, document)
    assert result.get("errors"), result
    assert all(code != "INTERNAL_SERVER_ERROR" for code in codes(result))


FIELD_NAMES = ["pets", "pet", "searchPets", "me", "orders", "order", "inventory", "id",
               "name", "items", "price", "__typename", "x", "limit", "query", "mutation",
               "createPet"]  # fmt: skip


@st.composite
def documents(draw: st.DrawFn) -> str:
    names = st.sampled_from(FIELD_NAMES)
    punctuation = st.sampled_from(list('{}():,$!"@ '))
    noise = st.text(string.printable, max_size=6)
    parts = draw(st.lists(st.one_of(names, punctuation, noise), max_size=30))
    return " ".join(parts)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    document=documents(),
    variables=st.none()
    | st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=4), max_size=3),
)
async def test_no_document_gets_a_5xx_or_an_uncoded_error(
    app: FastAPI, document: str, variables: dict[str, object] | None
) -> None:
    async with make_client(app, None) as client:
        answer = await client.post(PATH, json={"query": document, "variables": variables})
    assert answer.status_code in (200, 400), answer.text
    body = answer.json()
    for error in body.get("errors", []):
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", error
        assert "Traceback" not in error["message"]
