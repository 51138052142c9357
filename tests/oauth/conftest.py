"""Fixtures for the OAuth tests: clients that talk to the app as ``http://localhost``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.support.oauth import oauth_http


@pytest.fixture
async def oc(app: FastAPI, tenant: str) -> AsyncIterator[httpx.AsyncClient]:
    """API calls in the test's tenant, and OAuth endpoint calls (a client app's view)."""
    async with oauth_http(app, tenant) as c:
        yield c


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A user's browser: keeps cookies, sends no tenant header (browsers cannot)."""
    async with oauth_http(app, None) as c:
        yield c
