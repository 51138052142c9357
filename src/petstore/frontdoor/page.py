"""The front page as HTML: small, self-contained (no external assets, works offline), with a
strict Content-Security-Policy allowing only its one inline stylesheet."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from html import escape

from starlette.responses import HTMLResponse

from petstore.core.docs import ASSETS_PATH
from petstore.frontdoor.links import DoorLink, Section

POLICY = (
    "default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#1d2430;background:#fbfaf7}
h1{margin-bottom:0}h2{margin-top:2rem;font-size:1.1rem;border-bottom:1px solid #ddd}
.tag{color:#5b6472;margin-top:.2rem}ul{padding-left:1.2rem}li{margin:.3rem 0}
a{color:#0b57d0}code,pre{font:14px ui-monospace,monospace;background:#eef0f3;padding:.1rem .3rem}
pre{padding:.6rem;overflow-x:auto}.muted{color:#5b6472}
"""


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    password: str
    role: str


def _section(title: str, links: list[DoorLink]) -> str:
    items = "".join(
        f'<li><a href="{escape(link.href)}">{escape(link.title)}</a> '
        f'<span class="muted">{escape(link.description)}</span></li>'
        for link in links
    )
    return f"<h2>{escape(title)}</h2><ul>{items}</ul>" if items else ""


def _demo(accounts: list[DemoAccount]) -> str:
    if not accounts:
        return (
            '<h2>Demo accounts</h2><p class="muted">None yet: sign up below, or run '
            "<code>petstore seed --with-staff</code> for a staff account.</p>"
        )
    items = "".join(
        f"<li><code>{escape(a.username)}</code> / <code>{escape(a.password)}</code> "
        f'<span class="muted">({escape(a.role)}, demo only)</span></li>'
        for a in accounts
    )
    return f"<h2>Demo accounts</h2><ul>{items}</ul>"


def render(
    version: str, base: str, links: list[DoorLink], accounts: list[DemoAccount]
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(18)
    sections = "".join(_section(s.value, [k for k in links if k.section is s]) for s in Section)
    walkthrough = (
        f"curl {base}/v1/pets\n"
        f"curl -X POST {base}/v1/users -H 'Content-Type: application/json' \\\n"
        '  -d \'{"username": "sam", "email": "sam@example.com", '
        '"password": "a long walk in the park"}\'\n'
        f"curl -X POST {base}/v1/auth/tokens -H 'Content-Type: application/json' \\\n"
        '  -d \'{"username": "sam", "password": "a long walk in the park"}\''
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        # Swagger UI's icon, served by the app: without a link the browser asks /favicon.ico.
        f'<link rel="icon" href="{ASSETS_PATH}/favicon.png">'
        f'<title>Petstore</title><style nonce="{nonce}">{STYLE}</style></head><body>'
        f'<h1>Petstore</h1><p class="tag">The Modern Petstore API, version {escape(version)}.'
        "</p>"
        f"{sections}{_demo(accounts)}"
        f"<h2>Try it</h2><pre>{escape(walkthrough)}</pre>"
        "</body></html>"
    )
    headers = {"Content-Security-Policy": POLICY.format(nonce=nonce), "X-Frame-Options": "DENY"}
    return HTMLResponse(html, headers=headers)
