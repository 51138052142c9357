"""A complete, valid pet: tests create it as is, or override the fields they are about."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI

from tests.support.accounts import Account
from tests.support.apps import make_client

PET: dict[str, Any] = {
    "name": "Biscuit",
    "species": "DOG",
    "breed": "Beagle",
    "ageMonths": 14,
    "size": "MEDIUM",
    "gender": "FEMALE",
    "goodWithKids": True,
    "price": "120.00",
    "currency": "USD",
    "status": "AVAILABLE",
    "description": "Follows her nose everywhere.",
    "medicalInfo": {"vaccinated": True, "spayedNeutered": False},
}

# The ``make_pet`` fixture: creates a pet from ``PET`` with the given fields, as staff.
MakePet = Callable[..., Awaitable[dict[str, Any]]]


async def pet_in(app: FastAPI, staff: Account, tenant: str, **fields: Any) -> dict[str, Any]:
    """A pet created by ``staff`` in ``tenant`` (any tenant: tests of tenancy put pets where
    the test's own users must never see them)."""
    async with make_client(app, tenant) as client:
        created = await client.post("/v1/pets", json={**PET, **fields}, headers=staff.auth)
    assert created.status_code == 201, created.text
    pet: dict[str, Any] = created.json()
    return pet
