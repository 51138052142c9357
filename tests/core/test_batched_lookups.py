"""The lookups by many ids that batching doors (GraphQL DataLoaders) build on, and the unit of
work every door ends its operations with: on SQLite and PostgreSQL, through the services."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI

from petstore.container import container_of
from petstore.core.database import on_commit, on_rollback, unit_of_work
from petstore.images import service as images
from petstore.pets import service as pets
from petstore.users import service as users
from tests.support.accounts import Account
from tests.support.images import blank_png
from tests.support.pets import MakePet


async def test_pets_by_ids_keeps_to_the_tenant_and_leaves_unknown_ids_out(
    app: FastAPI, make_pet: MakePet, tenant: str
) -> None:
    first, second = await make_pet(name="One"), await make_pet(name="Two")
    wanted = [uuid.UUID(first["id"]), uuid.UUID(second["id"]), uuid.uuid4()]
    async with unit_of_work(container_of(app).sessionmaker, write=False) as session:
        found = await pets.pets_by_ids(session, tenant, wanted)
        elsewhere = await pets.pets_by_ids(session, str(uuid.uuid4()), wanted)
        nothing = await pets.pets_by_ids(session, tenant, [])
    assert {pet_id: pet.name for pet_id, pet in found.items()} == {
        wanted[0]: "One",
        wanted[1]: "Two",
    }
    assert elsewhere == {}
    assert nothing == {}


async def test_users_by_ids_keeps_to_the_tenant(
    app: FastAPI, client: httpx.AsyncClient, user: Account, tenant: str
) -> None:
    me = uuid.UUID((await client.get("/v1/users/me", headers=user.auth)).json()["id"])
    async with unit_of_work(container_of(app).sessionmaker, write=False) as session:
        found = await users.users_by_ids(session, tenant, [me, uuid.uuid4()])
        elsewhere = await users.users_by_ids(session, str(uuid.uuid4()), [me])
    assert list(found) == [me]
    assert found[me].username == user.username
    assert elsewhere == {}


async def test_images_of_pets_groups_them_per_pet_oldest_first(
    app: FastAPI, client: httpx.AsyncClient, make_pet: MakePet, staff: Account, tenant: str
) -> None:
    pictured, bare = await make_pet(), await make_pet()
    uploaded = []
    for size in (8, 9):
        response = await client.post(
            f"/v1/pets/{pictured['id']}/images",
            files={"file": ("pet.png", blank_png(size, size), "image/png")},
            headers=staff.auth,
        )
        assert response.status_code == 201, response.text
        uploaded.append(uuid.UUID(response.json()["image"]["id"]))
    ids = [uuid.UUID(pictured["id"]), uuid.UUID(bare["id"])]
    async with unit_of_work(container_of(app).sessionmaker, write=False) as session:
        found = await images.images_of_pets(session, tenant, ids)
        elsewhere = await images.images_of_pets(session, str(uuid.uuid4()), ids)
    assert [image.id for image in found[ids[0]]] == uploaded
    assert found[ids[1]] == []
    assert all(not shown for shown in elsewhere.values())


async def test_unit_of_work_commits_or_rolls_back_and_runs_the_callbacks(
    app: FastAPI, make_pet: MakePet, tenant: str
) -> None:
    pet_id = uuid.UUID((await make_pet(name="Before"))["id"])
    sessionmaker = container_of(app).sessionmaker
    ran: list[str] = []

    async def note_commit() -> None:
        ran.append("commit")

    async def note_rollback() -> None:
        ran.append("rollback")

    async def fail_after_a_change() -> None:
        async with unit_of_work(sessionmaker, write=True) as session:
            (await pets.get_pet(session, tenant, pet_id)).name = "Lost"
            await session.flush()
            on_commit(session, note_commit)
            on_rollback(session, note_rollback)
            raise RuntimeError("the operation failed")

    with pytest.raises(RuntimeError):
        await fail_after_a_change()
    async with unit_of_work(sessionmaker, write=True) as session:
        assert (await pets.get_pet(session, tenant, pet_id)).name == "Before"
        (await pets.get_pet(session, tenant, pet_id)).name = "Kept"
        on_commit(session, note_commit)
        on_rollback(session, note_rollback)
    async with unit_of_work(sessionmaker, write=False) as session:
        assert (await pets.get_pet(session, tenant, pet_id)).name == "Kept"
    assert ran == ["rollback", "commit"]
