"""Bearer tokens that renew themselves, as an ``httpx.Auth``: every request the SDK sends, the
generated operations' included, goes out with a current token and never needs a retry loop of
its own. A login's token is renewed with its single-use refresh token; a client-credentials
token is simply fetched again."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass

import httpx

from petstore_client.sdk.errors import PetstoreError

# Renew this long before the server's expiry, so a token does not lapse in flight.
EARLY_SECONDS = 30.0


@dataclass(frozen=True)
class Tokens:
    """An access token, when it stops working (``time.monotonic()``), and how to renew it."""

    access: str
    expires_at: float
    refresh: str | None = None

    @classmethod
    def lasting(cls, access: str, expires_in: float, refresh: str | None = None) -> Tokens:
        return cls(access, time.monotonic() + expires_in, refresh)

    def fresh(self) -> bool:
        return time.monotonic() < self.expires_at - EARLY_SECONDS


Renew = Callable[[Tokens], Tokens]


class TokenAuth(httpx.Auth):
    """Sends ``Authorization: Bearer`` with the current token, renews it shortly before it
    expires, and once more when the server answers 401 (revoked, or the clock disagreed).
    Thread-safe: a refresh token is single-use, so one thread renews while the others wait and
    then use the new token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: Tokens | None = None
        self._renew: Renew | None = None

    @property
    def tokens(self) -> Tokens | None:
        return self._tokens

    def use(self, tokens: Tokens, renew: Renew | None) -> None:
        """Send ``tokens`` from now on; ``renew`` makes the next pair from the current one."""
        with self._lock:
            self._tokens, self._renew = tokens, renew

    def replace(self, tokens: Tokens) -> None:
        """Send ``tokens`` from now on, renewed as the ones they replace were (e.g. a pair
        refreshed by hand with the generated ``refresh_token`` operation)."""
        with self._lock:
            self._tokens = tokens

    def forget(self) -> None:
        with self._lock:
            self._tokens, self._renew = None, None

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        sent = self._current()
        if sent is not None:
            request.headers["Authorization"] = f"Bearer {sent.access}"
        response = yield request
        if response.status_code != 401 or sent is None or self._renew is None:
            return
        renewed = self._renewed_after(sent)
        if renewed is not None:
            request.headers["Authorization"] = f"Bearer {renewed.access}"
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Renewing calls the server synchronously, which would block an event loop."""
        raise NotImplementedError("the SDK's hand-written layer is synchronous")
        yield request  # pragma: no cover - makes this an async generator, as httpx expects

    def _current(self) -> Tokens | None:
        """The token to send, renewed first if it is about to expire (if renewing fails, the
        old one goes: the server's 401 then says what is wrong)."""
        with self._lock:
            tokens = self._tokens
            if tokens is not None and not tokens.fresh() and self._renew is not None:
                try:
                    tokens = self._tokens = self._renew(tokens)
                except (httpx.HTTPError, PetstoreError):
                    pass
            return tokens

    def _renewed_after(self, sent: Tokens) -> Tokens | None:
        """A token newer than ``sent``: another thread's, or one renewed now (None if renewing
        fails: the 401 then stands)."""
        with self._lock:
            if self._tokens is not sent:
                return self._tokens
            if self._renew is None:
                return None
            try:
                self._tokens = self._renew(sent)
            except (httpx.HTTPError, PetstoreError):
                return None
            return self._tokens
