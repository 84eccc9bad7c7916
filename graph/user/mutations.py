"""``login``: e-mail and password for a bearer token."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from db import models
from domain import auth
from graph.context import Info
from graph.errors import RateLimitedError
from graph.payloads import UserError, UserErrorCode
from graph.user.inputs import LoginInput
from graph.user.types import User


@strawberry.type(description="The result of `login`: a bearer token, or why there is none.")
class LoginPayload:
    token: str | None = strawberry.field(
        default=None,
        description="Send as `Authorization: Bearer <token>` (GraphQL, WebSocket and REST). "
        "Logging in again while it is valid returns the same token and expiry.",
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the token stops working."
    )
    _user: strawberry.Private[models.User | None] = None

    @strawberry.field(description="The signed-in user; null when login failed.")
    def user(self) -> User | None:
        return self._user

    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="INVALID_CREDENTIALS for an unknown e-mail, a wrong password or a blocked "
        "account (one message for all three).",
    )


@strawberry.type
class UserMutations:
    @strawberry.mutation(
        description="Exchange e-mail and password for a bearer token. After too many failed "
        "attempts from one address (10 in 15 minutes by default) every attempt from it fails "
        "with `RATE_LIMITED` (`extensions.retryAfter`, seconds) until the window ends."
    )
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        context = info.context
        client = context.request.client if context.request is not None else None
        try:
            user, issued = await auth.login(
                context.db,
                input.email,
                input.password,
                context.token_policy,
                datetime.now(UTC),
                address=client.host if client else None,
            )
        except auth.TooManyFailedLogins as exc:
            raise RateLimitedError(str(exc), retryAfter=exc.retry_after) from exc
        except auth.WrongCredentials as exc:
            error = UserError(field=None, code=UserErrorCode.INVALID_CREDENTIALS, message=str(exc))
            return LoginPayload(errors=[error])
        # The payload (user { client }) resolves as the user who just proved who they are.
        context.sign_in(auth.principal_for(user))
        context.loaders.user_by_id.prime(user.id, user)
        return LoginPayload(token=issued.token, expires_at=issued.expires_at, _user=user)
