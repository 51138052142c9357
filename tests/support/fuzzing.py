"""Bad requests for the fuzz drill (tests/e2e/test_fuzz.py), built from the served contract.

Three sources besides schemathesis: a deterministic corpus of known-nasty inputs applied to
every operation (malformed JSON, huge numbers, hostile unicode, wrong types, odd headers, path
traversal), raw HTTP/1.1 bytes that no client library would send (invalid ``Content-Length``,
oversized headers, overlong UTF-8), and hypothesis-generated requests over the real routes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from tests.support.accounts import PASSWORD
from tests.support.pets import PET

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "query")
# Methods no route serves, and ones no server should accept.
ODD_METHODS = ("OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO", "HEAD")
PATH_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Operation:
    """One operation of the served document, with what the corpus needs to attack it."""

    operation_id: str
    method: str
    template: str
    fields: tuple[str, ...]
    query: tuple[str, ...]
    takes_body: bool


def operations(document: dict[str, Any]) -> list[Operation]:
    schemas = document["components"]["schemas"]

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    found = []
    for template, item in document["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            request_body: dict[str, Any] = op.get("requestBody") or {}
            content = request_body.get("content", {})
            media_type: dict[str, Any] = next(iter(content.values()), {})
            schema = resolve(media_type.get("schema", {}))
            fields = tuple(schema.get("properties", {}))
            query = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "query")
            takes_body = bool(content) or method in ("post", "put", "patch", "query")
            found.append(
                Operation(op["operationId"], method.upper(), template, fields, query, takes_body)
            )
    return found


@dataclass
class Targets:
    """Real ids to put in paths, so requests get past "not found" into the interesting code."""

    pet: str
    order: str
    user: str  # a user the drill may damage (never the staff account it authenticates as)
    webhook: str
    payment: str = "00000000-0000-0000-0000-000000000000"
    image: str = "00000000-0000-0000-0000-000000000000"

    def fill(self, template: str, override: str | None = None) -> str:
        def value(match: re.Match[str]) -> str:
            if override is not None:
                return override
            name = match.group(1)
            if name in ("paymentId",):
                return self.payment
            if name in ("imageId",):
                return self.image
            if "/orders/" in template or template.startswith("/v1/receipts"):
                return self.order
            if "/users/" in template:
                return self.user
            if "/webhooks/" in template:
                return self.webhook
            return self.pet

        return PATH_PARAM.sub(value, template)


# Known-good bodies, so that one bad field at a time reaches the code behind validation.
GOOD_BODIES: dict[str, dict[str, Any]] = {
    "createPet": PET,
    "updatePet": PET,
    "patchPet": {"name": "Rex"},
    "createUser": {"username": "fuzzvictim", "email": "v@example.com", "password": PASSWORD},
    "updateUser": {"username": "fuzzvictim", "email": "v@example.com", "password": PASSWORD},
    "createToken": {"username": "nobody-here", "password": PASSWORD},
    "login": {"username": "nobody-here", "password": PASSWORD},
    "refreshToken": {"refreshToken": "x" * 43},
    "createWebhook": {"url": "https://example.com/hook", "events": ["*"]},
    "updateWebhook": {"description": "fuzz"},
    "updateOrderStatus": {"status": "APPROVED"},
    "createChatCompletion": {"messages": [{"role": "user", "content": "Which dog is calm?"}]},
    "searchPetsByPost": {"criteria": {"species": ["DOG"]}},
    "searchPets": {"criteria": {"species": ["DOG"]}},
    "searchPetsAtSearchPath": {"criteria": {"species": ["DOG"]}},
    "createOrderPayment": {
        "amount": "120.00",
        "currency": "USD",
        "source": {
            "object": "card",
            "name": "Jane Doe",
            "number": "4242424242424242",
            "expMonth": 12,
            "expYear": 2030,
            "cvc": "123",
        },
    },
    "callbackOrder": {"amount": "1.00", "currency": "USD", "callbackUrl": "https://example.com"},
}
SEARCH_FIELDS = ("criteria", "sort", "pagination", "query", "species", "limit")

DEEP = 50_000
MALFORMED_BODIES: tuple[bytes, ...] = (
    b"",
    b"{",
    b"}",
    b"[",
    b'{"name": ',
    b'{"name": "Rex",}',
    b"{'name': 'Rex'}",
    b'{"name": "Rex"} {"name": "Max"}',
    b'{"name": "Rex"}garbage',
    b"nul",
    b"null",
    b"true",
    b"0",
    b"-0",
    b'"just a string"',
    b"[]",
    b"[{}]",
    b"{}",
    b"NaN",
    b'{"name": NaN}',
    b'{"ageMonths": Infinity}',
    b'{"ageMonths": -Infinity}',
    b'{"ageMonths": 1e309}',
    b"1e309",
    b'{"ageMonths": ' + str(2**200).encode() + b"}",
    b'{"ageMonths": -' + str(2**200).encode() + b"}",
    b'{"ageMonths": 1' + b"0" * 5000 + b"}",
    b'{"ageMonths": 0.' + b"0" * 5000 + b"1}",
    b'{"price": 1e-400}',
    b"[" * DEEP + b"]" * DEEP,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b"[" * DEEP,
    b'{"name": "\\ud800"}',  # lone surrogate, escaped
    b'{"name": "\\udfff\\ud800"}',
    b'{"name": "\xed\xa0\x80"}',  # lone surrogate, encoded (invalid UTF-8)
    b'{"name": "\xc0\xaf"}',  # overlong "/"
    b'{"name": "\xe0\x80\xaf"}',  # overlong "/", three bytes
    b'{"name": "\xf8\x88\x80\x80\x80"}',  # five-byte sequence
    b'{"name": "\xff\xfe"}',
    b"\xef\xbb\xbf{}",  # UTF-8 byte order mark
    "{}".encode("utf-16"),
    "{}".encode("utf-32"),
    b'{"name": "a\x00b"}',  # raw NUL inside a string
    b'{"name": "\\u0000"}',
    b'{"\\u0000": 1}',
    b"\x00" * 64,
    b'{"name": "' + b"\x01\x02\x1f" * 10 + b'"}',
    b'{"name": "Rex", "name": "Max"}',  # duplicate keys
    b'{"__proto__": {"admin": true}}',
    b'{"constructor": {"prototype": {"x": 1}}}',
    b'{"name": "' + b"A" * 900_000 + b'"}',
)

WRONG_VALUES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    2**63,
    -(2**63) - 1,
    2**200,
    1.5,
    1e308,
    "",
    "x" * 10_000,
    [],
    {},
    [[[[[[[[[[[]]]]]]]]]]],
    {"a": {"b": {"c": {}}}},
    "a\x00b",
    "\u202eevil\u202c",  # right-to-left override
    "🐶" * 200,
    "e\u0301" * 100,  # combining accents
    "\ud800",  # lone surrogate
    "\U0010ffff",
    "NaN",
    "9" * 400,
    "true",
    "2026-13-45T25:61:61Z",
    "../../../../etc/passwd",
    "' OR '1'='1' --",
    "http://169.254.169.254/latest/meta-data/",
)

QUERY_VALUES: tuple[str, ...] = (
    "",
    "-1",
    "1e309",
    str(2**200),
    "99999999999999999999",
    "NaN",
    "a\x00b",
    "\u202e",
    "🐶",
    "x" * 5000,
    "../../etc/passwd",
    "%zz",
    "true",
    ",".join(["DOG"] * 500),
)

HEADER_ABUSE: tuple[dict[str, str | bytes], ...] = (
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic Zm9vOmJhcg=="},
    {"Authorization": "Bearer a.b.c"},
    {"Authorization": "Bearer " + "A" * 8000},
    {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
    {"Authorization": b"Bearer \xff\xfe"},
    {"X-Tenant-ID": "not-a-uuid"},
    {"X-Tenant-ID": ""},
    {"X-Tenant-ID": "0" * 1000},
    {"X-Tenant-ID": b"\xc0\xaf"},
    {"X-Tenant-ID": "00000000-0000-0000-0000-000000000000"},
    {"If-Match": "garbage"},
    {"If-Match": '"' + "x" * 5000 + '"'},
    {"If-None-Match": "*"},
    {"If-None-Match": b'"\xff"'},
    {"Content-Type": "application/xml"},
    {"Content-Type": "application/json; charset=utf-16"},
    {"Content-Type": "application/json; charset=nonsense"},
    {"Content-Type": "multipart/form-data"},
    {"Content-Type": "multipart/form-data; boundary="},
    {"Content-Type": "multipart/form-data; boundary=" + "x" * 1000},
    {"Content-Type": ";;;"},
    {"Accept": "application/xml"},
    {"Accept": "*/*;q=nonsense"},
    {"Accept": b"\xe9/\xe9"},
    {"Accept-Encoding": "gzip;q=2, br;q=-1, " + "x," * 500},
    {"Idempotency-Key": ""},
    {"Idempotency-Key": "k" * 300},
    {"Idempotency-Key": b"\xff\xfe\xfd"},
    {"X-Request-ID": "../../etc/passwd"},
    {"X-Request-ID": "r" * 5000},
    {"Range": "bytes=99999999999999999999-"},
    {"Cookie": "a=" + "b" * 4000},
    {"Origin": "null"},
    {"X-Forwarded-For": "::::::, 999.999.999.999"},
    {"Host": "evil.example.com"},
    {"Host": ""},
)

TRAVERSAL_PATHS: tuple[str, ...] = (
    "/v1/pets/../../../../etc/passwd",
    "/v1/pets/..%2f..%2f..%2fetc%2fpasswd",
    "/v1/pets/%2e%2e/%2e%2e/etc/passwd",
    "/v1/pets/%252e%252e%252fetc%252fpasswd",
    "/v1/pets/....//....//etc/passwd",
    "/v1/pets/..%5c..%5cwindows%5cwin.ini",
    "/v1/docs/assets/../../../../etc/passwd",
    "/v1/docs/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/v1/docs/assets/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/v1/docs/assets/swagger-ui.css%00.js",
    "/v1/docs/assets/",
    "/v1/pets/%00",
    "/v1/pets/%c0%af",
    "/v1/pets/%ed%a0%80",
    "/v1/pets/%ff",
    "/v1/pets/" + "9" * 5000,
    "/v1/pets/" + "%F0%9F%90%B6" * 100,
    "/v1/pets//",
    "//v1/pets",
    "/v1//pets",
    "/v1/pets/./.",
    "/v1/pets/00000000-0000-0000-0000-000000000000/images/..%2f..%2f..",
    "/v1/pets/00000000-0000-0000-0000-000000000000/images/%2e%2e",
    "/v1/users/me/../../../etc",
    "/v1/users/%00me",
    "/.well-known/jwks.json/../../etc/passwd",
    "/.well-known/../../etc/passwd",
    "/var/petstore.db",
    "/media/../../etc/passwd",
    "/v1/openapi.json%00.yaml",
    "/v1/openapi.json/..",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/readyz/..",
    "/healthz%00",
    "/v1/pets?%ff=%fe",
    "/v1/pets?limit=1&limit=2&limit=" + "9" * 50,
    "/v1/pets?" + "&".join(f"k{i}=v" for i in range(2000)),
    "/v1/pets?species[]=DOG&species[$ne]=CAT",
)


# Sent without the drill's staff token: they would revoke it.
TOKEN_SPENDING = frozenset({"logout", "refreshToken"})


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str | bytes] = field(default_factory=dict)
    body: bytes | None = None
    label: str = ""
    authenticated: bool = True


def _json(value: Any) -> bytes:
    # ensure_ascii=False + surrogatepass: a lone surrogate goes out as (invalid) UTF-8 bytes.
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _escaped_json(value: Any) -> bytes:
    return json.dumps(value).encode()  # lone surrogates as \ud800 escapes, NaN as NaN


def corpus(ops: list[Operation], targets: Targets) -> Iterator[Request]:
    """The deterministic part of the drill: every nasty input against every operation."""
    for op in ops:
        for request in _attacks(op, targets):
            request.authenticated = op.operation_id not in TOKEN_SPENDING
            yield request
    for path in TRAVERSAL_PATHS:
        for method in ("GET", "DELETE", "PUT", "POST", "QUERY"):
            yield Request(method, path, label="traversal")


def _attacks(op: Operation, targets: Targets) -> Iterator[Request]:
    json_type: dict[str, str | bytes] = {"Content-Type": "application/json"}
    name = op.operation_id
    path = targets.fill(op.template)
    good = GOOD_BODIES.get(name)
    if op.takes_body:
        for body in MALFORMED_BODIES:
            yield Request(op.method, path, dict(json_type), body, f"malformed {name}")
        for field_name in op.fields or (SEARCH_FIELDS if op.method == "QUERY" else ()):
            for value in WRONG_VALUES:
                payload = {**(good or {}), field_name: value}
                # Raw UTF-8 (lone surrogates as invalid bytes) and \u-escaped, when they differ.
                for encoded in dict.fromkeys((_json(payload), _escaped_json(payload))):
                    yield Request(
                        op.method, path, dict(json_type), encoded, f"wrong type {name}.{field_name}"
                    )
    generic = ("page", "limit", "sort", "q") if op.method == "GET" else ()
    for param in (*op.query, *generic):
        for value in QUERY_VALUES:
            query = f"{quote(param)}={quote(value, safe='')}"
            yield Request(op.method, f"{path}?{query}", label=f"query {name}.{param}")
    good_body = _json(good) if good is not None else None
    for headers in HEADER_ABUSE:
        yield Request(op.method, path, dict(headers), good_body, f"headers {name}")
    if PATH_PARAM.search(op.template):
        for bad_id in ("not-a-uuid", "0", "-1", "%00", "..", "%2e%2e", "🐶", "9" * 100):
            override = quote(bad_id, safe="%")
            yield Request(op.method, targets.fill(op.template, override), label=f"path {name}")
    for method in ODD_METHODS:
        yield Request(method, path, label=f"method {name}")


# --- raw HTTP/1.1: what no client library sends ------------------------------------------


@dataclass(frozen=True)
class RawCase:
    """Bytes for one connection; ``may_close``: closing without an answer is acceptable (the
    request never ended, or the parser gave up on the connection)."""

    label: str
    data: bytes
    may_close: bool = False


def raw_cases(host: str, tenant: str) -> list[RawCase]:
    h = f"Host: {host}\r\nX-Tenant-ID: {tenant}\r\n".encode()
    body = b'{"name": "Rex"}'
    return [
        RawCase(
            "content-length not a number",
            b"POST /v1/pets HTTP/1.1\r\n" + h + b"Content-Length: abc\r\n\r\n" + body,
        ),
        RawCase(
            "negative content-length",
            b"POST /v1/pets HTTP/1.1\r\n" + h + b"Content-Length: -1\r\n\r\n" + body,
        ),
        RawCase(
            "content-length in exponent form",
            b"POST /v1/pets HTTP/1.1\r\n" + h + b"Content-Length: 1e3\r\n\r\n" + body,
        ),
        RawCase(
            "huge content-length",
            b"POST /v1/pets HTTP/1.1\r\n"
            + h
            + b"Content-Length: 99999999999999999999999\r\n\r\n"
            + body,
        ),
        RawCase(
            "two content-lengths",
            b"POST /v1/pets HTTP/1.1\r\n"
            + h
            + b"Content-Length: 5\r\nContent-Length: 15\r\n\r\n"
            + body,
        ),
        RawCase(
            "content-length list",
            b"POST /v1/pets HTTP/1.1\r\n" + h + b"Content-Length: 15, 15\r\n\r\n" + body,
        ),
        RawCase(
            "content-length shorter than body",
            b"POST /v1/pets HTTP/1.1\r\n"
            + h
            + b"Content-Type: application/json\r\nContent-Length: 3\r\n\r\n"
            + body,
        ),
        RawCase(
            "content-length longer than body",
            b"POST /v1/pets HTTP/1.1\r\n"
            + h
            + b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n"
            + body,
            may_close=True,
        ),
        RawCase(
            "content-length and chunked",
            b"POST /v1/pets HTTP/1.1\r\n"
            + h
            + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ),
        RawCase(
            "bad chunk size",
            b"POST /v1/pets HTTP/1.1\r\n"
            + h
            + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"
            + body
            + b"\r\n0\r\n\r\n",
        ),
        RawCase(
            "huge chunk size",
            b"POST /v1/pets HTTP/1.1\r\n"
            + h
            + b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nab\r\n0\r\n\r\n",
        ),
        RawCase(
            "unknown transfer-encoding",
            b"POST /v1/pets HTTP/1.1\r\n" + h + b"Transfer-Encoding: gzip, identity\r\n\r\n" + body,
        ),
        RawCase(
            "oversized header 16 KiB",
            b"GET /v1/pets HTTP/1.1\r\n" + h + b"X-Big: " + b"a" * 16_384 + b"\r\n\r\n",
        ),
        RawCase(
            "oversized header 1 MiB",
            b"GET /v1/pets HTTP/1.1\r\n" + h + b"X-Big: " + b"a" * 1_048_576 + b"\r\n\r\n",
            may_close=True,
        ),
        RawCase(
            "10,000 headers",
            b"GET /v1/pets HTTP/1.1\r\n"
            + h
            + b"".join(b"X-H%d: v\r\n" % i for i in range(10_000))
            + b"\r\n",
            may_close=True,
        ),
        RawCase(
            "100 KiB request target",
            b"GET /v1/pets?q=" + b"a" * 102_400 + b" HTTP/1.1\r\n" + h + b"\r\n",
            may_close=True,
        ),
        RawCase(
            "overlong UTF-8 in path", b"GET /v1/pets/\xc0\xaf\xc0\xaf HTTP/1.1\r\n" + h + b"\r\n"
        ),
        RawCase("raw non-ASCII path", b"GET /v1/pets/\xf0\x9f\x90\xb6 HTTP/1.1\r\n" + h + b"\r\n"),
        RawCase("NUL in request target", b"GET /v1/pets\x00 HTTP/1.1\r\n" + h + b"\r\n"),
        RawCase(
            "NUL in header value", b"GET /v1/pets HTTP/1.1\r\n" + h + b"X-Evil: a\x00b\r\n\r\n"
        ),
        RawCase(
            "overlong UTF-8 header value",
            b"GET /v1/pets HTTP/1.1\r\n" + h + b"X-Evil: \xc0\xaf\xe0\x80\xaf\r\n\r\n",
        ),
        RawCase("header without colon", b"GET /v1/pets HTTP/1.1\r\n" + h + b"NoColonHere\r\n\r\n"),
        RawCase(
            "space before colon", b"GET /v1/pets HTTP/1.1\r\n" + h + b"Content-Length : 0\r\n\r\n"
        ),
        RawCase(
            "obsolete line folding", b"GET /v1/pets HTTP/1.1\r\n" + h + b"X-Folded: a\r\n b\r\n\r\n"
        ),
        RawCase(
            "bare LF line endings", b"GET /v1/pets HTTP/1.1\n" + h.replace(b"\r\n", b"\n") + b"\n"
        ),
        RawCase(
            "no Host header",
            b"GET /v1/pets HTTP/1.1\r\nX-Tenant-ID: " + tenant.encode() + b"\r\n\r\n",
        ),
        RawCase(
            "two Host headers", b"GET /v1/pets HTTP/1.1\r\n" + h + b"Host: other.example\r\n\r\n"
        ),
        RawCase(
            "absolute-form target", b"GET http://evil.example/v1/pets HTTP/1.1\r\n" + h + b"\r\n"
        ),
        RawCase("asterisk target", b"OPTIONS * HTTP/1.1\r\n" + h + b"\r\n"),
        RawCase("HTTP/0.9", b"GET /v1/pets\r\n\r\n", may_close=True),
        RawCase("HTTP/2.0 over HTTP/1", b"GET /v1/pets HTTP/2.0\r\n" + h + b"\r\n", may_close=True),
        RawCase("HTTP/9.9", b"GET /v1/pets HTTP/9.9\r\n" + h + b"\r\n", may_close=True),
        RawCase(
            "garbage request line",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
            may_close=True,
        ),
        RawCase("lowercase method", b"get /v1/pets HTTP/1.1\r\n" + h + b"\r\n"),
        RawCase("method with control chars", b"G\x01T /v1/pets HTTP/1.1\r\n" + h + b"\r\n"),
        RawCase("request line only spaces", b"   \r\n\r\n", may_close=True),
        RawCase(
            "pipelined garbage",
            b"GET /v1/pets HTTP/1.1\r\n" + h + b"\r\n" + b"\xff\xff\xff\xff\r\n\r\n",
        ),
        RawCase(
            "expect 100-continue then nothing",
            b"POST /v1/pets HTTP/1.1\r\n"
            + h
            + b"Expect: 100-continue\r\nContent-Length: 10\r\n\r\n",
            may_close=True,
        ),
        RawCase(
            "upgrade to websocket",
            b"GET /v1/pets HTTP/1.1\r\n" + h + b"Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        ),
        RawCase(
            "upgrade to h2c",
            b"GET /v1/pets HTTP/1.1\r\n"
            + h
            + b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
            + b"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
        ),
    ]


STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3})")


RAW_ANSWER_SECONDS = 5.0


async def send_raw(host: str, port: int, case: RawCase) -> int | None:
    """Send the bytes, return the first status code answered (``None``: closed or silent)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        try:
            writer.write(case.data)
            await writer.drain()
        except (ConnectionResetError, BrokenPipeError):
            pass  # the server refused mid-way; what it answered (if anything) still counts
        try:
            head = await asyncio.wait_for(reader.read(64), RAW_ANSWER_SECONDS)
        except (TimeoutError, ConnectionResetError):
            return None
        match = STATUS_LINE.match(head)
        return int(match.group(1)) if match else None
    finally:
        writer.close()
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            await writer.wait_closed()


# --- hypothesis: random requests over the real routes ---------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # unbounded: 2**200 and friends
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from([v for v in WRONG_VALUES if isinstance(v, str)])
)


def json_values(field_names: tuple[str, ...]) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(field_names or ("name",)) | st.text(max_size=12)
    return st.recursive(
        json_scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6)
        ),
        max_leaves=12,
    )


def header_values() -> st.SearchStrategy[str]:
    # Visible ASCII and spaces only: httpx refuses to send anything else in a header.
    return st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)


@st.composite
def generated_requests(
    draw: st.DrawFn, ops: list[Operation], targets: Targets, auth: dict[str, str]
) -> Request:
    op = draw(st.sampled_from(ops))
    method = draw(st.sampled_from([op.method] * 4 + ["GET", "POST", "PUT", "PATCH", "DELETE"]))
    segment = st.one_of(
        st.none(),
        st.uuids().map(str),
        st.text(max_size=30).map(lambda s: quote(s, safe="")),
        st.sampled_from(["..", "%2e%2e", "%00", "me", "search", "0", "-1"]),
    )
    override = draw(segment)
    path = targets.fill(op.template, override=override)
    query_keys = st.sampled_from((*op.query, "page", "limit", "sort", "x"))
    query = draw(st.dictionaries(query_keys, st.text(max_size=30), max_size=3))
    if query:
        path += "?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query.items())
    headers: dict[str, str | bytes] = {}
    if op.operation_id not in TOKEN_SPENDING and draw(st.booleans()):
        headers.update(auth)
    extra = draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "Content-Type",
                    "Accept",
                    "If-Match",
                    "If-None-Match",
                    "Idempotency-Key",
                    "X-Tenant-ID",
                    "Authorization",
                    "X-Request-ID",
                ]
            ),
            header_values(),
            max_size=3,
        )
    )
    headers.update(extra)
    body: bytes | None = draw(
        st.one_of(
            st.none(),
            json_values(op.fields).map(_json),
            json_values(op.fields).map(_escaped_json),
            st.binary(max_size=300),
        )
    )
    if body is not None and "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"
    return Request(method, path, headers, body, f"hypothesis {op.operation_id}")


@dataclass
class Tally:
    """What the drill sent and what came back, per phase."""

    sent: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    no_answer: list[str] = field(default_factory=list)

    def record(self, phase: str, label: str, status: int | None, acceptable_close: bool) -> None:
        self.sent[phase] += 1
        self.statuses[str(status) if status is not None else "closed"] += 1
        if status is None and not acceptable_close:
            self.no_answer.append(f"{phase}: {label}")
        if status is not None and status >= 500:
            self.server_errors.append(f"{phase}: {label} -> {status}")
