"""``X-Tenant-ID`` scoping. Every row carries a tenant key; the empty string is the shared pool.

Storing the shared pool as ``""`` instead of NULL lets unique constraints (username per tenant)
work the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header

from petstore.core.errors import validation_failed

SHARED_POOL = ""


async def tenant_from_header(  # async: FastAPI runs sync dependencies in a thread
    x_tenant_id: Annotated[
        uuid.UUID | None,
        Header(
            alias="X-Tenant-ID",
            description=(
                "Scopes every read and write to one tenant. Omit it to use the shared pool. "
                "Must be a UUID."
            ),
            examples=["550e8400-e29b-41d4-a716-446655440000"],
        ),
    ] = None,
) -> str:
    return str(x_tenant_id) if x_tenant_id is not None else SHARED_POOL


TenantDep = Annotated[str, Depends(tenant_from_header)]


def tenant_of(value: str | None, field: str = "X-Tenant-ID") -> str:
    """The tenant a door was given as text (a header, gRPC metadata, a query parameter):
    none is the shared pool; anything but a UUID is refused, naming ``field``."""
    if not value:
        return SHARED_POOL
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise validation_failed(field, "must be a UUID", "uuid_parsing") from None


def tenant_id_out(tenant: str) -> str | None:
    """The API shows the shared pool as ``null``."""
    return tenant or None
