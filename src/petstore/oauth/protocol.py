"""Between Starlette and Authlib: protocol requests from HTTP requests, responses from
Authlib's answers.

Protocol endpoints answer in the protocol's own format (RFC 6749 §5.2 JSON errors, redirects to
the client), not RFC 9457: OAuth clients parse ``error``.
"""

from __future__ import annotations

from authlib.common.security import is_secure_transport
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InsecureTransportError, InvalidRequestError
from fastapi import Request
from starlette.responses import Response

from petstore.container import container_of
from petstore.core.links import base_url
from petstore.core.responses import JsonResponse
from petstore.oauth.server import Context, HttpRequest, Reply

FORM_TYPE = "application/x-www-form-urlencoded"


def context(request: Request) -> Context:
    """What Authlib's callbacks need of the app for this request."""
    state = container_of(request.app)
    return Context(settings=state.settings, tokens=state.tokens, base_url=base_url(request))


def public_uri(request: Request) -> str:
    """The URL the client used (behind a proxy, not the one the app sees): Authlib checks its
    scheme."""
    query = request.url.query
    return base_url(request) + request.url.path + (f"?{query}" if query else "")


def insecure(request: Request) -> bool:
    """OAuth needs TLS (RFC 6749 §1.6); plain http only on loopback, for development."""
    return not is_secure_transport(base_url(request))


def reply_response(reply: Reply) -> Response:
    headers = {k: v for k, v in reply.headers if k.lower() != "content-type"}
    if isinstance(reply.body, dict):
        return JsonResponse(reply.body, status_code=reply.status, headers=headers)
    return Response(status_code=reply.status, headers=headers)


def error_response(error: OAuth2Error) -> Response:
    status, body, headers = error()
    return reply_response(Reply(status, body, list(headers)))


def query_request(request: Request) -> HttpRequest:
    """The authorization request: its parameters are the query, whatever the method (the
    sign-in and consent forms post back to the same URL)."""
    params = list(request.query_params.multi_items())
    return HttpRequest("GET", public_uri(request), request.headers, params)


async def form_request(request: Request) -> HttpRequest | Response:
    """A protocol request from a form body (RFC 6749 §3.2: form-encoded, no repeats), or the
    error response that refuses it."""
    if insecure(request):
        return error_response(InsecureTransportError())
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != FORM_TYPE:
        return error_response(InvalidRequestError(f"The body must be {FORM_TYPE}."))
    form = await request.form()
    params = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    if len({k for k, _ in params}) != len(params):
        return error_response(InvalidRequestError("A parameter is repeated."))
    return HttpRequest(request.method, public_uri(request), request.headers, params)
