"""The SDK's hand-written session rules, each against a real server: retries that reuse one
idempotency key (a scripted local HTTP server), and token renewal under concurrency (a
``petstore serve`` process, whose refresh tokens are single-use)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from petstore_client.api.user import get_current_user
from petstore_client.models import User
from petstore_client.sdk import Petstore, PetstoreError, Tokens, unwrap
from tests.support.accounts import PASSWORD, new_username
from tests.support.servers import RunningServer, fresh_sqlite_server
from tests.support.webhooks import Receiver, Reply

UNAVAILABLE = Reply(status=503, headers=(("Retry-After", "0"),))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def test_a_retried_post_keeps_its_idempotency_key(receiver: Receiver) -> None:
    url = receiver.url()
    receiver.script(url, UNAVAILABLE, Reply(status=429, headers=(("Retry-After", "0"),)))
    with Petstore(f"http://127.0.0.1:{receiver.port}", retries=2) as store:
        answer = store.http.post(url, json={"petId": "x"})
    assert answer.status_code == 200
    keys = [hit.headers.get("idempotency-key") for hit in receiver.hits(url)]
    assert len(keys) == 3
    assert keys[0]
    assert len(set(keys)) == 1


def test_a_key_chosen_by_the_caller_is_kept(receiver: Receiver) -> None:
    url = receiver.url()
    with Petstore(f"http://127.0.0.1:{receiver.port}") as store:
        store.http.post(url, headers={"Idempotency-Key": "mine"})
    assert [hit.headers["idempotency-key"] for hit in receiver.hits(url)] == ["mine"]


def test_retries_stop_at_the_limit_and_return_the_last_answer(receiver: Receiver) -> None:
    url = receiver.url()
    receiver.script(url, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE)
    with Petstore(f"http://127.0.0.1:{receiver.port}", retries=2) as store:
        answer = store.http.post(url)
    assert answer.status_code == 503
    assert len(receiver.hits(url)) == 3


def test_a_patch_is_not_resent_once_it_reached_the_server(receiver: Receiver) -> None:
    url = receiver.url()
    receiver.script(url, UNAVAILABLE)
    with Petstore(f"http://127.0.0.1:{receiver.port}") as store:
        answer = store.http.patch(url, json={"status": "SHIPPED"})
    assert answer.status_code == 503
    assert len(receiver.hits(url)) == 1
    assert "idempotency-key" not in receiver.hits(url)[0].headers


def test_a_long_retry_after_goes_back_to_the_caller(receiver: Receiver) -> None:
    url = receiver.url()
    receiver.script(url, Reply(status=429, headers=(("Retry-After", "3600"),)))
    with Petstore(f"http://127.0.0.1:{receiver.port}") as store:
        answer = store.http.post(url)
    assert answer.status_code == 429
    assert len(receiver.hits(url)) == 1


def test_a_refused_connection_is_retried_then_raised() -> None:
    with Petstore("http://127.0.0.1:9", retries=1) as store, pytest.raises(httpx.ConnectError):
        store.http.get("/v1/pets")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with fresh_sqlite_server(tmp_path_factory.mktemp("session"), "session") as running:
        yield running


def signed_in(
    server: RunningServer, on_request: Callable[[httpx.Request], None] | None = None
) -> Petstore:
    hooks = {"request": [on_request]} if on_request else {}
    store = Petstore(server.base_url, event_hooks=hooks)
    username = new_username()
    store.http.post(
        "/v1/users",
        json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
    ).raise_for_status()
    store.login(username, PASSWORD)
    return store


def test_threads_share_one_renewal_of_a_stale_token(server: RunningServer) -> None:
    """Eight threads find the token stale at once: one renews it (refresh tokens are
    single-use, so a second renewal with the same one would fail) and all eight succeed."""
    renewals: list[str] = []

    def count(request: httpx.Request) -> None:
        if request.url.path == "/v1/auth/tokens/refresh":
            renewals.append(request.url.path)

    with signed_in(server, count) as store:
        tokens = store.auth.tokens
        assert tokens is not None
        store.auth.replace(Tokens(tokens.access, expires_at=0.0, refresh=tokens.refresh))
        results: list[User] = []
        start = threading.Barrier(8)

        def read() -> None:
            start.wait(timeout=30)
            results.append(unwrap(get_current_user.sync_detailed(client=store.api), User))

        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert len(results) == 8
    assert renewals == ["/v1/auth/tokens/refresh"]


def test_a_token_revoked_by_logout_is_refused(server: RunningServer) -> None:
    """After ``logout`` the old access token answers 401 even when sent on purpose, and no
    renewal rescues it (its refresh token was revoked with it)."""
    with signed_in(server) as store:
        tokens = store.auth.tokens
        assert tokens is not None
        store.logout()
        assert store.auth.tokens is None
        store.use_token(tokens.access)
        with pytest.raises(PetstoreError) as refused:
            unwrap(get_current_user.sync_detailed(client=store.api), User)
    assert refused.value.status == 401
    assert refused.value.problem["status"] == 401
