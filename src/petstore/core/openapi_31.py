"""The OpenAPI 3.1 rendition of a 3.2 document, for tools that do not read 3.2 yet.

Made from the served 3.2 document (one source), by rewriting the few 3.2-only constructs as
the extensions the OpenAPI Initiative registers for exactly this purpose:

- a ``query`` operation becomes an entry of the path item's ``x-oai-additionalOperations``
  (key ``QUERY``); every QUERY operation here also has a POST fallback, which 3.1 tools use;
- the ``deviceAuthorization`` OAuth flow becomes ``x-oai-deviceAuthorization``, its
  ``deviceAuthorizationUrl`` ``x-oai-deviceAuthorizationUrl``.

Everything else in our 3.2 document is already valid 3.1.
"""

from __future__ import annotations

import copy
from typing import Any

VERSION = "3.1.1"
NOTE = (
    "\n\n*This is the OpenAPI 3.1 rendition of `/v1/openapi.json` (3.2): QUERY operations are "
    "under `x-oai-additionalOperations` (use their POST fallbacks), and the device "
    "authorization flow is `x-oai-deviceAuthorization`.*\n"
)


def _path_items(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every path item, including those of webhooks and of callbacks."""
    items = [*doc.get("paths", {}).values(), *doc.get("webhooks", {}).values()]
    for item in list(items):
        for op in item.values():
            if isinstance(op, dict):
                for callback in op.get("callbacks", {}).values():
                    items.extend(callback.values())
    return items


def _lower_query(item: dict[str, Any]) -> None:
    query = item.pop("query", None)
    if query is not None:
        item.setdefault("x-oai-additionalOperations", {})["QUERY"] = query


def _lower_flows(doc: dict[str, Any]) -> None:
    for scheme in doc.get("components", {}).get("securitySchemes", {}).values():
        flows = scheme.get("flows", {})
        device = flows.pop("deviceAuthorization", None)
        if device is not None:
            device["x-oai-deviceAuthorizationUrl"] = device.pop("deviceAuthorizationUrl")
            flows["x-oai-deviceAuthorization"] = device


def rendition_31(document: dict[str, Any]) -> dict[str, Any]:
    """A 3.1 copy of the 3.2 ``document`` (which is left as it was)."""
    doc = copy.deepcopy(document)
    doc["openapi"] = VERSION
    doc["info"]["description"] = doc["info"].get("description", "") + NOTE
    for item in _path_items(doc):
        _lower_query(item)
    _lower_flows(doc)
    return doc
