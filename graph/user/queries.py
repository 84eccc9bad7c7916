"""Root fields for users."""

from __future__ import annotations

import strawberry

from graph.context import Info
from graph.user.types import User


@strawberry.type
class UserQueries:
    @strawberry.field(
        description="The signed-in user with role and linked client; null when anonymous."
    )
    async def me(self, info: Info) -> User | None:
        user_id = info.context.principal.user_id
        if user_id is None:
            return None
        return await info.context.loaders.user_by_id.load(user_id)
