"""``Idempotency-Key`` on POST: the ASGI middleware (:mod:`.middleware`), its table
(:mod:`.models`) and its queries (:mod:`.repository`)."""

from petstore.core.idempotency.middleware import IdempotencyMiddleware
from petstore.core.idempotency.models import IdempotencyKey

__all__ = ["IdempotencyKey", "IdempotencyMiddleware"]
