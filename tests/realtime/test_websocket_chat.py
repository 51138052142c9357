"""The support chat over raw WebSocket, end to end: a real client against a server process.
Sign-in refusals, a customer and the advisor, a customer and an agent (typing, receipts,
assignment), history after a reconnect, BOLA, and frames that are wrong, too big or too many."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.realtime.conftest import Chat, start_chat_server
from tests.support.realtime import ChatClient, chat_socket

pytestmark = pytest.mark.e2e


async def say(client: ChatClient, text: str, **extra: str) -> dict[str, Any]:
    client_id = uuid.uuid4().hex
    await client.send({"type": "message", "clientId": client_id, "text": text, **extra})
    return await client.expect("ack", lambda f: f.get("clientId") == client_id)


@pytest.mark.parametrize(
    ("token", "as_agent", "reason"),
    [
        (None, False, "Authentication"),
        ("not-a-token", False, "invalid"),
        ("customer", True, "staff"),
    ],
)
async def test_refused_credentials_close_with_1008_and_a_reason(
    chat: Chat, token: str | None, as_agent: bool, reason: str
) -> None:
    value = chat.customer()[1] if token == "customer" else token
    async with chat_socket(chat.base, value, as_agent=as_agent) as client:
        code, why = await client.closed()
    assert code == 1008
    assert reason.lower() in why.lower()
    assert client.seen == []  # nothing was said before the refusal


async def test_a_customer_talks_with_the_advisor_while_no_agent_is_online(chat: Chat) -> None:
    _, token = chat.customer()
    async with chat_socket(chat.base, token, header=True) as client:
        connected = await client.expect("connected")
        assert connected["role"] == "customer"
        assert connected["conversations"] == []
        ack = await say(client, "Which calm pets suit a small flat?")
        echo = await client.expect("message", lambda f: f["message"]["id"] == ack["messageId"])
        assert echo["message"]["senderRole"] == "CUSTOMER"
        advice = await client.expect("message", lambda f: f["message"]["senderRole"] == "ADVISOR")
        assert advice["conversationId"] == ack["conversationId"]
        assert advice["message"]["text"].startswith("No agent is online right now")


async def test_customer_and_agent_with_typing_and_receipts(chat: Chat) -> None:
    agent_token = chat.staff("agent-" + uuid.uuid4().hex[:8])
    customer_id, customer_token = chat.customer()
    async with chat_socket(chat.base, agent_token, as_agent=True) as agent:
        assert (await agent.expect("connected"))["role"] == "agent"
        async with chat_socket(chat.base, customer_token) as customer:
            await customer.expect("connected")
            ack = await say(customer, "Hello, I would like to adopt a cat.")
            conversation = ack["conversationId"]
            assigned = await agent.expect(
                "agentAssigned", lambda f: f["conversationId"] == conversation
            )
            assert assigned["conversation"]["customerId"] == customer_id
            await customer.expect("agentAssigned")
            first = await agent.expect("message", lambda f: f["message"]["id"] == ack["messageId"])
            assert first["message"]["text"] == "Hello, I would like to adopt a cat."

            await agent.send({"type": "typing", "state": "started", "conversationId": conversation})
            typing = await customer.expect("typing")
            assert typing["state"] == "started"
            reply = await say(agent, "Happy to help! Any preferences?", conversationId=conversation)
            heard = await customer.expect(
                "message", lambda f: f["message"]["id"] == reply["messageId"]
            )
            assert heard["message"]["senderRole"] == "AGENT"

            await customer.send({"type": "delivered", "messageIds": [reply["messageId"]]})
            delivered = await agent.expect("delivered")
            assert delivered["messageIds"] == [reply["messageId"]]
            await customer.send({"type": "read", "messageIds": [reply["messageId"]]})
            read = await agent.expect("read")
            assert read["byUserId"] == customer_id
            assert not [
                f
                for f in customer.seen
                if f["type"] == "message" and f["message"]["senderRole"] == "ADVISOR"
            ]

        async with chat.rest(customer_token) as api:
            history = (await api.get(f"/v1/support/conversations/{conversation}/messages")).json()
        texts = [m["text"] for m in history["data"]]
        assert texts == ["Hello, I would like to adopt a cat.", "Happy to help! Any preferences?"]
        assert history["data"][1]["readAt"] is not None
        assert history["data"][1]["deliveredAt"] is not None


async def test_history_comes_back_after_a_reconnect_and_retries_are_one_message(chat: Chat) -> None:
    _, token = chat.customer()
    async with chat_socket(chat.base, token) as client:
        await client.expect("connected")
        await client.send({"type": "message", "clientId": "same", "text": "First words"})
        first = await client.expect("ack")
        await client.send({"type": "message", "clientId": "same", "text": "First words"})
        again = await client.expect("ack")
        assert again["messageId"] == first["messageId"]
    async with chat_socket(chat.base, token) as client:
        connected = await client.expect("connected")
    [conversation] = connected["conversations"]
    mine = [m for m in conversation["messages"] if m["senderRole"] == "CUSTOMER"]
    assert [m["id"] for m in mine] == [first["messageId"]]


async def test_a_customer_cannot_join_another_customers_conversation(chat: Chat) -> None:
    _, owner = chat.customer()
    async with chat_socket(chat.base, owner) as client:
        await client.expect("connected")
        conversation = (await say(client, "mine"))["conversationId"]
    _, intruder = chat.customer()
    async with chat_socket(chat.base, intruder) as client:
        await client.expect("connected")
        await client.send({"type": "join", "conversationId": conversation, "clientId": "j"})
        refused = await client.expect("error")
        assert refused["code"] == "NOT_FOUND"
        await client.send(
            {"type": "read", "conversationId": conversation, "messageIds": [conversation]}
        )
        assert (await client.expect("error"))["code"] == "NOT_FOUND"
    async with chat.rest(intruder) as api:
        assert (await api.get(f"/v1/support/conversations/{conversation}")).status_code == 404
        assert (
            await api.get(f"/v1/support/conversations/{conversation}/messages")
        ).status_code == 404


async def test_wrong_frames_get_errors_and_the_connection_goes_on(chat: Chat) -> None:
    _, token = chat.customer()
    async with chat_socket(chat.base, token) as client:
        await client.expect("connected")
        await client.send("{not json")
        assert (await client.expect("error"))["code"] == "INVALID_JSON"
        await client.send({"type": "dance", "clientId": "d"})
        unknown = await client.expect("error")
        assert unknown["code"] == "UNKNOWN_TYPE"
        assert unknown["clientId"] == "d"
        await client.send({"type": "message", "clientId": "v", "text": ""})
        invalid = await client.expect("error")
        assert invalid["code"] == "VALIDATION_FAILED"
        assert invalid["errors"][0]["field"] == "text"
        await client.send(b"\x00\x01")
        assert (await client.expect("error"))["code"] == "TEXT_ONLY"
        await client.send({"type": "typing", "state": "started"})
        assert (await client.expect("error"))["code"] == "INVALID_INPUT"  # in no conversation
        await client.send({"type": "ping", "clientId": "p"})
        assert (await client.expect("pong"))["clientId"] == "p"


async def test_an_oversized_frame_closes_with_1009(chat: Chat) -> None:
    _, token = chat.customer()
    async with chat_socket(chat.base, token) as client:
        await client.expect("connected")
        await client.send({"type": "message", "clientId": "big", "text": "x" * 20_000})
        code, _ = await client.closed()
    assert code == 1009


async def test_a_flood_is_refused(chat: Chat) -> None:
    _, token = chat.customer()
    async with chat_socket(chat.base, token) as client:
        await client.expect("connected")
        for n in range(45):
            await client.send({"type": "ping", "clientId": str(n)})
        limited = await client.expect("error")
        assert limited["code"] == "RATE_LIMITED"
        assert limited["retryAfter"] > 0


async def test_rest_lists_closes_and_staff_take_over(chat: Chat) -> None:
    _, token = chat.customer()
    async with chat_socket(chat.base, token) as client:
        await client.expect("connected")
        conversation = (await say(client, "help please"))["conversationId"]
        async with chat.rest(token) as api:
            mine = (await api.get("/v1/support/conversations")).json()
            assert [c["id"] for c in mine["data"]] == [conversation]
            page = (
                await api.get(f"/v1/support/conversations/{conversation}/messages?limit=1")
            ).json()
            assert page["pagination"]["totalItems"] >= 2  # the question and the advisor's answer
            assert len(page["data"]) == 1
            refused = await api.post(f"/v1/support/conversations/{conversation}/takeover")
            assert refused.status_code == 403
        boss = chat.staff("boss-" + uuid.uuid4().hex[:8])
        async with chat.rest(boss) as api:
            everyone = (await api.get("/v1/support/conversations?limit=100")).json()
            assert conversation in [c["id"] for c in everyone["data"]]
            taken = await api.post(f"/v1/support/conversations/{conversation}/takeover")
            assert taken.status_code == 200, taken.text
            assert taken.json()["status"] == "ACTIVE"
        assigned = await client.expect("agentAssigned")
        assert assigned["agentId"] == taken.json()["agentId"]
        async with chat.rest(token) as api:
            closed = await api.post(f"/v1/support/conversations/{conversation}/close")
            assert closed.json()["status"] == "CLOSED"
        await client.expect("conversationClosed")
        await client.send({"type": "message", "clientId": "late", "text": "still there?"})
        assert (await client.expect("error"))["code"] == "CONFLICT"


@pytest.fixture(scope="module")
def quiet_chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chat]:
    """A server that pings after a second of silence (the default is a minute)."""
    root = tmp_path_factory.mktemp("quiet-chat")
    for server in start_chat_server(root, "quiet", PETSTORE_CHAT_IDLE_SECONDS="1"):
        yield Chat(server)


async def test_an_idle_connection_is_pinged_then_closed(quiet_chat: Chat) -> None:
    _, token = quiet_chat.customer()
    async with chat_socket(quiet_chat.base, token) as client:
        await client.expect("connected")
        await client.expect("ping")
        await client.send({"type": "pong"})  # any frame counts as life, even an unknown one
        await client.expect("error")
        await client.expect("ping")
        code, reason = await client.closed()
    assert code == 1001
    assert reason == "idle"


async def test_a_token_works_only_in_its_own_tenant(chat: Chat) -> None:
    tenant = str(uuid.uuid4())
    body = {"username": "t" + uuid.uuid4().hex[:10], "password": "correct horse battery"}
    async with httpx.AsyncClient(base_url=chat.base, headers={"X-Tenant-ID": tenant}) as api:
        made = await api.post(
            "/v1/users", json={**body, "email": f"{body['username']}@example.com"}
        )
        assert made.status_code == 201, made.text
        token = (await api.post("/v1/auth/tokens", json=body)).json()["token"]
    async with chat_socket(chat.base, token, tenant=tenant) as client:
        assert (await client.expect("connected"))["role"] == "customer"
        conversation = (await say(client, "in my tenant"))["conversationId"]
    async with chat_socket(chat.base, token) as client:  # the shared pool: not the token's
        code, reason = await client.closed()
    assert code == 1008
    assert "tenant" in reason
    _, outsider = chat.customer()
    async with chat.rest(outsider) as api:
        assert (await api.get(f"/v1/support/conversations/{conversation}")).status_code == 404
