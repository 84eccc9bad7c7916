"""``ModelNode``: the base of every entity type (global ID, ``databaseId``, loader look-up).

Resolvers return the SQLModel rows themselves; ``is_type_of`` tells GraphQL which type a row is,
so no per-row wrapper object is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import strawberry
from strawberry import relay

from graph.context import Info
from graph.errors import BadUserInputError


@strawberry.type
class ModelNode(relay.Node):
    __model__: ClassVar[type]
    __loader__: ClassVar[str]

    @strawberry.field(description="The database id, equal to the id the REST API uses.")
    def database_id(self, parent: strawberry.Parent[Any]) -> int:
        return int(parent.id)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, cls.__model__)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        try:
            ids = [int(node_id) for node_id in node_ids]
        except ValueError:
            raise BadUserInputError(f"malformed {cls.__name__} ID") from None
        loader = getattr(info.context.loaders, cls.__loader__)
        return list(await loader.load_many(ids))
