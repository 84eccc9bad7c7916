"""Orders and their lines: list spec, batched reads and client balances."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from db import models
from db.queries.batch import rows_by_ids, rows_by_parent_ids
from db.queries.listing import ListSpec, Sort
from db.queries.viewer import Viewer
from db.queries.visibility import readable_order_lines, readable_orders
from db.session import OperationDB

O = models.Order  # noqa: E741
L = models.OrderLine

ZERO = Decimal("0.00")

# Orders whose unpaid part the client owes the house; credit notes count against it.
DEBIT_ORDER_TYPES = (models.OrderType.BIDDER, models.OrderType.TRANSPORT_INVOICE)


def amount_due_expression() -> ColumnElement[Decimal]:
    """``grand_total - amount_paid`` as SQL, so it can be filtered and sorted."""
    return col(O.grand_total) - col(O.amount_paid)


ORDER_LIST = ListSpec(
    model=O,
    fields={
        "id": O.id,
        "type": O.type,
        "status": O.status,
        "sale_id": O.sale_id,
        "client_id": O.client_id,
        "number": O.number,
        "grand_total": O.grand_total,
        "amount_paid": O.amount_paid,
        "amount_due": amount_due_expression(),
        "payment_type_letter": O.payment_type_letter,
        "delivery_status": O.delivery_status,
        "created_at": O.created_at,
        "updated_at": O.updated_at,
    },
    sortable=frozenset(
        {
            "id",
            "number",
            "type",
            "status",
            "grand_total",
            "amount_paid",
            "amount_due",
            "created_at",
            "updated_at",
        }
    ),
    default_sort=(Sort("created_at", descending=True),),
    search=(O.number,),
)

LINE_ORDER = (L.position, L.id)
"""Lines are printed in ``position`` order; the id breaks ties."""


async def orders_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable orders by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_orders(viewer), ids)


async def order_lines_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable order lines by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_order_lines(viewer), ids)


async def order_lines_by_order_ids(
    db: OperationDB, viewer: Viewer, order_ids: Sequence[int]
) -> list[list[Any]]:
    """Every readable line of each order (unpaginated, by position), aligned with ``order_ids``."""
    return await rows_by_parent_ids(
        db, readable_order_lines(viewer), L.order_id, order_ids, LINE_ORDER
    )


async def balances_by_client_ids(
    db: OperationDB, viewer: Viewer, client_ids: Sequence[int]
) -> list[Decimal]:
    """What each client owes the house, aligned with ``client_ids``.

    Sign: positive = the client owes the house; negative = the house owes the client (credit).
    The balance is the sum of ``grand_total - amount_paid`` over the client's non-canceled
    BIDDER and TRANSPORT_INVOICE orders, minus the grand totals of their non-canceled credit
    notes. Consignor settlements are not part of it. Only orders the viewer may read count.
    """
    orders = readable_orders(viewer).subquery()
    contribution = sa.case(
        (orders.c.type.in_(DEBIT_ORDER_TYPES), orders.c.grand_total - orders.c.amount_paid),
        else_=-orders.c.grand_total,
    )
    stmt = (
        sa.select(orders.c.client_id, sa.func.sum(contribution))
        .where(
            orders.c.client_id.in_(set(client_ids)),
            orders.c.status != models.OrderStatus.CANCELED,
            orders.c.type.in_((*DEBIT_ORDER_TYPES, models.OrderType.CREDIT_NOTE)),
        )
        .group_by(orders.c.client_id)
    )
    found = {client_id: total for client_id, total in await db.rows(stmt)}
    return [found.get(i, ZERO) for i in client_ids]
