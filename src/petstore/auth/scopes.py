"""The scope vocabulary and what each role may hold."""

from __future__ import annotations

from enum import StrEnum

SCOPE_DESCRIPTIONS: dict[str, str] = {
    "read:pets": "Read pet information",
    "write:pets": "Create, change and delete pets (staff)",
    "read:orders": "Read your orders",
    "write:orders": "Place, pay and cancel your orders",
    "read:user": "Read your user profile",
    "write:user": "Change or delete your user profile",
    "chat:write": "Use the pet adoption advisor chat",
}
ALL_SCOPES = frozenset(SCOPE_DESCRIPTIONS)


class Role(StrEnum):
    USER = "USER"
    STAFF = "STAFF"


ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.USER: ALL_SCOPES - {"write:pets"},
    Role.STAFF: ALL_SCOPES,
}


def grantable(role: Role, requested: str | None) -> frozenset[str] | None:
    """Scopes a login may receive: all of the role's, or the requested subset.

    Returns ``None`` when the request names a scope the role may not hold.
    """
    allowed = ROLE_SCOPES[role]
    if not requested:
        return allowed
    wanted = frozenset(requested.split())
    return wanted if wanted <= allowed else None
