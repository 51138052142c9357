"""argon2id password hashing, run off the event loop.

Verification of an unknown username runs against a dummy hash so that "no such user" and
"wrong password" take the same time and cannot be told apart.
"""

from __future__ import annotations

from functools import cached_property

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from petstore.core.settings import Settings

MIN_PASSWORD_LENGTH = 8


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash("not-a-real-password-just-equal-timing")

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check ``password``; with ``password_hash=None`` burn the same time and fail."""
        target = password_hash if password_hash is not None else self._dummy_hash
        ok = await anyio.to_thread.run_sync(self._verify_sync, target, password)
        return ok and password_hash is not None

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
