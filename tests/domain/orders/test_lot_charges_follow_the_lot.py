"""A lot's own charges travel with it: crediting or splitting the lot takes them along."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from domain.auth import principal_for
from domain.orders.invoicing import build_sale_orders
from domain.orders.service import (
    CreateCreditNote,
    SplitOrder,
    create_credit_note,
    split_order,
)
from tests.domain.orders.test_invoicing import _closed_sale, _lines, _totals

D = Decimal
ITEM, CHARGE = models.OrderLineKind.ITEM, models.OrderLineKind.CHARGE


async def _first_buyers_order(
    db: OperationDB, session: AsyncSession
) -> tuple[models.Order, list[models.Item], models.User]:
    case = await _closed_sale(session)
    result = await build_sale_orders(db, principal_for(case.staff), case.sale.id)
    order = next(
        o
        for o in result.created
        if o.type is models.OrderType.BIDDER and o.client_id == case.first_buyer.id
    )
    return order, case.lots, case.staff


async def test_crediting_a_lot_also_credits_its_own_charges(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: the first buyer's 2005.14 invoice, finished
    order, lots, staff = await _first_buyers_order(db, session)
    await session.execute(
        sa.update(models.Order)
        .where(models.Order.id == order.id)
        .values(status=models.OrderStatus.FINISHED)
    )

    # when
    result = await create_credit_note(
        db, principal_for(staff), CreateCreditNote(order.id, (lots[0].id,))
    )

    # then: the lot (1950.00) and its shipping (30.00) are reversed, not the handling
    note = result.credit_note
    assert await _lines(session, note) == [
        (
            ITEM,
            lots[0].id,
            D("-1500.00"),
            D("-375.00"),
            D("0.00"),
            D("-75.00"),
            D("0.00"),
            D("-1950.00"),
        ),
        (CHARGE, lots[0].id, D("0.00"), D("0.00"), D("0.00"), D("-5.00"), D("-25.00"), D("-30.00")),
    ]
    assert _totals(note) == (D("-1500.00"), D("-375.00"), D("-80.00"), D("-25.00"), D("-1980.00"))


async def test_splitting_a_lot_moves_its_own_charges_and_keeps_the_sum(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    order, lots, staff = await _first_buyers_order(db, session)
    total_before = order.grand_total

    # when
    result = await split_order(db, principal_for(staff), SplitOrder(order.id, (lots[0].id,)))

    # then
    assert [(kind, item) for kind, item, *_ in await _lines(session, result.target)] == [
        (ITEM, lots[0].id),
        (CHARGE, lots[0].id),
    ]
    assert [(kind, item) for kind, item, *_ in await _lines(session, result.source)] == [
        (ITEM, lots[2].id),
        (CHARGE, None),
    ]
    assert result.target.grand_total == D("1980.00")
    assert result.source.grand_total == D("25.14")
    assert result.source.grand_total + result.target.grand_total == total_before
