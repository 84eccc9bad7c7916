"""`gavel create-user`: parse the command line values and call the domain."""

from __future__ import annotations

from db import models
from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from domain.errors import RuleViolation
from domain.users import create_user


async def create_user_command(
    url: str, email: str, password: str, role: str, client_id: int | None
) -> int:
    """Create the user; ``ValueError`` carries a message fit for the terminal."""
    try:
        parsed_role = models.Role[role.strip().upper()]
    except KeyError:
        raise ValueError(f"unknown role {role!r}; use ADMIN, STAFF or BIDDER") from None
    engine = create_engine(url, pool_size=1, max_overflow=0)
    db = OperationDB(create_sessionmaker(engine))
    try:
        user = await create_user(
            db, email=email, password=password, role=parsed_role, client_id=client_id
        )
    except RuleViolation as exc:
        raise ValueError(exc.message) from exc
    finally:
        await db.close()
        await engine.dispose()
    assert user.id is not None
    return user.id
