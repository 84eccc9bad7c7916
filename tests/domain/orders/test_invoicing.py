"""Invoicing a closed sale: buyers' invoices and consignors' settlements, to the cent."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
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
from domain.errors import Forbidden, RuleViolation, UserErrorCode
from domain.orders.invoicing import build_sale_orders
from realtime.events import CHANNEL
from tests import factories
from tests.committed import Committed

D = Decimal
SOLD = models.ItemStatus.SOLD


@dataclass
class ClosedSale:
    sale: models.Sale
    staff: models.User
    first_buyer: models.Client
    second_buyer: models.Client
    tiered_consignor: models.Client
    client_rate_consignor: models.Client
    lots: list[models.Item]


async def _closed_sale(session: AsyncSession) -> ClosedSale:
    """Premium 25 %, tax 20 % on the premium, a 10.00 + 2.00 handling charge per buyer.

    Consignment 1: tiered 10 % up to 1000, 15 % above, 30.00 + 6.00 photography.
    Consignment 2: no tiers of its own, so the consignor's 20 % applies.
    """
    sale = await factories.create_sale(
        session,
        buyers_premium_rate=D("0.25"),
        tax_rate=D("0.20"),
        additional_charges=[{"term": "Handling", "amount": "10.00", "tax": "2.00"}],
    )
    first, second = await factories.create_client(session), await factories.create_client(session)
    tiered = await factories.create_client(
        session, consignor_commissions=[{"step_from": "0.00", "consignor_commission": "50.00"}]
    )
    client_rate = await factories.create_client(
        session, consignor_commissions=[{"step_from": "0.00", "consignor_commission": "20.00"}]
    )
    consignment = await factories.create_consignment(
        session,
        consignor=tiered,
        sale=sale,
        commission_step_type="tiered",
        commission_steps=[
            {"step_from": 0, "consignor_commission": "10%"},
            {"step_from": 100000, "consignor_commission": "15%"},
        ],
        additional_charges=[{"term": "Photography", "amount": "30.00", "tax": "6.00"}],
    )
    other = await factories.create_consignment(session, consignor=client_rate, sale=sale)
    lots = [
        await factories.create_item(
            session,
            sale=sale,
            consignment=consignment,
            status=SOLD,
            hammer_price=D("1500.00"),
            winner_id=first.id,
            additional_charges=[{"term": "Shipping", "amount": "25.00", "tax": "5.00"}],
        ),
        await factories.create_item(
            session,
            sale=sale,
            consignment=consignment,
            status=SOLD,
            hammer_price=D("333.00"),
            winner_id=second.id,
        ),
        await factories.create_item(
            session,
            sale=sale,
            consignment=other,
            status=SOLD,
            hammer_price=D("10.10"),
            winner_id=first.id,
        ),
        await factories.create_item(
            session, sale=sale, consignment=consignment, status=models.ItemStatus.UNSOLD
        ),
        await factories.create_item(session, sale=sale, status=models.ItemStatus.PASSED),
    ]
    staff = await factories.create_staff(session)
    return ClosedSale(sale, staff, first, second, tiered, client_rate, lots)


def _totals(order: models.Order) -> tuple[Decimal, ...]:
    return (order.subtotal, order.buyers_premium, order.tax, order.charges, order.grand_total)


async def _lines(session: AsyncSession, order: models.Order) -> list[tuple[object, ...]]:
    rows = await session.execute(
        sa.select(
            models.OrderLine.kind,
            models.OrderLine.item_id,
            models.OrderLine.hammer_price,
            models.OrderLine.premium,
            models.OrderLine.commission,
            models.OrderLine.tax,
            models.OrderLine.amount,
            models.OrderLine.total,
        )
        .where(models.OrderLine.order_id == order.id)
        .order_by(models.OrderLine.position)
    )
    return [tuple(row) for row in rows]


async def _count(session: AsyncSession, model: type[object]) -> int:
    return int((await session.execute(sa.select(sa.func.count()).select_from(model))).scalar_one())


ITEM, CHARGE = models.OrderLineKind.ITEM, models.OrderLineKind.CHARGE


async def test_a_closed_sale_is_invoiced_to_the_cent(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    case = await _closed_sale(session)
    l1, l2, l3 = (lot.id for lot in case.lots[:3])

    # when
    result = await build_sale_orders(db, principal_for(case.staff), case.sale.id)

    # then: one invoice per buyer, one settlement per consignor
    orders = {(o.type, o.client_id): o for o in result.created}
    assert len(result.created) == 4
    first = orders[(models.OrderType.BIDDER, case.first_buyer.id)]
    assert await _lines(session, first) == [
        (ITEM, l1, D("1500.00"), D("375.00"), D("0.00"), D("75.00"), D("0.00"), D("1950.00")),
        (CHARGE, l1, D("0.00"), D("0.00"), D("0.00"), D("5.00"), D("25.00"), D("30.00")),
        (ITEM, l3, D("10.10"), D("2.53"), D("0.00"), D("0.51"), D("0.00"), D("13.14")),
        (CHARGE, None, D("0.00"), D("0.00"), D("0.00"), D("2.00"), D("10.00"), D("12.00")),
    ]
    assert _totals(first) == (D("1510.10"), D("377.53"), D("82.51"), D("35.00"), D("2005.14"))
    second = orders[(models.OrderType.BIDDER, case.second_buyer.id)]
    assert _totals(second) == (D("333.00"), D("83.25"), D("18.65"), D("10.00"), D("444.90"))
    tiered = orders[(models.OrderType.CONSIGNOR, case.tiered_consignor.id)]
    assert await _lines(session, tiered) == [
        (ITEM, l1, D("1500.00"), D("0.00"), D("175.00"), D("0.00"), D("0.00"), D("1325.00")),
        (ITEM, l2, D("333.00"), D("0.00"), D("33.30"), D("0.00"), D("0.00"), D("299.70")),
        (CHARGE, None, D("0.00"), D("0.00"), D("0.00"), D("-6.00"), D("-30.00"), D("-36.00")),
    ]
    assert _totals(tiered) == (D("1833.00"), D("0.00"), D("-6.00"), D("-30.00"), D("1588.70"))
    client_rate = orders[(models.OrderType.CONSIGNOR, case.client_rate_consignor.id)]
    assert _totals(client_rate) == (D("10.10"), D("0.00"), D("0.00"), D("0.00"), D("8.08"))
    assert {o.status for o in result.created} == {models.OrderStatus.NEW}
    assert {o.currency for o in result.created} == {case.sale.currency}


async def test_invoice_numbers_are_consecutive_per_type(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    case = await _closed_sale(session)

    # when
    result = await build_sale_orders(db, principal_for(case.staff), case.sale.id)

    # then
    for order_type in (models.OrderType.BIDDER, models.OrderType.CONSIGNOR):
        numbers = sorted(int(o.number) for o in result.created if o.type is order_type)
        assert numbers == list(range(numbers[0], numbers[0] + 2))


async def test_invoicing_again_changes_nothing(db: OperationDB, session: AsyncSession) -> None:
    # given
    case = await _closed_sale(session)
    staff = principal_for(case.staff)
    await build_sale_orders(db, staff, case.sale.id)
    counts = [
        await _count(session, model) for model in (models.Order, models.OrderLine, models.Activity)
    ]

    # when
    again = await build_sale_orders(db, staff, case.sale.id)

    # then
    assert again.created == []
    assert again.already_invoiced_item_ids == sorted(lot.id for lot in case.lots[:3])
    assert [
        await _count(session, model) for model in (models.Order, models.OrderLine, models.Activity)
    ] == counts


async def test_each_order_written_has_its_activity_row(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    case = await _closed_sale(session)

    # when
    result = await build_sale_orders(db, principal_for(case.staff), case.sale.id)

    # then
    rows = (
        await session.execute(
            sa.select(models.Activity.entity_id, models.Activity.action, models.Activity.user_id)
            .where(models.Activity.entity_type == models.EntityType.ORDER)
            .order_by(models.Activity.entity_id)
        )
    ).all()
    assert [tuple(row) for row in rows] == [
        (order.id, "create", case.staff.id) for order in sorted(result.created, key=lambda o: o.id)
    ]


async def test_a_sale_with_an_open_lot_is_not_invoiced(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    case = await _closed_sale(session)
    await factories.create_item(session, sale=case.sale, status=models.ItemStatus.ACTIVE)

    # when
    with pytest.raises(RuleViolation) as refused:
        await build_sale_orders(db, principal_for(case.staff), case.sale.id)

    # then
    assert refused.value.code is UserErrorCode.SALE_NOT_CLOSED
    assert refused.value.message == "1 lot(s) of the sale are not closed yet."
    assert await _count(session, models.Order) == 0
    assert await _count(session, models.Activity) == 0


async def test_only_staff_invoice(db: OperationDB, session: AsyncSession) -> None:
    case = await _closed_sale(session)
    bidder = await factories.create_bidder(session)

    with pytest.raises(Forbidden):
        await build_sale_orders(db, principal_for(bidder), case.sale.id)


async def test_a_lot_whose_invoice_was_canceled_is_invoiced_again(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    case = await _closed_sale(session)
    staff = principal_for(case.staff)
    first = await build_sale_orders(db, staff, case.sale.id)
    canceled = next(
        o
        for o in first.created
        if o.type is models.OrderType.BIDDER and o.client_id == case.second_buyer.id
    )
    await session.execute(
        sa.update(models.Order)
        .where(models.Order.id == canceled.id)
        .values(status=models.OrderStatus.CANCELED)
    )

    # when
    again = await build_sale_orders(db, staff, case.sale.id)

    # then: a new invoice for that buyer with the same amounts (handling again: their only one)
    assert [(o.type, o.client_id) for o in again.created] == [
        (models.OrderType.BIDDER, case.second_buyer.id)
    ]
    assert _totals(again.created[0]) == (
        D("333.00"),
        D("83.25"),
        D("18.65"),
        D("10.00"),
        D("444.90"),
    )


def test_two_concurrent_runs_invoice_each_lot_once(committed: Committed) -> None:
    # given
    async def build(session: AsyncSession) -> tuple[int, models.User]:
        case = await _closed_sale(session)
        return case.sale.id, case.staff

    sale_id, staff = committed.run(build)

    # when: both race for the sale row lock
    async def race() -> tuple[list[int], list[tuple[object, ...]]]:
        engine = create_engine(committed.url, pool_size=4)
        makers = create_sessionmaker(engine)
        one, two = OperationDB(makers), OperationDB(makers)
        try:
            results = await asyncio.gather(
                build_sale_orders(one, principal_for(staff), sale_id),
                build_sale_orders(two, principal_for(staff), sale_id),
            )
            check = OperationDB(makers)
            rows = list(
                await check.rows(
                    sa.select(models.Order.type, models.Order.number, models.OrderLine.item_id)
                    .join(models.OrderLine, models.OrderLine.order_id == models.Order.id)
                    .where(models.OrderLine.kind == models.OrderLineKind.ITEM)
                    .order_by(models.Order.type, models.OrderLine.item_id)
                )
            )
            await check.close()
            return [len(result.created) for result in results], rows
        finally:
            await one.close()
            await two.close()
            await engine.dispose()

    created, rows = asyncio.run(race())

    # then: one run did the work, the other found everything invoiced
    assert sorted(created) == [0, 4]
    bidder_items = [row[2] for row in rows if row[0] is models.OrderType.BIDDER]
    consignor_items = [row[2] for row in rows if row[0] is models.OrderType.CONSIGNOR]
    assert len(bidder_items) == len(set(bidder_items)) == 3
    assert len(consignor_items) == len(set(consignor_items)) == 3
    assert sorted({(row[0], row[1]) for row in rows}) == [
        (models.OrderType.BIDDER, "1"),
        (models.OrderType.BIDDER, "2"),
        (models.OrderType.CONSIGNOR, "1"),
        (models.OrderType.CONSIGNOR, "2"),
    ]


@pytest.mark.realtime
def test_each_order_is_announced_after_commit(committed: Committed) -> None:
    # given
    async def build(session: AsyncSession) -> tuple[int, models.User]:
        case = await _closed_sale(session)
        return case.sale.id, case.staff

    sale_id, staff = committed.run(build)

    # when
    async def run() -> tuple[list[dict[str, Any]], list[int]]:
        received: list[dict[str, Any]] = []
        listener = await asyncpg.connect(plain_url(async_url(committed.url)))
        await listener.add_listener(CHANNEL, lambda *args: received.append(json.loads(args[3])))
        engine = create_engine(committed.url, pool_size=2)
        db = OperationDB(create_sessionmaker(engine))
        try:
            result = await build_sale_orders(db, principal_for(staff), sale_id)
            for _ in range(100):
                if len(received) >= len(result.created):
                    break
                await asyncio.sleep(0.05)
        finally:
            await db.close()
            await engine.dispose()
            await listener.close()
        return received, [order.id for order in result.created]

    events, order_ids = asyncio.run(run())

    # then
    assert sorted(e["entity_id"] for e in events) == sorted(order_ids)
    assert {(e["type"], e["bundle"], e["user_id"]) for e in events} == {
        ("entity_updated", "order", staff.id)
    }
