"""The syntax of authorization request parameters, checked before Authlib sees the request.

Authlib validates what the parameters mean (is the client registered, is the redirect URI
one of its own, is the challenge S256) but not how they are written, and it quotes some of
them (the redirect URI, the response type) in error descriptions, where RFC 6749 allows only
printable ASCII without ``"`` and ``\\``: given such a value it raised instead of answering.

Here every parameter of the authorization endpoint is held to RFC 6749 Appendix A and RFC 7636
§4.2-4.3: sent at most once (§3.1), printable ASCII (every one of their grammars is), at most
:data:`MAX_PARAMETER_CHARS` characters, the redirect URI an absolute URI (§3.1.2, RFC 3986) and
the response type a list of names. A request that breaks this is malformed as a whole: it
cannot be trusted to come from the client, so neither can its redirect URI, and it is answered
on the spot, never by redirect. Unknown parameters are ignored, as §3.1 requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_PARAMETER_CHARS = 2048

_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
_GRAMMARS = {
    # RFC 3986 absolute URI: a scheme, then only URI characters and well-formed escapes.
    "redirect_uri": re.compile(
        r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*"
    ),
    "resource": re.compile(
        r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9._~:/?\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*"
    ),
    # response-type = response-name *( SP response-name ), response-char = "_" / DIGIT / ALPHA
    "response_type": re.compile(r"[A-Za-z0-9_]+(?: [A-Za-z0-9_]+)*"),
}
AUTHORIZATION_PARAMETERS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
        "resource",  # RFC 8707
        "tenant",  # ours: the tenant a first-party client's user signs in to
    }
)


def malformed_authorization(params: Iterable[tuple[str, str]]) -> str | None:
    """What is wrong with the request's parameters, naming the parameter but never quoting
    its value (it may be an attacker's markup); ``None`` when they are well-formed. Empty
    values count as absent (§3.1) except when repeated."""
    seen: set[str] = set()
    for name, value in params:
        if name not in AUTHORIZATION_PARAMETERS:
            continue
        if name in seen:
            return f"the parameter '{name}' is repeated"
        seen.add(name)
        if len(value) > MAX_PARAMETER_CHARS:
            return f"the parameter '{name}' is longer than {MAX_PARAMETER_CHARS} characters"
        if not _PRINTABLE_ASCII.fullmatch(value):
            return f"the parameter '{name}' has characters other than printable ASCII"
        grammar = _GRAMMARS.get(name)
        if value and grammar is not None and not grammar.fullmatch(value):
            return f"the parameter '{name}' is malformed"
    return None
