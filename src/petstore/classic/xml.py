"""XML bodies with the classic element names: ``<pet>``, wrapped ``<photoUrls><photoUrl>``,
``<tags><tag>``. Parsing goes through defusedxml: entity expansion ("billion laughs"), external
entities and DTDs in an untrusted body are refused instead of followed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from petstore.classic.schemas import XML_ITEMS, XML_OBJECTS

MEDIA_TYPE = "application/xml"


class MalformedXmlError(ValueError):
    """The body is not well-formed XML, or uses what defusedxml refuses."""


def _fill(element: Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(item, list):
                wrapper = SubElement(element, key)
                for entry in item:
                    _fill(SubElement(wrapper, XML_ITEMS.get(key, "item")), entry)
            else:
                _fill(SubElement(element, key), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def encode(root: str, value: Any) -> bytes:
    """``value`` (a wire dict, a list of them, or a scalar) as a document rooted at ``root``;
    a list becomes ``root`` wrapping one ``item`` element per entry."""
    element = Element(root)
    if isinstance(value, list):
        item = root.removesuffix("s")
        for entry in value:
            _fill(SubElement(element, item), entry)
    else:
        _fill(element, value)
    return bytes(tostring(element, encoding="utf-8", xml_declaration=True))


def _read(element: Element) -> Any:
    if element.tag in XML_ITEMS:
        return [_read(child) for child in element]
    if len(element) or element.tag in XML_OBJECTS:
        return {child.tag: _read(child) for child in element}
    return element.text or ""


def decode(body: bytes) -> Any:
    """The document's root element as dicts, lists (the wrapped fields) and strings."""
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise MalformedXmlError(str(exc)) from exc
    return _read(root)
