"""Passwords (argon2) and opaque access tokens, shared by GraphQL, WebSocket and REST.

A token is ``HMAC-SHA256(secret_key, "<token id>:<nonce>")``, URL-safe base64. The database
keeps the nonce and a SHA-256 digest of the token, never the token: a leaked table cannot be
replayed, yet login can hand the *same* unexpired token out again (REST login-token reuse).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col

from db import models
from db.queries.rate_limit import count_request, forget_windows_before, window_count
from db.queries.user import user_by_email, user_by_token_hash
from db.session import OperationDB
from domain.errors import DomainError, Unauthenticated
from domain.principal import ANONYMOUS, Principal

FAILED_LOGIN = "failed-login:"
"""Key prefix of the failed-login counters (``rate_limit_counters``)."""

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")


class WrongCredentials(Unauthenticated):
    """Unknown e-mail, wrong password or blocked account (one message for all three)."""

    def __init__(self) -> None:
        super().__init__("Wrong credentials.")


class TooManyFailedLogins(DomainError):
    """The caller's address failed to log in too often lately; refused without a check."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many failed login attempts. Please try again later.")
        self.retry_after = retry_after


class InvalidToken(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("Invalid access token.")


class TokenExpired(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("Access token expired.")


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    """How tokens are derived and how long they live, and how often an address may fail to
    log in (built from settings by the server)."""

    secret_key: bytes
    ttl: timedelta = timedelta(hours=24)
    failed_login_limit: int = 10
    """Failed logins allowed per address and window (REST A11); 0 turns the limit off."""
    failed_login_window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: int
    token: str
    user_id: int
    expires_at: datetime


def hash_password(password: str, hasher: PasswordHasher = _hasher) -> str:
    """An argon2id hash of ``password``."""
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; false (not an error) for a malformed stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _derive(policy: TokenPolicy, token_id: int, nonce: str) -> str:
    digest = hmac.new(policy.secret_key, f"{token_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_digest(token: str) -> str:
    """What is stored and looked up: SHA-256 of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def principal_for(user: models.User) -> Principal:
    return Principal(user_id=user.id, role=user.role, client_id=user.client_id)


async def check_credentials(db: OperationDB, email: str, password: str) -> models.User:
    """The active user with these credentials, or ``WrongCredentials``."""
    user = await user_by_email(db, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same cost whether or not the user exists
        raise WrongCredentials()
    if not verify_password(user.password_hash, password) or not user.is_active:
        raise WrongCredentials()
    return user


async def issue_token(
    db: OperationDB, user: models.User, policy: TokenPolicy, now: datetime
) -> IssuedToken:
    """Reuse the user's unexpired token (same id, token, expiry) or create one.

    Runs inside the caller's transaction. Expired tokens of the user are deleted when a new one
    is made. A token whose stored digest no longer matches (secret key rotated) is not reused.
    """
    session = db.session
    assert user.id is not None
    current = (
        (
            await session.execute(
                sa.select(models.AccessToken)
                .where(
                    col(models.AccessToken.user_id) == user.id,
                    col(models.AccessToken.expires_at) > now,
                )
                .order_by(col(models.AccessToken.expires_at).desc())
            )
        )
        .scalars()
        .all()
    )
    for row in current:
        assert row.id is not None
        assert row.token_hint is not None
        token = _derive(policy, row.id, row.token_hint)
        if hmac.compare_digest(token_digest(token), row.token_hash):
            return IssuedToken(row.id, token, user.id, row.expires_at)
    await session.execute(
        sa.delete(models.AccessToken).where(
            col(models.AccessToken.user_id) == user.id, col(models.AccessToken.expires_at) <= now
        )
    )
    nonce = secrets.token_urlsafe(24)
    row = models.AccessToken(
        user_id=user.id,
        token_hash=secrets.token_hex(32),  # placeholder until the id is known
        token_hint=nonce,
        created_at=now,
        expires_at=now + policy.ttl,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    token = _derive(policy, row.id, nonce)
    row.token_hash = token_digest(token)
    await session.flush()
    return IssuedToken(row.id, token, user.id, row.expires_at)


async def login(
    db: OperationDB,
    email: str,
    password: str,
    policy: TokenPolicy,
    now: datetime,
    *,
    address: str | None = None,
) -> tuple[models.User, IssuedToken]:
    """Check the credentials and hand out the user's token, in one transaction.

    ``address`` (the caller's IP) is refused with ``TooManyFailedLogins`` once it has failed
    ``policy.failed_login_limit`` times in the current window, even with the right password;
    each failure is counted in its own committed transaction, in the counters every server
    process shares.
    """
    key = f"{FAILED_LOGIN}{address}" if address and policy.failed_login_limit > 0 else None
    window = _window_start(now, policy.failed_login_window)
    if key is not None:
        async with db.transaction() as session:
            failures = await window_count(session, key, window)
        if failures >= policy.failed_login_limit:
            raise TooManyFailedLogins(_seconds_left(now, window, policy.failed_login_window))
    try:
        async with db.transaction():
            user = await check_credentials(db, email, password)
            issued = await issue_token(db, user, policy, now)
    except WrongCredentials:
        if key is not None:
            async with db.transaction() as session:
                if await count_request(session, key, window) == 1:
                    await forget_windows_before(session, FAILED_LOGIN, window)
        raise
    return user, issued


def _window_start(now: datetime, length: timedelta) -> datetime:
    seconds = length.total_seconds()
    return datetime.fromtimestamp(math.floor(now.timestamp() / seconds) * seconds, now.tzinfo)


def _seconds_left(now: datetime, start: datetime, length: timedelta) -> int:
    return max(1, math.ceil((start + length - now).total_seconds()))


def bearer_token(headers: Mapping[str, Any], query_params: Mapping[str, Any]) -> str | None:
    """The token from ``Authorization: Bearer …`` or, failing that, ``?access_token=``.

    The header wins when both are present (REST Decision D2); both APIs read tokens here.
    """
    header = headers.get("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    token = query_params.get("access_token")
    return str(token) if token else None


async def authenticate(db: OperationDB, token: str | None, now: datetime) -> Principal:
    """The principal behind a bearer token; anonymous for no token.

    Raises ``TokenExpired`` for an expired token (deleting it then, REST A2.1, so a second use
    is an unknown token) and ``InvalidToken`` for any other unusable one (unknown, or its user
    deactivated).
    """
    if not token:
        return ANONYMOUS
    digest = token_digest(token)
    found = await user_by_token_hash(db, digest, now)
    if found is not None:
        return principal_for(found[0])
    expired = await db.scalar(
        sa.select(col(models.AccessToken.id)).where(
            col(models.AccessToken.token_hash) == digest, col(models.AccessToken.expires_at) <= now
        )
    )
    if expired is not None:
        async with db.transaction() as session:
            await session.execute(
                sa.delete(models.AccessToken).where(col(models.AccessToken.id) == expired)
            )
        raise TokenExpired()
    raise InvalidToken()
