"""What every drill needs: a PostgreSQL database of its own, migrated, dropped afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.databases import fresh_drill_database


@pytest.fixture(scope="module")
def drill_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of the drill module's own."""
    with fresh_drill_database(request.module.__name__.rsplit(".", 1)[-1]) as url:
        yield url
