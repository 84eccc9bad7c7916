"""Declarative access checks: operation-level permission classes and staff-only fields."""

from __future__ import annotations

from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from graph.context import Info


class IsAuthenticated(BasePermission):
    message = "Sign in to do this."
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal.is_authenticated


class IsStaff(BasePermission):
    """Use after ``IsAuthenticated`` so anonymous callers get UNAUTHENTICATED first."""

    message = "Only staff may do this."
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal.is_staff


class StaffOnlyField(BasePermission):
    """For fields that reveal other people: null for non-staff, never an error."""

    message = "Staff only."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.principal.is_staff


STAFF: list[type[BasePermission]] = [IsAuthenticated, IsStaff]
"""`permission_classes` for staff operations (declared once, reused by every field)."""


def staff_only() -> list[FieldExtension]:
    """Extensions for a nullable staff-only field (`extensions=staff_only()`)."""
    return [PermissionExtension(permissions=[StaffOnlyField()], fail_silently=True)]


STAFF_ONLY = " Staff only; null for others."
STAFF_ONLY_LIST = " Staff only; empty for others."


class StaffOrOwner(BasePermission):
    """Staff, or the client the row belongs to (``source.client_id``); null for others."""

    message = "Staff or owner only."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal.is_staff or principal.owns_client(getattr(source, "client_id", None))


def staff_or_owner() -> list[FieldExtension]:
    """Extensions for a nullable field only staff and the owning client may read."""
    return [PermissionExtension(permissions=[StaffOrOwner()], fail_silently=True)]
