"""``ModelNode``: the base of every entity type (global ID, ``databaseId``, loader look-up).

Resolvers return the SQLModel rows themselves; ``is_type_of`` tells GraphQL which type a row is,
so no per-row wrapper object is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import strawberry
from strawberry import relay
from strawberry.types.field import StrawberryField

from graph.context import Info
from graph.dataloaders import PREFETCHES, Prefetch
from graph.errors import BadUserInputError
from graph.filtering import database_id


class ComputedField(StrawberryField):
    """A field computed from its row alone, resolved the way Strawberry resolves a plain
    attribute: no ``Info``, argument handling or extension chain per row."""

    def __init__(self, compute: Callable[[Any], Any], *, description: str) -> None:
        super().__init__(description=description)
        self.compute = compute

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: Any) -> Any:
        return self.compute(source)


def computed(compute: Callable[[Any], Any], *, description: str) -> Any:
    """A field whose value is ``compute(row)`` (use for per-row formatting on hot types)."""
    return ComputedField(compute, description=description)


@strawberry.type
class ModelNode(relay.Node):
    __model__: ClassVar[type]
    __loader__: ClassVar[str]
    __prefetch__: ClassVar[Mapping[str, Prefetch]] = {}
    """By GraphQL field name: the loader holding that field's value, filled for a whole page of
    rows before their fields resolve (``graph.relay``). List the fields that read a by-id loader."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__prefetch__" in cls.__dict__:
            PREFETCHES[cls.__model__] = cls.__prefetch__

    database_id: int = computed(
        lambda row: int(row.id), description="The database id, equal to the id the REST API uses."
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, cls.__model__)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        try:
            ids = [database_id(node_id) for node_id in node_ids]
        except ValueError:
            raise BadUserInputError(f"malformed {cls.__name__} ID") from None
        loader = getattr(info.context.loaders, cls.__loader__)
        return list(await loader.load_many(ids))
