"""The User type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from db import models
from graph.context import Info
from graph.enums import Role
from graph.node import ModelNode

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
