"""Lots entering their last minute are announced once per closing time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.session import OperationDB
from domain.auth import principal_for
from domain.bidding.ending_soon import announce_ending_soon
from domain.bidding.service import PlaceBid, place_bid
from tests import factories


async def test_a_lot_is_announced_once_and_again_after_an_extension(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    now = datetime.now(UTC)
    sale = await factories.create_sale(session, soft_close_seconds=90)
    soon = await factories.create_item(
        session, sale=sale, starting_price=Decimal("100"), closes_at=now + timedelta(seconds=50)
    )
    await factories.create_item(session, sale=sale, closes_at=now + timedelta(minutes=5))
    bidder = await factories.create_bidder(session)

    # when
    first = await announce_ending_soon(db, now)
    again = await announce_ending_soon(db, now + timedelta(seconds=1))
    await place_bid(db, principal_for(bidder), PlaceBid(soon.id, Decimal("100")), now)
    before_window = await announce_ending_soon(db, now + timedelta(seconds=2))
    after_extension = await announce_ending_soon(db, now + timedelta(seconds=40))

    # then
    assert first == [soon.id]
    assert again == []
    assert before_window == []  # extended to now + 90 s: not in its last minute yet
    assert after_extension == [soon.id]
