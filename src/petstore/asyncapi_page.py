"""``GET /v1/asyncapi``: the AsyncAPI document as a page for people, rendered here from the
document itself (no script, nothing fetched: it works offline and under a CSP that allows
nothing but its own inline style)."""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
)
STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#222}
h1{margin-bottom:.2rem}code,pre{font:13px ui-monospace,monospace}pre{background:#f6f6f6;
padding:.6rem;overflow:auto}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px
solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}section{margin:2rem 0}
.muted{color:#666}
"""


def _schema(document: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    ref = payload.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        found = document["components"]["schemas"].get(ref.rsplit("/", 1)[1])
        return found if isinstance(found, dict) else payload
    return payload


def _message_row(document: dict[str, Any], name: str, direction: str) -> str:
    message = document["components"]["messages"][name]
    schema = json.dumps(_schema(document, message.get("payload", {})), indent=2)
    return (
        f"<tr><td><code>{escape(message.get('name', name))}</code></td><td>{direction}</td>"
        f"<td>{escape(message.get('summary', ''))}<details><summary>payload</summary>"
        f"<pre>{escape(schema)}</pre></details></td></tr>"
    )


def _channel(document: dict[str, Any], channel_id: str, channel: dict[str, Any]) -> str:
    rows = []
    for operation in document["operations"].values():
        if operation["channel"]["$ref"] != f"#/channels/{channel_id}":
            continue
        direction = "server sends" if operation["action"] == "send" else "server receives"
        for ref in operation.get("messages", []):
            name = channel["messages"][ref["$ref"].rsplit("/", 1)[1]]["$ref"].rsplit("/", 1)[1]
            rows.append(_message_row(document, name, direction))
    return (
        f'<section id="{escape(channel_id)}"><h2><code>{escape(channel["address"])}</code></h2>'
        f"<p>{escape(channel.get('description', ''))}</p>"
        "<table><tr><th>message</th><th>direction</th><th>what</th></tr>"
        f"{''.join(rows)}</table></section>"
    )


def render(document: dict[str, Any]) -> str:
    info = document["info"]
    servers = "".join(
        f"<tr><td>{escape(name)}</td><td><code>{escape(s['protocol'])}://{escape(s['host'])}</code>"
        f"</td><td>{escape(s.get('description', ''))}</td></tr>"
        for name, s in document["servers"].items()
    )
    channels = "".join(_channel(document, cid, c) for cid, c in document["channels"].items())
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        f"{escape(info['title'])} - AsyncAPI</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(info["title"])}</h1><p class="muted">AsyncAPI {escape(document["asyncapi"])}'
        f' · version {escape(info["version"])} · <a href="/v1/asyncapi.json">JSON</a> · '
        f'<a href="/v1/asyncapi.yaml">YAML</a></p><p>{escape(info.get("description", ""))}</p>'
        f"<h2>Servers</h2><table><tr><th>name</th><th>URL</th><th>what</th></tr>{servers}</table>"
        f"<h2>Channels</h2>{channels}</body></html>"
    )


def install_page(router: APIRouter, build: Callable[[], dict[str, Any]]) -> None:
    page: list[str] = []

    @router.get("/v1/asyncapi", include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        if not page:
            page.append(render(build()))
        headers = {"Content-Security-Policy": PAGE_POLICY, "X-Frame-Options": "DENY"}
        return HTMLResponse(page[0], headers=headers)
