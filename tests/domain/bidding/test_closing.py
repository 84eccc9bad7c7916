"""Closing timed lots: on time, after soft close, once across racing closers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from domain.auth import principal_for
from domain.bidding.closing import close_due_lots
from domain.bidding.service import PlaceBid, place_bid
from tests import factories
from tests.committed import Committed

D = Decimal


async def _reload(session: AsyncSession, item: models.Item) -> models.Item:
    found = await session.get(models.Item, item.id, populate_existing=True)
    assert found is not None
    return found


async def test_a_lot_with_a_bid_in_its_soft_close_window_closes_later(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    start = datetime.now(UTC)
    sale = await factories.create_sale(session, soft_close_seconds=120)
    item = await factories.create_item(
        session, sale=sale, starting_price=D("100"), closes_at=start + timedelta(seconds=60)
    )
    bidder = await factories.create_bidder(session)
    await place_bid(db, principal_for(bidder), PlaceBid(item.id, D("100")), start)

    # when: the original closing time passes, then the extended one
    at_original = await close_due_lots(db, start + timedelta(seconds=61))
    at_extended = await close_due_lots(db, start + timedelta(seconds=121))

    # then
    assert at_original == []
    assert [c.item_id for c in at_extended] == [item.id]
    closed = await _reload(session, item)
    assert closed.status is models.ItemStatus.SOLD
    assert closed.hammer_price == D("100.00")
    assert closed.winner_id == bidder.client_id


async def test_reserve_not_met_gives_unsold_and_the_last_lot_closes_the_sale(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    now = datetime.now(UTC)
    sale = await factories.create_sale(session, soft_close_seconds=0)
    item = await factories.create_item(
        session,
        sale=sale,
        starting_price=D("100"),
        reserve_price=D("500"),
        closes_at=now + timedelta(seconds=5),
    )
    bidder = await factories.create_bidder(session)
    await place_bid(db, principal_for(bidder), PlaceBid(item.id, D("100")), now)

    # when
    await close_due_lots(db, now + timedelta(seconds=6))

    # then
    closed = await _reload(session, item)
    assert closed.status is models.ItemStatus.UNSOLD
    assert closed.hammer_price is None
    assert closed.winner_id is None
    closed_sale = await session.get(models.Sale, sale.id, populate_existing=True)
    assert closed_sale is not None
    assert closed_sale.closed_at == now + timedelta(seconds=6)


@pytest.mark.concurrency
def test_two_racing_closers_close_each_lot_once(committed: Committed) -> None:
    # given: 60 lots already due
    now = datetime.now(UTC)

    async def build(session: AsyncSession) -> int:
        sale = await factories.create_sale(session)
        for _ in range(60):
            await factories.create_item(session, sale=sale, closes_at=now - timedelta(seconds=1))
        return sale.id

    sale_id = committed.run(build)

    # when
    async def race() -> list[int]:
        engine = create_engine(committed.url, pool_size=4)
        makers = create_sessionmaker(engine)

        async def closer() -> list[int]:
            ids: list[int] = []
            db = OperationDB(makers)
            try:
                while batch := await close_due_lots(db, now, limit=7):
                    ids += [c.item_id for c in batch]
            finally:
                await db.close()
            return ids

        try:
            first, second = await asyncio.gather(closer(), closer())
        finally:
            await engine.dispose()
        return first + second

    closed_ids = asyncio.run(race())

    # then
    assert len(closed_ids) == 60
    assert len(set(closed_ids)) == 60

    async def statuses(session: AsyncSession) -> list[models.ItemStatus]:
        rows = await session.execute(
            sa.select(models.Item.status).where(models.Item.sale_id == sale_id)
        )
        return list(rows.scalars())

    assert set(committed.run(statuses)) == {models.ItemStatus.UNSOLD}
