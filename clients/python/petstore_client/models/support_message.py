from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.sender_role import SenderRole

T = TypeVar("T", bound="SupportMessage")


@_attrs_define
class SupportMessage:
    """
    Attributes:
        id (UUID):
        conversation_id (UUID):
        sender_id (None | UUID):
        sender_role (SenderRole):
        client_id (None | str):
        text (str):
        created_at (datetime.datetime):
        delivered_at (None | str):
        read_at (None | str):
    """

    id: UUID
    conversation_id: UUID
    sender_id: None | UUID
    sender_role: SenderRole
    client_id: None | str
    text: str
    created_at: datetime.datetime
    delivered_at: None | str
    read_at: None | str

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        conversation_id = str(self.conversation_id)

        sender_id: None | str
        if isinstance(self.sender_id, UUID):
            sender_id = str(self.sender_id)
        else:
            sender_id = self.sender_id

        sender_role = self.sender_role.value

        client_id: None | str
        client_id = self.client_id

        text = self.text

        created_at = self.created_at.isoformat()

        delivered_at: None | str
        delivered_at = self.delivered_at

        read_at: None | str
        read_at = self.read_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "conversationId": conversation_id,
                "senderId": sender_id,
                "senderRole": sender_role,
                "clientId": client_id,
                "text": text,
                "createdAt": created_at,
                "deliveredAt": delivered_at,
                "readAt": read_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        conversation_id = UUID(d.pop("conversationId"))

        def _parse_sender_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sender_id_type_0 = UUID(data)

                return sender_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        sender_id = _parse_sender_id(d.pop("senderId"))

        sender_role = SenderRole(d.pop("senderRole"))

        def _parse_client_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_id = _parse_client_id(d.pop("clientId"))

        text = d.pop("text")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        def _parse_delivered_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        delivered_at = _parse_delivered_at(d.pop("deliveredAt"))

        def _parse_read_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        read_at = _parse_read_at(d.pop("readAt"))

        support_message = cls(
            id=id,
            conversation_id=conversation_id,
            sender_id=sender_id,
            sender_role=sender_role,
            client_id=client_id,
            text=text,
            created_at=created_at,
            delivered_at=delivered_at,
            read_at=read_at,
        )

        return support_message
