"""The caller as row-scoping queries see it (``domain.principal.Principal`` fits this)."""

from __future__ import annotations

from typing import Protocol


class Viewer(Protocol):
    @property
    def user_id(self) -> int | None: ...

    @property
    def client_id(self) -> int | None: ...

    @property
    def is_staff(self) -> bool: ...
