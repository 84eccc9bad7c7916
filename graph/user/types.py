"""The User type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db import models
from graph.context import Info
from graph.enums import Role
from graph.node import ModelNode
from graph.permissions import STAFF_ONLY_LIST, staff_only

if TYPE_CHECKING:
    from graph.client.types import Client


@strawberry.type(
    description="Someone who can sign in: staff, or a bidder acting for a client record. "
    "Staff see every user; others see only themself."
)
class User(ModelNode):
    __model__ = models.User
    __loader__ = "user_by_id"

    id: relay.NodeID[int]
    email: str = strawberry.field(description="Login e-mail.")
    full_name: str | None = strawberry.field(description="Name shown in the backoffice.")
    role: Role = strawberry.field(description="ADMIN, STAFF or BIDDER.")
    is_active: bool = strawberry.field(description="Whether the user may sign in.")
    created_at: datetime = strawberry.field(description="Created.")
    updated_at: datetime = strawberry.field(description="Last changed.")

    @strawberry.field(description="The client record a bidder acts for; null for staff.")
    async def client(
        self, parent: strawberry.Parent[models.User], info: Info
    ) -> Annotated[Client, strawberry.lazy("graph.client.types")] | None:
        if parent.client_id is None:
            return None
        return await info.context.loaders.client_by_id.load(parent.client_id)


RESPONSIBLE_USERS_INPUT = (
    "Responsible staff users (User IDs), in order; replaced as a whole, null or [] clears. "
    "Each must be an active staff user (`responsibleUserIds[1]` NOT_FOUND otherwise). Staff only."
)
"""The description of every ``responsibleUserIds`` input field."""


def responsible_users_field(entity_type: models.EntityType, noun: str) -> Any:
    """The ``responsibleUsers`` field of clients, consignments and lots: back-office data."""

    async def responsible_users(parent: strawberry.Parent[Any], info: Info) -> list[User]:
        loader = info.context.loaders.responsible_users_by_owner_id(entity_type)
        return await loader.load(parent.id)

    return strawberry.field(
        resolver=responsible_users,
        description=f"The staff users responsible for the {noun}, in order." + STAFF_ONLY_LIST,
        extensions=staff_only(),
    )
