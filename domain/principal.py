"""Who is asking: the caller's identity and role, as both APIs see it."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated user (or the anonymous public) behind one operation."""

    user_id: int | None = None
    role: Role | None = None
    client_id: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_staff(self) -> bool:
        """Staff and admins see everything, including reserve prices and bidder identities."""
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def owns_client(self, client_id: int | None) -> bool:
        return client_id is not None and client_id == self.client_id


ANONYMOUS = Principal()
