"""Imports every table module so ``Base.metadata`` is complete (for Alembic)."""

from __future__ import annotations


def import_all_models() -> None:
    import petstore.auth.models
    import petstore.classic.models
    import petstore.core.idempotency
    import petstore.core.outbox
    import petstore.core.secrets
    import petstore.images.models
    import petstore.mqtt.models
    import petstore.oauth.models
    import petstore.payments.models
    import petstore.pets.models
    import petstore.store.models
    import petstore.support.models
    import petstore.users.models
    import petstore.webhooks.models  # noqa: F401
