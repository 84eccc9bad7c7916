"""Live sales: absentee bids, and the clerk opening, hammering, passing and withdrawing lots."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from db.url import async_url, plain_url
from domain.auth import principal_for
from domain.bidding.live import LotAction, hammer_lot, open_lot, pass_lot, withdraw_lot
from domain.bidding.rules import Outcome
from domain.bidding.service import PlaceBid, place_bid
from domain.errors import Forbidden, UserErrorCode
from realtime.events import CHANNEL
from tests import factories
from tests.committed import Committed

D = Decimal
ACCEPTED = models.BidStatus.ACCEPTED
RETRACTED = models.BidStatus.RETRACTED
ABSENTEE = models.BidSource.ABSENTEE
ONLINE = models.BidSource.ONLINE


async def _reload(session: AsyncSession, item: models.Item) -> models.Item:
    found = await session.get(models.Item, item.id, populate_existing=True)
    assert found is not None
    return found


async def _rows(
    session: AsyncSession, item: models.Item
) -> list[tuple[int, int, Decimal, bool, models.BidStatus, models.BidSource]]:
    result = await session.execute(
        sa.select(
            models.Bid.sequence,
            models.Bid.client_id,
            models.Bid.amount,
            models.Bid.is_proxy,
            models.Bid.status,
            models.Bid.source,
        )
        .where(models.Bid.item_id == item.id)
        .order_by(models.Bid.sequence)
        .execution_options(populate_existing=True)
    )
    return [tuple(r) for r in result]  # type: ignore[misc]


async def _live_lot(session: AsyncSession, **overrides: Any) -> models.Item:
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    values: dict[str, Any] = {"status": models.ItemStatus.AVAILABLE, "starting_price": D("100")}
    values.update(overrides)
    return await factories.create_item(session, sale=sale, **values)


async def test_a_max_bid_on_an_unopened_live_lot_waits_as_an_absentee_bid(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    item = await _live_lot(session)
    bidder = await factories.create_bidder(session)

    # when
    result = await place_bid(
        db, principal_for(bidder), PlaceBid(item.id, D("100"), D("300")), datetime.now(UTC)
    )

    # then: stored with the next sequence; the price has not moved
    assert result.errors == []
    assert result.outcome is None
    assert result.bid is not None
    assert (result.bid.source, result.bid.max_amount) == (ABSENTEE, D("300"))
    assert await _rows(session, item) == [
        (1, bidder.client_id, D("100.00"), False, ACCEPTED, ABSENTEE)
    ]
    lot = await _reload(session, item)
    assert (lot.current_bid, lot.bid_count, lot.leading_bid_id) == (None, 0, None)
    assert lot.last_sequence == 1


@pytest.mark.parametrize(
    ("_case", "amount", "maximum", "code", "message"),
    [
        (
            "no maximum",
            "100",
            None,
            UserErrorCode.ITEM_NOT_OPEN,
            "The lot has not been opened yet.",
        ),
        (
            "below the start",
            "90",
            "300",
            UserErrorCode.BELOW_MINIMUM,
            "Bid amount must be at least 100.00.",
        ),
    ],
)
async def test_an_unopened_live_lot_refuses_other_bids(
    db: OperationDB,
    session: AsyncSession,
    _case: str,
    amount: str,
    maximum: str | None,
    code: UserErrorCode,
    message: str,
) -> None:
    item = await _live_lot(session)
    bidder = await factories.create_bidder(session)

    result = await place_bid(
        db,
        principal_for(bidder),
        PlaceBid(item.id, D(amount), D(maximum) if maximum else None),
        datetime.now(UTC),
    )

    assert [(e.code, e.message) for e in result.errors] == [(code, message)]
    assert await _rows(session, item) == []


async def test_opening_a_lot_executes_its_absentee_bids_in_placement_order(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: A 100 max 300 first, then B 150 max 500
    item = await _live_lot(session)
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    now = datetime.now(UTC)
    await place_bid(db, principal_for(alice), PlaceBid(item.id, D("100"), D("300")), now)
    await place_bid(db, principal_for(bob), PlaceBid(item.id, D("150"), D("500")), now)

    # when
    result = await open_lot(db, principal_for(staff), LotAction(item.id), now)

    # then: A opens at 100; B's maximum beats A's: A defends at 300, B leads at 320. B's stored
    # bid at 150 is not a price the lot had, so it is retracted and B's row at 320 follows.
    assert result.errors == []
    assert [r.sequence for r in result.rows] == [3, 4]
    assert await _rows(session, item) == [
        (1, alice.client_id, D("100.00"), False, ACCEPTED, ABSENTEE),
        (2, bob.client_id, D("150.00"), False, RETRACTED, ABSENTEE),
        (3, alice.client_id, D("300.00"), True, ACCEPTED, ONLINE),
        (4, bob.client_id, D("320.00"), True, ACCEPTED, ABSENTEE),
    ]
    lot = await _reload(session, item)
    assert lot.status is models.ItemStatus.ACTIVE
    assert (lot.current_bid, lot.bid_count, lot.last_sequence) == (D("320.00"), 3, 4)
    assert lot.leading_bid_id == result.rows[-1].id


async def test_after_opening_floor_bids_meet_the_absentee_maximum(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: an absentee maximum of 300, executed at the opening
    item = await _live_lot(session)
    absentee = await factories.create_bidder(session)
    room = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    now = datetime.now(UTC)
    await place_bid(db, principal_for(absentee), PlaceBid(item.id, D("100"), D("300")), now)
    await open_lot(db, principal_for(staff), LotAction(item.id), now)

    # when
    result = await place_bid(db, principal_for(room), PlaceBid(item.id, D("200")), now)

    # then
    assert result.outcome is Outcome.OUTBID
    assert (await _reload(session, item)).current_bid == D("220.00")


async def test_hammering_sells_to_the_highest_bid_when_the_reserve_is_met(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: the last open lot of its sale
    item = await _live_lot(session, reserve_price=D("150"))
    bidder = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    now = datetime.now(UTC)
    await open_lot(db, principal_for(staff), LotAction(item.id), now)
    await place_bid(db, principal_for(bidder), PlaceBid(item.id, D("200")), now)

    # when
    result = await hammer_lot(db, principal_for(staff), LotAction(item.id), now)

    # then
    assert result.errors == []
    lot = await _reload(session, item)
    assert lot.status is models.ItemStatus.SOLD
    assert (lot.hammer_price, lot.winner_id, lot.closed_at) == (D("200.00"), bidder.client_id, now)
    sale = await session.get(models.Sale, item.sale_id, populate_existing=True)
    assert sale is not None
    assert sale.closed_at == now


async def test_hammering_below_the_reserve_leaves_the_lot_unsold(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: another lot of the sale is still to come
    item = await _live_lot(session, reserve_price=D("500"))
    await factories.create_item(
        session,
        sale=await session.get_one(models.Sale, item.sale_id),
        status=models.ItemStatus.AVAILABLE,
    )
    bidder = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    now = datetime.now(UTC)
    await open_lot(db, principal_for(staff), LotAction(item.id), now)
    await place_bid(db, principal_for(bidder), PlaceBid(item.id, D("200")), now)

    # when
    await hammer_lot(db, principal_for(staff), LotAction(item.id), now)

    # then
    lot = await _reload(session, item)
    assert lot.status is models.ItemStatus.UNSOLD
    assert (lot.hammer_price, lot.winner_id, lot.closed_at) == (None, None, now)
    sale = await session.get(models.Sale, item.sale_id, populate_existing=True)
    assert sale is not None
    assert sale.closed_at is None


@pytest.mark.parametrize(
    ("_case", "action", "status"),
    [
        ("pass an open lot", pass_lot, models.ItemStatus.PASSED),
        ("withdraw an open lot", withdraw_lot, models.ItemStatus.WITHDRAWN),
    ],
)
async def test_passing_or_withdrawing_closes_the_lot_without_a_buyer(
    db: OperationDB, session: AsyncSession, _case: str, action: Any, status: models.ItemStatus
) -> None:
    # given
    item = await _live_lot(session)
    bidder = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    now = datetime.now(UTC)
    await open_lot(db, principal_for(staff), LotAction(item.id), now)
    await place_bid(db, principal_for(bidder), PlaceBid(item.id, D("100")), now)

    # when
    result = await action(db, principal_for(staff), LotAction(item.id), now)

    # then
    assert result.errors == []
    lot = await _reload(session, item)
    assert lot.status is status
    assert (lot.hammer_price, lot.winner_id, lot.closed_at) == (None, None, now)
    sale = await session.get(models.Sale, item.sale_id, populate_existing=True)
    assert sale is not None
    assert sale.closed_at == now


async def test_a_timed_lot_can_be_withdrawn(db: OperationDB, session: AsyncSession) -> None:
    item = await factories.create_item(session)
    staff = await factories.create_staff(session)

    result = await withdraw_lot(db, principal_for(staff), LotAction(item.id), datetime.now(UTC))

    assert result.errors == []
    assert (await _reload(session, item)).status is models.ItemStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("_case", "kind", "status", "action", "code", "message"),
    [
        (
            "open an open lot",
            models.SaleKind.LIVE,
            models.ItemStatus.ACTIVE,
            open_lot,
            UserErrorCode.ITEM_ALREADY_OPEN,
            "The lot is already open.",
        ),
        (
            "open a sold lot",
            models.SaleKind.LIVE,
            models.ItemStatus.SOLD,
            open_lot,
            UserErrorCode.ITEM_CLOSED,
            "The lot is already closed.",
        ),
        (
            "open a timed lot",
            models.SaleKind.TIMED,
            models.ItemStatus.AVAILABLE,
            open_lot,
            UserErrorCode.NOT_LIVE_SALE,
            "Only lots of live sales are called.",
        ),
        (
            "hammer an unopened lot",
            models.SaleKind.LIVE,
            models.ItemStatus.AVAILABLE,
            hammer_lot,
            UserErrorCode.ITEM_NOT_OPEN,
            "The lot has not been opened yet.",
        ),
        (
            "hammer a passed lot",
            models.SaleKind.LIVE,
            models.ItemStatus.PASSED,
            hammer_lot,
            UserErrorCode.ITEM_CLOSED,
            "The lot is already closed.",
        ),
        (
            "pass a timed lot",
            models.SaleKind.TIMED,
            models.ItemStatus.ACTIVE,
            pass_lot,
            UserErrorCode.NOT_LIVE_SALE,
            "Only lots of live sales are called.",
        ),
        (
            "withdraw a withdrawn lot",
            models.SaleKind.TIMED,
            models.ItemStatus.WITHDRAWN,
            withdraw_lot,
            UserErrorCode.ITEM_CLOSED,
            "The lot is already closed.",
        ),
    ],
)
async def test_an_action_that_does_not_fit_the_lot_changes_nothing(
    db: OperationDB,
    session: AsyncSession,
    _case: str,
    kind: models.SaleKind,
    status: models.ItemStatus,
    action: Any,
    code: UserErrorCode,
    message: str,
) -> None:
    # given
    sale = await factories.create_sale(session, kind=kind)
    item = await factories.create_item(session, sale=sale, status=status)
    staff = await factories.create_staff(session)

    # when
    result = await action(db, principal_for(staff), LotAction(item.id), datetime.now(UTC))

    # then
    assert [(e.code, e.field, e.message) for e in result.errors] == [(code, "itemId", message)]
    lot = await _reload(session, item)
    assert (lot.status, lot.closed_at) == (status, None)


async def test_only_staff_call_lots(db: OperationDB, session: AsyncSession) -> None:
    item = await _live_lot(session)
    bidder = await factories.create_bidder(session)

    with pytest.raises(Forbidden):
        await open_lot(db, principal_for(bidder), LotAction(item.id), datetime.now(UTC))

    assert (await _reload(session, item)).status is models.ItemStatus.AVAILABLE


@pytest.mark.realtime
def test_opening_and_hammering_notify_after_commit(committed: Committed) -> None:
    # given: two absentee bids on an unopened live lot, the last of its sale
    async def build(session: AsyncSession) -> tuple[int, int, list[models.User], models.User]:
        item = await _live_lot(session)
        bidders = [await factories.create_bidder(session) for _ in range(2)]
        return item.id, item.sale_id, bidders, await factories.create_staff(session)

    item_id, sale_id, (alice, bob), staff = committed.run(build)

    # when
    async def run() -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        listener = await asyncpg.connect(plain_url(async_url(committed.url)))
        await listener.add_listener(CHANNEL, lambda *args: received.append(json.loads(args[3])))
        engine = create_engine(committed.url, pool_size=2)
        db = OperationDB(create_sessionmaker(engine))
        try:
            now = datetime.now(UTC)
            action = LotAction(item_id)
            await place_bid(db, principal_for(alice), PlaceBid(item_id, D("100"), D("300")), now)
            await place_bid(db, principal_for(bob), PlaceBid(item_id, D("100"), D("150")), now)
            await open_lot(db, principal_for(staff), action, now)
            await hammer_lot(db, principal_for(staff), action, now)
            for _ in range(100):
                if len(received) >= 10:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.1)  # anything more would arrive now
        finally:
            await db.close()
            await engine.dispose()
            await listener.close()
        return received

    events = asyncio.run(run())

    # then: the two absentee bids; at the opening B's bid runs from the minimum (110, then its
    # maximum 150) and A answers at 170, B is told; then the hammer closes lot and sale
    assert [(e["type"], e.get("reason")) for e in events] == [
        ("bid_placed", None),
        ("bid_placed", None),
        ("bid_placed", None),
        ("outbid", None),
        ("item_updated", "opened"),
        ("entity_updated", None),  # the back office hears of the clerk's actions too
        ("queue_task", None),  # the closed sale's invoicing job is queued
        ("item_updated", "hammered"),
        ("sale_updated", None),
        ("entity_updated", None),
    ]
    assert [(e["first_sequence"], e["last_sequence"]) for e in events[:3]] == [
        (1, 1),
        (2, 2),
        (3, 5),
    ]
    assert events[3]["client_id"] == bob.client_id
    assert {e["sale_id"] for e in events if "sale_id" in e} == {sale_id}
    assert {e["entity_id"] for e in events if e["type"] == "entity_updated"} == {item_id}
