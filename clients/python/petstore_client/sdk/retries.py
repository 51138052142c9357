"""Safe retries, the way Stripe's SDKs do them: every POST carries an ``Idempotency-Key``
(generated unless the caller chose one), so sending it again after a dropped connection, a 503
or a 429 cannot place a second order or charge twice; the server replays the first answer."""

from __future__ import annotations

import time
import uuid

import httpx

RETRIED_STATUSES = frozenset({429, 502, 503, 504})
# Methods the server treats as idempotent by definition, or by the key on a POST.
SAFE_TO_RESEND = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY", "POST"})
MAX_WAIT_SECONDS = 10.0


class IdempotentRetries(httpx.BaseTransport):
    """Wraps a transport: adds the key, then retries up to ``retries`` times with exponential
    backoff, or after the server's ``Retry-After`` (past 10 s the answer is returned instead).
    A PATCH is resent only when it never reached the server (a connect error)."""

    def __init__(
        self, inner: httpx.BaseTransport, *, retries: int = 2, backoff: float = 0.25
    ) -> None:
        self._inner = inner
        self._retries = retries
        self._backoff = backoff

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "Idempotency-Key" not in request.headers:
            request.headers["Idempotency-Key"] = str(uuid.uuid4())
        for attempt in range(self._retries):
            outcome = self._try(request, attempt)
            if isinstance(outcome, httpx.Response):
                return outcome
            time.sleep(outcome)
        return self._inner.handle_request(request)

    def _try(self, request: httpx.Request, attempt: int) -> httpx.Response | float:
        """The answer to keep, or how many seconds to wait before sending ``request`` again."""
        resendable = request.method in SAFE_TO_RESEND
        try:
            response = self._inner.handle_request(request)
        except httpx.ConnectError:
            return self._delay(attempt)  # never reached the server: any method may go again
        except httpx.TransportError:
            if not resendable:
                raise
            return self._delay(attempt)
        if response.status_code not in RETRIED_STATUSES or not resendable:
            return response
        wait = _retry_after(response)
        if wait is not None and wait > MAX_WAIT_SECONDS:
            return response  # the caller decides whether to wait that long
        response.close()
        return self._delay(attempt) if wait is None else wait

    def _delay(self, attempt: int) -> float:
        return min(self._backoff * 2.0**attempt, MAX_WAIT_SECONDS)

    def close(self) -> None:
        self._inner.close()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None
