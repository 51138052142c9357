"""The one list of what the front page links to. A door that lands adds one line here.

Each link shows only while its target exists (by default: the app has a route or mount at that
path), so a door's link appears the day the door is merged and never points at a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Scope


class Section(StrEnum):
    DOCS = "Documentation"
    DOORS = "Protocols"
    OPERATIONS = "Operations"


def routes_of(app: ASGIApp) -> list[BaseRoute]:
    routes = getattr(app, "routes", None)
    return list(routes) if routes is not None else []


def has_path(app: ASGIApp, path: str) -> bool:
    """Whether ``app`` routes a ``GET`` of ``path`` (asked of the routes themselves, since
    included routers and mounts each know their own paths)."""
    scope: Scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    return any(route.matches(scope)[0] is not Match.NONE for route in routes_of(app))


@dataclass(frozen=True, slots=True)
class DoorLink:
    """A titled link with one line saying what is behind it."""

    title: str
    href: str
    description: str
    section: Section
    # Whether the link's target exists in this app; default: a route at ``href``.
    exists: Callable[[ASGIApp], bool] | None = field(default=None, compare=False)

    def present(self, app: ASGIApp) -> bool:
        return self.exists(app) if self.exists is not None else has_path(app, self.href)


LINKS: tuple[DoorLink, ...] = (
    DoorLink("Interactive docs", "/v1/docs", "Swagger UI: try every REST call", Section.DOCS),
    DoorLink("OpenAPI (JSON)", "/v1/openapi.json", "The REST and SSE contract", Section.DOCS),
    DoorLink("OpenAPI (YAML)", "/v1/openapi.yaml", "The same document as YAML", Section.DOCS),
    DoorLink("AsyncAPI (JSON)", "/v1/asyncapi.json", "WebSocket, Socket.IO and MQTT", Section.DOCS),
    DoorLink("AsyncAPI (YAML)", "/v1/asyncapi.yaml", "The same document as YAML", Section.DOCS),
    DoorLink("GraphQL IDE", "/v1/graphql", "GraphiQL over the same store", Section.DOORS),
    DoorLink("WebSocket chat", "/v1/ws/chat", "The advisor chat over WebSocket", Section.DOORS),
    DoorLink("MCP", "/mcp", "The store as tools for an AI assistant", Section.DOORS),
    DoorLink(
        "Classic Petstore API", "/api/v3/openapi.json", "The classic API (/api/v3)", Section.DOORS
    ),
    DoorLink("Health", "/healthz", "Liveness: the process answers", Section.OPERATIONS),
    DoorLink("Readiness", "/readyz", "Database (and Redis) reachable", Section.OPERATIONS),
    DoorLink("Metrics", "/metrics", "Prometheus text exposition", Section.OPERATIONS),
)


def present_links(app: ASGIApp) -> list[DoorLink]:
    return [link for link in LINKS if link.present(app)]
