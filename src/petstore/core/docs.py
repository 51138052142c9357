"""Interactive docs at ``/v1/docs``, with Swagger UI's assets served by this app (no CDN: the
server works offline), and the OpenAPI document as JSON and YAML."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
import yaml
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

from petstore.core.responses import JsonResponse

ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_PATH = "/v1/docs"
ASSETS_PATH = "/v1/docs/assets"
OAUTH_REDIRECT_PATH = "/v1/docs/oauth2-redirect"


def install_docs(app: FastAPI) -> None:
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="docs-assets")
    router = APIRouter(include_in_schema=False)

    @router.get("/v1/openapi.json")
    async def openapi_json() -> Response:
        return JsonResponse(app.openapi())

    @router.get("/v1/openapi.yaml")
    async def openapi_yaml() -> Response:
        text = yaml.safe_dump(app.openapi(), sort_keys=False, allow_unicode=True)
        return Response(text, media_type="application/yaml")

    @router.get(DOCS_PATH)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/v1/openapi.json",
            title="Modern Petstore API - docs",
            oauth2_redirect_url=f"{root}{OAUTH_REDIRECT_PATH}",
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True, "tryItOutEnabled": True},
            init_oauth={"usePkceWithAuthorizationCodeGrant": True, "clientId": "petstore-docs"},
        )

    @router.get(OAUTH_REDIRECT_PATH)
    async def oauth_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    app.include_router(router)
