"""``POST /v1/chat/completions`` with the built-in advisor, through HTTP.

Answers are grounded in the live store: every test creates (and adopts) its own pets in its
own tenant, asks, and checks which pets are named. Streams are parsed by a real SSE client.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from petstore.chat import tokenizer
from tests.support.accounts import Account, AccountFactory, account_in
from tests.support.apps import make_client
from tests.support.chat import (
    APARTMENT_DOG,
    COMPLETION_ID,
    URL,
    ask,
    complete,
    content_of,
    conversation,
    read_stream,
)
from tests.support.pets import MakePet, pet_in
from tests.support.problems import assert_problem

# --- the body ------------------------------------------------------------------------------


async def test_body_shape(client: httpx.AsyncClient, user: Account) -> None:
    before = int(time.time())
    body = await complete(client, user, ask("Hello! What can you do?"))
    assert COMPLETION_ID.match(body["id"])
    assert body["object"] == "chat.completion"
    assert isinstance(body["created"], int)
    assert before - 5 <= body["created"] <= int(time.time()) + 5
    assert body["model"] == "PET_ADVISOR_1"  # the default
    assert len(body["choices"]) == 1
    choice = body["choices"][0]
    assert choice["index"] == 0
    assert choice["message"]["role"] == "assistant"
    assert isinstance(choice["message"]["content"], str)
    assert choice["message"]["content"]
    assert choice["finishReason"] == "STOP"
    usage = body["usage"]
    assert set(usage) == {"promptTokens", "completionTokens", "totalTokens"}
    assert usage["promptTokens"] + usage["completionTokens"] == usage["totalTokens"]


async def test_token_counts_use_the_documented_tokenizer(
    client: httpx.AsyncClient, user: Account
) -> None:
    question = "How does the adoption process work, what are the steps?"
    follow_up = "And what does it cost?"
    body = await complete(
        client,
        user,
        conversation(("SYSTEM", "Be brief."), ("USER", question), ("USER", follow_up)),
    )
    usage = body["usage"]
    assert usage["promptTokens"] == sum(
        tokenizer.count(text) for text in ("Be brief.", question, follow_up)
    )
    assert usage["completionTokens"] == tokenizer.count(content_of(body))


async def test_roles_and_model_names_in_any_spelling(
    client: httpx.AsyncClient, user: Account
) -> None:
    turns = conversation(
        ("system", "You help people adopt pets."),
        ("user", "I want a cat"),
        ("Assistant", "Sure, any preferences?"),
        ("uSeR", "How does the adoption process work?"),
    )
    answers = []
    for spelling, canonical in [
        ("pet-advisor-turbo", "PET_ADVISOR_TURBO"),
        ("Pet_Advisor_1", "PET_ADVISOR_1"),
        ("pet-advisor-1", "PET_ADVISOR_1"),
        ("PET_ADVISOR_TURBO", "PET_ADVISOR_TURBO"),
    ]:
        body = await complete(client, user, {**turns, "model": spelling})
        assert body["model"].upper().replace("-", "_") == canonical
        answers.append(content_of(body))
    assert "Adopting here takes four steps" in answers[0]


async def test_max_tokens_cuts_the_answer_with_finish_reason_length(
    client: httpx.AsyncClient, user: Account
) -> None:
    full = await complete(client, user, ask("Hello"))
    assert full["choices"][0]["finishReason"] == "STOP"
    assert tokenizer.count(content_of(full)) > 5
    cut = await complete(client, user, ask("Hello", maxTokens=5))
    assert cut["choices"][0]["finishReason"] == "LENGTH"
    assert cut["usage"]["completionTokens"] == 5
    assert tokenizer.count(content_of(cut)) == 5
    assert content_of(full).startswith(content_of(cut))


async def test_openai_max_tokens_spelling_is_honoured(
    client: httpx.AsyncClient, user: Account
) -> None:
    body = await complete(client, user, ask("Hello", max_tokens=3))
    assert body["choices"][0]["finishReason"] == "LENGTH"
    assert body["usage"]["completionTokens"] == 3


async def test_a_limit_the_answer_fits_in_is_not_length(
    client: httpx.AsyncClient, user: Account
) -> None:
    full = await complete(client, user, ask("Hello"))
    exact = full["usage"]["completionTokens"]
    body = await complete(client, user, ask("Hello", maxTokens=exact))
    assert body["choices"][0]["finishReason"] == "STOP"
    assert content_of(body) == content_of(full)


async def test_same_conversation_same_answer(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    await make_pet(name="Zephyrine", size="SMALL", price="250.00")
    await make_pet(name="Pimento", size="SMALL", price="180.00")
    request = ask(APARTMENT_DOG, temperature=1.7)
    first = await complete(client, user, request)
    second = await complete(client, user, request)
    assert content_of(first) == content_of(second)
    assert first["usage"] == second["usage"]
    assert first["id"] != second["id"]


# --- validation and access -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"messages": []}, "messages"),
        ({}, "messages"),
        ({"messages": [{"role": "ROBOT", "content": "hi"}]}, "messages"),
        ({"messages": [{"role": "USER"}]}, "messages"),
        ({**ask("hi"), "model": "gpt-4"}, "model"),
        ({**ask("hi"), "maxTokens": 0}, "maxTokens"),
        ({**ask("hi"), "maxTokens": 5000}, "maxTokens"),
        ({**ask("hi"), "max_tokens": 0}, "maxTokens"),
        ({**ask("hi"), "maxTokens": "10"}, "maxTokens"),
        ({**ask("hi"), "temperature": 3}, "temperature"),
        ({**ask("hi"), "temperature": -0.1}, "temperature"),
        ({**ask("hi"), "stream": "yes"}, "stream"),
    ],
)
async def test_invalid_requests_are_422_problems(
    client: httpx.AsyncClient, user: Account, body: dict[str, Any], field: str
) -> None:
    response = await client.post(URL, json=body, headers=user.auth)
    problem = assert_problem(response, 422, "validation-error")
    fields = [error["field"] for error in problem["errors"]]
    assert any(
        f == field or f.startswith(f"{field}.") or f.startswith(f"{field}[") for f in fields
    ), fields


async def test_invalid_streaming_request_is_a_problem_not_a_stream(
    client: httpx.AsyncClient, user: Account
) -> None:
    response = await client.post(
        URL, json={**ask("hi"), "stream": True, "model": "gpt-4"}, headers=user.auth
    )
    assert_problem(response, 422, "validation-error")


@pytest.mark.parametrize("stream", [False, True])
async def test_no_token_is_401(client: httpx.AsyncClient, stream: bool) -> None:
    response = await client.post(URL, json=ask("hi", stream=stream))
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_garbage_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, json=ask("hi"), headers={"Authorization": "Bearer nope"})
    assert_problem(response, 401, "unauthorized")


async def test_token_without_chat_scope_is_403(
    client: httpx.AsyncClient, make_account: AccountFactory
) -> None:
    reader = await make_account(scope="read:pets")
    response = await client.post(URL, json=ask("hi"), headers=reader.auth)
    assert_problem(response, 403, "forbidden")
    streamed = await client.post(URL, json=ask("hi", stream=True), headers=reader.auth)
    assert_problem(streamed, 403, "forbidden")


async def test_token_with_only_chat_scope_is_enough(
    client: httpx.AsyncClient, make_account: AccountFactory
) -> None:
    chatter = await make_account(scope="chat:write")
    await complete(client, chatter, ask("hi"))


# --- streaming -------------------------------------------------------------------------------


async def test_stream_framing_and_token_by_token_deltas(
    client: httpx.AsyncClient, user: Account
) -> None:
    streamed = await read_stream(client, ask("How much does it cost to keep a pet?"), user.auth)
    assert COMPLETION_ID.match(streamed.chunks[0]["id"])
    assert streamed.chunks[0]["model"] == "PET_ADVISOR_1"
    final = streamed.final["choices"][0]
    assert final["finish_reason"] == "stop"
    assert final["finishReason"] == "STOP"
    assert len(streamed.deltas) > 3  # streamed in pieces, not in one event
    assert streamed.deltas == tokenizer.tokenize(streamed.text)
    assert streamed.final["usage"]["completionTokens"] == len(streamed.deltas)


@pytest.mark.parametrize(
    "body",
    [
        ask("Hello"),
        ask("How does the adoption process work, what are the steps?"),
        ask(APARTMENT_DOG),
        conversation(
            ("SYSTEM", "Answer kindly."),
            ("USER", "I want a dog"),
            ("ASSISTANT", "Which size?"),
            ("USER", "a small one, under $300, vaccinated"),
        ),
        ask(APARTMENT_DOG, maxTokens=7),
        ask("What vaccines does a new pet need?", max_tokens=1),
    ],
    ids=["help", "knowledge", "recommendation", "multi-turn", "cut", "cut-alias"],
)
async def test_streamed_and_complete_answers_are_equal(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet, body: dict[str, Any]
) -> None:
    await make_pet(name="Zephyrine", size="SMALL", price="250.00")
    await make_pet(name="Borealis", size="LARGE", price="900.00")
    whole = await complete(client, user, body)
    streamed = await read_stream(client, body, user.auth)
    assert streamed.text == content_of(whole)
    assert streamed.final["usage"] == whole["usage"]
    assert streamed.final["choices"][0]["finishReason"] == whole["choices"][0]["finishReason"]
    limit = body.get("maxTokens", body.get("max_tokens"))
    if limit is not None:
        assert whole["choices"][0]["finishReason"] == "LENGTH"
        assert len(streamed.deltas) == limit
        assert streamed.final["choices"][0]["finish_reason"] == "length"


# --- grounded in the live store --------------------------------------------------------------


async def test_recommends_only_available_pets_of_the_tenant(
    app: FastAPI,
    client: httpx.AsyncClient,
    user: Account,
    staff: Account,
    make_pet: MakePet,
) -> None:
    zephyrine = await make_pet(
        name="Zephyrine", breed="Papillon", size="SMALL", price="250.00", goodWithKids=True
    )
    await make_pet(name="Quillon", size="SMALL", price="200.00", status="ADOPTED")
    await make_pet(name="Borealis", breed="Great Dane", size="LARGE", price="900.00")
    await make_pet(name="Pimento", size="SMALL", price="450.00")
    await make_pet(name="Marmalade", species="CAT", breed=None, size="SMALL", price="90.00")
    other_tenant = str(uuid.uuid4())
    other_staff = await account_in(app, other_tenant, staff=True)
    await pet_in(app, other_staff, other_tenant, name="Nimbusor", size="SMALL", price="150.00")

    answer = content_of(await complete(client, user, ask(APARTMENT_DOG)))
    assert "Zephyrine" in answer
    assert f"/v1/pets/{zephyrine['id']}" in answer
    assert "250.00" in answer
    for never in ("Quillon", "Borealis", "Pimento", "Marmalade", "Nimbusor"):
        assert never not in answer, (never, answer)
    streamed = await read_stream(client, ask(APARTMENT_DOG), user.auth)
    assert streamed.text == answer

    # The other tenant's advisor knows its own pet, and not ours.
    async with make_client(app, other_tenant) as other:
        theirs = content_of(await complete(other, other_staff, ask(APARTMENT_DOG)))
    assert "Nimbusor" in theirs
    assert "Zephyrine" not in theirs

    # Zephyrine is adopted: it is not recommended any more, and the answer says so honestly.
    adopted = await client.patch(
        f"/v1/pets/{zephyrine['id']}", json={"status": "ADOPTED"}, headers=staff.auth
    )
    assert adopted.status_code == 200, adopted.text
    assert adopted.json()["status"] == "ADOPTED"
    again = content_of(await complete(client, user, ask(APARTMENT_DOG)))
    assert "Zephyrine" not in again
    assert "Quillon" not in again
    assert "Nimbusor" not in again
    assert "Marmalade" not in again  # the closest pets are still dogs
    assert "no available pet matches" in again.lower()
    assert "Pimento" in again  # the closest one: a small dog, above the budget


async def test_nothing_close_is_said_honestly(client: httpx.AsyncClient, user: Account) -> None:
    answer = content_of(await complete(client, user, ask("Do you have a parrot?")))
    assert "no available pet matches" in answer.lower()
    assert "/v1/pets/" not in answer


async def test_follow_up_refines_the_recommendation(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    await make_pet(name="Marmalade", species="CAT", breed=None, goodWithKids=True)
    await make_pet(name="Sootfang", species="CAT", breed=None, goodWithKids=False)
    await make_pet(name="Rufflebark", species="DOG", goodWithKids=True)
    first = content_of(await complete(client, user, ask("I want a cat")))
    assert "Marmalade" in first
    assert "Sootfang" in first
    assert "Rufflebark" not in first

    follow_up = conversation(
        ("USER", "I want a cat"), ("ASSISTANT", first), ("USER", "good with kids please")
    )
    answer = content_of(await complete(client, user, follow_up))
    assert "Marmalade" in answer, answer
    assert "Sootfang" not in answer
    assert "Rufflebark" not in answer


async def test_filters_on_age_health_and_kids(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    await make_pet(name="Tumbleweed", ageMonths=4, price="300.00")
    await make_pet(name="Grizzlebeard", ageMonths=120, price="60.00")
    await make_pet(
        name="Ottoline",
        ageMonths=30,
        price="150.00",
        medicalInfo={"vaccinated": False, "spayedNeutered": False},
    )
    puppies = content_of(await complete(client, user, ask("Do you have a puppy?")))
    assert "Tumbleweed" in puppies
    assert "Grizzlebeard" not in puppies
    assert "Ottoline" not in puppies
    seniors = content_of(await complete(client, user, ask("Any senior dogs?")))
    assert "Grizzlebeard" in seniors
    assert "Tumbleweed" not in seniors
    vaccinated = content_of(await complete(client, user, ask("Show me vaccinated dogs")))
    assert "Ottoline" not in vaccinated
    assert "Tumbleweed" in vaccinated


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("What vaccines does a new pet need?", "distemper, parvovirus, hepatitis and rabies"),
        ("How much does it cost per year to keep a pet?", "$800-1,200"),
        (
            "What should I do in the first weeks after I bring home my new pet?",
            "prepare one quiet room",
        ),
        ("How does the adoption process work, what are the steps?", "takes four steps"),
        ("What food is best, and how many meals a day?", "Keep fresh water out at all times"),
        ("When should a pet be neutered?", "done from about six months"),
    ],
)
async def test_care_questions_are_answered_from_the_knowledge_base(
    client: httpx.AsyncClient, user: Account, question: str, phrase: str
) -> None:
    answer = content_of(await complete(client, user, ask(question)))
    assert phrase in answer
    assert "/v1/pets/" not in answer  # nobody asked for a pet


async def test_a_feeding_question_is_not_answered_with_costs(
    client: httpx.AsyncClient, user: Account
) -> None:
    """The costs keyword "fee" is inside "feed": matched as substrings, topics get mixed."""
    answer = content_of(await complete(client, user, ask("How often should I feed a pet?")))
    assert "Keep fresh water out at all times" in answer
    assert "$800-1,200" not in answer
