"""The ``pets`` table. Money is stored in integer minor units; every list filter and sort the
API offers has an index that starts with the tenant and status (every query has both)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base


class Pet(Base):
    __tablename__ = "pets"
    __table_args__ = (
        Index("ix_pets_tenant_status_id", "tenant", "status", "id"),
        Index("ix_pets_tenant_status_species", "tenant", "status", "species", "id"),
        Index("ix_pets_tenant_status_size", "tenant", "status", "size", "id"),
        # A search sorts by (column, id), so its index ends with the id: the first page is
        # read in order instead of sorting every pet that shares the first value.
        Index("ix_pets_tenant_status_age", "tenant", "status", "age_months", "id"),
        Index("ix_pets_tenant_status_price", "tenant", "status", "price_minor", "id"),
        Index("ix_pets_tenant_status_name", "tenant", "status", "name", "id"),
        Index("ix_pets_tenant_status_kids", "tenant", "status", "good_with_kids", "id"),
        # Every column a list or search can filter on: counting the matches of any filter
        # (``totalItems``) is an index-only scan of this index, never a visit to each row.
        Index(
            "ix_pets_filter_count",
            "tenant",
            "status",
            "species",
            "size",
            "age_months",
            "good_with_kids",
            "vaccinated",
            "spayed_neutered",
            "special_needs",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(50))
    species: Mapped[str] = mapped_column(String(10))
    breed: Mapped[str | None] = mapped_column(String(100))
    age_months: Mapped[int] = mapped_column(Integer)
    size: Mapped[str | None] = mapped_column(String(10))
    color: Mapped[str | None] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(10))
    good_with_kids: Mapped[bool | None] = mapped_column(Boolean)
    price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    vaccinated: Mapped[bool | None] = mapped_column(Boolean)
    spayed_neutered: Mapped[bool | None] = mapped_column(Boolean)
    microchipped: Mapped[bool | None] = mapped_column(Boolean)
    special_needs: Mapped[bool | None] = mapped_column(Boolean)
    health_notes: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PetCount(Base):
    """How many pets a tenant has per status and species, kept exact by database triggers on
    ``pets`` (migration 0007) in the transaction of each change. The inventories and the
    totals of unfiltered lists read these few rows instead of counting 100,000 pets."""

    __tablename__ = "pet_counts"

    tenant: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    species: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
