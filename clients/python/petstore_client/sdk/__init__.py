"""The hand-written part of the SDK: :class:`Petstore` keeps a session (tenant, tokens renewed
on their own, POSTs with idempotency keys and safe retries) and adds what the generator cannot
write from the document (QUERY search, the chat's event stream, OAuth client credentials).
Everything else in ``petstore_client`` is generated (``scripts/sdk.sh``): call an operation
as ``petstore_client.api.pet.get_pet.sync(id, client=store.api)``."""

from petstore_client.sdk.auth import TokenAuth, Tokens
from petstore_client.sdk.errors import PetstoreError
from petstore_client.sdk.session import Petstore, succeeded, unwrap

__all__ = ["Petstore", "PetstoreError", "TokenAuth", "Tokens", "succeeded", "unwrap"]
