"""Signatures on outgoing events.

Standard Webhooks (``webhook-id``, ``webhook-timestamp``, ``webhook-signature: v1,<base64>``)
through the ``standardwebhooks`` library, plus ``X-Webhook-Signature: sha256=<hex>`` (an
HMAC-SHA256 of the raw body with the same secret) for clients of the reference API.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signed_headers(secret: str, message_id: str, moment: datetime, body: str) -> dict[str, str]:
    signature = Webhook(secret).sign(message_id, moment, body)
    legacy = hmac.new(_key(secret), body.encode(), hashlib.sha256).hexdigest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
        "X-Webhook-Signature": f"sha256={legacy}",
        "Content-Type": "application/json",
        "User-Agent": "petstore-webhooks/1",
    }
