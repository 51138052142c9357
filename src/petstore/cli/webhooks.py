"""``petstore webhook ...``: the operator's side of webhook delivery (resending what a
receiver missed, e.g. after its outage; the server log names each delivery that gave up)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

import typer

from petstore.cli.common import TenantOption, operator_session
from petstore.cli.errors import OperatorError
from petstore.core.settings import Settings
from petstore.core.tenancy import SHARED_POOL
from petstore.webhooks import service
from petstore.webhooks.transport import WebhookTransport

app = typer.Typer(help="Webhook deliveries.", no_args_is_help=True)


def _delivery_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise OperatorError(f"a delivery id is a UUID, not {value!r}") from None


@app.command("redeliver")
def redeliver(
    delivery: Annotated[str, typer.Argument(help="The delivery's id (log or API).")],
    tenant: TenantOption = SHARED_POOL,
) -> None:
    """Queue a new delivery of a past one's exact body; a running server sends it."""
    delivery_id = _delivery_id(delivery)
    settings = Settings()

    async def run() -> uuid.UUID:
        async with operator_session(settings) as session:
            copy, _ = await service.redeliver(session, WebhookTransport(), tenant, delivery_id)
            await session.commit()
            return copy.id

    typer.echo(f"queued delivery {asyncio.run(run())} (a running server sends it)")
