"""Who is calling: the verified identity every service function receives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from petstore.auth.scopes import Role


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID
    username: str
    role: Role
    scopes: frozenset[str]
    tenant: str
    jti: str | None = None
    token_expires_at: datetime | None = None
    client_id: str | None = None  # the OAuth client the token was issued to, if any
    sandbox: bool = False
    """Identified by a server in sandbox mode: services then apply the public demo's relaxed
    rules (README, "Sandbox mode"); a strict server never sets it."""

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF

    def can_see_user(self, user_id: uuid.UUID) -> bool:
        return self.is_staff or self.user_id == user_id
