"""Loading the demo data set into the database in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from db import models
from db.demo import (
    TableRows,
    copy_rows,
    ensure_categories,
    ensure_terms,
    has_rows,
    table_of,
    truncate_all,
    users_with_emails,
)
from db.demo import write_tables as write_demo_tables
from db.session import OperationDB
from domain.auth import hash_password
from domain.demo.builder import DEMO_LOGINS, MIN_CLIENTS, DemoData, DemoLogin, build_demo_data
from domain.demo.catalogue import CATEGORIES
from domain.demo.terms import VOCABULARIES, term_links
from domain.errors import DomainError

Echo = Callable[[str], None]


class DatabaseNotEmpty(DomainError):
    """The demo data set is only loaded into a database without sales, clients or demo logins."""

    def __init__(self) -> None:
        super().__init__(
            "the database is not empty (it already has sales, clients or the demo logins)"
        )


class InvalidDemoSize(DomainError):
    """A requested demo size is out of range."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What was loaded, and the two accounts to log in with."""

    seed: int
    categories: int
    clients: int
    addresses: int
    users: int
    sales: int
    consignments: int
    items: int
    bids: int
    seconds: float
    admin: DemoLogin
    bidder: DemoLogin

    def lines(self) -> list[str]:
        """A short human-readable report."""
        return [
            f"Loaded demo data (seed {self.seed}) in {self.seconds:.1f} s: "
            f"{self.sales:,} sales, {self.items:,} lots, {self.bids:,} bids, "
            f"{self.clients:,} clients, {self.consignments:,} consignments, "
            f"{self.categories:,} categories.",
            *login_lines(),
        ]


def login_lines() -> list[str]:
    """The demo accounts, one line each."""
    return [
        f"  {login.role.name:<6} {login.email} / password: {login.password}"
        for login in DEMO_LOGINS
    ]


def _tables(data: DemoData) -> list[TableRows]:
    """The rows in foreign-key order, with which columns hold positions in which table."""
    clients, sales, items = "clients", "sales", "items"
    return [
        TableRows(models.Client, data.clients),
        TableRows(models.Address, data.addresses, {"client_id": clients}),
        TableRows(models.User, data.users, {"client_id": clients}),
        TableRows(models.Sale, data.sales),
        TableRows(
            models.Consignment,
            data.consignments,
            {"consignor_id": clients, "sale_id": sales},
        ),
        TableRows(
            models.Item,
            data.items,
            {
                "sale_id": sales,
                "consignment_id": "consignments",
                "category_id": "categories",
                "winner_id": clients,
                "leading_bid_id": "bids",
            },
        ),
        TableRows(
            models.Bid,
            data.bids,
            {"item_id": items, "client_id": clients, "user_id": "users"},
        ),
    ]


_LINK_TABLES: dict[str, tuple[type[SQLModel], str]] = {
    "items": (models.ItemTerm, "item_id"),
    "clients": (models.ClientTerm, "client_id"),
    "sales": (models.SaleTerm, "sale_id"),
}


async def _write_term_links(
    session: AsyncSession, data: DemoData, ids: Mapping[str, list[int]], seed: int
) -> None:
    """The demo vocabularies, each lot's category as its first ``categories`` term, and the
    seeded term links of ``domain.demo.terms``."""
    term_ids = await ensure_terms(session, VOCABULARIES)
    rows: dict[str, list[dict[str, Any]]] = {owner: [] for owner in _LINK_TABLES}
    for item_id, item in zip(ids["items"], data.items, strict=True):
        if item["category_id"] is not None:
            category_id = ids["categories"][item["category_id"] - 1]
            rows["items"].append(
                {
                    "item_id": item_id,
                    "field": "categories",
                    "position": 0,
                    "term_id": None,
                    "category_id": category_id,
                }
            )
    for link in term_links(data, seed):
        model, owner = _LINK_TABLES[link.owner]
        row: dict[str, Any] = {
            owner: ids[link.owner][link.position - 1],
            "field": link.field,
            "position": link.index,
            "term_id": term_ids[(link.vocabulary, link.name.lower())],
        }
        if model is not models.SaleTerm:
            row["category_id"] = None
        rows[link.owner].append(row)
    for owner, (model, _column) in _LINK_TABLES.items():
        await copy_rows(session, table_of(model), rows[owner])


async def load_demo_data(
    db: OperationDB,
    *,
    sales: int = 4,
    lots_per_sale: int = 75,
    clients: int = 200,
    seed: int = 1,
    echo: Echo | None = None,
    now: datetime | None = None,
    reset: bool = False,
) -> DemoSummary:
    """Generate the demo data set from ``seed`` and write it in one transaction.

    The default set has four sales: a timed sale whose lots close one after another over the
    next hours, an upcoming sale, a live sale in progress and a closed sale with sold and
    unsold lots. More sales give a mix of those. Raises ``DatabaseNotEmpty`` if the database
    already has sales, clients or a demo login, unless ``reset`` first empties every table.
    """
    if sales < 1 or lots_per_sale < 1 or clients < MIN_CLIENTS:
        raise InvalidDemoSize(
            f"need at least 1 sale, 1 lot per sale and {MIN_CLIENTS} clients "
            f"(got {sales}, {lots_per_sale}, {clients})"
        )
    say: Echo = echo or (lambda _line: None)
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    emails = [login.email for login in DEMO_LOGINS]
    async with db.transaction() as session:
        if reset:
            await truncate_all(session)
            say("Deleted all existing data.")
        elif (
            await has_rows(session, models.Sale)
            or await has_rows(session, models.Client)
            or await users_with_emails(session, emails)
        ):
            raise DatabaseNotEmpty()

        say(
            f"Generating demo data (seed {seed}): {sales:,} sales x {lots_per_sale:,} lots, "
            f"{clients:,} clients…"
        )
        phase = time.perf_counter()
        data = build_demo_data(
            sales=sales,
            lots_per_sale=lots_per_sale,
            clients=clients,
            seed=seed,
            now=now,
            hash_password=hash_password,
        )
        say(
            f"  generated {len(data.items):,} lots and {len(data.bids):,} bids "
            f"in {time.perf_counter() - phase:.1f} s"
        )

        def progress(table: str, rows: int, seconds: float) -> None:
            say(f"  wrote {rows:,} {table} in {seconds:.1f} s")

        category_ids = await ensure_categories(session, CATEGORIES)
        ids = await write_demo_tables(
            session, _tables(data), known_ids={"categories": category_ids}, progress=progress
        )
        await _write_term_links(session, data, ids, seed)
    return DemoSummary(
        seed=seed,
        categories=len(category_ids),
        clients=len(data.clients),
        addresses=len(data.addresses),
        users=len(data.users),
        sales=len(data.sales),
        consignments=len(data.consignments),
        items=len(data.items),
        bids=len(data.bids),
        seconds=time.perf_counter() - started,
        admin=DEMO_LOGINS[0],
        bidder=DEMO_LOGINS[1],
    )
