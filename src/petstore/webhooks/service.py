"""Subscription rules: owner-or-staff access, SSRF-checked URLs, secrets shown once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.core.errors import conflict, not_found
from petstore.core.events import DomainEvent
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.core.outbound import OutboundPolicy, check_public_url
from petstore.core.settings import Settings
from petstore.webhooks import repository
from petstore.webhooks.models import Delivery, DeliveryAttempt, WebhookSubscription
from petstore.webhooks.schemas import WebhookCreate, WebhookUpdate
from petstore.webhooks.signing import new_secret
from petstore.webhooks.transport import WebhookTransport


@dataclass(frozen=True, slots=True)
class Caps:
    """How many subscriptions one user, and one tenant, may hold (staff included)."""

    per_user: int
    per_tenant: int

    @classmethod
    def of(cls, settings: Settings) -> Caps:
        """The configured caps, so every door applies the same numbers."""
        return cls(settings.webhook_max_per_user, settings.webhook_max_per_tenant)


async def create(
    session: AsyncSession,
    policy: OutboundPolicy,
    actor: Principal,
    tenant: str,
    data: WebhookCreate,
    caps: Caps,
) -> WebhookSubscription:
    """A new subscription, unless its URL is refused (422) or a cap is reached (409). The URL
    is checked (DNS) before the count, which takes the tenant's lock until the commit."""
    await check_public_url(policy, data.url)
    await _check_caps(session, actor, tenant, caps)
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
    await repository.add_subscription(session, sub)
    return sub


async def _check_caps(session: AsyncSession, actor: Principal, tenant: str, caps: Caps) -> None:
    mine, everyone = await repository.count_locked(session, tenant, actor.user_id)
    if mine >= caps.per_user:
        raise conflict(
            f"You already have {mine} webhook subscriptions, the most one user may have; "
            "delete one to add another.",
            limit=caps.per_user,
            limitPer="user",
        )
    if everyone >= caps.per_tenant:
        raise conflict(
            f"This tenant already has {everyone} webhook subscriptions, the most it may have; "
            "delete one to add another.",
            limit=caps.per_tenant,
            limitPer="tenant",
        )


async def visible(
    session: AsyncSession, actor: Principal, tenant: str, sub_id: uuid.UUID
) -> WebhookSubscription:
    sub = await repository.get_subscription(session, tenant, sub_id)
    if sub is None or not (actor.is_staff or sub.owner_id == actor.user_id):
        raise not_found("webhook", sub_id)
    return sub


async def list_for(
    session: AsyncSession, actor: Principal, tenant: str
) -> list[WebhookSubscription]:
    """Staff see every subscription of the tenant; others their own."""
    owner = None if actor.is_staff else actor.user_id
    return await repository.list_subscriptions(session, tenant, owner)


async def update(
    session: AsyncSession, policy: OutboundPolicy, sub: WebhookSubscription, data: WebhookUpdate
) -> WebhookSubscription:
    if data.url is not None:
        await check_public_url(policy, data.url)
        sub.url = data.url
    if data.events is not None:
        sub.events = sorted(set(data.events))
    if "description" in data.model_fields_set:
        sub.description = data.description
    if data.status is not None and data.status != sub.status:
        sub.status = data.status
        sub.disabled_reason = "disabled by its owner" if data.status == "DISABLED" else None
    sub.updated_at = utcnow()
    await repository.flush(session)
    return sub


async def remove(session: AsyncSession, sub: WebhookSubscription) -> None:
    await repository.remove_subscription(session, sub)


async def rotate_secret(session: AsyncSession, sub: WebhookSubscription) -> str:
    sub.secret = new_secret()
    sub.updated_at = utcnow()
    await repository.flush(session)
    return sub.secret


DISABLED = "The subscription is disabled; enable it to receive events."


async def send_test(
    session: AsyncSession, webhooks: WebhookTransport, sub: WebhookSubscription
) -> DomainEvent:
    """A ``webhook.test`` event for this subscription only (the ``ping`` of other servers)."""
    if sub.status != "ACTIVE":
        raise conflict(DISABLED)
    return await webhooks.send_test(
        session,
        sub,
        {
            "webhookId": str(sub.id),
            "message": "A test event from Petstore.",
            "sentAt": rfc3339(utcnow()),
        },
    )


async def deliveries(
    session: AsyncSession, sub: WebhookSubscription, limit: int = 100
) -> list[tuple[Delivery, str, list[DeliveryAttempt]]]:
    return await repository.deliveries_of(session, sub.id, limit)


async def redeliver(
    session: AsyncSession,
    webhooks: WebhookTransport,
    tenant: str,
    delivery_id: uuid.UUID,
    sub_id: uuid.UUID | None = None,
) -> tuple[Delivery, str]:
    """Send a past delivery again, as a new delivery (its own attempts and retries), with its
    event type. Not while the original is still PENDING (it is retried anyway), nor to a
    disabled subscription. ``sub_id`` limits the search to one subscription (the REST door's
    ``/v1/webhooks/{id}/deliveries/{deliveryId}``); access to it is checked by the caller."""
    found = await repository.delivery_in_tenant(session, tenant, delivery_id)
    if found is None or (sub_id is not None and found[1].id != sub_id):
        raise not_found("delivery", delivery_id)
    original, sub, event_type = found
    if sub.status != "ACTIVE":
        raise conflict(DISABLED)
    if original.status == "PENDING":
        raise conflict(
            "The delivery is still pending: it is retried on its schedule "
            "(see its nextRetryAt); redeliver it once it has succeeded or failed."
        )
    return await webhooks.redeliver(session, original), event_type
