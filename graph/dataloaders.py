"""The two loader shapes every relation uses: by id, and by parent id (a page or a list).

A value a loader already holds can be read without awaiting (``BatchLoader.get``), so a
resolver that finds it returns it at once and GraphQL completes the field synchronously: no
coroutine, future or task per row. ``prefetch`` fills the loaders for a whole page of rows
before their fields resolve (see ``graph.relay.Connection``).
"""

from __future__ import annotations

from asyncio import Future
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")


class BatchLoader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader whose batch function is any ``keys -> values`` coroutine (aligned lists)."""

    def __init__(self, fetch: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> None:
        self._futures: dict[K, Future[V]] = {}
        super().__init__(cache_map=self._futures)
        self._fetch = fetch

    async def batch_load_fn(self, keys: Sequence[K]) -> Sequence[V]:  # type: ignore[override]
        return await self._fetch(list(keys))

    def get(self, key: K) -> V | Future[V]:
        """The value when it is already loaded, else the future of ``load(key)``.

        Resolvers return this as is: GraphQL awaits a future and takes a value directly.
        """
        future = self._futures.get(key)
        if future is not None and future.done():
            return future.result()
        return self.load(key)


def then(value: V | Future[V], fn: Callable[[V], R]) -> R | Awaitable[R]:
    """``fn(value)``, now when the value is at hand, else once its future is done."""
    if isinstance(value, Future):
        return _apply(value, fn)
    return fn(value)


async def _apply(future: Future[V], fn: Callable[[V], R]) -> R:
    return fn(await future)


def prime_many(loader: DataLoader[Any, Any], rows: Sequence[Any]) -> None:
    """Put freshly loaded rows into a by-id loader so later look-ups cost nothing."""
    for row in rows:
        loader.prime(row.id, row)


@dataclass(frozen=True, slots=True)
class Prefetch:
    """A node field whose value a by-id loader holds: ``Loaders.<loader>`` keyed by ``key(row)``.

    ``key`` returns None for a row whose field needs no load (a null foreign key).
    """

    loader: str
    key: Callable[[Any], Any]


PREFETCHES: dict[type, Mapping[str, Prefetch]] = {}
"""Per model class: GraphQL field name -> how to load that field for many rows at once."""


def prefetch(loaders: object, rows: Sequence[Any], plan: Iterable[Prefetch]) -> list[Future[Any]]:
    """Queue the loads ``plan`` needs for ``rows``; return the futures not done yet.

    Loads queued in the same tick share one batch, so the pages of every parent are served by
    one statement per loader.
    """
    pending: list[Future[Any]] = []
    for step in plan:
        loader = getattr(loaders, step.loader)
        for key in {step.key(row) for row in rows}:
            if key is not None:
                future = loader.load(key)
                if not future.done():
                    pending.append(future)
    return pending


async def when_settled(futures: Sequence[Future[Any]], value: V) -> V:
    """``value`` once ``futures`` are done; a failed load is left for the field that reads it."""
    for future in futures:
        if not future.done():
            with suppress(Exception):
                await future
    return value
