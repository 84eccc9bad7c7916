"""buy_now against a real database: the lot closes SOLD at its buy-now price, or nothing moves."""

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
from domain.bidding.service import BuyNow, PlaceBid, buy_now, place_bid
from domain.errors import UserErrorCode
from tests import factories
from tests.committed import Committed

D = Decimal


async def _reload(session: AsyncSession, item: models.Item) -> models.Item:
    found = await session.get(models.Item, item.id, populate_existing=True)
    assert found is not None
    return found


async def _bids(session: AsyncSession, item: models.Item) -> list[tuple[int, int, Decimal]]:
    rows = await session.execute(
        sa.select(models.Bid.sequence, models.Bid.client_id, models.Bid.amount)
        .where(models.Bid.item_id == item.id)
        .order_by(models.Bid.sequence)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_buying_now_closes_the_lot_sold_with_one_bid_row(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    now = datetime.now(UTC)
    item = await factories.create_item(
        session, starting_price=D("100"), reserve_price=D("800"), buy_now_price=D("750")
    )
    buyer = await factories.create_bidder(session)

    # when
    result = await buy_now(db, principal_for(buyer), BuyNow(item.id), now)

    # then
    assert result.errors == []
    assert result.bid is not None
    assert (result.bid.sequence, result.bid.amount, result.bid.is_proxy) == (1, D("750"), False)
    lot = await _reload(session, item)
    assert lot.status is models.ItemStatus.SOLD
    assert lot.hammer_price == D("750.00")
    assert lot.winner_id == buyer.client_id
    assert lot.closed_at == now
    assert (lot.current_bid, lot.bid_count, lot.last_sequence) == (D("750.00"), 1, 1)
    assert lot.leading_bid_id == result.bid.id
    assert await _bids(session, item) == [(1, buyer.client_id, D("750.00"))]


async def test_a_lot_with_a_bid_can_no_longer_be_bought(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, starting_price=D("100"), buy_now_price=D("750"))
    bidder = await factories.create_bidder(session)
    buyer = await factories.create_bidder(session)
    await place_bid(db, principal_for(bidder), PlaceBid(item.id, D("100")), datetime.now(UTC))

    # when
    result = await buy_now(db, principal_for(buyer), BuyNow(item.id), datetime.now(UTC))

    # then
    assert [(e.code, e.field, e.message) for e in result.errors] == [
        (
            UserErrorCode.HAS_BIDS,
            "itemId",
            "The lot already has bids; it can no longer be bought now.",
        )
    ]
    lot = await _reload(session, item)
    assert lot.status is models.ItemStatus.ACTIVE
    assert lot.current_bid == D("100.00")
    assert await _bids(session, item) == [(1, bidder.client_id, D("100.00"))]


@pytest.mark.parametrize(
    ("_case", "overrides", "code", "message"),
    [
        ("no buy-now price", {}, UserErrorCode.NO_BUY_NOW, "This lot cannot be bought now."),
        (
            "closed lot",
            {"buy_now_price": D("750"), "status": models.ItemStatus.UNSOLD},
            UserErrorCode.ITEM_CLOSED,
            "Auction has ended.",
        ),
        (
            "not started",
            {
                "buy_now_price": D("750"),
                "starts_at": datetime.now(UTC) + timedelta(hours=1),
            },
            UserErrorCode.ITEM_NOT_OPEN,
            "Auction has not started yet.",
        ),
    ],
)
async def test_a_refused_purchase_changes_nothing(
    db: OperationDB,
    session: AsyncSession,
    _case: str,
    overrides: dict[str, object],
    code: UserErrorCode,
    message: str,
) -> None:
    # given
    item = await factories.create_item(session, **overrides)
    buyer = await factories.create_bidder(session)
    status = item.status

    # when
    result = await buy_now(db, principal_for(buyer), BuyNow(item.id), datetime.now(UTC))

    # then
    assert [(e.code, e.message) for e in result.errors] == [(code, message)]
    assert result.bid is None
    assert (await _reload(session, item)).status is status
    assert await _bids(session, item) == []


async def test_the_same_idempotency_key_returns_the_first_purchase(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, buy_now_price=D("750"))
    buyer = await factories.create_bidder(session)
    cmd = BuyNow(item.id, idempotency_key="buy-1")
    first = await buy_now(db, principal_for(buyer), cmd, datetime.now(UTC))

    # when
    again = await buy_now(db, principal_for(buyer), cmd, datetime.now(UTC))

    # then
    assert again.replayed
    assert again.errors == []
    assert again.bid is not None
    assert first.bid is not None
    assert again.bid.id == first.bid.id
    assert len(await _bids(session, item)) == 1


async def test_buying_the_last_open_lot_closes_the_sale(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    now = datetime.now(UTC)
    sale = await factories.create_sale(session)
    await factories.create_item(session, sale=sale, status=models.ItemStatus.SOLD)
    item = await factories.create_item(session, sale=sale, buy_now_price=D("750"))
    buyer = await factories.create_bidder(session)

    # when
    await buy_now(db, principal_for(buyer), BuyNow(item.id), now)

    # then
    closed = await session.get(models.Sale, sale.id, populate_existing=True)
    assert closed is not None
    assert closed.closed_at == now


@pytest.mark.concurrency
def test_a_bid_and_a_purchase_at_once_never_both_win(committed: Committed) -> None:
    # given
    async def build(session: AsyncSession) -> tuple[int, models.User, models.User]:
        item = await factories.create_item(session, starting_price=D("100"), buy_now_price=D("750"))
        return (
            item.id,
            await factories.create_bidder(session),
            await factories.create_bidder(session),
        )

    item_id, bidder, buyer = committed.run(build)

    # when: both race for the item row lock
    async def race() -> tuple[list[UserErrorCode], list[UserErrorCode], list[object]]:
        engine = create_engine(committed.url, pool_size=4)
        makers = create_sessionmaker(engine)
        bid_db, buy_db = OperationDB(makers), OperationDB(makers)
        try:
            now = datetime.now(UTC)
            bid, bought = await asyncio.gather(
                place_bid(bid_db, principal_for(bidder), PlaceBid(item_id, D("100")), now),
                buy_now(buy_db, principal_for(buyer), BuyNow(item_id), now),
            )
            check = OperationDB(makers)
            rows = list(
                await check.rows(
                    sa.select(models.Bid.client_id, models.Item.status)
                    .join(models.Item, models.Item.id == models.Bid.item_id)
                    .where(models.Bid.item_id == item_id)
                )
            )
            await check.close()
            return [e.code for e in bid.errors], [e.code for e in bought.errors], rows
        finally:
            await bid_db.close()
            await buy_db.close()
            await engine.dispose()

    bid_errors, buy_errors, rows = asyncio.run(race())

    # then: exactly one of them went through
    assert len(rows) == 1
    if buy_errors:
        assert buy_errors == [UserErrorCode.HAS_BIDS]
        assert bid_errors == []
        assert rows == [(bidder.client_id, models.ItemStatus.ACTIVE)]
    else:
        assert bid_errors == [UserErrorCode.ITEM_CLOSED]
        assert rows == [(buyer.client_id, models.ItemStatus.SOLD)]
