from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.conversation_status import ConversationStatus

T = TypeVar("T", bound="Conversation")


@_attrs_define
class Conversation:
    """
    Attributes:
        id (UUID):
        customer_id (UUID):
        agent_id (None | UUID):
        status (ConversationStatus):
        tenant_id (None | UUID):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        assigned_at (None | str):
        closed_at (None | str):
    """

    id: UUID
    customer_id: UUID
    agent_id: None | UUID
    status: ConversationStatus
    tenant_id: None | UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    assigned_at: None | str
    closed_at: None | str

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        customer_id = str(self.customer_id)

        agent_id: None | str
        if isinstance(self.agent_id, UUID):
            agent_id = str(self.agent_id)
        else:
            agent_id = self.agent_id

        status = self.status.value

        tenant_id: None | str
        if isinstance(self.tenant_id, UUID):
            tenant_id = str(self.tenant_id)
        else:
            tenant_id = self.tenant_id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        assigned_at: None | str
        assigned_at = self.assigned_at

        closed_at: None | str
        closed_at = self.closed_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "customerId": customer_id,
                "agentId": agent_id,
                "status": status,
                "tenantId": tenant_id,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "assignedAt": assigned_at,
                "closedAt": closed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        customer_id = UUID(d.pop("customerId"))

        def _parse_agent_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                agent_id_type_0 = UUID(data)

                return agent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        agent_id = _parse_agent_id(d.pop("agentId"))

        status = ConversationStatus(d.pop("status"))

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

        def _parse_assigned_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        assigned_at = _parse_assigned_at(d.pop("assignedAt"))

        def _parse_closed_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        closed_at = _parse_closed_at(d.pop("closedAt"))

        conversation = cls(
            id=id,
            customer_id=customer_id,
            agent_id=agent_id,
            status=status,
            tenant_id=tenant_id,
            created_at=created_at,
            updated_at=updated_at,
            assigned_at=assigned_at,
            closed_at=closed_at,
        )

        return conversation
