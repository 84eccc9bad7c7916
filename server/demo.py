"""`gavel serve --demo` and `gavel demo-data`: open the database and call ``domain.demo``."""

from __future__ import annotations

from collections.abc import Callable

from db import models
from db.demo import has_rows, users_with_emails
from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from domain.demo import DEMO_LOGINS, DatabaseNotEmpty, DemoSummary, load_demo_data, login_lines

Echo = Callable[[str], None]


async def ensure_demo_data(url: str, echo: Echo) -> None:
    """Load the default demo set into an empty database; always print the logins.

    A database with any sale is left alone (a restart of ``serve --demo`` loads nothing).
    """
    engine = create_engine(url, pool_size=1, max_overflow=0)
    db = OperationDB(create_sessionmaker(engine))
    try:
        if await has_rows(db.session, models.Sale):
            echo("The database already has sales; demo data not loaded.")
            await db.session.rollback()
        else:
            try:
                summary = await load_demo_data(db, echo=echo)
            except DatabaseNotEmpty as exc:
                echo(f"Demo data not loaded: {exc}.")
            else:
                echo(summary.lines()[0])
        present = await users_with_emails(db.session, [login.email for login in DEMO_LOGINS])
    finally:
        await db.close()
        await engine.dispose()
    if len(present) == len(DEMO_LOGINS):
        echo("Demo logins:")
        echo("\n".join(login_lines()))
    else:
        echo("The demo logins do not exist in this database (it held data before --demo).")


async def demo_data_command(
    url: str,
    *,
    sales: int,
    lots_per_sale: int,
    clients: int,
    seed: int,
    reset: bool,
    echo: Echo,
) -> DemoSummary:
    """Load a demo set of the given size (``DatabaseNotEmpty`` unless empty or ``reset``)."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    db = OperationDB(create_sessionmaker(engine))
    try:
        return await load_demo_data(
            db,
            sales=sales,
            lots_per_sale=lots_per_sale,
            clients=clients,
            seed=seed,
            reset=reset,
            echo=echo,
        )
    finally:
        await db.close()
        await engine.dispose()
