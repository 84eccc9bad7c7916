"""Statements the catalogue editing use cases need (sales, items, consignments).

Locks follow the order the bidding code uses: item rows first (in id order), then the sale row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from db import models
from db.session import OperationDB

I = models.Item  # noqa: E741


# Called inside a use case's transaction, which holds the operation's lock: these statements go
# straight to its session (``db.scalar`` / ``db.rows`` would wait for that lock forever).
async def _scalar(db: OperationDB, statement: sa.Executable) -> Any:
    return (await db.session.execute(statement)).scalar()


async def _rows(db: OperationDB, statement: sa.Executable) -> Sequence[Any]:
    return (await db.session.execute(statement)).all()


async def lock_sale(db: OperationDB, sale_id: int) -> models.Sale | None:
    """``SELECT … FOR UPDATE`` the sale: lot numbering in a sale is serialized on this lock."""
    result = await db.session.execute(
        sa.select(models.Sale)
        .where(col(models.Sale.id) == sale_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def lock_items(db: OperationDB, item_ids: Sequence[int]) -> dict[int, models.Item]:
    """Lock these items in id order (as bids do, one by one); the ones that exist, by id."""
    result = await db.session.execute(
        sa.select(I)
        .where(col(I.id).in_(sorted(set(item_ids))))
        .order_by(col(I.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {item.id: item for item in result.scalars()}


async def lock_sale_items(db: OperationDB, sale_id: int) -> list[models.Item]:
    """Lock every item of a sale, in id order."""
    result = await db.session.execute(
        sa.select(I)
        .where(col(I.sale_id) == sale_id)
        .order_by(col(I.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


async def highest_lot_number(db: OperationDB, sale_id: int) -> int | None:
    value = await _scalar(db, sa.select(sa.func.max(I.lot_number)).where(col(I.sale_id) == sale_id))
    return int(value) if value is not None else None


async def lots_of_sale(
    db: OperationDB, sale_id: int, except_ids: Sequence[int] = ()
) -> dict[tuple[int, str], int]:
    """Numbered lots of a sale, ``(lot_number, lot_letter)`` → item id, less ``except_ids``."""
    query = sa.select(col(I.lot_number), col(I.lot_letter), col(I.id)).where(
        col(I.sale_id) == sale_id, col(I.lot_number).is_not(None)
    )
    if except_ids:
        query = query.where(col(I.id).not_in(list(except_ids)))
    rows = await _rows(db, query)
    return {(int(number), str(letter)): int(item_id) for number, letter, item_id in rows}


async def items_on_open_orders(db: OperationDB, item_ids: Sequence[int]) -> set[int]:
    """Those of ``item_ids`` that are on an order line of an order not canceled."""
    if not item_ids:
        return set()
    rows = await _rows(
        db,
        sa.select(col(models.OrderLine.item_id))
        .join(models.Order, col(models.Order.id) == col(models.OrderLine.order_id))
        .where(
            col(models.OrderLine.item_id).in_(list(item_ids)),
            col(models.Order.status) != models.OrderStatus.CANCELED,
        ),
    )
    return {int(row[0]) for row in rows}


async def items_with_bids(db: OperationDB, item_ids: Sequence[int]) -> set[int]:
    """Those of ``item_ids`` that have any bid row (accepted or retracted)."""
    if not item_ids:
        return set()
    rows = await _rows(
        db,
        sa.select(col(models.Bid.item_id)).where(col(models.Bid.item_id).in_(list(item_ids))),
    )
    return {int(row[0]) for row in rows}


async def sale_has_bids(db: OperationDB, sale_id: int) -> bool:
    found = await _scalar(
        db,
        sa.select(
            sa.exists().where(col(models.Bid.item_id) == col(I.id), col(I.sale_id) == sale_id)
        ),
    )
    return bool(found)


async def sale_has_orders(db: OperationDB, sale_id: int) -> bool:
    found = await _scalar(db, sa.select(sa.exists().where(col(models.Order.sale_id) == sale_id)))
    return bool(found)


async def sale_number_taken(db: OperationDB, sale_number: str, except_id: int | None) -> bool:
    query = sa.select(col(models.Sale.id)).where(col(models.Sale.sale_number) == sale_number)
    if except_id is not None:
        query = query.where(col(models.Sale.id) != except_id)
    return await _scalar(db, sa.select(query.exists())) is True


async def consignment_number_taken(db: OperationDB, number: str, except_id: int | None) -> bool:
    C = models.Consignment
    query = sa.select(col(C.id)).where(col(C.number) == number)
    if except_id is not None:
        query = query.where(col(C.id) != except_id)
    return await _scalar(db, sa.select(query.exists())) is True


async def next_consignment_number(db: OperationDB, year: int) -> str:
    """``CON-<year>-<seq>``: one more than the highest of that year (B3.0 Proposal)."""
    C = models.Consignment
    prefix = f"CON-{year}-"
    numbers = await _rows(db, sa.select(col(C.number)).where(col(C.number).startswith(prefix)))
    highest = max(
        (int(n[len(prefix) :]) for (n,) in numbers if n[len(prefix) :].isdigit()), default=0
    )
    return f"{prefix}{highest + 1:03d}"


async def consignment_has_items(db: OperationDB, consignment_id: int) -> bool:
    found = await _scalar(db, sa.select(sa.exists().where(col(I.consignment_id) == consignment_id)))
    return bool(found)


async def consignments_of_sale(db: OperationDB, sale_id: int) -> list[models.Consignment]:
    result = await db.session.execute(
        sa.select(models.Consignment)
        .where(col(models.Consignment.sale_id) == sale_id)
        .order_by(col(models.Consignment.id))
    )
    return list(result.scalars())
