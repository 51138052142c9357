"""Schemathesis hooks for the classic contract run (tests/e2e/test_classic_contract.py).

Negative bodies are sent as JSON only. XML and form encodings cannot carry the type
distinctions a negative case relies on: ``<tags></tags>`` is at once an empty list, an empty
object and an empty string, and a form field is text whatever the schema says, so a case that
"sends a string where an array belongs" arrives as a valid one-item array. The XML and form
bodies are still sent in the positive cases, and tests/classic checks their refusals.

Nor can XML 1.0 carry every character (control characters, lone surrogates): a positive case
whose text holds one would arrive changed, so it is not sent as XML.
"""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

import tests.support.threadsafe_ast  # noqa: F401 - see its docstring; before any run

TEXT_ENCODINGS = ("application/xml", "application/x-www-form-urlencoded")
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_can_carry(value: Any) -> bool:
    if isinstance(value, str):
        return NOT_XML.search(value) is None
    if isinstance(value, dict):
        return all(_xml_can_carry(item) for item in value.values())
    if isinstance(value, list):
        return all(_xml_can_carry(item) for item in value)
    return True


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    meta = case.meta
    negative_body = meta is not None and meta.is_negative_at(ParameterLocation.BODY)
    if negative_body and case.media_type in TEXT_ENCODINGS:
        return False
    return case.media_type != "application/xml" or _xml_can_carry(case.body)
