"""The Category type."""

from __future__ import annotations

import strawberry
from strawberry import relay

from db import models
from graph.context import Info
from graph.node import ModelNode


@strawberry.type(description="A collecting category lots are filed under; public.")
class Category(ModelNode):
    __model__ = models.Category
    __loader__ = "category_by_id"

    id: relay.NodeID[int]
    name: str = strawberry.field(description="Name (Coins, Stamps).")
    weight: int = strawberry.field(description="Position among its siblings; lighter first.")

    @strawberry.field(description="The broader category, or null at the top level.")
    async def parent(
        self, parent: strawberry.Parent[models.Category], info: Info
    ) -> Category | None:
        if parent.parent_id is None:
            return None
        return await info.context.loaders.category_by_id.load(parent.parent_id)
