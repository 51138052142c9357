from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    cast,
)
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.pet_data import PetData


T = TypeVar("T", bound="PetCreatedEvent")


@_attrs_define
class PetCreatedEvent:
    """
    Attributes:
        event_id (UUID): UUIDv7; also the `webhook-id` header.
        timestamp (datetime.datetime):
        event_type (Literal['pet.created']):
        data (PetData):
    """

    event_id: UUID
    timestamp: datetime.datetime
    event_type: Literal["pet.created"]
    data: PetData

    def to_dict(self) -> dict[str, Any]:
        event_id = str(self.event_id)

        timestamp = self.timestamp.isoformat()

        event_type = self.event_type

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "eventId": event_id,
                "timestamp": timestamp,
                "eventType": event_type,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pet_data import PetData  # noqa: PLC0415

        d = dict(src_dict)
        event_id = UUID(d.pop("eventId"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        event_type = cast(Literal["pet.created"], d.pop("eventType"))
        if event_type != "pet.created":
            raise ValueError(
                f"eventType must match const 'pet.created', got '{event_type}'"
            )

        data = PetData.from_dict(d.pop("data"))

        pet_created_event = cls(
            event_id=event_id,
            timestamp=timestamp,
            event_type=event_type,
            data=data,
        )

        return pet_created_event
