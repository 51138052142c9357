"""The chat across two server processes on one database (PostgreSQL, or SQLite with Redis):
a customer on one instance and an agent on the other exchange messages, typing and receipts,
and assignment shares one view of who is online and how busy."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.realtime.conftest import Chat
from tests.realtime.test_websocket_chat import say
from tests.support.databases import empty_database, redis_database
from tests.support.realtime import chat_socket
from tests.support.servers import petstore, run_server, server_env
from tests.support.settings import POSTGRES_URL, REDIS_URL
from tests.support.socketio import socketio_chat

pytestmark = pytest.mark.e2e

REDIS_DB = 9  # pub/sub only: nothing is stored there
SHARED = [
    pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="no PostgreSQL")),
    pytest.param("sqlite+redis", marks=pytest.mark.skipif(not REDIS_URL, reason="no Redis")),
]


@pytest.fixture(scope="module", params=SHARED)
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Chat, Chat]]:
    root = tmp_path_factory.mktemp("chat-pair")
    backend = "postgres" if request.param == "postgres" else "sqlite"
    with empty_database(backend, root, "chatpair") as url, ExitStack() as stack:
        extra = {} if backend == "postgres" else {"PETSTORE_REDIS_URL": redis_database(REDIS_DB)}
        env = server_env(
            url, PETSTORE_READ_CACHE="false", PETSTORE_SOCKETIO_PING_SECONDS="2", **extra
        )
        petstore(env, "migrate")
        a = stack.enter_context(run_server(env, root / "a.log"))
        b = stack.enter_context(run_server(env, root / "b.log"))
        yield Chat(a), Chat(b)
        for server in (a, b):
            assert "Traceback" not in server.log()


async def test_customer_on_one_instance_agent_on_the_other(pair: tuple[Chat, Chat]) -> None:
    a, b = pair
    agent_token = b.staff("agent-" + uuid.uuid4().hex[:8])
    customer_id, customer_token = a.customer()
    async with chat_socket(b.base, agent_token, as_agent=True) as agent:
        await agent.expect("connected")
        async with chat_socket(a.base, customer_token) as customer:
            await customer.expect("connected")
            ack = await say(customer, "Is the beagle still available?")
            conversation = ack["conversationId"]
            await agent.expect("agentAssigned", lambda f: f["conversationId"] == conversation)
            await agent.expect("message", lambda f: f["message"]["id"] == ack["messageId"])
            await agent.send({"type": "typing", "state": "started", "conversationId": conversation})
            assert (await customer.expect("typing"))["state"] == "started"
            reply = await say(agent, "Yes, she is!", conversationId=conversation)
            await customer.expect("message", lambda f: f["message"]["id"] == reply["messageId"])
            await customer.send({"type": "read", "messageIds": [reply["messageId"]]})
            read = await agent.expect("read")
            assert read["byUserId"] == customer_id


async def test_assignment_is_fair_and_capped_across_instances(pair: tuple[Chat, Chat]) -> None:
    a, b = pair
    first, second = (b.staff("fair-" + uuid.uuid4().hex[:8]) for _ in range(2))
    customers = [a.customer()[1] for _ in range(7)]
    async with (
        chat_socket(a.base, first, as_agent=True) as one,
        chat_socket(b.base, second, as_agent=True) as two,
    ):
        await one.expect("connected")
        await two.expect("connected")
        conversations = []
        for n, token in enumerate(customers):
            async with chat_socket((a, b)[n % 2].base, token) as customer:
                await customer.expect("connected")
                conversations.append((await say(customer, f"customer {n}"))["conversationId"])
        async with a.rest(first) as api:
            listed = (await api.get("/v1/support/conversations?limit=100")).json()["data"]
    mine = {c["id"]: c for c in listed if c["id"] in conversations}
    agents = [c["agentId"] for c in mine.values() if c["status"] == "ACTIVE"]
    assert sorted(agents.count(agent) for agent in set(agents)) == [3, 3]  # the cap, fairly
    waiting = [c for c in mine.values() if c["status"] == "WAITING"]
    assert len(waiting) == 1


async def test_socketio_clients_on_two_instances(pair: tuple[Chat, Chat]) -> None:
    a, b = pair
    agent_token = a.staff("sio-pair-" + uuid.uuid4().hex[:8])
    _, customer_token = b.customer()
    async with socketio_chat(a.base, agent_token, transport="websocket", as_agent=True) as agent:
        await agent.call("joinChat")
        async with socketio_chat(b.base, customer_token, transport="polling") as customer:
            await customer.call("joinChat")
            ack = await customer.call("chatMessage", {"clientId": "p1", "text": "Across instances"})
            conversation = ack["conversationId"]
            await agent.expect("chatMessage", lambda d: d["message"]["id"] == ack["messageId"])
            await agent.call("typingStarted", {"conversationId": conversation})
            await customer.expect("typingStarted")
            reply = await agent.call(
                "chatMessage",
                {"clientId": "p2", "text": "Heard you", "conversationId": conversation},
            )
            await customer.expect("chatMessage", lambda d: d["message"]["id"] == reply["messageId"])
            await customer.call("messageDelivered", {"messageIds": [reply["messageId"]]})
            assert (await agent.expect("messageDelivered"))["messageIds"] == [reply["messageId"]]
