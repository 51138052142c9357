"""One exception for every refusal: the server's RFC 9457 problem, kept whole."""

from __future__ import annotations

from typing import Any


class PetstoreError(Exception):
    """The server refused a request; ``problem`` is its problem document (``status``,
    ``title``, ``detail``, and ``errors`` for invalid fields)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        detail = problem.get("detail") or problem.get("title") or "request refused"
        super().__init__(f"{status}: {detail}")

    @property
    def code(self) -> str | None:
        """The first field error's code, e.g. ``taken`` or ``amount_mismatch``."""
        errors = self.problem.get("errors") or []
        return errors[0].get("code") if errors else None
