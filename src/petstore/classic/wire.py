"""Content negotiation like the reference: JSON or XML answers by ``Accept``; JSON, XML or
form bodies by ``Content-Type``; errors as the reference's plain sentences, or as RFC 9457
problems for a client that accepts ``application/problem+json``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from petstore.classic import xml
from petstore.core.problems import PROBLEM_MEDIA_TYPE, Problem, render
from petstore.core.responses import JsonResponse

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
M = TypeVar("M", bound=BaseModel)


class UnreadableBodyError(Exception):
    """The body cannot be read as its content type says (400), or has no supported one (415)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class InvalidBodyError(Exception):
    """The body was read but breaks the schema (422, the reference's "Validation exception")."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(str(error))
        self.error = error


def _quality(accept: str, media: str, *, exact: bool = False) -> float:
    """The q of the most specific range in ``accept`` that covers ``media`` (0: none); with
    ``exact``, only a range naming ``media`` itself counts."""
    best, best_rank = 0.0, -1
    kind = media.split("/")[0]
    ranks = {media: 2} if exact else {media: 2, f"{kind}/*": 1, "*/*": 0}
    for part in accept.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        rank = ranks.get(name.lower(), -1)
        if rank > best_rank:
            q = next((p[2:] for p in params if p.startswith("q=")), "1")
            try:
                best, best_rank = float(q), rank
            except ValueError:
                continue
    return best


def wants_xml(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return _quality(accept, xml.MEDIA_TYPE) > _quality(accept, JSON)


def reply(
    request: Request, value: Any, root: str, headers: Mapping[str, str] | None = None
) -> Response:
    """``value`` as XML rooted at ``root`` when the client prefers XML, else as JSON."""
    if wants_xml(request):
        return Response(xml.encode(root, value), media_type=xml.MEDIA_TYPE, headers=headers)
    return JsonResponse(value, headers=headers)


def text(message: str, status: int = 200) -> Response:
    return Response(message, status_code=status, media_type="text/plain")


def error(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The reference's plain message, or an RFC 9457 problem if the client asks for one."""
    if _quality(request.headers.get("accept", ""), PROBLEM_MEDIA_TYPE, exact=True) > 0:
        return render(request, Problem(status, message, headers=headers))
    response = text(message, status)
    response.headers.update(headers or {})
    return response


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read(request: Request, model: type[M], form: type[BaseModel] | None = None) -> M:
    """The body as ``model``: JSON validated strictly (``"3"`` is no integer), XML and form
    fields by their text. ``form`` is the flat model form bodies are read as, if not ``model``."""
    kind = media_type(request)
    body = await request.body()
    try:
        if kind == JSON or kind.endswith("+json"):
            return model.model_validate_json(body or b"null", strict=True)
        if kind in (xml.MEDIA_TYPE, "text/xml"):
            return model.model_validate(_xml_body(body))
        if kind == FORM:
            fields = await _form_fields(request)
            if form is not None:
                fields = form.model_validate(fields).model_dump(by_alias=True, exclude_none=True)
            return model.model_validate(fields)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise UnreadableBodyError(400, "Invalid input") from exc
        raise InvalidBodyError(exc) from exc
    raise UnreadableBodyError(415, f"Unsupported media type '{kind or 'none'}'")


async def read_json_list(request: Request, model: type[M]) -> list[M]:
    """A JSON array of ``model`` (at least one), the only body ``createWithList`` takes."""
    if media_type(request) != JSON:
        raise UnreadableBodyError(415, f"Unsupported media type '{media_type(request) or 'none'}'")
    try:
        data = orjson.loads(await request.body() or b"null")
    except orjson.JSONDecodeError as exc:
        raise UnreadableBodyError(400, "Invalid input") from exc
    if not isinstance(data, list) or not data:
        raise UnreadableBodyError(
            422, "Validation exception: a non-empty array of users is expected"
        )
    try:
        return [model.model_validate_json(orjson.dumps(item), strict=True) for item in data]
    except ValidationError as exc:
        raise InvalidBodyError(exc) from exc


def _xml_body(body: bytes) -> Any:
    try:
        return xml.decode(body)
    except xml.MalformedXmlError as exc:
        raise UnreadableBodyError(400, "Invalid input") from exc


LIST_FIELDS = frozenset({"photoUrls"})  # the form fields that may be repeated


async def _form_fields(request: Request) -> dict[str, Any]:
    """Form fields by name: the last value of each, all of them for :data:`LIST_FIELDS`."""
    form = await request.form()
    fields: dict[str, Any] = {}
    for name in form:
        found = [v for v in form.getlist(name) if isinstance(v, str)]
        if name in LIST_FIELDS:
            fields[name] = found
        elif found:
            fields[name] = found[-1]
    return fields
