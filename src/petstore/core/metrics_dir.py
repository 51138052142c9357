"""The directory where several worker processes keep their metric values.

prometheus-client decides at import time whether values live in memory (one process) or in
memory-mapped files shared through ``PROMETHEUS_MULTIPROC_DIR`` (several). ``petstore serve``
therefore prepares the directory before any worker imports the app. This module must not import
prometheus-client itself.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"

logger = logging.getLogger("petstore.metrics")


def wipe(path: Path) -> None:
    """Remove the value files a previous run left: they would be added to this run's."""
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


@contextmanager
def metrics_directory(workers: int) -> Iterator[Path | None]:
    """For the duration of a server run: the operator's ``PROMETHEUS_MULTIPROC_DIR`` (emptied
    first), or with several workers a private temporary directory (removed afterwards), or
    nothing for one worker (values simply stay in memory)."""
    configured = os.environ.get(ENV)
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        wipe(path)
        logger.info("metrics: multiprocess directory (emptied)", extra={"directory": str(path)})
        yield path
        return
    if workers <= 1:
        yield None
        return
    path = Path(tempfile.mkdtemp(prefix="petstore-metrics-"))
    os.environ[ENV] = str(path)  # inherited by the worker processes
    logger.info("metrics: multiprocess directory", extra={"directory": str(path)})
    try:
        yield path
    finally:
        os.environ.pop(ENV, None)
        shutil.rmtree(path, ignore_errors=True)
