"""What the tools return (their ``outputSchema``): the REST door's models where one fits, and
the few shapes of this door's own."""

from __future__ import annotations

from pydantic import BaseModel, Field

from petstore.core.pagination import Pagination
from petstore.pets.schemas import Pet
from petstore.store.schemas import Order


class PetPage(BaseModel):
    data: list[Pet]
    pagination: Pagination


class OrderPage(BaseModel):
    data: list[Order]
    pagination: Pagination


class AdvisorAnswer(BaseModel):
    answer: str = Field(description="The advisor's reply; it names only pets available now.")
    model: str
