"""The demo data set: `load_demo_data`, `gavel demo-data` and `gavel serve --demo`."""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from db import models
from db.admin import create_database, drop_database
from db.queries.sale import sale_status
from db.session import OperationDB
from domain.auth import check_credentials
from domain.bidding.rules import increment_table, next_minimum
from domain.demo import ADMIN_LOGIN, BIDDER_LOGIN, DatabaseNotEmpty, load_demo_data
from server.cli import app
from server.database import migrate
from server.demo import ensure_demo_data
from tests import factories

NOW = datetime(2026, 3, 2, 10, 7, 30, tzinfo=UTC)
SMALL: dict[str, Any] = {"sales": 4, "lots_per_sale": 12, "clients": 30, "now": NOW}

DIGEST_QUERIES = (
    """SELECT sale_number, title, subtitle, kind, published, starts_at, ends_at, closed_at,
              stagger_seconds FROM sales ORDER BY sale_number""",
    """SELECT s.sale_number, i.lot_number, i.title, i.description, c.name, i.status,
              i.estimate_low, i.estimate_high, i.starting_price, i.reserve_price, i.current_bid,
              i.bid_count, i.hammer_price, i.closes_at, i.closed_at, w.customer_number
       FROM items i JOIN sales s ON s.id = i.sale_id JOIN categories c ON c.id = i.category_id
       LEFT JOIN clients w ON w.id = i.winner_id ORDER BY 1, 2""",
    """SELECT s.sale_number, i.lot_number, b.sequence, b.amount, c.customer_number, b.source,
              b.placed_at
       FROM bids b JOIN items i ON i.id = b.item_id JOIN sales s ON s.id = i.sale_id
       JOIN clients c ON c.id = b.client_id ORDER BY 1, 2, 3""",
    """SELECT c.customer_number, c.bidder_number, c.first_name, c.last_name, c.company, c.email,
              c.status, a.country, a.locality, a.postal_code, a.thoroughfare
       FROM clients c JOIN addresses a ON a.client_id = c.id ORDER BY 1""",
    """SELECT n.number, n.title, n.is_house, n.estimated, c.customer_number
       FROM consignments n JOIN clients c ON c.id = n.consignor_id ORDER BY 1""",
    """SELECT s.sale_number, i.lot_number, l.field, l.position, coalesce(t.name, k.name)
       FROM item_terms l JOIN items i ON i.id = l.item_id JOIN sales s ON s.id = i.sale_id
       LEFT JOIN taxonomy_terms t ON t.id = l.term_id
       LEFT JOIN categories k ON k.id = l.category_id ORDER BY 1, 2, 3, 4""",
)


async def _digest(session: AsyncSession) -> str:
    """A hash of everything a user sees (not ids, uuids or password hashes)."""
    digest = hashlib.sha256()
    for query in DIGEST_QUERIES:
        for row in (await session.execute(sa.text(query))).all():
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


async def _all(session: AsyncSession, model: Any) -> list[Any]:
    return list((await session.execute(sa.select(model).order_by(model.id))).scalars())


async def test_the_same_seed_gives_the_same_data(db: OperationDB, session: AsyncSession) -> None:
    # given
    await load_demo_data(db, seed=7, **SMALL)
    first = await _digest(session)

    # when
    await load_demo_data(db, seed=7, reset=True, **SMALL)
    again = await _digest(session)
    await load_demo_data(db, seed=8, reset=True, **SMALL)
    other = await _digest(session)

    # then
    assert again == first
    assert other != first


BUILD_DIGEST_SCRIPT = """
import hashlib
from datetime import UTC, datetime
from domain.demo.builder import build_demo_data
data = build_demo_data(sales=6, lots_per_sale=10, clients=40, seed=9,
                       now=datetime(2026, 3, 2, 10, 7, tzinfo=UTC), hash_password=str)
print(hashlib.sha256(repr(data).encode()).hexdigest())
"""


def test_the_data_does_not_depend_on_the_hash_seed() -> None:
    # given: two interpreters whose str hashes (and so set orders) differ
    root = Path(__file__).resolve().parents[2]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD_DIGEST_SCRIPT],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)},
            stdout=subprocess.PIPE,
            text=True,
        )
        for hash_seed in ("1", "2")
    ]

    # when
    digests = [run.communicate(timeout=60)[0].strip() for run in runs]

    # then
    assert [run.returncode for run in runs] == [0, 0]
    assert digests[0] == digests[1]
    assert len(digests[0]) == 64


async def test_bids_respect_the_increments_and_sequences_are_gapless(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    summary = await load_demo_data(db, seed=3, **SMALL)

    # when
    items = await _all(session, models.Item)
    bids = await _all(session, models.Bid)
    sales = {sale.id: sale for sale in await _all(session, models.Sale)}

    # then
    assert summary.items == len(items) == 48
    assert summary.bids == len(bids) > 100
    by_item: dict[int, list[models.Bid]] = defaultdict(list)
    for bid in sorted(bids, key=lambda b: (b.item_id, b.sequence)):
        by_item[bid.item_id].append(bid)
    for item in items:
        table = increment_table(sales[item.sale_id].increments)
        rows = by_item.get(item.id, [])
        assert [bid.sequence for bid in rows] == list(range(1, len(rows) + 1))
        current: Decimal | None = None
        for bid in rows:
            assert bid.amount >= next_minimum(current, item.starting_price, table)
            assert current is None or bid.amount > current
            current = bid.amount
        assert item.current_bid == current
        assert item.bid_count == item.last_sequence == len(rows)
        assert item.leading_bid_id == (rows[-1].id if rows else None)
        placed = [bid.placed_at for bid in rows]
        assert placed == sorted(placed)
        assert all(when < NOW for when in placed)


async def test_the_default_set_has_an_open_an_upcoming_a_live_and_a_closed_sale(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    await load_demo_data(db, seed=5, **SMALL)

    # when
    open_, upcoming, live, closed = await _all(session, models.Sale)
    items = await _all(session, models.Item)
    bids = {bid.id: bid for bid in await _all(session, models.Bid)}
    lots: dict[int, list[models.Item]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.lot_number or 0):
        lots[item.sale_id].append(item)

    # then: a timed sale open now, its lots closing one after another over the next hours
    assert (open_.kind, sale_status(open_, NOW)) == (models.SaleKind.TIMED, "published")
    assert open_.stagger_seconds > 0
    closes = [item.closes_at for item in lots[open_.id]]
    assert closes[0] is not None
    assert NOW + timedelta(hours=1) <= closes[0] <= NOW + timedelta(hours=2)
    assert closes == [
        closes[0] + timedelta(seconds=n * open_.stagger_seconds) for n in range(len(closes))
    ]
    assert {item.status for item in lots[open_.id]} == {models.ItemStatus.ACTIVE}
    assert any(item.bid_count for item in lots[open_.id])
    # an upcoming sale without bids
    assert sale_status(upcoming, NOW) == models.SaleStatus.UPCOMING
    assert not any(item.bid_count for item in lots[upcoming.id])
    # a live sale in progress: some lots hammered, one on the block, the rest to come
    assert (live.kind, sale_status(live, NOW)) == (models.SaleKind.LIVE, "published")
    statuses = [item.status for item in lots[live.id]]
    assert statuses.count(models.ItemStatus.ACTIVE) == 1
    assert models.ItemStatus.SOLD in statuses
    assert models.ItemStatus.AVAILABLE in statuses
    # a closed sale with sold and unsold lots
    assert sale_status(closed, NOW) == models.SaleStatus.CLOSED
    assert closed.closed_at is not None
    sold = [item for item in lots[closed.id] if item.status is models.ItemStatus.SOLD]
    unsold = [item for item in lots[closed.id] if item.status is models.ItemStatus.UNSOLD]
    assert sold
    assert unsold
    assert len(sold) + len(unsold) == len(lots[closed.id])
    for item in sold:
        assert item.leading_bid_id is not None
        leading = bids[item.leading_bid_id]
        assert item.hammer_price == item.current_bid == leading.amount
        assert item.winner_id == leading.client_id
        assert item.reserve_price is None or leading.amount >= item.reserve_price
        assert item.closed_at is not None
    for item in unsold:
        assert (item.hammer_price, item.winner_id) == (None, None)
        assert item.closed_at is not None
        assert item.current_bid is None or item.current_bid < (item.reserve_price or 0)


async def test_clients_have_numbers_a_default_address_and_consign_lots(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    await load_demo_data(db, seed=11, **SMALL)

    # when
    clients = await _all(session, models.Client)
    addresses = await _all(session, models.Address)
    consignments = await _all(session, models.Consignment)
    items = {item.id: item for item in await _all(session, models.Item)}
    bids = await _all(session, models.Bid)

    # then
    assert len(clients) == 30
    assert [c.customer_number for c in clients] == [f"C{10001 + n}" for n in range(30)]
    numbered = [c.bidder_number for c in clients if c.bidder_number is not None]
    assert numbered == [f"P{1001 + n}" for n in range(len(numbered))]
    approved = [c for c in clients if c.status is models.ClientStatus.APPROVED]
    assert len(approved) > len(clients) // 2
    assert sorted(a.client_id for a in addresses if a.is_default) == [c.id for c in clients]
    consignors = {c.id for c in clients}
    assert all(consignment.consignor_id in consignors for consignment in consignments)
    assert [c.title for c in consignments if c.is_house] == ["House stock"]
    consignor_of = {c.id: c.consignor_id for c in consignments}
    bidders = {c.id: c for c in clients}
    for bid in bids:
        item = items[bid.item_id]
        assert item.consignment_id is not None
        assert bid.client_id != consignor_of[item.consignment_id]
        assert bidders[bid.client_id].status is models.ClientStatus.APPROVED
        assert bidders[bid.client_id].bidder_number is not None


async def test_lots_clients_and_sales_are_filed_under_terms(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    await load_demo_data(db, seed=11, **SMALL)

    # when
    items = await _all(session, models.Item)
    item_links = (await session.scalars(sa.select(models.ItemTerm))).all()
    client_links = (await session.scalars(sa.select(models.ClientTerm))).all()
    sale_links = (await session.scalars(sa.select(models.SaleTerm))).all()

    # then: every lot's main category is its first category, and every lot has a country
    firsts = {
        link.item_id: link.category_id
        for link in item_links
        if link.field == "categories" and link.position == 0
    }
    assert firsts == {item.id: item.category_id for item in items}
    assert {link.item_id for link in item_links if link.field == "country"} == set(firsts)
    assert {link.field for link in item_links} >= {"categories", "country", "tags", "mediums"}
    assert {link.field for link in client_links} == {"interested_in", "source"}
    assert {link.field for link in sale_links} == {"departments", "catalog", "bid_steps"}


async def test_the_demo_logins_log_in(db: OperationDB) -> None:
    # given
    summary = await load_demo_data(db, **SMALL)

    # when
    admin = await check_credentials(db, ADMIN_LOGIN.email, ADMIN_LOGIN.password)
    bidder = await check_credentials(db, BIDDER_LOGIN.email, BIDDER_LOGIN.password)

    # then
    assert (summary.admin, summary.bidder) == (ADMIN_LOGIN, BIDDER_LOGIN)
    assert (admin.role, admin.client_id) == (models.Role.ADMIN, None)
    assert bidder.role is models.Role.BIDDER
    client = await db.session.get(models.Client, bidder.client_id)
    assert client is not None
    assert (client.status, client.bidder_number) == (models.ClientStatus.APPROVED, "P1001")


async def test_loading_into_a_database_with_clients_is_refused(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    await factories.create_client(session)
    await session.commit()

    # when
    with pytest.raises(DatabaseNotEmpty) as raised:
        await load_demo_data(db, **SMALL)

    # then
    assert str(raised.value) == (
        "the database is not empty (it already has sales, clients or the demo logins)"
    )
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Sale)) == 0


@pytest.fixture
async def empty_database(server_url: str) -> AsyncIterator[str]:
    """A database of its own (the CLI and `serve --demo` commit), dropped afterwards."""
    name = f"gavel_demo_test_{secrets.token_hex(4)}"
    url = await create_database(server_url, name)
    yield url
    await drop_database(server_url, name)


async def test_serve_demo_loads_the_default_set_once_and_prints_the_logins(
    empty_database: str,
) -> None:
    # given
    await migrate(empty_database)
    first: list[str] = []
    second: list[str] = []

    # when
    await ensure_demo_data(empty_database, echo=first.append)
    await ensure_demo_data(empty_database, echo=second.append)

    # then
    logins = "\n".join(first[-1:])
    assert "admin@gavel.test / password: gavel-admin" in logins
    assert "bidder@gavel.test / password: gavel-bidder" in logins
    assert any("4 sales, 300 lots" in line for line in first)
    assert second[0] == "The database already has sales; demo data not loaded."
    assert second[-1] == first[-1]


def test_demo_data_command_loads_refuses_and_resets(empty_database: str) -> None:
    # given
    runner = CliRunner()
    env = {"DATABASE_URL": empty_database}
    args = ["demo-data", "--sales", "6", "--lots-per-sale", "5", "--clients", "20", "--seed", "2"]

    # when
    loaded = runner.invoke(app, args, env=env)
    refused = runner.invoke(app, args, env=env)
    reset = runner.invoke(app, [*args, "--reset"], env=env)

    # then
    assert loaded.exit_code == 0, loaded.output
    assert "6 sales, 30 lots" in loaded.stdout
    assert "BIDDER bidder@gavel.test / password: gavel-bidder" in loaded.stdout
    assert "wrote 30 items" in loaded.stderr
    assert refused.exit_code == 1
    assert refused.stderr.strip().endswith(
        "error: the database is not empty (it already has sales, clients or the demo logins); "
        "nothing loaded. Use --reset to delete everything first."
    )
    assert reset.exit_code == 0, reset.output
    assert "Deleted all existing data." in reset.stderr
