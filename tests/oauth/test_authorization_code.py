"""Authorization code + PKCE through the login and consent pages, refresh-token rotation, and
the attacks the flow must resist: missing or wrong PKCE, code replay, redirect URI tampering,
open redirects, CSRF, scope escalation and refresh-token reuse."""

from __future__ import annotations

from datetime import UTC, timedelta

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from petstore.container import container_of
from petstore.core.ids import utcnow
from petstore.oauth.models import AuthorizationCode
from tests.support.accounts import Account, AccountFactory, bearer
from tests.support.oauth import (
    REDIRECT,
    approve,
    assert_oauth_error,
    authorize_params,
    csrf_of,
    exchange,
    expire,
    get_code,
    pkce,
    redirect_query,
    refresh,
    register,
    sign_in,
)

CODE_GRANTS = ["authorization_code", "refresh_token"]


async def test_code_flow_issues_the_same_jwt_as_login(
    app: FastAPI,
    oc: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    staff: Account,
    user: Account,
    tenant: str,
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, scope="read:pets read:user")
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier)
    response = await exchange(oc, registered, code, verifier.verifier)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "read:pets read:user"
    assert body["refresh_token"]
    # Same signing key (JWKS), same claims as login, plus client_id; the tenant is the client's.
    header = jwt.get_unverified_header(body["access_token"])
    jwks = (await oc.get("/.well-known/jwks.json")).json()
    assert header["kid"] in {k["kid"] for k in jwks["keys"]}
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == user.id
    assert claims["tid"] == tenant
    assert claims["client_id"] == registered.client_id
    assert claims["iss"] == "petstore"
    me = await oc.get("/v1/users/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == user.username


async def test_confidential_client_authenticates_with_http_basic(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS)
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier.verifier,
    }
    wrong = await oc.post(
        "/oauth/token", data=data, auth=httpx.BasicAuth(registered.client_id, "not-the-secret")
    )
    assert_oauth_error(wrong, 401, "invalid_client")
    assert wrong.headers["www-authenticate"].startswith("Basic")
    # A confidential client may not pass as public (no secret at all).
    public_try = await oc.post("/oauth/token", data={**data, "client_id": registered.client_id})
    assert_oauth_error(public_try, 401, "invalid_client")


async def test_confidential_client_with_basic_auth_gets_tokens(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS)
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier)
    response = await oc.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier.verifier,
        },
        auth=registered.basic,
    )
    assert response.status_code == 200, response.text


# --- PKCE ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"code_challenge": "", "code_challenge_method": ""},
        {"code_challenge_method": ""},
        {"code_challenge_method": "plain"},
        {"code_challenge": "too-short"},
    ],
)
async def test_authorization_without_an_s256_challenge_is_refused(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, change: dict[str, str]
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce(), **change)
    response = await browser.get("/oauth/authorize", params=params)
    query = redirect_query(response)  # the redirect URI is valid: the error goes there
    assert query["error"] == "invalid_request"
    assert query["state"] == params["state"]


@pytest.mark.parametrize("verifier", [None, "x" * 43, "short"])
async def test_exchange_without_the_right_verifier_is_refused(
    oc: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    staff: Account,
    user: Account,
    verifier: str | None,
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    pair = pkce()
    code = await get_code(browser, registered, user, pair)
    response = await exchange(oc, registered, code, verifier)
    expected = "invalid_grant" if verifier == "x" * 43 else "invalid_request"
    assert_oauth_error(response, 400, expected)
    # The code is burnt by the failed attempt: guessing verifiers gets nowhere.
    assert_oauth_error(await exchange(oc, registered, code, pair.verifier), 400, "invalid_grant")


# --- the code: single use, short-lived, bound to client and redirect URI ------------------


async def test_code_replay_fails_and_revokes_what_the_code_gave(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier, scope="read:pets read:user")
    first = await exchange(oc, registered, code, verifier.verifier)
    assert first.status_code == 200
    tokens = first.json()
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 200
    replay = await exchange(oc, registered, code, verifier.verifier)
    assert_oauth_error(replay, 400, "invalid_grant")
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 401
    assert_oauth_error(await refresh(oc, registered, tokens["refresh_token"]), 400, "invalid_grant")


async def test_code_replay_revokes_the_access_token_of_a_client_without_refresh_tokens(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=["authorization_code"], public=True)
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier, scope="read:user")
    first = await exchange(oc, registered, code, verifier.verifier)
    assert first.status_code == 200
    assert "refresh_token" not in first.json()
    access = bearer(first.json()["access_token"])
    assert (await oc.get("/v1/users/me", headers=access)).status_code == 200
    assert_oauth_error(
        await exchange(oc, registered, code, verifier.verifier), 400, "invalid_grant"
    )
    assert (await oc.get("/v1/users/me", headers=access)).status_code == 401


async def test_a_code_replayed_after_it_expired_still_revokes_what_it_gave(
    app: FastAPI, oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier, scope="read:user")
    tokens = (await exchange(oc, registered, code, verifier.verifier)).json()
    assert await expire(app, AuthorizationCode, registered.client_id, ago=timedelta(minutes=5)) == 1
    await get_code(browser, registered, user, pkce(), scope="read:user")  # purges old codes
    assert_oauth_error(
        await exchange(oc, registered, code, verifier.verifier), 400, "invalid_grant"
    )
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 401
    assert_oauth_error(await refresh(oc, registered, tokens["refresh_token"]), 400, "invalid_grant")


async def test_code_expires_after_60_seconds(
    app: FastAPI, oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    verifier = pkce()
    before = utcnow()
    code = await get_code(browser, registered, user, verifier)
    after = utcnow()
    async with container_of(app).sessionmaker() as session:
        stored = await session.scalar(
            select(AuthorizationCode.expires_at).where(
                AuthorizationCode.client_id == registered.client_id
            )
        )
        assert stored is not None
        expires_at = stored if stored.tzinfo else stored.replace(tzinfo=UTC)
    assert before + timedelta(seconds=60) <= expires_at <= after + timedelta(seconds=60)
    assert await expire(app, AuthorizationCode, registered.client_id, ago=timedelta(seconds=1)) == 1
    assert_oauth_error(
        await exchange(oc, registered, code, verifier.verifier), 400, "invalid_grant"
    )


async def test_code_is_bound_to_its_client(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    mine = await register(oc, staff, grants=CODE_GRANTS, public=True)
    other = await register(oc, staff, grants=CODE_GRANTS, public=True)
    verifier = pkce()
    code = await get_code(browser, mine, user, verifier)
    assert_oauth_error(await exchange(oc, other, code, verifier.verifier), 400, "invalid_grant")
    assert (await exchange(oc, mine, code, verifier.verifier)).status_code == 200


async def test_code_is_bound_to_its_redirect_uri(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    other_uri = "https://app.example.com/other"
    registered = await register(
        oc, staff, grants=CODE_GRANTS, public=True, redirect_uris=[REDIRECT, other_uri]
    )
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier)
    response = await exchange(oc, registered, code, verifier.verifier, redirect_uri=other_uri)
    assert_oauth_error(response, 400, "invalid_grant")


# --- redirect URIs: exact match, never an open redirect -----------------------------------


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example.net/callback",
        "https://app.example.com.evil.example.net/callback",
        "https://app.example.com@evil.example.net/callback",
        "https://app.example.com/callback/../../evil",
        "https://app.example.com/callback?next=https://evil.example.net",
        "https://app.example.com/callbackx",
        "http://app.example.com/callback",
        "//evil.example.net/callback",
        "javascript:alert(1)",
    ],
)
async def test_unregistered_redirect_uris_get_an_error_page_not_a_redirect(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, redirect_uri: str
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce(), redirect_uri=redirect_uri)
    response = await browser.get("/oauth/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "evil" not in response.text


async def test_unknown_client_gets_an_error_page_not_a_redirect(
    browser: httpx.AsyncClient,
) -> None:
    params = authorize_params("no-such-client", pkce())
    response = await browser.get("/oauth/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "invalid_client" in response.text


async def test_errors_after_the_redirect_uri_is_validated_go_to_the_client(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce(), response_type="token")
    query = redirect_query(await browser.get("/oauth/authorize", params=params))
    assert query["error"] == "unsupported_response_type"


# --- CSRF and the pages -------------------------------------------------------------------


async def test_login_and_consent_posts_need_the_csrf_token(
    app: FastAPI, oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce())
    page = await browser.get("/oauth/authorize", params=params)
    login = {"action": "login", "username": user.username, "password": user.password}
    missing = await browser.post("/oauth/authorize", params=params, data=login)
    assert missing.status_code == 403
    forged = await browser.post(
        "/oauth/authorize", params=params, data={**login, "csrf_token": "0" * 64}
    )
    assert forged.status_code == 403
    # A valid token from another browser's session does not work with this browser's cookie.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://localhost"
    ) as attacker:
        their_page = await attacker.get("/oauth/authorize", params=params)
    stolen = await browser.post(
        "/oauth/authorize", params=params, data={**login, "csrf_token": csrf_of(their_page)}
    )
    assert stolen.status_code == 403
    # And a cross-site post without our cookie at all is refused too.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://localhost"
    ) as no_cookie:
        refused = await no_cookie.post(
            "/oauth/authorize", params=params, data={**login, "csrf_token": csrf_of(page)}
        )
    assert refused.status_code == 403
    consent = await browser.post(
        "/oauth/authorize", params=params, data={**login, "csrf_token": csrf_of(page)}
    )
    assert consent.status_code == 200
    approve_without = await browser.post(
        "/oauth/authorize", params=params, data={"action": "approve"}
    )
    assert approve_without.status_code == 403


async def test_pages_are_self_contained_and_cannot_be_framed(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce(), scope="read:pets chat:write")
    consent = await sign_in(browser, params, user.username, user.password)
    for page in (await browser.get("/oauth/authorize", params=params), consent):
        assert page.headers["x-frame-options"] == "DENY"
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "form-action 'self' https://app.example.com" in csp
        assert page.headers["cache-control"] == "no-store"
        assert "<script" not in page.text
        assert "<link" not in page.text
        assert "src=" not in page.text
    assert "read:pets" in consent.text
    assert "chat:write" in consent.text
    assert "Test app" in consent.text
    cookie = consent.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


async def test_wrong_password_shows_the_login_page_again(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce())
    page = await sign_in(browser, params, user.username, "not the password")
    assert page.status_code == 401
    assert "Wrong username or password" in page.text
    assert "location" not in page.headers


async def test_denying_consent_redirects_with_access_denied(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce())
    consent = await sign_in(browser, params, user.username, user.password)
    response = await browser.post(
        "/oauth/authorize", params=params, data={"csrf_token": csrf_of(consent), "action": "deny"}
    )
    query = redirect_query(response)
    assert query["error"] == "access_denied"
    assert "code" not in query


async def test_a_signed_in_browser_goes_straight_to_consent(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    await get_code(browser, registered, user, pkce())
    again = await browser.get(
        "/oauth/authorize", params=authorize_params(registered.client_id, pkce())
    )
    assert again.status_code == 200
    assert "Allow access?" in again.text
    assert user.username in again.text


async def test_use_another_account_signs_out_of_the_flow(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce())
    consent = await sign_in(browser, params, user.username, user.password)
    switched = await browser.post(
        "/oauth/authorize", params=params, data={"csrf_token": csrf_of(consent), "action": "switch"}
    )
    assert switched.status_code == 200
    assert 'name="password"' in switched.text
    # The old session (and its CSRF token) no longer approves anything.
    stale = await browser.post(
        "/oauth/authorize",
        params=params,
        data={"csrf_token": csrf_of(consent), "action": "approve"},
    )
    assert stale.status_code == 403
    again = await browser.post(
        "/oauth/authorize",
        params=params,
        data={"csrf_token": csrf_of(switched), "action": "approve"},
    )
    assert again.status_code == 200
    assert 'name="password"' in again.text  # not signed in any more: the login page


# --- scopes -------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["read:pets write:pets", "read:pets admin", "openid"])
async def test_asking_beyond_the_clients_scope_is_invalid_scope(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, scope: str
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True, scope="read:pets")
    params = authorize_params(registered.client_id, pkce(), scope=scope)
    query = redirect_query(await browser.get("/oauth/authorize", params=params))
    assert query["error"] == "invalid_scope"


async def test_a_user_never_receives_staff_scopes(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    verifier = pkce()
    params = authorize_params(registered.client_id, verifier, scope="read:pets write:pets")
    consent = await sign_in(browser, params, user.username, user.password)
    assert "Not available to your account" in consent.text
    query = redirect_query(await approve(browser, params, consent))
    tokens = (await exchange(oc, registered, query["code"], verifier.verifier)).json()
    assert tokens["scope"] == "read:pets"
    created = await oc.post(
        "/v1/pets", json={"name": "Nope", "species": "DOG"}, headers=bearer(tokens["access_token"])
    )
    assert created.status_code == 403
    # Nor by refreshing with a broader scope.
    wider = await refresh(oc, registered, tokens["refresh_token"], scope="read:pets write:pets")
    assert_oauth_error(wider, 400, "invalid_scope")
    # The refused attempt did not spend the refresh token.
    assert (await refresh(oc, registered, tokens["refresh_token"])).status_code == 200


async def test_only_staff_scopes_requested_by_a_user_is_invalid_scope(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(registered.client_id, pkce(), scope="write:pets")
    consent = await sign_in(browser, params, user.username, user.password)
    query = redirect_query(await approve(browser, params, consent))
    assert query["error"] == "invalid_scope"


# --- refresh tokens -----------------------------------------------------------------------


async def test_refresh_rotates_and_reuse_revokes_the_family(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, scope="read:user")
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier)
    first = (await exchange(oc, registered, code, verifier.verifier)).json()
    second_response = await refresh(oc, registered, first["refresh_token"])
    assert second_response.status_code == 200
    second = second_response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["scope"] == "read:user"
    narrower = await refresh(oc, registered, second["refresh_token"], scope="read:user")
    assert narrower.status_code == 200
    third = narrower.json()
    # The first refresh token was rotated away: presenting it again revokes the family.
    reuse = await refresh(oc, registered, first["refresh_token"])
    assert_oauth_error(reuse, 400, "invalid_grant")
    assert_oauth_error(await refresh(oc, registered, third["refresh_token"]), 400, "invalid_grant")
    assert (await oc.get("/v1/users/me", headers=bearer(third["access_token"]))).status_code == 401


async def test_a_refresh_token_works_only_for_its_client(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    mine = await register(oc, staff, grants=CODE_GRANTS, public=True)
    thief = await register(oc, staff, grants=CODE_GRANTS, public=True)
    verifier = pkce()
    code = await get_code(browser, mine, user, verifier)
    tokens = (await exchange(oc, mine, code, verifier.verifier)).json()
    assert_oauth_error(await refresh(oc, thief, tokens["refresh_token"]), 400, "invalid_grant")
    # Nor at the login's refresh endpoint.
    login_refresh = await oc.post(
        "/v1/auth/tokens/refresh", json={"refreshToken": tokens["refresh_token"]}
    )
    assert login_refresh.status_code == 401
    # The owner's token was not spent by those attempts.
    assert (await refresh(oc, mine, tokens["refresh_token"])).status_code == 200


async def test_refresh_needs_the_grant_type_registered(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=["authorization_code"], public=True)
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier)
    tokens = (await exchange(oc, registered, code, verifier.verifier)).json()
    assert "refresh_token" not in tokens


# --- the interactive docs' client and tenants ---------------------------------------------


async def test_docs_client_works_in_the_tenant_the_user_names(
    oc: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    make_account: AccountFactory,
    tenant: str,
) -> None:
    account = await make_account(scope=None)
    verifier = pkce()
    redirect = "http://localhost/v1/docs/oauth2-redirect"
    params = authorize_params("petstore-docs", verifier, scope="read:user", redirect_uri=redirect)
    # Signing in to the shared pool fails (the account lives in the test's tenant) ...
    wrong_pool = await sign_in(browser, params, account.username, account.password)
    assert wrong_pool.status_code == 401
    # ... and works in the tenant the user types in.
    consent = await sign_in(browser, params, account.username, account.password, tenant=tenant)
    assert consent.status_code == 200
    response = await approve(browser, params, consent)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(redirect + "?code=")
    code = location.split("code=")[1].split("&")[0]
    token = await oc.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": "petstore-docs",
            "redirect_uri": redirect,
            "code_verifier": verifier.verifier,
        },
    )
    assert token.status_code == 200, token.text
    claims = jwt.decode(token.json()["access_token"], options={"verify_signature": False})
    assert claims["tid"] == tenant
    # The docs client's redirect URI is this server's own: another origin is refused.
    elsewhere = authorize_params(
        "petstore-docs", pkce(), redirect_uri="https://evil.example.net/v1/docs/oauth2-redirect"
    )
    assert (await browser.get("/oauth/authorize", params=elsewhere)).status_code == 400


async def test_a_tenant_clients_flow_stays_in_its_tenant(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=CODE_GRANTS, public=True)
    params = authorize_params(
        registered.client_id, pkce(), tenant="7c9e6679-7425-40de-944b-e07fc1f90ae7"
    )
    response = await browser.get("/oauth/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
