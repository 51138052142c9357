"""The app's lifespan keeps what it built at startup out of the garbage collector's passes
while it runs, and gives it back when it stops."""

from __future__ import annotations

import gc

from tests.support.apps import running_app
from tests.support.settings import fast_settings


async def test_the_startup_heap_is_frozen_while_the_app_runs(database_url: str) -> None:
    gc.unfreeze()
    async with running_app(fast_settings(database_url)):
        frozen = gc.get_freeze_count()
        assert frozen > 10_000, frozen  # the modules, the routes, the schemas ...
    assert gc.get_freeze_count() == 0
