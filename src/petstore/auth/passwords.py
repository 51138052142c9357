"""argon2id password hashing, run off the event loop.

Passwords are hashed and verified in their NFKC form (:func:`normalise`), so that one typed on
another keyboard or system still matches. Hashes made before that were of the password as
typed: when the normalised form does not match, the typed form is tried too (only for input
that normalisation changes) and a match is re-hashed in the normalised form.

Verification of an unknown username runs against a dummy hash so that "no such user" and
"wrong password" take the same time and cannot be told apart.
"""

from __future__ import annotations

from enum import Enum
from functools import cached_property

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from petstore.auth.password_policy import normalise
from petstore.core.settings import Settings


class Verdict(Enum):
    WRONG = "wrong"
    RIGHT = "right"
    # Right, and the stored hash should be replaced: made with other argon2 parameters, or of
    # the password as typed rather than normalised.
    REHASH = "rehash"


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
        return await anyio.to_thread.run_sync(self._hasher.hash, normalise(password))

    async def verify(self, password_hash: str | None, password: str) -> Verdict:
        """Check ``password``; with ``password_hash=None`` burn the same time and fail."""
        target = password_hash if password_hash is not None else self._dummy_hash
        normalised = normalise(password)
        ok = await anyio.to_thread.run_sync(self._verify_sync, target, normalised)
        typed = False
        if not ok and normalised != password:
            ok = typed = await anyio.to_thread.run_sync(self._verify_sync, target, password)
        if not ok or password_hash is None:
            return Verdict.WRONG
        if typed or self._hasher.check_needs_rehash(password_hash):
            return Verdict.REHASH
        return Verdict.RIGHT

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
