"""The HTML of the sign-in, consent and device pages.

Pages are self-contained: no scripts, one inline stylesheet allowed by a per-response nonce,
``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` (no clickjacking of the consent
button), ``form-action`` limited to this server and the one validated redirect target. Every
form carries the CSRF token of the browser session (:mod:`petstore.oauth.browser`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from html import escape
from urllib.parse import urlsplit

from starlette.responses import HTMLResponse

from petstore.auth.scopes import SCOPE_DESCRIPTIONS
from petstore.oauth.browser import CSRF_FIELD

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
