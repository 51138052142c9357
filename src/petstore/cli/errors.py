"""Operator mistakes as one line each, instead of a traceback.

An operator who mistypes a setting or starts the server before the database needs to read what
is wrong and what to do, not hundreds of lines of library frames. Anything not recognised here is
a bug and keeps its traceback; so does everything with ``--debug`` (or
``PETSTORE_LOG_LEVEL=DEBUG``).
"""

from __future__ import annotations

import errno
import re
import sqlite3

from pydantic import ValidationError
from sqlalchemy import exc as sa_exc

from petstore.core.errors import DomainError

_MISSING_TABLE = re.compile(r'no such table|relation "[^"]+" does not exist|UndefinedTable')
ENV_PREFIX = "PETSTORE_"
_SECRET_WORDS = ("secret", "password")


class OperatorError(Exception):
    """A mistake the operator can fix; its message is the one line they see."""


def _setting_name(loc: tuple[int | str, ...]) -> str:
    return f"{ENV_PREFIX}{str(loc[0]).upper()}" if loc else "a setting"


def explain_settings(error: ValidationError) -> str:
    """``PETSTORE_X: what is wrong (got 'value')`` for the first broken setting."""
    first = error.errors(include_url=False)[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if not first["loc"]:  # a rule across settings: its message names them
        return f"invalid settings: {message}"
    value = first.get("input")
    name = str(first["loc"][0])
    # A URL may carry a password.
    secret = name.endswith("_url") or any(word in name for word in _SECRET_WORDS)
    shown = f" (got {value!r})" if isinstance(value, str | int | float) and not secret else ""
    return f"invalid setting {_setting_name(first['loc'])}: {message}{shown}"


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _database_line(error: BaseException) -> str | None:
    text = " ".join(str(e) for e in _chain(error))
    if _MISSING_TABLE.search(text):
        return "the database has no schema yet: run `petstore migrate` first"
    for cause in _chain(error):
        if isinstance(cause, ConnectionRefusedError | TimeoutError) or (
            isinstance(cause, OSError) and cause.errno in {errno.ECONNREFUSED, errno.EHOSTUNREACH}
        ):
            return (
                "cannot reach the database (connection refused or timed out): is it running, "
                "and is PETSTORE_DATABASE_URL right?"
            )
        if isinstance(cause, sqlite3.OperationalError):
            return f"SQLite refused the database file: {cause}; check PETSTORE_DATABASE_URL"
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        return f"the database refused the connection: {reason}; check PETSTORE_DATABASE_URL"
    return None


def explain(error: BaseException) -> str | None:
    """The one line for an operator mistake, or None for a bug (which keeps its traceback)."""
    if isinstance(error, OperatorError):
        return str(error)
    if isinstance(error, ValidationError) and error.title == "Settings":
        return explain_settings(error)
    if isinstance(error, DomainError):
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in error.errors or [])
        return f"{error.detail}{' (' + fields + ')' if fields else ''}"
    if isinstance(error, sa_exc.SQLAlchemyError | OSError):
        return _database_line(error)
    return None
