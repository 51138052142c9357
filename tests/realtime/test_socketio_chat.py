"""The support chat over Socket.IO, end to end: python-socketio's client over both transports
(WebSocket and long-polling) against a server process, and beside a raw WebSocket client in
the same conversation."""

from __future__ import annotations

import uuid

import pytest

from tests.realtime.conftest import Chat
from tests.realtime.test_websocket_chat import say
from tests.support.realtime import chat_socket
from tests.support.socketio import Refused, socketio_chat

pytestmark = pytest.mark.e2e
TRANSPORTS = ["websocket", "polling"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_bad_token_is_a_connect_error_with_the_reason(chat: Chat, transport: str) -> None:
    with pytest.raises(Refused) as refused:
        async with socketio_chat(chat.base, "not-a-token", transport=transport):
            pass
    assert refused.value.data["data"]["code"] == "UNAUTHENTICATED"
    assert "invalid" in refused.value.data["message"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_join_talk_type_and_read_with_an_agent(chat: Chat, transport: str) -> None:
    agent_token = chat.staff("sio-agent-" + uuid.uuid4().hex[:8])
    customer_id, customer_token = chat.customer()
    async with socketio_chat(chat.base, agent_token, transport=transport, as_agent=True) as agent:
        assert (await agent.call("joinChat"))["role"] == "agent"
        async with socketio_chat(chat.base, customer_token, transport=transport) as customer:
            joined = await customer.call("joinChat")
            assert joined["conversations"] == []
            await customer.expect("connected")
            ack = await customer.call("chatMessage", {"clientId": "c1", "text": "Hi there"})
            conversation = ack["conversationId"]
            assigned = await agent.expect(
                "agentAssigned", lambda d: d["conversationId"] == conversation
            )
            assert assigned["conversation"]["customerId"] == customer_id
            heard = await agent.expect(
                "chatMessage", lambda d: d["message"]["id"] == ack["messageId"]
            )
            assert heard["message"]["text"] == "Hi there"
            await customer.expect("chatMessage", lambda d: d["message"]["id"] == ack["messageId"])

            started = await agent.call(
                "typingStarted", {"conversationId": conversation, "clientId": "t"}
            )
            assert started["type"] == "ack"
            assert (await customer.expect("typingStarted"))["conversationId"] == conversation
            reply = await agent.call(
                "chatMessage", {"clientId": "a1", "text": "Hello!", "conversationId": conversation}
            )
            await customer.expect("chatMessage", lambda d: d["message"]["id"] == reply["messageId"])
            await customer.call("messageRead", {"messageIds": [reply["messageId"]]})
            read = await agent.expect("messageRead")
            assert read["byUserId"] == customer_id
            refused = await customer.call("chatMessage", {"text": ""})
            assert refused["error"]["code"] == "VALIDATION_FAILED"
            left = await customer.call("leaveChat", {"conversationId": conversation})
            assert left == {"left": conversation}


async def test_socketio_and_websocket_clients_share_a_conversation(chat: Chat) -> None:
    agent_token = chat.staff("mixed-agent-" + uuid.uuid4().hex[:8])
    _, customer_token = chat.customer()
    async with socketio_chat(chat.base, agent_token, transport="websocket", as_agent=True) as agent:
        await agent.call("joinChat")
        async with chat_socket(chat.base, customer_token) as customer:
            await customer.expect("connected")
            ack = await say(customer, "From a plain WebSocket")
            conversation = ack["conversationId"]
            await agent.expect("chatMessage", lambda d: d["message"]["id"] == ack["messageId"])
            reply = await agent.call(
                "chatMessage",
                {"clientId": "x", "text": "From Socket.IO", "conversationId": conversation},
            )
            heard = await customer.expect(
                "message", lambda f: f["message"]["id"] == reply["messageId"]
            )
            assert heard["message"]["text"] == "From Socket.IO"


async def test_another_customers_conversation_cannot_be_joined(chat: Chat) -> None:
    _, owner = chat.customer()
    async with socketio_chat(chat.base, owner, transport="websocket") as client:
        await client.call("joinChat")
        conversation = (await client.call("chatMessage", {"clientId": "o", "text": "mine"}))[
            "conversationId"
        ]
    _, intruder = chat.customer()
    async with socketio_chat(chat.base, intruder, transport="polling") as client:
        refused = await client.call("joinChat", {"conversationId": conversation})
        assert refused["error"]["code"] == "NOT_FOUND"
        sent = await client.call(
            "chatMessage", {"clientId": "i", "text": "hi", "conversationId": conversation}
        )
        assert sent["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_pages_of_another_origin_are_refused(chat: Chat, transport: str) -> None:
    _, token = chat.customer()
    async with socketio_chat(chat.base, token, transport=transport, origin=chat.base) as client:
        assert (await client.call("joinChat"))["role"] == "customer"
    with pytest.raises(Refused) as refused:
        async with socketio_chat(
            chat.base, token, transport=transport, origin="https://evil.example"
        ):
            pass
    # Refused by Engine.IO itself, before any sign-in: no payload of the server's (the
    # client may report its own "Connection error").
    assert not isinstance(refused.value.data, dict)
