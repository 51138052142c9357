"""HTTP routes of the support chat: your conversations, their history, closing one; staff
see every conversation and take one over. Talking happens over the real-time doors."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.core.database import SessionDep
from petstore.core.openapi_meta import responses_for
from petstore.core.pagination import PageDep, collection_payload
from petstore.core.responses import JsonResponse, resource_response
from petstore.core.routing import PetstoreRoute
from petstore.core.schemas import UPPERCASE
from petstore.core.tenancy import TenantDep
from petstore.support import service
from petstore.support.models import Conversation as ConversationRow
from petstore.support.schemas import (
    Conversation,
    ConversationCollection,
    ConversationStatus,
    MessageCollection,
    conversation_payload,
    message_payload,
)

router = APIRouter(tags=["Support"], route_class=PetstoreRoute)
Talker = Annotated[Principal, Depends(RequireScopes("chat:write"))]
Agent = Annotated[Principal, Depends(RequireScopes("chat:write", staff_only=True))]
ConversationId = Annotated[uuid.UUID, Path(alias="id", description="The conversation's id.")]
StatusIn = Annotated[ConversationStatus, UPPERCASE]


async def load_conversation(
    caller: Talker, session: SessionDep, tenant: TenantDep, conversation_id: ConversationId
) -> ConversationRow:
    return await service.visible_conversation(session, caller, tenant, conversation_id)


async def load_for_write(
    caller: Talker, session: SessionDep, tenant: TenantDep, conversation_id: ConversationId
) -> ConversationRow:
    return await service.visible_conversation(
        session, caller, tenant, conversation_id, for_update=True
    )


Readable = Annotated[ConversationRow, Depends(load_conversation)]
Writable = Annotated[ConversationRow, Depends(load_for_write)]


@router.get(
    "/v1/support/conversations",
    operation_id="listSupportConversations",
    summary="List support conversations",
    description="Your conversations with support, newest first; staff see every one.",
    response_model=ConversationCollection,
    responses=responses_for(400, 401, 403),
)
async def list_conversations(
    request: Request,
    caller: Talker,
    session: SessionDep,
    tenant: TenantDep,
    paging: PageDep,
    status: Annotated[StatusIn | None, Query(description="Only this status.")] = None,
) -> Response:
    rows, total = await service.list_conversations(
        session, caller, tenant, [status.value] if status else [], paging.offset, paging.limit
    )
    payload, link = collection_payload(
        request, [conversation_payload(r) for r in rows], total, paging
    )
    return JsonResponse(payload, headers={"Link": link})


@router.get(
    "/v1/support/conversations/{id}",
    operation_id="getSupportConversation",
    summary="Get a support conversation",
    description="Your own conversation (staff: any). Others' ids answer 404.",
    response_model=Conversation,
    responses=responses_for(304, 400, 401, 403, 404),
)
async def get_conversation(request: Request, conversation: Readable) -> Response:
    return resource_response(request, conversation_payload(conversation))


@router.get(
    "/v1/support/conversations/{id}/messages",
    operation_id="listSupportMessages",
    summary="Read a conversation's messages",
    description="Oldest first, with each message's delivery and read receipts.",
    response_model=MessageCollection,
    responses=responses_for(400, 401, 403, 404),
)
async def list_messages(
    request: Request, conversation: Readable, session: SessionDep, paging: PageDep
) -> Response:
    rows, total = await service.history(session, conversation, paging.offset, paging.limit)
    payload, link = collection_payload(request, [message_payload(r) for r in rows], total, paging)
    return JsonResponse(payload, headers={"Link": link})


@router.post(
    "/v1/support/conversations/{id}/close",
    operation_id="closeSupportConversation",
    summary="Close a support conversation",
    description=(
        "Its customer or staff close it; closing a closed conversation changes nothing. The "
        "agent's freed place goes to the next waiting conversation."
    ),
    response_model=Conversation,
    responses=responses_for(400, 401, 403, 404),
)
async def close_conversation(
    request: Request, caller: Talker, conversation: Writable, session: SessionDep
) -> Response:
    row = await service.close(session, caller, conversation)
    return resource_response(request, conversation_payload(row))


@router.post(
    "/v1/support/conversations/{id}/takeover",
    operation_id="takeOverSupportConversation",
    summary="Take a support conversation over",
    description="Staff only: become the conversation's agent (from the queue or another agent).",
    response_model=Conversation,
    responses=responses_for(400, 401, 403, 404, 409),
)
async def take_over(
    request: Request, agent: Agent, conversation: Writable, session: SessionDep
) -> Response:
    row = await service.take_over(session, agent, conversation)
    return resource_response(request, conversation_payload(row))
