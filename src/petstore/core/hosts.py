"""Allowed hosts: a request whose ``Host`` header names none of ``PETSTORE_ALLOWED_HOSTS`` is
refused with a 400 problem before any of the app sees it.

Without a public URL the server builds its own URLs (links, ``Location``, the OAuth metadata)
from the ``Host`` header, so a forged one would hand out URLs on someone else's host.

Starlette's ``TrustedHostMiddleware`` decides (exact names, ``*.example.com`` for subdomains,
bracketed IPv6 literals, the port ignored, a missing or unparsable header refused); this
wrapper only gives its refusal the API's one error shape instead of plain text, and lets the
operational probes through: balancers and orchestrators call them at the instance's own
address, and they build no URL from the header.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petstore.core.problems import Problem, problem_response

_ADMITTED = "petstore.host_admitted"


async def _admit(scope: Scope, receive: Receive, send: Send) -> None:
    """Where Starlette's check forwards a request it accepts: marks the scope, sends nothing."""
    scope[_ADMITTED] = True


async def _discard(message: Message) -> None:
    """Where Starlette's own refusal goes: the problem below answers instead."""


class AllowedHostsMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Sequence[str],
        problem_base: str,
        exempt_paths: Collection[str] = (),
    ) -> None:
        self.app = app
        self.problem_base = problem_base
        self.exempt_paths = exempt_paths
        self._judge = TrustedHostMiddleware(_admit, allowed_hosts=allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        await self._judge(scope, receive, _discard)
        if scope.pop(_ADMITTED, False):
            await self.app(scope, receive, send)
            return
        problem = Problem(400, "The Host header names a host this server does not serve.")
        await problem_response(problem, scope["path"], self.problem_base)(scope, receive, send)
