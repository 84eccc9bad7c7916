"""A bid racing a merge of its client waits for it and never lands on the client merged away."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from domain.auth import principal_for
from domain.bidding.service import PlaceBid, place_bid
from domain.errors import UserErrorCode
from tests import factories
from tests.committed import Committed

pytestmark = pytest.mark.concurrency


def test_a_bid_waiting_on_a_merge_sees_its_client_deleted(committed: Committed) -> None:
    # given: a bidder whose client is about to be merged into another
    async def build(session: AsyncSession) -> tuple[int, int, int, int]:
        item = await factories.create_item(session, starting_price=Decimal("100"))
        bidder = await factories.create_bidder(session)
        target = await factories.create_client(session)
        assert bidder.client_id is not None
        return item.id, bidder.id, bidder.client_id, target.id

    item_id, bidder_id, source_id, target_id = committed.run(build)

    # when: the merge holds the clients while the bid arrives, then commits
    async def race() -> tuple[list[UserErrorCode], int]:
        engine = create_engine(committed.url, pool_size=4)
        makers = create_sessionmaker(engine)
        bidding = OperationDB(makers)
        bid: asyncio.Task[Any] | None = None
        try:
            async with makers() as session:
                bidder = await session.get_one(models.User, bidder_id)
            # Closed on the way out whatever happens: a lock left open would hang every later
            # test's TRUNCATE.
            async with engine.connect() as locker:
                lock = await locker.begin()
                await locker.execute(  # what merge_clients takes first (domain/clients.py)
                    sa.text("SELECT id FROM clients WHERE id = :id FOR UPDATE"), {"id": source_id}
                )
                bid = asyncio.create_task(
                    place_bid(
                        bidding,
                        principal_for(bidder),
                        PlaceBid(item_id, Decimal("100")),
                        datetime.now(UTC),
                    )
                )
                await _until_waiting_on_a_lock(makers, bid)
                await locker.execute(  # the merge marks the source merged away, and commits
                    sa.text(
                        "UPDATE clients SET status = 'deleted', merged_into_id = :target "
                        "WHERE id = :id"
                    ),
                    {"id": source_id, "target": target_id},
                )
                await lock.commit()
            result = await bid
            async with makers() as session:
                orphans = await session.scalar(
                    sa.select(sa.func.count())
                    .select_from(models.Bid)
                    .where(models.Bid.client_id == source_id)
                )
            return [error.code for error in result.errors], orphans or 0
        finally:
            if bid is not None and not bid.done():  # failed early: let it end, lock released
                await asyncio.wait([bid], timeout=30)
            await bidding.close()
            await engine.dispose()

    codes, orphans = asyncio.run(race())

    # then: the bid waited for the merge and was refused; nothing points at the deleted client
    assert codes == [UserErrorCode.CLIENT_NOT_APPROVED]
    assert orphans == 0


async def _until_waiting_on_a_lock(makers: object, bid: asyncio.Task[Any]) -> None:
    """Until some backend of this database waits on a lock (bounded: 30 s on a loaded machine).

    Each look is its own transaction: PostgreSQL keeps one snapshot of ``pg_stat_activity``
    for a whole transaction, so polling inside one never saw the bid start waiting when the
    first look came before it (the test failed about one run in six under load).
    """
    async with makers() as session:  # type: ignore[operator]
        for _ in range(3000):
            if bid.done():
                raise AssertionError("the bid ended without waiting for the client's lock")
            waiting = await session.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            await session.rollback()
            if waiting:
                return
            await asyncio.sleep(0.01)
    raise AssertionError("the bid never waited for the client's lock")
