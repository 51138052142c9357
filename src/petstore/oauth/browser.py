"""The browser side of the flows: a signed session cookie, CSRF tokens and the HTML pages.

The session cookie holds a random session id and, after login, the user and tenant; it is
HMAC-signed with a key derived from the token-signing key and lives 15 minutes. Every form
carries a CSRF token that is an HMAC of the session id, so a form posted from another site
(which cannot read our cookie or our pages) is refused. Logging in rotates the session id
(no session fixation).

Pages are self-contained: no scripts, one inline stylesheet allowed by a per-response nonce,
``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` (no clickjacking of the consent
button), ``form-action`` limited to this server and the one validated redirect target.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlsplit

import orjson
from fastapi import Request
from starlette.responses import HTMLResponse, Response

from petstore.auth.scopes import SCOPE_DESCRIPTIONS

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


# --- pages --------------------------------------------------------------------------------

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;background:#f4f1ea;color:#222;margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:12px;
box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;
border:1px solid #bbb;border-radius:6px;font-size:1rem}
button{margin-top:1.2rem;padding:.6rem 1.2rem;border:0;border-radius:6px;font-size:1rem;
cursor:pointer;background:#2f6f4f;color:#fff}button.secondary{background:#888}
.error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:6px}
.muted{color:#666;font-size:.9rem}code{font-size:1.1rem;letter-spacing:.1em}
ul.scopes li{margin:.3rem 0}
"""


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def html_page(
    title: str, body: str, *, status: int = 200, redirect_target: str | None = None
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    form_action = "'self'"
    origin = _origin(redirect_target)
    if origin:
        form_action += f" {origin}"
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - Petstore</title>"
        f'<style nonce="{nonce}">{STYLE}</style></head>'
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(
        document,
        status_code=status,
        headers={
            "Content-Security-Policy": (
                f"default-src 'none'; style-src 'nonce-{nonce}'; form-action {form_action}; "
                "frame-ancestors 'none'; base-uri 'none'"
            ),
            "X-Frame-Options": "DENY",
            "Cache-Control": "no-store",
            "Pragma": "no-cache",
        },
    )


def _hidden(fields: Iterable[tuple[str, str]]) -> str:
    return "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields
    )


def _error(message: str | None) -> str:
    return f'<p class="error" role="alert">{escape(message)}</p>' if message else ""


def _tenant_line(tenant: str) -> str:
    label = escape(tenant) if tenant else "the shared pool"
    return f'<p class="muted">Tenant: {label}</p>'


def login_form(
    *,
    action: str,
    csrf: str,
    client_name: str,
    tenant: str,
    tenant_editable: bool,
    hidden: Iterable[tuple[str, str]] = (),
    error: str | None = None,
    username: str = "",
) -> str:
    tenant_field = (
        '<label for="tenant">Tenant (optional)</label>'
        f'<input type="text" id="tenant" name="tenant" value="{escape(tenant)}" '
        'placeholder="shared pool" autocomplete="off">'
        if tenant_editable
        else _tenant_line(tenant)
    )
    return (
        f"<h1>Sign in to Petstore</h1>"
        f"<p><strong>{escape(client_name)}</strong> wants to use your account.</p>"
        f"{_error(error)}"
        f'<form method="post" action="{escape(action)}">'
        f"{_hidden([(CSRF_FIELD, csrf), ('action', 'login'), *hidden])}"
        '<label for="username">Username</label>'
        f'<input type="text" id="username" name="username" value="{escape(username)}" '
        'autocomplete="username" required autofocus>'
        '<label for="password">Password</label>'
        '<input type="password" id="password" name="password" '
        'autocomplete="current-password" required>'
        f"{tenant_field}"
        '<button type="submit" id="sign-in">Sign in</button></form>'
    )


def consent_form(
    *,
    action: str,
    csrf: str,
    client_name: str,
    username: str,
    tenant: str,
    scopes: Iterable[str],
    withheld: Iterable[str] = (),
    hidden: Iterable[tuple[str, str]] = (),
    note: str | None = None,
) -> str:
    items = "".join(
        f"<li><code>{escape(s)}</code>: {escape(SCOPE_DESCRIPTIONS.get(s, s))}</li>"
        for s in sorted(scopes)
    )
    withheld = sorted(withheld)
    withheld_note = (
        '<p class="muted">Not available to your account, so not granted: '
        + ", ".join(f"<code>{escape(s)}</code>" for s in withheld)
        + "</p>"
        if withheld
        else ""
    )
    return (
        f"<h1>Allow access?</h1>"
        f"<p><strong>{escape(client_name)}</strong> asks to act as "
        f"<strong>{escape(username)}</strong> with these permissions:</p>"
        f'<ul class="scopes">{items}</ul>{withheld_note}{_tenant_line(tenant)}'
        f"{f'<p>{escape(note)}</p>' if note else ''}"
        f'<form method="post" action="{escape(action)}">'
        f"{_hidden([(CSRF_FIELD, csrf), *hidden])}"
        '<button type="submit" name="action" value="approve" id="approve">Allow</button> '
        '<button type="submit" name="action" value="deny" id="deny" class="secondary">'
        "Deny</button> "
        '<button type="submit" name="action" value="switch" id="switch" class="secondary">'
        "Use another account</button></form>"
    )


def device_code_form(
    *, action: str, csrf: str, user_code: str = "", error: str | None = None
) -> str:
    return (
        "<h1>Connect a device</h1>"
        "<p>Enter the code shown on your device.</p>"
        f"{_error(error)}"
        f'<form method="post" action="{escape(action)}">'
        f"{_hidden([(CSRF_FIELD, csrf), ('action', 'lookup')])}"
        '<label for="user_code">Code</label>'
        f'<input type="text" id="user_code" name="user_code" value="{escape(user_code)}" '
        'autocomplete="off" autocapitalize="characters" required autofocus '
        'placeholder="XXXX-XXXX">'
        '<button type="submit" id="continue">Continue</button></form>'
    )


def message(title: str, text: str, *, status: int = 200) -> HTMLResponse:
    return html_page(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>", status=status)
