"""Category list inputs."""

from __future__ import annotations

import enum

import strawberry

from graph.filtering import IDFilter, OrderDirection, StringFilter

CATEGORY_ID_TYPES = {"id": "Category", "parent_id": "Category"}


@strawberry.input(description="Filter categories; every given field must match.")
class CategoryFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By category ID.")
    parent_id: IDFilter | None = strawberry.field(default=None, description="By parent category.")
    name: StringFilter | None = strawberry.field(default=None, description="By name.")


@strawberry.enum(description="Fields categories can be sorted by.")
class CategoryOrderField(enum.Enum):
    ID = "id"
    NAME = "name"
    WEIGHT = "weight"


@strawberry.input(description="One sort key for categories.")
class CategoryOrder:
    field: CategoryOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )
