"""The one tokenizer behind every token count, limit and stream chunk.

A token is a run of letters, digits and underscores, or a single other non-space character,
together with the whitespace before it: ``"Hi, Max!"`` is ``["Hi", ",", " Max", "!"]``.
Joining the tokens gives the text back, so streaming token by token and answering at once
produce the same text and the same counts. (No model-specific vocabulary: the built-in
advisor has none, and an upstream model's own counts are passed through when it reports them.)
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*(?:\w+|[^\w\s])|\s+$")


def tokenize(text: str) -> list[str]:
    return [token for token in _TOKEN.findall(text) if token]


def count(text: str) -> int:
    return len(tokenize(text))


def truncate(text: str, max_tokens: int) -> tuple[str, bool]:
    """The first ``max_tokens`` tokens of ``text``, and whether anything was cut."""
    tokens = tokenize(text)
    if len(tokens) <= max_tokens:
        return text, False
    return "".join(tokens[:max_tokens]), True
