"""Saying goodbye to the chat's connections when the server is told to stop (SIGTERM).

uvicorn ends every WebSocket at once with 1012 when it shuts down; a chat client should hear
1001 ("going away": reconnect elsewhere), and a Socket.IO client a proper disconnect. So the
signal is heard here first: every registered connection is closed (bounded by a timeout),
then the server's own handler runs and the shutdown proceeds as before. What a client was
acknowledged is in the database already; nothing else is in flight."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from types import FrameType

logger = logging.getLogger("petstore.farewell")
Closer = Callable[[], Awaitable[None]]


class Farewell:
    def __init__(self) -> None:
        self._closers: set[Closer] = set()

    def add(self, closer: Closer) -> None:
        self._closers.add(closer)

    def discard(self, closer: Closer) -> None:
        self._closers.discard(closer)

    async def say(self) -> None:
        closers = list(self._closers)
        results = await asyncio.gather(*(closer() for closer in closers), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            logger.warning("%d chat connection(s) could not be closed cleanly", len(failed))


@contextmanager
def on_sigterm(farewell: Farewell, within: float) -> Iterator[None]:
    """While the block runs, SIGTERM first says :class:`Farewell` (at most ``within``
    seconds), then does what it did before (uvicorn's graceful shutdown)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)

    def hand_over(signum: int, frame: FrameType | None) -> None:
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    async def goodbye(signum: int, frame: FrameType | None) -> None:
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(farewell.say(), timeout=within)
        finally:
            hand_over(signum, frame)

    running: set[asyncio.Task[None]] = set()

    def start(signum: int, frame: FrameType | None) -> None:
        task = loop.create_task(goodbye(signum, frame))
        running.add(task)
        task.add_done_callback(running.discard)

    def heard(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(start, signum, frame)

    signal.signal(signal.SIGTERM, heard)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
