"""Subscription rules: owner-or-staff access, SSRF-checked URLs, secrets shown once."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.core.outbound import OutboundPolicy, OutboundRefused
from petstore.core.problems import conflict, not_found, validation_failed
from petstore.webhooks import outbox
from petstore.webhooks.models import Delivery, DeliveryAttempt, OutboxEvent, WebhookSubscription
from petstore.webhooks.schemas import WebhookCreate, WebhookUpdate
from petstore.webhooks.signing import new_secret


async def check_url(policy: OutboundPolicy, url: str, field: str = "url") -> None:
    try:
        await policy.resolve(url)
    except OutboundRefused as exc:
        raise validation_failed(field, str(exc), "url_refused") from exc


async def create(
    session: AsyncSession,
    policy: OutboundPolicy,
    actor: Principal,
    tenant: str,
    data: WebhookCreate,
) -> WebhookSubscription:
    await check_url(policy, data.url)
    now = utcnow()
    sub = WebhookSubscription(
        id=new_id(),
        tenant=tenant,
        owner_id=actor.user_id,
        url=data.url,
        events=sorted(set(data.events)),
        description=data.description,
        secret=new_secret(),
        status="ACTIVE",
        disabled_reason=None,
        created_at=now,
        updated_at=now,
    )
    session.add(sub)
    await session.flush()
    return sub


async def visible(
    session: AsyncSession, actor: Principal, tenant: str, sub_id: uuid.UUID
) -> WebhookSubscription:
    sub = await session.scalar(
        select(WebhookSubscription).where(
            WebhookSubscription.id == sub_id, WebhookSubscription.tenant == tenant
        )
    )
    if sub is None or not (actor.is_staff or sub.owner_id == actor.user_id):
        raise not_found("webhook", sub_id)
    return sub


async def list_for(
    session: AsyncSession, actor: Principal, tenant: str
) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).where(WebhookSubscription.tenant == tenant)
    if not actor.is_staff:
        query = query.where(WebhookSubscription.owner_id == actor.user_id)
    return list((await session.scalars(query.order_by(WebhookSubscription.id))).all())


async def update(
    session: AsyncSession, policy: OutboundPolicy, sub: WebhookSubscription, data: WebhookUpdate
) -> WebhookSubscription:
    if data.url is not None:
        await check_url(policy, data.url)
        sub.url = data.url
    if data.events is not None:
        sub.events = sorted(set(data.events))
    if "description" in data.model_fields_set:
        sub.description = data.description
    if data.status is not None and data.status != sub.status:
        sub.status = data.status
        sub.disabled_reason = "disabled by its owner" if data.status == "DISABLED" else None
    sub.updated_at = utcnow()
    await session.flush()
    return sub


async def remove(session: AsyncSession, sub: WebhookSubscription) -> None:
    await session.execute(delete(WebhookSubscription).where(WebhookSubscription.id == sub.id))


async def rotate_secret(session: AsyncSession, sub: WebhookSubscription) -> str:
    sub.secret = new_secret()
    sub.updated_at = utcnow()
    await session.flush()
    return sub.secret


async def send_test(session: AsyncSession, sub: WebhookSubscription) -> OutboxEvent:
    if sub.status != "ACTIVE":
        raise conflict("The subscription is disabled; enable it to receive events.")
    return await outbox.emit_to(
        session,
        sub,
        outbox.TEST_EVENT,
        {
            "webhookId": str(sub.id),
            "message": "A test event from Petstore.",
            "sentAt": rfc3339(utcnow()),
        },
    )


async def deliveries(
    session: AsyncSession, sub: WebhookSubscription, limit: int = 100
) -> list[tuple[Delivery, str, list[DeliveryAttempt]]]:
    rows = (
        await session.execute(
            select(Delivery, OutboxEvent.event_type)
            .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
            .where(Delivery.subscription_id == sub.id)
            .order_by(Delivery.id.desc())
            .limit(limit)
        )
    ).all()
    ids = [delivery.id for delivery, _ in rows]
    attempts: dict[uuid.UUID, list[DeliveryAttempt]] = defaultdict(list)
    if ids:
        for attempt in await session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id.in_(ids))
            .order_by(DeliveryAttempt.attempt)
        ):
            attempts[attempt.delivery_id].append(attempt)
    return [(delivery, event_type, attempts[delivery.id]) for delivery, event_type in rows]
