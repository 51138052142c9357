"""Forwarding to any OpenAI-compatible server (vLLM, Ollama, llama.cpp, a hosted API).

Configured by ``PETSTORE_CHAT_BASE_URL`` (+ ``PETSTORE_CHAT_API_KEY``, ``PETSTORE_CHAT_MODEL``).
The matching available pets are injected as a system message, so the model answers from the
live store; answers and streams are translated back into this API's format. A timeout
answers 504 and any upstream failure 502. When our client disconnects mid-stream the
upstream request is cancelled with it (the stream is consumed inside our response).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from petstore.chat.schemas import ChatRequest
from petstore.core.errors import DependencyFailed, DependencyTimedOut


@dataclass(frozen=True, slots=True)
class UpstreamReply:
    text: str
    finish_reason: str  # STOP, LENGTH or CONTENT_FILTER
    prompt_tokens: int | None
    completion_tokens: int | None


def bad_gateway(detail: str) -> DependencyFailed:
    return DependencyFailed(f"The language model failed: {detail}")


def gateway_timeout() -> DependencyTimedOut:
    return DependencyTimedOut("The language model did not answer in time.")


FINISH = {"stop": "STOP", "length": "LENGTH", "content_filter": "CONTENT_FILTER"}


class UpstreamChat:
    def __init__(self, base_url: str, api_key: str | None, model: str, timeout: float) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.AsyncClient(
            headers=headers, timeout=httpx.Timeout(timeout, connect=5.0), follow_redirects=False
        )

    def _body(self, request: ChatRequest, context: str, stream: bool) -> dict[str, Any]:
        messages = [{"role": "system", "content": context}] + [
            {"role": m.role.value.lower(), "content": m.content} for m in request.messages
        ]
        return {
            "model": self.model,
            "messages": messages,
            "stream": stream,
            "max_tokens": request.maxTokens,
            "temperature": request.temperature,
        }

    async def complete(self, request: ChatRequest, context: str) -> UpstreamReply:
        try:
            response = await self.client.post(self.url, json=self._body(request, context, False))
        except httpx.TimeoutException as exc:
            raise gateway_timeout() from exc
        except httpx.HTTPError as exc:
            raise bad_gateway(type(exc).__name__) from exc
        if response.status_code != 200:
            raise bad_gateway(f"it answered {response.status_code}")
        try:
            data = response.json()
            choice = data["choices"][0]
            usage = data.get("usage") or {}
            return UpstreamReply(
                text=str(choice["message"]["content"] or ""),
                finish_reason=FINISH.get(str(choice.get("finish_reason")), "STOP"),
                prompt_tokens=usage.get("prompt_tokens"),
                completion_tokens=usage.get("completion_tokens"),
            )
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise bad_gateway("its answer was not a chat completion") from exc

    async def stream(
        self, request: ChatRequest, context: str
    ) -> AsyncIterator[tuple[str, str | None]]:
        """Yield ``(text delta, finish reason or None)`` as the model produces them."""
        body = self._body(request, context, True)
        try:
            async with self.client.stream("POST", self.url, json=body) as response:
                if response.status_code != 200:
                    raise bad_gateway(f"it answered {response.status_code}")
                async for line in response.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == "[DONE]":
                        return
                    try:
                        choice = json.loads(payload)["choices"][0]
                    except (ValueError, KeyError, IndexError, TypeError) as exc:
                        raise bad_gateway("its stream was not chat completion chunks") from exc
                    delta = (choice.get("delta") or {}).get("content") or ""
                    reason = choice.get("finish_reason")
                    yield delta, FINISH.get(str(reason), "STOP") if reason else None
        except httpx.TimeoutException as exc:
            raise gateway_timeout() from exc
        except httpx.HTTPError as exc:
            raise bad_gateway(type(exc).__name__) from exc

    async def aclose(self) -> None:
        await self.client.aclose()


def pets_context(lines: list[str]) -> str:
    listing = "\n".join(lines) if lines else "(none match right now)"
    return (
        "You are the adoption advisor of a pet store. Recommend only pets from this list of "
        "pets that are available right now, with their links; if none fit, say so honestly.\n"
        f"Available pets matching the conversation:\n{listing}"
    )
