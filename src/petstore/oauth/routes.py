"""The authorization server's HTTP surface.

Protocol endpoints (``/oauth/...``) answer in the protocol's own format (RFC 6749 §5.2 JSON
errors, redirects to the client), not RFC 9457: OAuth clients parse ``error``. They are left
out of the OpenAPI document, which describes them through its ``oauth2`` security scheme and
the RFC 8414 metadata document instead.

Tenancy: a client belongs to the tenant it was registered in, and everything it obtains (codes,
device authorizations, tokens) lives in that tenant; users sign in to that tenant. First-party
clients (the interactive docs) serve every tenant: the user picks the tenant on the sign-in
page (or the authorization request carries ``tenant``), the shared pool by default.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from authlib.common.security import is_secure_transport
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InsecureTransportError, InvalidRequestError
from fastapi import APIRouter, Request
from fastapi.datastructures import FormData
from pydantic import Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from petstore.auth import service as auth_service
from petstore.auth.scopes import ALL_SCOPES, ROLE_SCOPES, Role
from petstore.core.database import SessionDep
from petstore.core.ids import utcnow
from petstore.core.links import base_url
from petstore.core.problems import Problem
from petstore.core.ratelimit import RateLimitStore
from petstore.core.responses import JsonResponse
from petstore.core.schemas import OutputModel
from petstore.core.settings import Settings
from petstore.oauth import browser
from petstore.oauth.browser import CSRF_FIELD, BrowserSession, Sessions
from petstore.oauth.clients import GRANT_TYPES
from petstore.oauth.models import DeviceAuthorization, OAuthClient
from petstore.oauth.server import (
    APPROVED,
    DENIED,
    PENDING,
    Client,
    Context,
    HttpRequest,
    Reply,
    Server,
    normalise_user_code,
    run,
)
from petstore.users import repository as users
from petstore.users.models import User

router = APIRouter(include_in_schema=False)
metadata_router = APIRouter(tags=["Auth"])

FORM_TYPE = "application/x-www-form-urlencoded"


# --- plumbing -----------------------------------------------------------------------------


def _context(request: Request) -> Context:
    state = request.app.state
    return Context(settings=state.settings, tokens=state.tokens, base_url=base_url(request))


def _public_uri(request: Request) -> str:
    query = request.url.query
    return base_url(request) + request.url.path + (f"?{query}" if query else "")


def _reply_response(reply: Reply) -> Response:
    headers = {k: v for k, v in reply.headers if k.lower() != "content-type"}
    if isinstance(reply.body, dict):
        return JsonResponse(reply.body, status_code=reply.status, headers=headers)
    return Response(status_code=reply.status, headers=headers)


def _error_response(error: OAuth2Error) -> Response:
    status, body, headers = error()
    return _reply_response(Reply(status, body, list(headers)))


def _insecure(request: Request) -> bool:
    """OAuth needs TLS (RFC 6749 §1.6); plain http only on loopback, for development."""
    return not is_secure_transport(base_url(request))


def _insecure_page() -> Response:
    return browser.message(
        "Use https",
        "Signing in to applications needs an encrypted connection. Open this page over https.",
        status=400,
    )


async def _form_request(request: Request) -> HttpRequest | Response:
    """A protocol request from a form body (RFC 6749 §3.2: form-encoded, no repeats)."""
    if _insecure(request):
        return _error_response(InsecureTransportError())
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != FORM_TYPE:
        return _error_response(InvalidRequestError(f"The body must be {FORM_TYPE}."))
    form = await request.form()
    params = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    if len({k for k, _ in params}) != len(params):
        return _error_response(InvalidRequestError("A parameter is repeated."))
    return HttpRequest(request.method, _public_uri(request), request.headers, params)


async def _protocol(request: Request, session: AsyncSession, endpoint: str | None) -> Response:
    parsed = await _form_request(request)
    if isinstance(parsed, Response):
        return parsed

    def act(server: Server) -> Reply:
        if endpoint is None:
            return server.create_token_response(parsed)  # type: ignore[no-any-return]
        return server.create_endpoint_response(endpoint, parsed)  # type: ignore[no-any-return]

    return _reply_response(await run(session, _context(request), act))


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _secure(request: Request) -> bool:
    return base_url(request).startswith("https://")


def _tenant_value(raw: str | None) -> str | None:
    """``""`` (shared pool), a UUID in canonical form, or ``None`` when malformed."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


def _with_cookie(
    response: Response, request: Request, session: BrowserSession, fresh: bool
) -> Response:
    if fresh:
        sessions: Sessions = request.app.state.oauth_sessions
        sessions.set_cookie(response, session, _secure(request))
    return response


# --- protocol endpoints -------------------------------------------------------------------


@router.post("/oauth/token")
async def token(request: Request, session: SessionDep) -> Response:
    """Every grant: authorization_code (+PKCE), refresh_token, device_code,
    client_credentials."""
    return await _protocol(request, session, None)


@router.post("/oauth/device/authorize")
async def device_authorize(request: Request, session: SessionDep) -> Response:
    return await _protocol(request, session, "device_authorization")


@router.post("/oauth/revoke")
async def revoke(request: Request, session: SessionDep) -> Response:
    return await _protocol(request, session, "revocation")


@router.post("/oauth/introspect")
async def introspect(request: Request, session: SessionDep) -> Response:
    return await _protocol(request, session, "introspection")


# --- authorization endpoint (login + consent) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Flow:
    """A validated authorization request."""

    client: Client
    scopes: frozenset[str]
    redirect_uri: str


def _validate(server: Server, oauth_request: HttpRequest) -> Flow | OAuth2Error:
    try:
        grant = server.get_consent_grant(oauth_request)
    except OAuth2Error as error:
        return error
    return Flow(grant.client, frozenset(oauth_request.scope.split()), grant.redirect_uri)


def _authorize_error(error: OAuth2Error) -> Response:
    """Redirect the error to the client only once its redirect URI is validated (Authlib
    sets ``redirect_uri`` then); otherwise tell the user, and never redirect anywhere."""
    if error.redirect_uri:
        return _error_response(error)
    # The description may quote the (attacker's) redirect URI: say what is wrong, not it.
    why = {
        "invalid_client": "the application is not registered here",
        "invalid_request": (
            "the link is malformed, or its redirect URI is not registered for the application"
        ),
    }.get(error.error, "the request cannot be served")
    return browser.message("This sign-in link is not valid", f"{error.error}: {why}.", status=400)


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


async def _signed_in_user(
    session: AsyncSession, browser_session: BrowserSession, tenant: str
) -> User | None:
    if not browser_session.signed_in(tenant) or browser_session.user_id is None:
        return None
    return await users.get(session, tenant, browser_session.user_id)


def _consent_page(
    request: Request, sessions: Sessions, bs: BrowserSession, flow: Flow, user: User, tenant: str
) -> Response:
    allowed = ROLE_SCOPES[Role(user.role)]
    body = browser.consent_form(
        action=_self_action(request),
        csrf=sessions.csrf_token(bs),
        client_name=flow.client.row.name,
        username=user.username,
        tenant=tenant,
        scopes=flow.scopes & allowed,
        withheld=flow.scopes - allowed,
    )
    return browser.html_page("Allow access", body, redirect_target=flow.redirect_uri)


def _login_page(
    request: Request,
    sessions: Sessions,
    bs: BrowserSession,
    flow: Flow,
    tenant: str,
    *,
    error: str | None = None,
    username: str = "",
    status: int = 200,
) -> Response:
    body = browser.login_form(
        action=_self_action(request),
        csrf=sessions.csrf_token(bs),
        client_name=flow.client.row.name,
        tenant=tenant,
        tenant_editable=flow.client.first_party,
        error=error,
        username=username,
    )
    return browser.html_page("Sign in", body, status=status, redirect_target=flow.redirect_uri)


def _self_action(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _csrf_refused() -> Response:
    return browser.message(
        "Please try again",
        "This form expired or did not come from this site. Go back, reload the page and "
        "submit it again.",
        status=403,
    )


async def _sign_in(
    request: Request, session: AsyncSession, tenant: str, form: FormData
) -> User | Problem:
    state = request.app.state
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


@router.get("/oauth/authorize")
async def authorize(request: Request, session: SessionDep) -> Response:
    return await _authorize(request, session, None)


@router.post("/oauth/authorize")
async def authorize_submit(request: Request, session: SessionDep) -> Response:
    return await _authorize(request, session, await request.form())


async def _authorize(request: Request, session: AsyncSession, form: FormData | None) -> Response:
    if _insecure(request):
        return _insecure_page()
    sessions: Sessions = request.app.state.oauth_sessions
    oauth_request = HttpRequest(
        "GET", _public_uri(request), request.headers, list(request.query_params.multi_items())
    )
    ctx = _context(request)
    flow = await run(session, ctx, lambda server: _validate(server, oauth_request))
    if isinstance(flow, OAuth2Error):
        return _authorize_error(flow)

    existing = sessions.read(request)
    if form is not None and not sessions.csrf_ok(existing, _form_text(form, CSRF_FIELD)):
        return _csrf_refused()
    bs, fresh = (existing, False) if existing is not None else (sessions.new(), True)
    tenant = _flow_tenant(flow, request, bs, form)
    if tenant is None:
        return browser.message(
            "This sign-in link is not valid",
            "The tenant is malformed or not this client's.",
            status=400,
        )
    action = _form_text(form, "action") if form is not None else ""

    if action == "login" and form is not None:
        outcome = await _sign_in(request, session, tenant, form)
        if isinstance(outcome, Problem):
            if outcome.status == 429:
                return browser.message("Too many attempts", outcome.detail or "", status=429)
            return _with_cookie(
                _login_page(
                    request,
                    sessions,
                    bs,
                    flow,
                    tenant,
                    error="Wrong username or password.",
                    username=_form_text(form, "username")[:50],
                    status=401,
                ),
                request,
                bs,
                fresh,
            )
        bs = sessions.new(outcome.id, tenant, outcome.username)  # new id: no session fixation
        page = _consent_page(request, sessions, bs, flow, outcome, tenant)
        return _with_cookie(page, request, bs, True)

    if action == "switch":  # sign out here, sign in again (maybe in another tenant)
        bs = sessions.new()
        return _with_cookie(_login_page(request, sessions, bs, flow, tenant), request, bs, True)
    user = await _signed_in_user(session, bs, tenant)
    if user is None:
        return _with_cookie(_login_page(request, sessions, bs, flow, tenant), request, bs, fresh)
    if action not in ("approve", "deny"):
        page = _consent_page(request, sessions, bs, flow, user, tenant)
        return _with_cookie(page, request, bs, fresh)

    grant_user_id = user.id if action == "approve" else None

    def decide(server: Server) -> Reply:
        grant = server.get_consent_grant(oauth_request)
        grant_user = server.db.get(User, grant_user_id) if grant_user_id else None
        return server.create_authorization_response(  # type: ignore[no-any-return]
            oauth_request, grant_user=grant_user, grant=grant
        )

    return _reply_response(await run(session, ctx, decide))


# --- device verification page (RFC 8628 §3.3) ---------------------------------------------


class DeviceThrottle:
    """Failed user-code entries per client IP. With a budget of 10 per 15 minutes, guessing
    one of the live 8-letter codes (20^8 possibilities) is hopeless; once spent, every code,
    even a right one, is refused until the window ends."""

    def __init__(self, store: RateLimitStore, settings: Settings) -> None:
        self._store = store
        self._limit = settings.device_code_failures_per_ip
        self._window = settings.login_failure_window_seconds

    async def locked(self, ip: str) -> bool:
        budget = await self._store.peek(f"device-code-ip:{ip}", self._limit, self._window)
        return budget.remaining <= 0

    async def failed(self, ip: str) -> None:
        await self._store.hit(f"device-code-ip:{ip}", self._limit, self._window)


async def _pending_device(session: AsyncSession, user_code: str) -> DeviceAuthorization | None:
    row = await session.scalar(
        select(DeviceAuthorization).where(DeviceAuthorization.user_code == user_code)
    )
    if row is None or row.status != PENDING:
        return None
    expires = (
        row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    )
    return row if expires > utcnow() else None


@router.get("/device")
async def device_page(request: Request) -> Response:
    if _insecure(request):
        return _insecure_page()
    sessions: Sessions = request.app.state.oauth_sessions
    bs, fresh = sessions.current(request)
    code = normalise_user_code(request.query_params.get("user_code", ""))[:16]
    body = browser.device_code_form(action="/device", csrf=sessions.csrf_token(bs), user_code=code)
    return _with_cookie(browser.html_page("Connect a device", body), request, bs, fresh)


@router.post("/device")
async def device_submit(request: Request, session: SessionDep) -> Response:
    if _insecure(request):
        return _insecure_page()
    state = request.app.state
    sessions: Sessions = state.oauth_sessions
    throttle: DeviceThrottle = state.device_throttle
    form = await request.form()
    existing = sessions.read(request)
    if not sessions.csrf_ok(existing, _form_text(form, CSRF_FIELD)) or existing is None:
        return _csrf_refused()
    bs = existing
    ip = _client_ip(request)
    if await throttle.locked(ip):
        return browser.message(
            "Too many attempts",
            "Too many wrong codes were entered from your network. Wait 15 minutes and try again.",
            status=429,
        )
    user_code = normalise_user_code(_form_text(form, "user_code"))[:16]
    row = await _pending_device(session, user_code) if user_code else None
    if row is None:
        await throttle.failed(ip)
        body = browser.device_code_form(
            action="/device",
            csrf=sessions.csrf_token(bs),
            user_code=user_code,
            error="That code is not valid or has expired. Check your device and try again.",
        )
        return browser.html_page("Connect a device", body, status=400)

    client = await session.scalar(select(OAuthClient).where(OAuthClient.client_id == row.client_id))
    assert client is not None  # a device authorization is deleted with its client
    tenant = row.tenant
    hidden = [("user_code", user_code)]
    action = _form_text(form, "action")

    if action == "login":
        outcome = await _sign_in(request, session, tenant, form)
        if isinstance(outcome, Problem):
            if outcome.status == 429:
                return browser.message("Too many attempts", outcome.detail or "", status=429)
            return _device_login(
                sessions, bs, client, tenant, hidden, "Wrong username or password."
            )
        bs = sessions.new(outcome.id, tenant, outcome.username)
        page = _device_consent(sessions, bs, client, outcome, row, tenant, hidden)
        return _with_cookie(page, request, bs, True)

    if action == "switch":
        bs = sessions.new()
        page = _device_login(sessions, bs, client, tenant, hidden)
        return _with_cookie(page, request, bs, True)
    user = await _signed_in_user(session, bs, tenant)
    if user is None:
        return _device_login(sessions, bs, client, tenant, hidden)
    if action not in ("approve", "deny"):
        return _device_consent(sessions, bs, client, user, row, tenant, hidden)

    granted = frozenset(row.scope.split()) & ROLE_SCOPES[Role(user.role)]
    approve = action == "approve" and bool(granted)
    decided = await session.execute(
        update(DeviceAuthorization)
        .where(DeviceAuthorization.id == row.id, DeviceAuthorization.status == PENDING)
        .values(
            status=APPROVED if approve else DENIED,
            user_id=user.id,
            scope=" ".join(sorted(granted)) if approve else row.scope,
        )
    )
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        return browser.message("Already decided", "This code was already used.", status=409)
    if approve:
        return browser.message("Device connected", "You can return to your device now.")
    return browser.message("Access denied", "The device was not given access.")


def _device_login(
    sessions: Sessions,
    bs: BrowserSession,
    client: OAuthClient,
    tenant: str,
    hidden: list[tuple[str, str]],
    error: str | None = None,
) -> Response:
    body = browser.login_form(
        action="/device",
        csrf=sessions.csrf_token(bs),
        client_name=client.name,
        tenant=tenant,
        tenant_editable=False,
        hidden=hidden,
        error=error,
    )
    return browser.html_page("Sign in", body, status=401 if error else 200)


def _device_consent(
    sessions: Sessions,
    bs: BrowserSession,
    client: OAuthClient,
    user: User,
    row: DeviceAuthorization,
    tenant: str,
    hidden: list[tuple[str, str]],
) -> Response:
    requested = frozenset(row.scope.split())
    allowed = ROLE_SCOPES[Role(user.role)]
    body = browser.consent_form(
        action="/device",
        csrf=sessions.csrf_token(bs),
        client_name=client.name,
        username=user.username,
        tenant=tenant,
        scopes=requested & allowed,
        withheld=requested - allowed,
        hidden=hidden,
        note=f"Make sure your device shows the code {row.user_code}.",
    )
    return browser.html_page("Allow access", body)


# --- RFC 8414 metadata --------------------------------------------------------------------


class AuthorizationServerMetadata(OutputModel):
    """RFC 8414 authorization server metadata (snake_case, as the RFC names the members)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    device_authorization_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    jwks_uri: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    response_modes_supported: list[str]
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    revocation_endpoint_auth_methods_supported: list[str]
    introspection_endpoint_auth_methods_supported: list[str]
    code_challenge_methods_supported: list[str]
    service_documentation: str
    access_token_issuer: Annotated[
        str, Field(description="The `iss` claim of the access tokens (JWTs) issued here.")
    ]


def metadata(base: str, settings: Settings) -> dict[str, Any]:
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "device_authorization_endpoint": f"{base}/oauth/device/authorize",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "introspection_endpoint": f"{base}/oauth/introspect",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "scopes_supported": sorted(ALL_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "code_challenge_methods_supported": ["S256"],
        "service_documentation": f"{base}/v1/docs",
        "access_token_issuer": settings.token_issuer,
    }


@metadata_router.get(
    "/.well-known/oauth-authorization-server",
    operation_id="getAuthorizationServerMetadata",
    summary="OAuth 2.0 authorization server metadata",
    description=(
        "RFC 8414: where the authorization, token, device authorization, revocation and "
        "introspection endpoints are, and what they support."
    ),
    response_model=AuthorizationServerMetadata,
)
async def authorization_server_metadata(request: Request) -> Response:
    body = metadata(base_url(request), request.app.state.settings)
    return JsonResponse(body, headers={"Cache-Control": "public, max-age=300"})
