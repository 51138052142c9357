"""``Idempotency-Key`` on POST: the ASGI middleware (:mod:`.middleware`), the guard around each
POST endpoint where a retry is answered (:mod:`.guard`), its table (:mod:`.models`) and its
queries (:mod:`.repository`)."""

from petstore.core.idempotency.guard import OneTimeSecret, is_guarded, secret_fields
from petstore.core.idempotency.middleware import IdempotencyMiddleware
from petstore.core.idempotency.models import IdempotencyKey

__all__ = [
    "IdempotencyKey",
    "IdempotencyMiddleware",
    "OneTimeSecret",
    "is_guarded",
    "secret_fields",
]
