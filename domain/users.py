"""Creating users (CLI, demo data, later the backoffice)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import col

from db import models
from db.queries.user import user_by_email
from db.session import OperationDB
from domain.auth import hash_password
from domain.errors import RuleViolation, UserErrorCode

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


async def create_user(
    db: OperationDB,
    *,
    email: str,
    password: str,
    role: models.Role,
    client_id: int | None = None,
    full_name: str | None = None,
) -> models.User:
    """Create a user; a BIDDER must act for an existing client. One transaction."""
    email = email.strip()
    if not EMAIL.match(email):
        raise RuleViolation(UserErrorCode.INVALID, f"{email!r} is not an e-mail address", "email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            UserErrorCode.INVALID,
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
            "password",
        )
    if role is models.Role.BIDDER and client_id is None:
        raise RuleViolation(UserErrorCode.REQUIRED, "a BIDDER needs a client id", "clientId")
    async with db.transaction() as session:
        if await user_by_email(db, email) is not None:
            raise RuleViolation(UserErrorCode.UNIQUE, f"{email} is already registered", "email")
        if client_id is not None:
            exists = await session.scalar(
                sa.select(col(models.Client.id)).where(col(models.Client.id) == client_id)
            )
            if exists is None:
                raise RuleViolation(
                    UserErrorCode.NOT_FOUND, f"there is no client {client_id}", "clientId"
                )
        user = models.User(
            email=email,
            password_hash=hash_password(password),
            role=role,
            client_id=client_id,
            full_name=full_name,
        )
        session.add(user)
        await session.flush()
    return user
