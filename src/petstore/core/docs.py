"""Interactive docs at ``/v1/docs``, with Swagger UI's assets served by this app (no CDN: the
server works offline), and the OpenAPI document as JSON and YAML, in 3.2 and in a 3.1
rendition (:mod:`petstore.core.openapi_31`) for tools that do not read 3.2 yet.

Both HTML pages carry a strict Content-Security-Policy: scripts only from this origin or inline
with the response's nonce (Swagger UI's init and the OAuth2 redirect page are inline), styles
from this origin plus inline ones (Swagger UI's React components set ``style`` attributes),
images from this origin and ``data:`` (the stylesheet's icons), requests only to this origin,
and no framing (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``: no clickjacking of
the Authorize button). The online validator badge is off: it would call a third party.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastapi_offline
import yaml
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

from petstore.core.openapi_31 import rendition_31
from petstore.core.responses import JsonResponse

ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_PATH = "/v1/docs"
ASSETS_PATH = "/v1/docs/assets"
OAUTH_REDIRECT_PATH = "/v1/docs/oauth2-redirect"


DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
REDIRECT_POLICY = (
    "default-src 'none'; script-src 'nonce-{nonce}'; frame-ancestors 'none'; base-uri 'none'"
)


def with_policy(page: HTMLResponse, policy: str) -> HTMLResponse:
    """``page`` with a fresh nonce on each of its ``<script>`` tags (the helpers' HTML is ours,
    so the tags are known) and the CSP and framing headers that allow only those."""
    nonce = secrets.token_urlsafe(18)
    html = bytes(page.body).decode().replace("<script", f'<script nonce="{nonce}"')
    headers = {
        "Content-Security-Policy": policy.format(nonce=nonce),
        "X-Frame-Options": "DENY",
    }
    return HTMLResponse(html, status_code=page.status_code, headers=headers)


def swagger_ui(
    request: Request, openapi_path: str, title: str, init_oauth: dict[str, Any] | None = None
) -> HTMLResponse:
    """Swagger UI for the document at ``openapi_path``, from this server's assets, with the
    docs' CSP (any API this server documents gets the same page: the classic one too).
    ``openapi_path`` is from the server's root: a mounted API's page names its full path."""
    root = request.scope.get("app_root_path", request.scope.get("root_path", ""))
    page = get_swagger_ui_html(
        openapi_url=f"{root}{openapi_path}",
        title=title,
        oauth2_redirect_url=f"{root}{OAUTH_REDIRECT_PATH}",
        swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
        swagger_ui_parameters={
            "persistAuthorization": True,
            "tryItOutEnabled": True,
            "validatorUrl": None,
        },
        init_oauth=init_oauth,
    )
    return with_policy(page, DOCS_POLICY)


def yaml_response(document: dict[str, Any]) -> Response:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return Response(text, media_type="application/yaml")


def serve_document(router: APIRouter, stem: str, build: Callable[[], dict[str, Any]]) -> None:
    """``{stem}.json`` and ``{stem}.yaml``: the document ``build`` makes, on first use, then
    kept (a served contract does not change while the process runs)."""
    made: list[dict[str, Any]] = []

    def document() -> dict[str, Any]:
        if not made:
            made.append(build())
        return made[0]

    @router.get(f"{stem}.json")
    async def as_json() -> Response:
        return JsonResponse(document())

    @router.get(f"{stem}.yaml")
    async def as_yaml() -> Response:
        return yaml_response(document())


def install_docs(app: FastAPI) -> None:
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="docs-assets")
    router = APIRouter(include_in_schema=False)
    # Looked up when first asked for: the app's own builder replaces app.openapi later.
    serve_document(router, "/v1/openapi", lambda: app.openapi())
    serve_document(router, "/v1/openapi-3.1", lambda: rendition_31(app.openapi()))

    @router.get(DOCS_PATH)
    async def docs(request: Request) -> HTMLResponse:
        return swagger_ui(
            request,
            "/v1/openapi.json",
            "Modern Petstore API - docs",
            {"usePkceWithAuthorizationCodeGrant": True, "clientId": "petstore-docs"},
        )

    @router.get(OAUTH_REDIRECT_PATH)
    async def oauth_redirect() -> HTMLResponse:
        return with_policy(get_swagger_ui_oauth2_redirect_html(), REDIRECT_POLICY)

    app.include_router(router)
