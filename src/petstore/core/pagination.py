"""Page/limit pagination with ``pagination`` and ``links`` in the body and an RFC 8288
``Link`` header, as the contract describes for every collection."""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from petstore.core.links import base_url

MAX_PAGE = 1_000_000


@dataclass(frozen=True, slots=True)
class PageParams:
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


async def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")] = 1,
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page (1-100).")] = 20,
) -> PageParams:
    return PageParams(page=page, limit=limit)


PageDep = Annotated[PageParams, Depends(page_params)]


class Pagination(BaseModel):
    page: int = Field(ge=1)
    limit: int = Field(ge=1)
    totalItems: int = Field(ge=0)  # noqa: N815 - wire names are camelCase
    totalPages: int = Field(ge=0)  # noqa: N815


class CollectionLinks(BaseModel):
    self: str
    first: str
    prev: str | None
    next: str | None
    last: str


PAGING = frozenset({"page", "limit"})
# By endpoint function (routes compare by value, so they cannot be keys).
_declared: weakref.WeakKeyDictionary[Callable[..., Any], frozenset[str]] = (
    weakref.WeakKeyDictionary()
)


def declared_query(request: Request) -> frozenset[str]:
    """The query parameters the answering operation declares (its dependencies' included),
    read once per route from FastAPI's dependant; none when no API route answered."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return frozenset()
    names = _declared.get(route.endpoint)
    if names is None:
        names = _declared[route.endpoint] = frozenset(_query_names(route.dependant))
    return names


def _query_names(dependant: Dependant) -> set[str]:
    """The wire names of the query parameters of ``dependant`` and all its sub-dependencies."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _filters(request: Request) -> list[tuple[str, str]]:
    """The request's declared filters, repeats kept; paging and unknown parameters dropped,
    so a client cannot make every link (four of them, twice) carry what it sent."""
    wanted = declared_query(request) - PAGING
    return [(k, v) for k, v in request.query_params.multi_items() if k in wanted]


def pagination_of(page: int, limit: int, total: int) -> dict[str, int]:
    """Where a page sits among ``total`` items: the ``pagination`` of every door's lists."""
    return {
        "page": page,
        "limit": limit,
        "totalItems": total,
        "totalPages": math.ceil(total / limit) if total else 0,
    }


def collection_payload(
    request: Request,
    items: Sequence[Mapping[str, Any]],
    total: int,
    params: PageParams,
    path: str | None = None,
    query: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], str]:
    """Build the collection body and the matching ``Link`` header value.

    ``query`` defaults to the filters the operation declares, as the request gave them, so
    links keep filters (and nothing else).
    """
    summary = pagination_of(params.page, params.limit, total)
    total_pages = summary["totalPages"]
    filters = list(query.items()) if query is not None else _filters(request)
    root = base_url(request) + (path if path is not None else request.url.path)

    def url(page: int) -> str:
        pairs = [*filters, ("page", page), ("limit", params.limit)]
        return f"{root}?{urlencode(pairs)}"

    last_page = max(total_pages, 1)
    links: dict[str, str | None] = {
        "self": url(params.page),
        "first": url(1),
        "prev": url(min(params.page - 1, last_page)) if params.page > 1 else None,
        "next": url(params.page + 1) if params.page < total_pages else None,
        "last": url(last_page),
    }
    header = ", ".join(f'<{href}>; rel="{rel}"' for rel, href in links.items() if href is not None)
    payload = {
        "data": list(items),
        "pagination": summary,
        "links": links,
    }
    return payload, header
