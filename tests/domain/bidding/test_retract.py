"""retract_bid against a real database: the lot is repriced as if the bid had never been placed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from domain.auth import principal_for
from domain.bidding.service import PlaceBid, RetractBid, place_bid, retract_bid
from domain.errors import Forbidden, NotFound, UserErrorCode
from tests import factories

D = Decimal
A = models.BidStatus.ACCEPTED
R = models.BidStatus.RETRACTED

Row = tuple[int, int, Decimal, bool, models.BidStatus]


async def _rows(session: AsyncSession, item: models.Item) -> list[Row]:
    """(sequence, client, amount, is_proxy, status) of every bid row, in sequence order."""
    result = await session.execute(
        sa.select(
            models.Bid.sequence,
            models.Bid.client_id,
            models.Bid.amount,
            models.Bid.is_proxy,
            models.Bid.status,
        )
        .where(models.Bid.item_id == item.id)
        .order_by(models.Bid.sequence)
        .execution_options(populate_existing=True)
    )
    return [tuple(r) for r in result]  # type: ignore[misc]


async def _reload(session: AsyncSession, item: models.Item) -> models.Item:
    found = await session.get(models.Item, item.id, populate_existing=True)
    assert found is not None
    return found


async def _bid(
    db: OperationDB,
    bidder: models.User,
    item: models.Item,
    amount: str,
    maximum: str | None = None,
) -> models.Bid:
    result = await place_bid(
        db,
        principal_for(bidder),
        PlaceBid(item.id, D(amount), D(maximum) if maximum else None),
        datetime.now(UTC),
    )
    assert result.bid is not None, result.errors
    return result.bid


async def test_retracting_the_leading_maximum_hands_the_lead_back_and_lowers_the_price(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: A 100 max 500 leads at 160 after B's 150
    item = await factories.create_item(session, starting_price=D("100"))
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    alices = await _bid(db, alice, item, "100", "500")
    bobs = await _bid(db, bob, item, "150")

    # when
    result = await retract_bid(db, principal_for(staff), RetractBid(alices.id), datetime.now(UTC))

    # then
    assert result.errors == []
    assert result.rows == []
    assert await _rows(session, item) == [
        (1, alice.client_id, D("100.00"), False, R),
        (2, bob.client_id, D("150.00"), False, A),
        (3, alice.client_id, D("160.00"), True, R),
    ]
    lot = await _reload(session, item)
    assert lot.current_bid == D("150.00")
    assert lot.leading_bid_id == bobs.id
    assert lot.bid_count == 1
    assert lot.last_sequence == 3


async def test_the_replay_appends_new_rows_with_the_next_sequences(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: A 100 max 300; B 110 max 500 beats A at 320; C 400 pushes B to 420
    item = await factories.create_item(session, starting_price=D("100"))
    alice, bob, carol = [await factories.create_bidder(session) for _ in range(3)]
    staff = await factories.create_staff(session)
    alices = await _bid(db, alice, item, "100", "300")
    await _bid(db, bob, item, "110", "500")
    await _bid(db, carol, item, "400")

    # when: without A, B opens at the starting price and C pushes B to 420
    result = await retract_bid(db, principal_for(staff), RetractBid(alices.id), datetime.now(UTC))

    # then: every earlier row from B's first on is retracted, the replay follows at 6, 7, 8
    assert [r.sequence for r in result.rows] == [6, 7, 8]
    assert await _rows(session, item) == [
        (1, alice.client_id, D("100.00"), False, R),
        (2, alice.client_id, D("300.00"), True, R),
        (3, bob.client_id, D("320.00"), True, R),
        (4, carol.client_id, D("400.00"), False, R),
        (5, bob.client_id, D("420.00"), True, R),
        (6, bob.client_id, D("100.00"), False, A),
        (7, carol.client_id, D("400.00"), False, A),
        (8, bob.client_id, D("420.00"), True, A),
    ]
    lot = await _reload(session, item)
    assert lot.current_bid == D("420.00")
    assert lot.bid_count == 3
    assert lot.last_sequence == 8
    assert lot.leading_bid_id == result.rows[-1].id


async def test_bidding_goes_on_after_a_retraction_with_gapless_sequences(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session, starting_price=D("100"))
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    await _bid(db, alice, item, "100")
    bobs = await _bid(db, bob, item, "110")
    await retract_bid(db, principal_for(staff), RetractBid(bobs.id), datetime.now(UTC))

    # when: the minimum is back to 110, and the next row takes sequence 3
    again = await _bid(db, bob, item, "110")

    # then
    assert again.sequence == 3
    assert [(r[0], r[4]) for r in await _rows(session, item)] == [(1, A), (2, R), (3, A)]
    assert (await _reload(session, item)).current_bid == D("110.00")


@pytest.mark.parametrize(
    ("_case", "target", "code", "message"),
    [
        (
            "already retracted",
            "retracted",
            UserErrorCode.BID_RETRACTED,
            "The bid has already been retracted.",
        ),
        (
            "an engine row",
            "proxy",
            UserErrorCode.PROXY_BID,
            "The bid was placed by the proxy engine; retract the bid that set the maximum.",
        ),
    ],
)
async def test_a_refused_retraction_changes_nothing(
    db: OperationDB,
    session: AsyncSession,
    _case: str,
    target: str,
    code: UserErrorCode,
    message: str,
) -> None:
    # given: A 100 max 500; B 150 retracted; B 110, which A answers at 120
    item = await factories.create_item(session, starting_price=D("100"))
    alice, bob = [await factories.create_bidder(session) for _ in range(2)]
    staff = await factories.create_staff(session)
    await _bid(db, alice, item, "100", "500")
    bobs = await _bid(db, bob, item, "150")
    await retract_bid(db, principal_for(staff), RetractBid(bobs.id), datetime.now(UTC))
    await _bid(db, bob, item, "110")  # A answers at 120
    proxy = (await _reload(session, item)).leading_bid_id
    bid_id = bobs.id if target == "retracted" else proxy
    assert bid_id is not None
    before = await _rows(session, item)

    # when
    result = await retract_bid(db, principal_for(staff), RetractBid(bid_id), datetime.now(UTC))

    # then
    assert [(e.code, e.field, e.message) for e in result.errors] == [(code, "bidId", message)]
    assert await _rows(session, item) == before
    assert (await _reload(session, item)).current_bid == D("120.00")


async def test_an_absentee_bid_is_retracted_before_its_lot_opens_without_a_replay(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: two absentee bids on a live lot the clerk has not opened
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    item = await factories.create_item(
        session, sale=sale, status=models.ItemStatus.AVAILABLE, starting_price=D("100")
    )
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    alices = await _bid(db, alice, item, "100", "300")
    await _bid(db, bob, item, "120", "200")

    # when
    result = await retract_bid(db, principal_for(staff), RetractBid(alices.id), datetime.now(UTC))

    # then: only that row changes; the price still waits for the opening
    assert result.errors == []
    assert await _rows(session, item) == [
        (1, alice.client_id, D("100.00"), False, R),
        (2, bob.client_id, D("120.00"), False, A),
    ]
    lot = await _reload(session, item)
    assert (lot.current_bid, lot.bid_count, lot.last_sequence) == (None, 0, 2)


async def test_bids_on_a_closed_lot_cannot_be_retracted(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: a lot whose time is up (the closer has not run yet)
    now = datetime.now(UTC)
    item = await factories.create_item(session, closes_at=now + timedelta(minutes=1))
    bidder = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    bid = await _bid(db, bidder, item, "50")

    # when
    result = await retract_bid(
        db, principal_for(staff), RetractBid(bid.id), now + timedelta(minutes=5)
    )

    # then
    assert [(e.code, e.message) for e in result.errors] == [
        (UserErrorCode.ITEM_CLOSED, "Auction has ended.")
    ]
    assert [r[4] for r in await _rows(session, item)] == [A]


async def test_only_staff_retract_and_unknown_bids_are_not_found(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(session)
    bidder = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    bid = await _bid(db, bidder, item, "50")

    # when / then
    with pytest.raises(Forbidden, match=r"Only staff may retract bids\."):
        await retract_bid(db, principal_for(bidder), RetractBid(bid.id), datetime.now(UTC))
    with pytest.raises(NotFound, match=r"Bid not found\."):
        await retract_bid(db, principal_for(staff), RetractBid(bid.id + 1000), datetime.now(UTC))
    assert [r[4] for r in await _rows(session, item)] == [A]
