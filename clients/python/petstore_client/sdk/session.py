"""The SDK's front: one :class:`Petstore` holds the connection, the tenant and the tokens, and
hands the generated operations a client (``store.api``) that already renews tokens and sends
POSTs with idempotency keys. It adds what a generator cannot write from the document: the
QUERY search, the chat's event stream, the OAuth token endpoint, and login/logout that keep
the tokens."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar
from uuid import UUID

import httpx

from petstore_client import AuthenticatedClient, Client
from petstore_client.api.auth import logout, refresh_token
from petstore_client.api.user import create_token
from petstore_client.models import (
    ChatRequest,
    LoginRequest,
    LogoutRequest,
    PetCollection,
    PetSearch,
    RefreshRequest,
    TokenResponse,
)
from petstore_client.types import Response
from petstore_client.sdk.auth import TokenAuth, Tokens
from petstore_client.sdk.errors import PetstoreError
from petstore_client.sdk.retries import IdempotentRetries

T = TypeVar("T")


def unwrap(response: Response[Any], kind: type[T]) -> T:
    """The parsed body of a successful answer, as ``kind``; a refusal raises
    :class:`PetstoreError` with the server's problem document."""
    if response.status_code >= 400:
        raise _problem(response.status_code, response.content)
    if not isinstance(response.parsed, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(response.parsed).__name__}")
    return response.parsed


def succeeded(response: Response[Any]) -> None:
    """For operations that answer without a body (204, 202): raise on a refusal."""
    if response.status_code >= 400:
        raise _problem(response.status_code, response.content)


def _problem(status: int, content: bytes) -> PetstoreError:
    try:
        problem = json.loads(content) if content else {}
    except ValueError:
        problem = {"detail": content[:200].decode(errors="replace")}
    return PetstoreError(int(status), problem if isinstance(problem, dict) else {})


class Petstore:
    """A session with one Petstore server, in one tenant (or the shared pool)."""

    def __init__(
        self,
        base_url: str,
        *,
        tenant: UUID | str | None = None,
        timeout: float = 30.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
    ) -> None:
        """``event_hooks`` are httpx's (``request``/``response`` callbacks, for logging or
        metrics); they also see the token renewals."""
        headers = {"X-Tenant-ID": str(tenant)} if tenant else {}
        retrying = IdempotentRetries(transport or httpx.HTTPTransport(), retries=retries)
        self.auth = TokenAuth()
        common: dict[str, Any] = {
            "base_url": base_url,
            "headers": headers,
            "timeout": timeout,
            "transport": retrying,
            "event_hooks": dict(event_hooks or {}),
        }
        self.http = httpx.Client(auth=self.auth, **common)
        # Renewing happens inside ``self.auth``, so it must not pass through it again.
        self._plain = httpx.Client(**common)
        self.api = AuthenticatedClient(
            base_url=base_url, token="", raise_on_unexpected_status=True
        ).set_httpx_client(self.http)

    @property
    def base_url(self) -> str:
        return str(self.http.base_url)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()
        self._plain.close()

    # Tokens ----------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> TokenResponse:
        """Log in; later requests carry the token, renewed with its refresh token as needed."""
        answer = create_token.sync_detailed(
            client=self.api, body=LoginRequest(username=username, password=password)
        )
        return self._keep(unwrap(answer, TokenResponse))

    def use_client_credentials(
        self, client_id: str, client_secret: str, scope: str | None = None
    ) -> Tokens:
        """Act as an OAuth client (RFC 6749 §4.4); a token is fetched again when it expires."""

        def fetch(_: Tokens | None = None) -> Tokens:
            form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
            answer = self._plain.post(
                "/oauth/token", data=form, auth=httpx.BasicAuth(client_id, client_secret)
            )
            if answer.status_code != 200:
                raise _problem(answer.status_code, answer.content)
            body = answer.json()
            return Tokens.lasting(body["access_token"], float(body["expires_in"]))

        tokens = fetch()
        self.auth.use(tokens, fetch)
        return tokens

    def use_token(self, access_token: str) -> None:
        """Send a token obtained elsewhere (an API key, a token from the OAuth code flow)
        until the server refuses it; it is not renewed."""
        self.auth.use(Tokens(access_token, float("inf")), None)

    def logout(self) -> None:
        """Revoke the access token and its refresh token on the server, then forget both."""
        tokens = self.auth.tokens
        refresh = tokens.refresh if tokens and tokens.refresh else None
        succeeded(logout.sync_detailed(client=self.api, body=LogoutRequest(refresh_token=refresh)))
        self.auth.forget()

    def _keep(self, answer: TokenResponse) -> TokenResponse:
        self.auth.use(
            Tokens.lasting(answer.token, answer.expires_in, answer.refresh_token), self._refresh
        )
        return answer

    def _refresh(self, tokens: Tokens) -> Tokens:
        if tokens.refresh is None:
            raise PetstoreError(401, {"detail": "no refresh token to renew with"})
        plain = Client(base_url=self.base_url).set_httpx_client(self._plain)
        body = RefreshRequest(refresh_token=tokens.refresh)
        answer = unwrap(refresh_token.sync_detailed(client=plain, body=body), TokenResponse)
        return Tokens.lasting(answer.token, answer.expires_in, answer.refresh_token)

    # What the generator cannot write ---------------------------------------------------------

    def search_pets(self, criteria: PetSearch, *, path: str = "/v1/pets") -> PetCollection:
        """The QUERY search (safe and idempotent, with a body); ``path`` may be
        ``/v1/pets/search``. Tools without QUERY use ``searchPetsByPost`` instead."""
        answer = self.http.request("QUERY", path, json=criteria.to_dict())
        if answer.status_code != 200:
            raise _problem(answer.status_code, answer.content)
        return PetCollection.from_dict(answer.json())

    def stream_chat(self, request: ChatRequest) -> Iterator[dict[str, Any]]:
        """Ask the advisor with ``stream: true``: yields each ``chat.completion.chunk`` as it
        arrives and stops at ``[DONE]``."""
        body = {**request.to_dict(), "stream": True}
        with self.http.stream("POST", "/v1/chat/completions", json=body) as answer:
            if answer.status_code >= 400:
                raise _problem(answer.status_code, answer.read())
            for line in answer.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line.removeprefix("data:").strip()
                if data == "[DONE]":
                    return
                yield json.loads(data)
