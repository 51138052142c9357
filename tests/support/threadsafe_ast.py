"""One ``ast.parse`` at a time, in the schemathesis process of the contract runs.

CPython 3.11 keeps the AST constructor's recursion depth in per-interpreter state, so two
threads building ASTs at once can corrupt it: ``SystemError: AST constructor recursion depth
mismatch`` (python/cpython#106905). Schemathesis runs with ``--workers 2`` (threads), and
hypothesis parses the source of every lambda it describes, so a contract run failed on a
busy CI machine with that error, inside the test generator, with nothing wrong in the server.
The hooks modules import this first; parsing is a small part of a run, so the lock costs
nothing measurable.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_LOCK = threading.Lock()
_PARSE = ast.parse


def _serialized_parse(*args: Any, **kwargs: Any) -> Any:
    with _LOCK:
        return _PARSE(*args, **kwargs)


ast.parse = _serialized_parse
