"""GraphiQL, served by the app with no request to another host (it works offline, as
``/v1/docs`` does): React and GraphiQL come from the npm registry, pinned with their integrity
hashes in ``tools/web-assets/package-lock.json``, fetched by ``scripts/web_assets.py`` (the
serve and test commands run it) into ``PETSTORE_WEB_ASSETS_DIR``. The page is ours."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from petstore.container import container_of

ASSETS_PATH = "/v1/graphql/assets"
FILES = {
    "react.js": "react/umd/react.production.min.js",
    "react-dom.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.js": "graphiql/graphiql.min.js",
    "graphiql.css": "graphiql/graphiql.min.css",
}
MISSING = (
    "<!doctype html><title>GraphiQL</title><p>GraphiQL's browser assets are not installed: "
    "run <code>.venv/bin/python scripts/web_assets.py</code> (the serve and test commands do). "
    "The API itself answers at <code>POST /v1/graphql</code>.</p>"
)


def _page(nonce: str) -> str:
    scripts = "".join(
        f'<script nonce="{nonce}" src="{ASSETS_PATH}/{name}"></script>'
        for name in ("react.js", "react-dom.js", "graphiql.js")
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Petstore GraphQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{ASSETS_PATH}/graphiql.css">
<style nonce="{nonce}">html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL...</div>
{scripts}
<script nonce="{nonce}">
  const http = new URL("/v1/graphql", window.location.href);
  const ws = new URL(http); ws.protocol = http.protocol === "https:" ? "wss:" : "ws:";
  const fetcher = GraphiQL.createFetcher({{ url: http.href, subscriptionUrl: ws.href }});
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {{
      fetcher,
      defaultQuery: "query GetPets {{ pets {{ id name species breed ageMonths status }} }}",
      defaultEditorToolsVisibility: true,
    }})
  );
</script>
</body>
</html>
"""


def assets_dir(request: Request) -> Path:
    return container_of(request.app).settings.web_assets_dir


def graphiql_page(request: Request) -> HTMLResponse:
    if not all((assets_dir(request) / path).is_file() for path in FILES.values()):
        return HTMLResponse(MISSING, status_code=503)
    nonce = secrets.token_urlsafe(16)
    csp = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}' "
        "'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'"
    )
    return HTMLResponse(
        _page(nonce),
        headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"},
    )


router = APIRouter()


@router.get(f"{ASSETS_PATH}/{{name}}", include_in_schema=False)
async def asset(request: Request, name: str) -> Response:
    path = FILES.get(name)
    if path is None:
        return Response(status_code=404)
    file = assets_dir(request) / path
    if not file.is_file():
        return Response(status_code=404)
    return FileResponse(file, headers={"Cache-Control": "public, max-age=86400"})
