"""Helpers for the Classic Petstore API's tests: its base path, its plain error answers and
its XML bodies."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

import httpx
from defusedxml.ElementTree import fromstring

V3 = "/api/v3"
XML = {"Accept": "application/xml"}
PROBLEM = {"Accept": "application/problem+json"}
XML_BODY = {"Content-Type": "application/xml"}
PET_XML = (
    b"<pet><id>{id}</id><name>Rex</name><category><id>1</id><name>Dogs</name></category>"
    b"<photoUrls><photoUrl>a.png</photoUrl><photoUrl>b.png</photoUrl></photoUrls>"
    b"<tags><tag><id>7</id><name>good</name></tag></tags><status>pending</status></pet>"
)


def pet_xml(ident: int) -> bytes:
    return PET_XML.replace(b"{id}", str(ident).encode())


def assert_plain(response: httpx.Response, status: int, message: str) -> None:
    """The reference's kind of error: the status and a short sentence as plain text."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == message


def xml_of(response: httpx.Response, root: str) -> Element:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/xml"
    element: Element = fromstring(response.content)
    assert element.tag == root
    return element


def texts(element: Element, path: str) -> list[str]:
    return [found.text or "" for found in element.findall(path)]


def json_ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/json"
    return response.json()
