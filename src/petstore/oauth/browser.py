"""The browser side of the flows: a signed session cookie and CSRF tokens.

The session cookie holds a random session id and, after login, the user and tenant; it is
HMAC-signed with a key derived from the token-signing key and lives 15 minutes. Every form
carries a CSRF token that is an HMAC of the session id, so a form posted from another site
(which cannot read our cookie or our pages) is refused. Logging in rotates the session id
(no session fixation). The pages themselves are in :mod:`petstore.oauth.templates`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

COOKIE = "petstore_oauth_session"
SESSION_SECONDS = 15 * 60
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True, slots=True)
class BrowserSession:
    sid: str
    user_id: uuid.UUID | None = None
    tenant: str | None = None
    username: str | None = None
    expires: int = 0

    def signed_in(self, tenant: str) -> bool:
        return self.user_id is not None and self.tenant == tenant


class Sessions:
    """Signs and reads the session cookie; makes and checks CSRF tokens."""

    # What the HMAC key is derived for from the signing key (KeyRing.derived_key)
    KEY_PURPOSE = b"petstore oauth browser session v1"

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _sign(self, data: bytes) -> str:
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def read(self, request: Request) -> BrowserSession | None:
        raw = request.cookies.get(COOKIE)
        if not raw or "." not in raw:
            return None
        payload, _, signature = raw.rpartition(".")
        if not hmac.compare_digest(self._sign(payload.encode()), signature):
            return None
        try:
            data: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(payload.encode()))
            session = BrowserSession(
                sid=str(data["sid"]),
                user_id=uuid.UUID(data["uid"]) if data.get("uid") else None,
                tenant=data.get("tid"),
                username=data.get("usr"),
                expires=int(data["exp"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > time.time() else None

    def new(
        self,
        user_id: uuid.UUID | None = None,
        tenant: str | None = None,
        username: str | None = None,
    ) -> BrowserSession:
        return BrowserSession(
            sid=secrets.token_urlsafe(16),
            user_id=user_id,
            tenant=tenant,
            username=username,
            expires=int(time.time()) + SESSION_SECONDS,
        )

    def current(self, request: Request) -> tuple[BrowserSession, bool]:
        """The valid session of this browser, or a new anonymous one (``True``: set it)."""
        session = self.read(request)
        return (session, False) if session is not None else (self.new(), True)

    def set_cookie(self, response: Response, session: BrowserSession, secure: bool) -> None:
        data = {
            "sid": session.sid,
            "uid": str(session.user_id) if session.user_id else None,
            "tid": session.tenant,
            "usr": session.username,
            "exp": session.expires,
        }
        payload = base64.urlsafe_b64encode(orjson.dumps(data)).decode()
        response.set_cookie(
            COOKIE,
            f"{payload}.{self._sign(payload.encode())}",
            max_age=SESSION_SECONDS,
            path="/",
            httponly=True,
            secure=secure,
            samesite="lax",
        )

    def csrf_token(self, session: BrowserSession) -> str:
        return self._sign(f"csrf|{session.sid}".encode())

    def csrf_ok(self, session: BrowserSession | None, token: str | None) -> bool:
        if session is None or not token:
            return False
        return hmac.compare_digest(self.csrf_token(session), token)
