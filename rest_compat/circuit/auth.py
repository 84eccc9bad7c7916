"""B0: ``GET /api/login-token`` with HTTP Basic; the token it hands out is the bearer token of
every other REST call, of GraphQL and of subscriptions (``domain.auth``)."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db.session import OperationDB
from domain.auth import login
from domain.errors import Unauthenticated
from rest_compat.deps import RestState, operation_db, rest_state
from rest_compat.errors import RestError
from rest_compat.shapes import SingleEnvelope, errors, single

router = APIRouter()

NO_CREDENTIALS = "No authentication credentials provided."


class LoginToken(BaseModel):
    """An access token (B0)."""

    id: str = Field(description="Token entity id.", examples=["123"])
    token: str = Field(description="The bearer secret.")
    type: str = Field(description="Always `access_token`.", examples=["access_token"])
    uid: str = Field(description="Id of the authenticated user.", examples=["456"])
    expire: int = Field(description="Unix timestamp (seconds) of expiry.", examples=[1735689600])


def _unauthorized(detail: str) -> RestError:
    return RestError(
        401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Basic realm="gavel"'}
    )


def basic_credentials(header: str | None) -> tuple[str, str]:
    """E-mail and password from ``Authorization: Basic …``; 401 when absent or undecodable."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        raise _unauthorized(NO_CREDENTIALS)
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _unauthorized(NO_CREDENTIALS) from exc
    email, colon, password = decoded.partition(":")
    if not colon or not email:
        raise _unauthorized(NO_CREDENTIALS)
    return email, password


@router.get(
    "/api/login-token",
    response_model=SingleEnvelope[LoginToken],
    responses=errors(429),
    summary="Obtain an access token (HTTP Basic)",
    tags=["Authentication"],
)
async def login_token(
    request: Request,
    db: OperationDB = Depends(operation_db),
    state: RestState = Depends(rest_state),
) -> Response:
    """B0: the caller's unexpired token is handed out again (same id, token and expiry);
    otherwise a new one is made. Send it as ``Authorization: Bearer <token>``.

    After 10 failed attempts from one address in 15 minutes (configurable), every attempt
    from it is answered 429 with ``retry_after`` until the window ends (A11)."""
    email, password = basic_credentials(request.headers.get("authorization"))
    address = request.client.host if request.client else None
    try:
        user, issued = await login(
            db, email, password, state.token_policy, datetime.now(UTC), address=address
        )
    except Unauthenticated as exc:
        raise _unauthorized(str(exc)) from exc
    return single(
        {
            "id": str(issued.id),
            "token": issued.token,
            "type": "access_token",
            "uid": str(user.id),
            "expire": int(issued.expires_at.timestamp()),
        }
    )
