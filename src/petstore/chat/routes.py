"""``POST /v1/chat/completions``: JSON (201) or Server-Sent Events, decided by ``stream``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Request
from starlette.responses import Response, StreamingResponse

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.chat import service
from petstore.chat.schemas import ChatCompletion, ChatRequest
from petstore.container import container_of
from petstore.core.database import SessionDep, reads_only
from petstore.core.links import base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.responses import JsonResponse
from petstore.core.routing import PetstoreRoute
from petstore.core.tenancy import TenantDep

router = APIRouter(tags=["Chat"], route_class=PetstoreRoute)
ChatUser = Annotated[Principal, Depends(RequireScopes("chat:write"))]

EXAMPLE = {
    "model": "PET_ADVISOR_1",
    "messages": [
        {"role": "USER", "content": "I'm looking for a small dog for an apartment, under $300."}
    ],
    "stream": False,
    "maxTokens": 300,
}
CHUNK_SCHEMA = {
    "type": "string",
    "description": (
        "`data: <chat.completion.chunk JSON>` events (first the role, then content deltas, "
        "then one with `finish_reason`/`finishReason` and `usage`), ending with `data: [DONE]`."
    ),
}


def _sse(payload: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"


@router.post(
    "/v1/chat/completions",
    operation_id="createChatCompletion",
    summary="Ask the pet adoption advisor",
    description=(
        "OpenAI-compatible chat completions, answered from the live store: recommendations "
        "name only pets that are AVAILABLE in your tenant right now. `stream: true` answers "
        "with Server-Sent Events. Token counts use the documented word/punctuation tokenizer."
    ),
    status_code=201,
    response_model=ChatCompletion,
    responses={
        201: {
            "description": "The answer, as JSON or (with `stream: true`) as an event stream.",
            "content": {"text/event-stream": {"schema": CHUNK_SCHEMA}},
        },
        **responses_for(401, 403, 502, 504, body=True),
    },
)
@reads_only
async def create_chat_completion(
    request: Request,
    _user: ChatUser,
    session: SessionDep,
    tenant: TenantDep,
    body: Annotated[ChatRequest, Body(examples=[EXAMPLE])],
) -> Response:
    upstream = container_of(request.app).chat_upstream
    base = base_url(request)
    if not body.stream:
        completion = await service.complete(session, tenant, body, base, upstream)
        return JsonResponse(completion.body(), status_code=201)
    plan = await service.plan_stream(session, tenant, body, base, upstream)
    events = service.chunks(plan, upstream)
    first = await anext(events)  # an upstream failure still becomes a 502/504 problem here

    async def stream() -> AsyncIterator[bytes]:
        yield _sse(first)
        async for chunk in events:
            yield _sse(chunk)
        yield b"data: [DONE]\n\n"

    return StreamingResponse(
        stream(),
        status_code=201,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
