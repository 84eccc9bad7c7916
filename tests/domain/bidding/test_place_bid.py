"""place_bid against a real database: rows, item state, idempotency, rule errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from domain.auth import principal_for
from domain.bidding.rules import Outcome
from domain.bidding.service import PlaceBid, place_bid
from domain.errors import UserErrorCode
from tests import factories

D = Decimal


async def _bids(session: AsyncSession, item: models.Item) -> list[tuple[int, Decimal, int]]:
    rows = await session.execute(
        sa.select(models.Bid.client_id, models.Bid.amount, models.Bid.sequence)
        .where(models.Bid.item_id == item.id)
        .order_by(models.Bid.sequence)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_a_max_bid_answers_a_plain_bid_with_proxy_rows(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, starting_price=D("100"))
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    now = datetime.now(UTC)

    # when
    first = await place_bid(db, principal_for(alice), PlaceBid(item.id, D("100"), D("500")), now)
    second = await place_bid(db, principal_for(bob), PlaceBid(item.id, D("150")), now)

    # then
    assert first.outcome is Outcome.WINNING
    assert second.outcome is Outcome.OUTBID
    assert await _bids(session, item) == [
        (alice.client_id, D("100.00"), 1),
        (bob.client_id, D("150.00"), 2),
        (alice.client_id, D("160.00"), 3),
    ]
    refreshed = await session.get(models.Item, item.id, populate_existing=True)
    assert refreshed is not None
    assert refreshed.current_bid == D("160.00")
    assert refreshed.bid_count == 3
    assert refreshed.last_sequence == 3


async def test_the_same_idempotency_key_returns_the_first_result(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, starting_price=D("100"))
    alice = await factories.create_bidder(session)
    cmd = PlaceBid(item.id, D("100"), idempotency_key="retry-1")
    first = await place_bid(db, principal_for(alice), cmd, datetime.now(UTC))

    # when
    again = await place_bid(db, principal_for(alice), cmd, datetime.now(UTC))

    # then
    assert again.replayed
    assert again.bid is not None
    assert first.bid is not None
    assert again.bid.id == first.bid.id
    assert len(await _bids(session, item)) == 1


async def test_a_bid_below_the_minimum_changes_nothing(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, starting_price=D("100"))
    alice = await factories.create_bidder(session)

    # when
    result = await place_bid(
        db, principal_for(alice), PlaceBid(item.id, D("99")), datetime.now(UTC)
    )

    # then
    assert [(e.code, e.message) for e in result.errors] == [
        (UserErrorCode.BELOW_MINIMUM, "Bid amount must be at least 100.00.")
    ]
    assert await _bids(session, item) == []


async def test_a_bid_in_the_soft_close_window_extends_the_lot(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    now = datetime.now(UTC)
    sale = await factories.create_sale(session, soft_close_seconds=120)
    item = await factories.create_item(session, sale=sale, closes_at=now + timedelta(seconds=30))
    alice = await factories.create_bidder(session)

    # when
    await place_bid(db, principal_for(alice), PlaceBid(item.id, D("50")), now)

    # then
    refreshed = await session.get(models.Item, item.id, populate_existing=True)
    assert refreshed is not None
    assert refreshed.closes_at == now + timedelta(seconds=120)


async def test_a_closed_lot_refuses_bids(db: OperationDB, session: AsyncSession) -> None:
    now = datetime.now(UTC)
    item = await factories.create_item(session, closes_at=now - timedelta(seconds=1))
    alice = await factories.create_bidder(session)

    result = await place_bid(db, principal_for(alice), PlaceBid(item.id, D("50")), now)

    assert [e.code for e in result.errors] == [UserErrorCode.ITEM_CLOSED]
