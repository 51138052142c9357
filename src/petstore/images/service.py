"""Image rules: staff upload to an existing pet, clean copies only, files and rows written or
removed together.

Files are written before the row; if the transaction then rolls back, the files are removed
(unless another image already uses the same content). Deleting removes files only after the
deletion has committed.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.core.database import Callback, on_commit, on_rollback
from petstore.core.errors import conflict, not_found
from petstore.core.ids import new_id, utcnow
from petstore.images import repository
from petstore.images.models import PetImage
from petstore.images.processing import process
from petstore.images.schemas import image_url as image_url
from petstore.images.storage import ImageStorage, content_key
from petstore.pets.models import Pet
from petstore.pets.schemas import MAX_PHOTOS


async def images_of_pets(
    session: AsyncSession, tenant: str, pet_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[PetImage]]:
    """Every image of each of these pets, oldest first, in one statement (DataLoaders)."""
    found: dict[uuid.UUID, list[PetImage]] = {pet_id: [] for pet_id in pet_ids}
    for image in await repository.of_pets(session, tenant, pet_ids):
        found[image.pet_id].append(image)
    return found


async def _unreferenced(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Iterable[str]
) -> list[str]:
    wanted = list(dict.fromkeys(keys))
    async with sessionmaker() as session:
        used = await repository.referenced_keys(session, wanted)
    return [key for key in wanted if key not in used]


def _remove_files_later(
    sessionmaker: async_sessionmaker[AsyncSession], storage: ImageStorage, keys: list[str]
) -> Callback:
    async def remove() -> None:
        for key in await _unreferenced(sessionmaker, keys):
            await storage.delete(key)

    return remove


async def add_image(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: ImageStorage,
    pet: Pet,
    data: bytes,
    metadata: str | None,
    base: str,
    *,
    max_pixels: int,
) -> PetImage:
    if len(pet.photos or []) >= MAX_PHOTOS:
        raise conflict(f"A pet has at most {MAX_PHOTOS} photos; delete one first.")
    clean = functools.partial(process, max_pixels=max_pixels)
    processed = await anyio.to_thread.run_sync(clean, data)  # CPU-bound: off the event loop
    full, thumb = processed.image, processed.thumbnail
    key = content_key(full.data, full.extension)
    thumb_key = content_key(thumb.data, thumb.extension)
    on_rollback(session, _remove_files_later(sessionmaker, storage, [key, thumb_key]))
    await storage.put(key, full.data)
    await storage.put(thumb_key, thumb.data)

    async def ensure_files() -> None:
        # The same content may have been deleted (as another image) while this upload was
        # in flight; writing again is a no-op when the files are there.
        await storage.put(key, full.data)
        await storage.put(thumb_key, thumb.data)

    on_commit(session, ensure_files)
    image = PetImage(
        id=new_id(),
        tenant=pet.tenant,
        pet_id=pet.id,
        key=key,
        thumb_key=thumb_key,
        content_type=full.content_type,
        width=full.width,
        height=full.height,
        bytes=len(full.data),
        thumb_width=thumb.width,
        thumb_height=thumb.height,
        thumb_bytes=len(thumb.data),
        additional_metadata=metadata,
        created_at=utcnow(),
    )
    pet.photos = [*(pet.photos or []), image_url(base, pet.id, image.id)]
    pet.updated_at = utcnow()
    await repository.add(session, image)
    return image


async def get_image(
    session: AsyncSession, tenant: str, pet_id: uuid.UUID, image_id: uuid.UUID
) -> PetImage:
    image = await repository.get(session, tenant, pet_id, image_id)
    if image is None:
        raise not_found("image", image_id)
    return image


async def delete_image(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: ImageStorage,
    pet: Pet,
    image: PetImage,
) -> None:
    await repository.remove(session, image.id)
    suffix = f"/images/{image.id}"
    pet.photos = [url for url in (pet.photos or []) if not url.endswith(suffix)]
    pet.updated_at = utcnow()
    await session.flush()
    on_commit(session, _remove_files_later(sessionmaker, storage, [image.key, image.thumb_key]))


async def forget_pet_images(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: ImageStorage,
    pet: Pet,
) -> None:
    """Before a pet is deleted (its rows go by cascade): remove its files once committed."""
    keys = await repository.keys_of_pet(session, pet.id)
    if keys:
        on_commit(session, _remove_files_later(sessionmaker, storage, keys))


async def forget_tenant_images(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: ImageStorage,
    tenant: str,
) -> None:
    """Before all of a tenant's pets are deleted: remove their image files once committed."""
    keys = await repository.keys_in_tenant(session, tenant)
    if keys:
        on_commit(session, _remove_files_later(sessionmaker, storage, keys))
