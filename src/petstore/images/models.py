"""The ``pet_images`` table: metadata only; the bytes are in storage under ``key``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base


class PetImage(Base):
    __tablename__ = "pet_images"
    __table_args__ = (
        Index("ix_pet_images_pet", "pet_id", "id"),
        Index("ix_pet_images_key", "key"),
        Index("ix_pet_images_thumb_key", "thumb_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(36))
    pet_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("pets.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    thumb_bytes: Mapped[int] = mapped_column(Integer)
    additional_metadata: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
