"""The plumbing every door shares (settings, database, event bus), as one typed object.

``create_app`` builds the application's container (:class:`petstore.container.Container`, which
extends :class:`Plumbing` with the domains' collaborators) and keeps it on the app. Core code
reaches the plumbing through :func:`plumbing`, typed, and never learns about the domains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.types import ASGIApp

if TYPE_CHECKING:  # only names here: core.database and core.links import this module
    from fastapi.routing import APIRoute
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from petstore.core.events import EventBus
    from petstore.core.settings import Settings

STATE_KEY = "container"


@dataclass(slots=True, kw_only=True)
class Plumbing:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bus: EventBus
    api_routes: list[APIRoute] = field(default_factory=list)
    """The REST routes as declared (FastAPI nests included routers): for ``Allow`` headers."""


def plumbing(app: ASGIApp) -> Plumbing:
    """The container of a Starlette/FastAPI app made by ``create_app``."""
    value = getattr(getattr(app, "state", None), STATE_KEY, None)
    if not isinstance(value, Plumbing):
        raise RuntimeError("this application was not made by petstore.app.create_app")
    return value
