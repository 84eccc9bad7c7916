"""The two loader shapes every relation uses: by id, and by parent id (a page or a list)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader

K = TypeVar("K")
V = TypeVar("V")


class BatchLoader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader whose batch function is any ``keys -> values`` coroutine (aligned lists)."""

    def __init__(self, fetch: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> None:
        super().__init__()
        self._fetch = fetch

    async def batch_load_fn(self, keys: Sequence[K]) -> Sequence[V]:  # type: ignore[override]
        return await self._fetch(list(keys))


def prime_many(loader: DataLoader[Any, Any], rows: Sequence[Any]) -> None:
    """Put freshly loaded rows into a by-id loader so later look-ups cost nothing."""
    for row in rows:
        loader.prime(row.id, row)
