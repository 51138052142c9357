"""The events of the pets domain: declared once, here; raised by :mod:`petstore.pets.service`."""

from __future__ import annotations

from pydantic import Field

from petstore.core.events import EventType
from petstore.core.schemas import OutputModel
from petstore.pets.schemas import Pet, PetStatus


class PetData(OutputModel):
    pet: Pet


class PetStatusChangedData(OutputModel):
    pet: Pet
    previousStatus: PetStatus  # noqa: N815
    newStatus: PetStatus  # noqa: N815
    changedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    changedBy: str = Field(description="A user id, or `system`.")  # noqa: N815


class PetAdoptedData(OutputModel):
    pet: Pet
    adoptedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815


PET_CREATED = EventType("pet.created", "PetCreated", "A pet was added to the catalog", PetData)
PET_AVAILABLE = EventType("pet.available", "PetAvailable", "A pet is available", PetData)
PET_ADOPTED = EventType("pet.adopted", "PetAdopted", "A pet was adopted", PetAdoptedData)
PET_STATUS_CHANGED = EventType(
    "pet.statusChanged", "PetStatusChanged", "A pet's status changed", PetStatusChangedData
)
EVENTS = (PET_CREATED, PET_AVAILABLE, PET_ADOPTED, PET_STATUS_CHANGED)
