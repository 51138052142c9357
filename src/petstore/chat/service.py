"""Chat completions: the built-in advisor by default, an OpenAI-compatible upstream when
configured. Streaming and non-streaming share the engine and the tokenizer, so their text
and token counts are equal."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.chat import advisor, tokenizer
from petstore.chat.schemas import ChatRequest
from petstore.chat.upstream import UpstreamChat, pets_context


@dataclass(frozen=True, slots=True)
class Completion:
    id: str
    created: int
    model: str
    text: str
    finish: str
    prompt_tokens: int
    completion_tokens: int

    def body(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": self.text},
                    "finishReason": self.finish,
                }
            ],
            "usage": _usage(self.prompt_tokens, self.completion_tokens),
        }


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "promptTokens": prompt,
        "completionTokens": completion,
        "totalTokens": prompt + completion,
    }


def _prompt_tokens(request: ChatRequest) -> int:
    return sum(tokenizer.count(m.content) for m in request.messages)


def _new_id() -> str:
    return f"chatcmpl_{secrets.token_hex(12)}"


async def complete(
    session: AsyncSession,
    tenant: str,
    request: ChatRequest,
    base: str,
    upstream: UpstreamChat | None,
) -> Completion:
    model = request.model.value
    if upstream is None:
        text = await advisor.answer(session, tenant, request.messages, base)
        text, cut = tokenizer.truncate(text, request.maxTokens)
        finish = "LENGTH" if cut else "STOP"
        completion_tokens = tokenizer.count(text)
        prompt_tokens = _prompt_tokens(request)
    else:
        lines = await advisor.context_lines(session, tenant, request.messages, base)
        reply = await upstream.complete(request, pets_context(lines))
        text, finish = reply.text, reply.finish_reason
        completion_tokens = reply.completion_tokens or tokenizer.count(text)
        prompt_tokens = reply.prompt_tokens or _prompt_tokens(request)
    return Completion(
        _new_id(), int(time.time()), model, text, finish, prompt_tokens, completion_tokens
    )


@dataclass(frozen=True, slots=True)
class StreamPlan:
    """What a stream needs once the request's database session is gone."""

    request: ChatRequest
    text: str | None  # the built-in advisor's full answer, streamed token by token
    context: str | None  # the system prompt for the upstream model


async def plan_stream(
    session: AsyncSession,
    tenant: str,
    request: ChatRequest,
    base: str,
    upstream: UpstreamChat | None,
) -> StreamPlan:
    if upstream is None:
        text = await advisor.answer(session, tenant, request.messages, base)
        return StreamPlan(request, text, None)
    lines = await advisor.context_lines(session, tenant, request.messages, base)
    return StreamPlan(request, None, pets_context(lines))


async def _chain(
    first: list[tuple[str, str | None]], rest: AsyncIterator[tuple[str, str | None]] | None
) -> AsyncIterator[tuple[str, str | None]]:
    for item in first:
        yield item
    if rest is not None:
        async for item in rest:
            yield item


async def chunks(plan: StreamPlan, upstream: UpstreamChat | None) -> AsyncIterator[dict[str, Any]]:
    """``chat.completion.chunk`` objects: a role chunk, content deltas, a final chunk."""
    request = plan.request
    ident, created, model = _new_id(), int(time.time()), request.model.value

    def chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
        choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": None}
        body: dict[str, Any] = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [choice],
        }
        if finish is not None:
            choice["finish_reason"] = finish.lower()
            choice["finishReason"] = finish
        return body

    upstream_events: AsyncIterator[tuple[str, str | None]] | None = None
    pending: list[tuple[str, str | None]] = []
    if plan.text is None:
        assert upstream is not None
        assert plan.context is not None
        # Reach the model before the first chunk goes out: if it fails, the client still
        # gets a 502/504 problem instead of a broken 201 stream.
        upstream_events = aiter(upstream.stream(request, plan.context))
        try:
            pending.append(await anext(upstream_events))
        except StopAsyncIteration:
            upstream_events = None
    yield chunk({"role": "assistant", "content": ""})
    produced: list[str] = []
    finish = "STOP"
    if plan.text is not None:
        tokens = tokenizer.tokenize(plan.text)
        if len(tokens) > request.maxTokens:
            tokens, finish = tokens[: request.maxTokens], "LENGTH"
        for token in tokens:
            produced.append(token)
            yield chunk({"content": token})
    else:
        async for delta, reason in _chain(pending, upstream_events):
            if delta:
                produced.append(delta)
                yield chunk({"content": delta})
            if reason is not None:
                finish = reason
    final = chunk({}, finish)
    final["usage"] = _usage(_prompt_tokens(request), tokenizer.count("".join(produced)))
    yield final
