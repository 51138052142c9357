from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.webhook_with_secret_status import WebhookWithSecretStatus

if TYPE_CHECKING:
    from ..models.webhook_with_secret_links import WebhookWithSecretLinks


T = TypeVar("T", bound="WebhookWithSecret")


@_attrs_define
class WebhookWithSecret:
    """
    Attributes:
        id (UUID):
        url (str):
        events (list[str]):
        description (None | str):
        status (WebhookWithSecretStatus):
        disabled_reason (None | str):
        tenant_id (None | UUID):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        links (WebhookWithSecretLinks):
        secret (None | str): The signing secret; shown only now, keep it safe. `null` in an idempotent replay
            (`Idempotent-Redacted: secret`): replays never carry it; rotate it for a new one.
    """

    id: UUID
    url: str
    events: list[str]
    description: None | str
    status: WebhookWithSecretStatus
    disabled_reason: None | str
    tenant_id: None | UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    links: WebhookWithSecretLinks
    secret: None | str

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        url = self.url

        events = self.events

        description: None | str
        description = self.description

        status = self.status.value

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        tenant_id: None | str
        if isinstance(self.tenant_id, UUID):
            tenant_id = str(self.tenant_id)
        else:
            tenant_id = self.tenant_id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        links = self.links.to_dict()

        secret: None | str
        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "url": url,
                "events": events,
                "description": description,
                "status": status,
                "disabledReason": disabled_reason,
                "tenantId": tenant_id,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "links": links,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_with_secret_links import WebhookWithSecretLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        url = d.pop("url")

        events = cast(list[str], d.pop("events"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        status = WebhookWithSecretStatus(d.pop("status"))

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabledReason"))

        def _parse_tenant_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                tenant_id_type_0 = UUID(data)

                return tenant_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        tenant_id = _parse_tenant_id(d.pop("tenantId"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        links = WebhookWithSecretLinks.from_dict(d.pop("links"))

        def _parse_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        secret = _parse_secret(d.pop("secret"))

        webhook_with_secret = cls(
            id=id,
            url=url,
            events=events,
            description=description,
            status=status,
            disabled_reason=disabled_reason,
            tenant_id=tenant_id,
            created_at=created_at,
            updated_at=updated_at,
            links=links,
            secret=secret,
        )

        return webhook_with_secret
