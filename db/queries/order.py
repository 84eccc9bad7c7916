"""Orders and their lines: list spec, batched reads and client balances."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
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


def _owner_column(column: Any) -> Any:
    """A column of the order's owner, as a correlated scalar subquery (filterable)."""
    return (
        sa.select(column)
        .where(col(models.Client.id) == col(O.client_id))
        .correlate(O)
        .scalar_subquery()
    )


SALE_TITLE = (
    sa.select(col(models.Sale.title))
    .where(col(models.Sale.id) == col(O.sale_id))
    .correlate(O)
    .scalar_subquery()
)


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
        "shipping_weight": O.shipping_weight,
        "customer_number": _owner_column(col(models.Client.customer_number)),
        "bidder_number": _owner_column(col(models.Client.bidder_number)),
        "sale_title": SALE_TITLE,
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


async def order_exists(db: OperationDB, order_id: int) -> bool:
    """Whether the order exists, readable or not (to answer 403 rather than 404)."""
    stmt = sa.select(sa.exists().where(col(O.id) == order_id))
    return bool(await db.scalar(stmt))


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


async def settlements_by_sale_and_client(
    db: OperationDB, viewer: Viewer, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[models.Order]]:
    """Readable, not canceled consignor settlements per ``(sale_id, client_id)``, oldest first;
    one statement for all pairs."""
    if not pairs:
        return {}
    O = models.Order  # noqa: E741
    stmt = (
        readable_orders(viewer)
        .where(
            col(O.type) == models.OrderType.CONSIGNOR,
            col(O.status) != models.OrderStatus.CANCELED,
            sa.tuple_(col(O.sale_id), col(O.client_id)).in_(sorted(set(pairs))),
        )
        .order_by(col(O.created_at), col(O.id))
    )
    found: dict[tuple[int, int], list[models.Order]] = {}
    for order in await db.all(stmt):
        assert order.sale_id is not None  # the IN above matched it
        found.setdefault((order.sale_id, order.client_id), []).append(order)
    return found


async def balances_by_client_ids(
    db: OperationDB, viewer: Viewer, client_ids: Sequence[int]
) -> list[Decimal]:
    """What each client owes the house, aligned with ``client_ids``.

    Sign: positive = the client owes the house; negative = the house owes the client (credit).
    The balance is the sum of the amounts due (``grand_total - amount_paid``) of the client's
    non-canceled BIDDER and TRANSPORT_INVOICE orders and of the non-canceled CREDIT_NOTEs that
    reverse such an order (or stand alone). A credit note's lines are negated, so its amount due
    is negative until the credit is paid back (a refund on it). Consignor settlements, and
    credit notes of settlements or of canceled orders, are not part of it. Only orders the
    viewer may read count.
    """
    orders = readable_orders(viewer).subquery()
    original = aliased(O)
    counted_credit = sa.and_(
        orders.c.type == models.OrderType.CREDIT_NOTE,
        sa.or_(
            orders.c.original_order_id.is_(None),
            sa.and_(
                col(original.type).in_(DEBIT_ORDER_TYPES),
                col(original.status) != models.OrderStatus.CANCELED,
            ),
        ),
    )
    stmt = (
        sa.select(orders.c.client_id, sa.func.sum(orders.c.grand_total - orders.c.amount_paid))
        .select_from(orders)
        .outerjoin(original, col(original.id) == orders.c.original_order_id)
        .where(
            orders.c.client_id.in_(set(client_ids)),
            orders.c.status != models.OrderStatus.CANCELED,
            sa.or_(orders.c.type.in_(DEBIT_ORDER_TYPES), counted_credit),
        )
        .group_by(orders.c.client_id)
    )
    found = {client_id: total for client_id, total in await db.rows(stmt)}
    return [found.get(i, ZERO) for i in client_ids]


# -- writes' reads: locks, numbers, what is already invoiced --------------------------------


async def lock_order(session: AsyncSession, order_id: int) -> models.Order | None:
    """``SELECT … FOR UPDATE`` the order: every change to it and its money is serialized here."""
    result = await session.execute(
        sa.select(O)
        .where(col(O.id) == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def lock_sale_for_invoicing(session: AsyncSession, sale_id: int) -> models.Sale | None:
    """``SELECT … FOR NO KEY UPDATE`` the sale: one writer at a time puts its lots on orders.

    ``NO KEY`` leaves rows that merely reference the sale (bids, items, orders) insertable.
    """
    result = await session.execute(
        sa.select(models.Sale)
        .where(col(models.Sale.id) == sale_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def next_order_number(session: AsyncSession, order_type: models.OrderType) -> str:
    """The next invoice number of ``order_type``: gapless, since the counter row stays locked
    by this transaction until it commits (a rollback gives the number back)."""
    counter = models.OrderNumberCounter
    stmt = (
        pg_insert(counter)
        .values(type=order_type.value, last_number=1)
        .on_conflict_do_update(
            index_elements=["type"], set_={"last_number": col(counter.last_number) + 1}
        )
        .returning(col(counter.last_number))
    )
    number = (await session.execute(stmt)).scalar_one()
    return str(number)


async def lines_of_orders(
    session: AsyncSession, order_ids: Sequence[int]
) -> list[models.OrderLine]:
    """Every line of the given orders, in printed order."""
    result = await session.execute(
        sa.select(L).where(col(L.order_id).in_(set(order_ids))).order_by(col(L.position), col(L.id))
    )
    return list(result.scalars().all())


async def invoiced_item_ids(
    session: AsyncSession, item_ids: Sequence[int], order_type: models.OrderType
) -> set[int]:
    """The items among ``item_ids`` already on a non-canceled order of ``order_type``."""
    if not item_ids:
        return set()
    stmt = (
        sa.select(col(L.item_id))
        .join(O, col(O.id) == col(L.order_id))
        .where(
            col(L.item_id).in_(set(item_ids)),
            col(L.kind) == models.OrderLineKind.ITEM,
            col(O.type) == order_type,
            col(O.status) != models.OrderStatus.CANCELED,
        )
    )
    return {item_id for item_id in (await session.execute(stmt)).scalars() if item_id is not None}


async def credited_item_ids(session: AsyncSession, order_id: int) -> set[int]:
    """Items of ``order_id`` already reversed by one of its non-canceled credit notes."""
    stmt = (
        sa.select(col(L.item_id))
        .join(O, col(O.id) == col(L.order_id))
        .where(
            col(O.original_order_id) == order_id,
            col(O.type) == models.OrderType.CREDIT_NOTE,
            col(O.status) != models.OrderStatus.CANCELED,
            col(L.kind) == models.OrderLineKind.ITEM,
        )
    )
    return {item_id for item_id in (await session.execute(stmt)).scalars() if item_id is not None}


async def open_order_for(
    session: AsyncSession, order: models.Order, exclude_id: int
) -> models.Order | None:
    """The owner's oldest other open (NEW / IN_PROCESS) order of the same type and sale, locked."""
    sale_match = (
        col(O.sale_id).is_(None) if order.sale_id is None else col(O.sale_id) == order.sale_id
    )
    result = await session.execute(
        sa.select(O)
        .where(
            col(O.client_id) == order.client_id,
            col(O.type) == order.type,
            sale_match,
            col(O.id) != exclude_id,
            col(O.status).in_((models.OrderStatus.NEW, models.OrderStatus.IN_PROCESS)),
        )
        .order_by(col(O.id))
        .limit(1)
        .with_for_update()
    )
    return result.scalar_one_or_none()


async def transactions_of_order(session: AsyncSession, order_id: int) -> list[models.Transaction]:
    result = await session.execute(
        sa.select(models.Transaction)
        .where(col(models.Transaction.order_id) == order_id)
        .order_by(col(models.Transaction.id))
    )
    return list(result.scalars().all())


CURRENT_ORDER_TYPES = (models.OrderType.BIDDER, models.OrderType.CONSIGNOR)


async def current_orders_by_item_ids(
    db: OperationDB, ids: Sequence[int]
) -> list[tuple[models.Order | None, models.Order | None]]:
    """Per lot, aligned with ``ids``: the newest invoice (bidder order) and the newest
    settlement (consignor order) holding it, canceled ones left out; one statement.

    Staff data: callers show it to staff only.
    """
    if not ids:
        return []
    stmt = (
        sa.select(col(L.item_id), O)
        .join(O, col(O.id) == col(L.order_id))
        .where(
            col(L.item_id).in_(set(ids)),
            col(O.type).in_(CURRENT_ORDER_TYPES),
            col(O.status) != models.OrderStatus.CANCELED,
        )
        .order_by(col(L.item_id), col(O.type), col(O.created_at).desc(), col(O.id).desc())
        .ext(distinct_on(col(L.item_id), col(O.type)))
    )
    found: dict[tuple[int, models.OrderType], models.Order] = {
        (item_id, order.type): order for item_id, order in await db.rows(stmt)
    }
    return [
        (found.get((i, models.OrderType.BIDDER)), found.get((i, models.OrderType.CONSIGNOR)))
        for i in ids
    ]
