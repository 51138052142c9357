"""The pages a user's browser walks: sign in, consent, and the device page (RFC 8628 §3.3).

Each submit of a page is one step: the form says which (``action``), carries the CSRF token of
the browser session and, on the device page, the user code; the answer is the next page. A
failed sign-in shows the form again (401); the budget of failed sign-ins is the login's own.

Tenancy: a client belongs to the tenant it was registered in, and everything it obtains (codes,
device authorizations, tokens) lives in that tenant; users sign in to that tenant. First-party
clients (the interactive docs) serve every tenant: the user picks the tenant on the sign-in
page (or the authorization request carries ``tenant``), the shared pool by default.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from authlib.oauth2 import OAuth2Error
from fastapi import Request
from fastapi.datastructures import FormData
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from petstore.auth import service as auth_service
from petstore.container import container_of
from petstore.core.links import base_url
from petstore.core.problems import Problem
from petstore.oauth import protocol, service, templates
from petstore.oauth.browser import CSRF_FIELD, BrowserSession, Sessions
from petstore.oauth.models import DeviceAuthorization, OAuthClient
from petstore.oauth.parameters import malformed_authorization
from petstore.oauth.server import Context, Flow, HttpRequest, run
from petstore.oauth.service import DeviceThrottle, normalise_user_code
from petstore.users import repository as users
from petstore.users.models import User

# --- pages that end a flow ----------------------------------------------------------------


def insecure_page() -> Response:
    return templates.message(
        "Use https",
        "Signing in to applications needs an encrypted connection. Open this page over https.",
        status=400,
    )


def csrf_refused() -> Response:
    return templates.message(
        "Please try again",
        "This form expired or did not come from this site. Go back, reload the page and "
        "submit it again.",
        status=403,
    )


def _too_many(detail: str) -> Response:
    return templates.message("Too many attempts", detail, status=429)


def malformed_page(why: str) -> Response:
    """A malformed authorization request: said on the spot, never by redirect."""
    return templates.message(
        "This sign-in link is not valid", f"invalid_request: {why}.", status=400
    )


def authorize_error(error: OAuth2Error) -> Response:
    """Redirect the error to the client only once its redirect URI is validated (Authlib
    sets ``redirect_uri`` then); otherwise tell the user, and never redirect anywhere."""
    if error.redirect_uri:
        return protocol.error_response(error)
    # The description may quote the (attacker's) redirect URI: say what is wrong, not it.
    why = {
        "invalid_client": "the application is not registered here",
        "invalid_request": (
            "the link is malformed, or its redirect URI is not registered for the application"
        ),
    }.get(error.error, "the request cannot be served")
    return templates.message("This sign-in link is not valid", f"{error.error}: {why}.", status=400)


# --- helpers of every page ----------------------------------------------------------------


def _form_text(form: FormData | None, name: str) -> str:
    value = form.get(name) if form is not None else None
    return value if isinstance(value, str) else ""


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _with_cookie(
    response: Response, request: Request, session: BrowserSession, fresh: bool
) -> Response:
    """Set the session cookie when the session is new (first visit, sign-in, switch)."""
    if fresh:
        sessions: Sessions = container_of(request.app).browser_sessions
        sessions.set_cookie(response, session, base_url(request).startswith("https://"))
    return response


async def _signed_in_user(
    session: AsyncSession, browser_session: BrowserSession, tenant: str
) -> User | None:
    if not browser_session.signed_in(tenant) or browser_session.user_id is None:
        return None
    return await users.get(session, tenant, browser_session.user_id)


async def _sign_in(
    request: Request, session: AsyncSession, tenant: str, form: FormData
) -> User | Problem:
    """The login's own check (same throttle, same timing for unknown usernames)."""
    state = container_of(request.app)
    try:
        return await auth_service.authenticate(
            session,
            passwords=state.passwords,
            throttle=state.login_throttle,
            tenant=tenant,
            username=_form_text(form, "username")[:50],
            password=_form_text(form, "password")[:256],
            client_ip=_client_ip(request),
        )
    except Problem as problem:
        return problem


# --- the authorization endpoint's pages ---------------------------------------------------


def _tenant_value(raw: str | None) -> str | None:
    """``""`` (shared pool), a UUID in canonical form, or ``None`` when malformed."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


def _flow_tenant(
    flow: Flow, request: Request, browser_session: BrowserSession, form: FormData | None
) -> str | None:
    """The tenant of this flow; ``None`` when the request names a malformed or wrong one."""
    client_tenant = flow.client.row.tenant
    asked = request.query_params.get("tenant")
    if client_tenant is not None:
        if asked is not None and _tenant_value(asked) != client_tenant:
            return None
        return client_tenant
    if form is not None and form.get("action") == "login":
        value = form.get("tenant")
        return _tenant_value(value if isinstance(value, str) else None)
    if asked is not None:
        return _tenant_value(asked)
    if browser_session.user_id is not None and browser_session.tenant is not None:
        return browser_session.tenant
    return ""


@dataclass(frozen=True, slots=True)
class _AuthorizePages:
    """The sign-in and consent pages of one authorization request; their forms post back to
    the request's own URL, so the protocol parameters travel in the query."""

    request: Request
    sessions: Sessions
    flow: Flow
    tenant: str

    def _action(self) -> str:
        query = self.request.url.query
        return self.request.url.path + (f"?{query}" if query else "")

    def login(
        self,
        bs: BrowserSession,
        fresh: bool,
        *,
        error: str | None = None,
        username: str = "",
        status: int = 200,
    ) -> Response:
        body = templates.login_form(
            action=self._action(),
            csrf=self.sessions.csrf_token(bs),
            client_name=self.flow.client.row.name,
            tenant=self.tenant,
            tenant_editable=self.flow.client.first_party,
            error=error,
            username=username,
        )
        page = templates.html_page(
            "Sign in", body, status=status, redirect_target=self.flow.redirect_uri
        )
        return _with_cookie(page, self.request, bs, fresh)

    def consent(self, bs: BrowserSession, fresh: bool, user: User) -> Response:
        granted, withheld = service.consent_scopes(self.flow.scopes, user)
        body = templates.consent_form(
            action=self._action(),
            csrf=self.sessions.csrf_token(bs),
            client_name=self.flow.client.row.name,
            username=user.username,
            tenant=self.tenant,
            scopes=granted,
            withheld=withheld,
        )
        page = templates.html_page("Allow access", body, redirect_target=self.flow.redirect_uri)
        return _with_cookie(page, self.request, bs, fresh)


async def authorize(request: Request, session: AsyncSession, form: FormData | None) -> Response:
    """``/oauth/authorize``: GET (``form`` ``None``) shows the sign-in or consent page; a POST
    is one of their buttons: sign in, use another account, allow or deny."""
    if protocol.insecure(request):
        return insecure_page()
    malformed = malformed_authorization(request.query_params.multi_items())
    if malformed is not None:
        return malformed_page(malformed)
    oauth_request = protocol.query_request(request)
    ctx = protocol.context(request)
    flow = await run(session, ctx, lambda server: server.consent_flow(oauth_request))
    if isinstance(flow, OAuth2Error):
        return authorize_error(flow)
    sessions: Sessions = container_of(request.app).browser_sessions
    existing = sessions.read(request)
    if form is not None and not sessions.csrf_ok(existing, _form_text(form, CSRF_FIELD)):
        return csrf_refused()
    bs, fresh = (existing, False) if existing is not None else (sessions.new(), True)
    tenant = _flow_tenant(flow, request, bs, form)
    if tenant is None:
        return templates.message(
            "This sign-in link is not valid",
            "The tenant is malformed or not this client's.",
            status=400,
        )
    pages = _AuthorizePages(request, sessions, flow, tenant)
    action = _form_text(form, "action")
    if action == "login" and form is not None:
        return await _authorize_sign_in(pages, session, bs, fresh, form)
    if action == "switch":  # sign out here, sign in again (maybe in another tenant)
        return pages.login(sessions.new(), True)
    user = await _signed_in_user(session, bs, tenant)
    if user is None:
        return pages.login(bs, fresh)
    if action not in ("approve", "deny"):
        return pages.consent(bs, fresh, user)
    return await _authorize_decide(session, ctx, oauth_request, user, action == "approve")


async def _authorize_sign_in(
    pages: _AuthorizePages,
    session: AsyncSession,
    bs: BrowserSession,
    fresh: bool,
    form: FormData,
) -> Response:
    outcome = await _sign_in(pages.request, session, pages.tenant, form)
    if isinstance(outcome, Problem):
        if outcome.status == 429:
            return _too_many(outcome.detail or "")
        username = _form_text(form, "username")[:50]
        error = "Wrong username or password."
        return pages.login(bs, fresh, error=error, username=username, status=401)
    bs = pages.sessions.new(outcome.id, pages.tenant, outcome.username)  # no session fixation
    return pages.consent(bs, True, outcome)


async def _authorize_decide(
    session: AsyncSession, ctx: Context, oauth_request: HttpRequest, user: User, approve: bool
) -> Response:
    """Redirect to the client with a code (allowed) or ``access_denied`` (denied)."""
    user_id = user.id if approve else None
    reply = await run(session, ctx, lambda server: server.decide(oauth_request, user_id))
    return protocol.reply_response(reply)


# --- the device page ----------------------------------------------------------------------

DEVICE_PAGE = "/device"


def device_form(request: Request) -> Response:
    """``GET /device``: the form for the code a device shows (prefilled from the link)."""
    if protocol.insecure(request):
        return insecure_page()
    sessions: Sessions = container_of(request.app).browser_sessions
    bs, fresh = sessions.current(request)
    code = normalise_user_code(request.query_params.get("user_code", ""))[:16]
    csrf = sessions.csrf_token(bs)
    body = templates.device_code_form(action=DEVICE_PAGE, csrf=csrf, user_code=code)
    return _with_cookie(templates.html_page("Connect a device", body), request, bs, fresh)


@dataclass(frozen=True, slots=True)
class _DevicePages:
    """The sign-in and consent pages for one device authorization; the user code travels in
    a hidden field of every form."""

    request: Request
    sessions: Sessions
    client: OAuthClient
    row: DeviceAuthorization
    user_code: str

    def login(
        self, bs: BrowserSession, *, fresh: bool = False, error: str | None = None
    ) -> Response:
        body = templates.login_form(
            action=DEVICE_PAGE,
            csrf=self.sessions.csrf_token(bs),
            client_name=self.client.name,
            tenant=self.row.tenant,
            tenant_editable=False,
            hidden=[("user_code", self.user_code)],
            error=error,
        )
        page = templates.html_page("Sign in", body, status=401 if error else 200)
        return _with_cookie(page, self.request, bs, fresh)

    def consent(self, bs: BrowserSession, user: User, *, fresh: bool = False) -> Response:
        granted, withheld = service.consent_scopes(frozenset(self.row.scope.split()), user)
        body = templates.consent_form(
            action=DEVICE_PAGE,
            csrf=self.sessions.csrf_token(bs),
            client_name=self.client.name,
            username=user.username,
            tenant=self.row.tenant,
            scopes=granted,
            withheld=withheld,
            hidden=[("user_code", self.user_code)],
            note=f"Make sure your device shows the code {self.row.user_code}.",
        )
        page = templates.html_page("Allow access", body)
        return _with_cookie(page, self.request, bs, fresh)


async def device_submit(request: Request, session: AsyncSession) -> Response:
    """``POST /device``: look the code up, then sign in, allow or deny. Only a session this
    page started may post (CSRF), and wrong codes spend the IP's budget."""
    if protocol.insecure(request):
        return insecure_page()
    sessions: Sessions = container_of(request.app).browser_sessions
    form = await request.form()
    bs = sessions.read(request)
    if bs is None or not sessions.csrf_ok(bs, _form_text(form, CSRF_FIELD)):
        return csrf_refused()
    pages = await _device_lookup(request, session, sessions, bs, form)
    if isinstance(pages, Response):
        return pages
    action = _form_text(form, "action")
    if action == "login":
        return await _device_sign_in(pages, session, bs, form)
    if action == "switch":
        return pages.login(sessions.new(), fresh=True)
    user = await _signed_in_user(session, bs, pages.row.tenant)
    if user is None:
        return pages.login(bs)
    if action not in ("approve", "deny"):
        return pages.consent(bs, user)
    decision = await service.decide_device(session, pages.row, user, action == "approve")
    if decision == "already_decided":
        return templates.message("Already decided", "This code was already used.", status=409)
    if decision == "approved":
        return templates.message("Device connected", "You can return to your device now.")
    return templates.message("Access denied", "The device was not given access.")


async def _device_lookup(
    request: Request,
    session: AsyncSession,
    sessions: Sessions,
    bs: BrowserSession,
    form: FormData,
) -> _DevicePages | Response:
    """The pending authorization of the code entered, or the page that refuses it."""
    throttle: DeviceThrottle = container_of(request.app).device_throttle
    ip = _client_ip(request)
    if await throttle.locked(ip):
        return _too_many(
            "Too many wrong codes were entered from your network. Wait 15 minutes and try again."
        )
    user_code = normalise_user_code(_form_text(form, "user_code"))[:16]
    row = await service.pending_device(session, user_code) if user_code else None
    if row is None:
        await throttle.failed(ip)
        body = templates.device_code_form(
            action=DEVICE_PAGE,
            csrf=sessions.csrf_token(bs),
            user_code=user_code,
            error="That code is not valid or has expired. Check your device and try again.",
        )
        return templates.html_page("Connect a device", body, status=400)
    client = await service.find_client(session, row.client_id)
    assert client is not None  # a device authorization is deleted with its client
    return _DevicePages(request, sessions, client, row, user_code)


async def _device_sign_in(
    pages: _DevicePages, session: AsyncSession, bs: BrowserSession, form: FormData
) -> Response:
    outcome = await _sign_in(pages.request, session, pages.row.tenant, form)
    if isinstance(outcome, Problem):
        if outcome.status == 429:
            return _too_many(outcome.detail or "")
        return pages.login(bs, error="Wrong username or password.")
    bs = pages.sessions.new(outcome.id, pages.row.tenant, outcome.username)
    return pages.consent(bs, outcome, fresh=True)
