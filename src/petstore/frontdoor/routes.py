"""``GET /``: HTML for a browser, a JSON index of the same links for everyone else; and
permanent-enough redirects from the unversioned paths people try first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from petstore import __version__
from petstore.core.database import SessionDep
from petstore.core.links import base_url
from petstore.core.responses import JsonResponse
from petstore.core.tenancy import SHARED_POOL
from petstore.frontdoor.links import present_links
from petstore.frontdoor.page import DemoAccount, render
from petstore.seed import DEMO_STAFF_PASSWORD, DEMO_STAFF_USERNAME
from petstore.users import service as users

router = APIRouter(include_in_schema=False)

# Unversioned guesses and where they live. 307 (not 308): a later version may take them over.
REDIRECTS = {
    "/docs": "/v1/docs",
    "/openapi.json": "/v1/openapi.json",
    "/openapi.yaml": "/v1/openapi.yaml",
    "/v1": "/",
    "/v1/": "/",
}


def wants_html(request: Request) -> bool:
    """A browser (``text/html`` named and preferred at least as much as JSON); curl's
    ``*/*`` and API clients get JSON, the API's own language."""
    weights: dict[str, float] = {}
    for part in request.headers.get("accept", "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        weights[media.lower()] = max(q, weights.get(media.lower(), 0.0))
    html = weights.get("text/html", 0.0)
    return html > 0 and html >= weights.get("application/json", 0.0)


async def demo_accounts(session: SessionDep) -> list[DemoAccount]:
    """The seeded demo accounts of the shared pool (their passwords are documented)."""
    staff = await users.find_by_username(session, SHARED_POOL, DEMO_STAFF_USERNAME)
    if staff is None:
        return []
    return [DemoAccount(staff.username, DEMO_STAFF_PASSWORD, staff.role)]


@router.get("/")
async def front_door(request: Request, session: SessionDep) -> Response:
    links = present_links(request.app)
    accounts = await demo_accounts(session)
    base = base_url(request)
    if wants_html(request):
        return render(__version__, base, links, accounts)
    index: dict[str, Any] = {
        "name": "Modern Petstore API",
        "version": __version__,
        "links": [
            {
                "title": link.title,
                "href": f"{base}{link.href}",
                "description": link.description,
                "section": link.section.value,
            }
            for link in links
        ],
        "demoAccounts": [
            {"username": a.username, "password": a.password, "role": a.role} for a in accounts
        ],
    }
    return JsonResponse(index, headers={"Vary": "Accept"})


def _redirect(target: str) -> Any:
    async def redirect(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse(target + (f"?{query}" if query else ""), status_code=307)

    return redirect


for _path, _target in REDIRECTS.items():
    router.add_api_route(_path, _redirect(_target), methods=["GET"])
