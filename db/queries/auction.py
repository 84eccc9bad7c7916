"""The e-commerce API's "auction products": lots of published timed sales (rest-api.md C1.1).

An auction product is an item of a published, not hidden, TIMED sale, the item published too;
with ``seller_products`` off only items of house consignments count. Its auction runs from the
item's ``starts_at`` (else the sale's) to its ``closes_at`` (else the sale's ``ends_at``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import col

from db import models
from db.queries.visibility import public_item_condition
from db.session import OperationDB

Item, Sale = models.Item, models.Sale
OPEN_STATUSES = (models.ItemStatus.AVAILABLE, models.ItemStatus.ACTIVE)
MAX_BID_HISTORY = 50

START = sa.func.coalesce(col(Item.starts_at), col(Sale.starts_at))
END = sa.func.coalesce(col(Item.closes_at), col(Sale.ends_at))


@dataclass(frozen=True, slots=True)
class Product:
    """An auction product: the lot, its sale, its auction window and first image."""

    item: models.Item
    sale: models.Sale
    starts_at: datetime | None
    ends_at: datetime | None
    first_image: models.File | None = None


ProductRows = Select[models.Item, models.Sale, datetime, datetime]


def _products(seller_products: bool) -> ProductRows:
    stmt: ProductRows = (
        sa.select(Item, Sale, START.label("starts_at"), END.label("ends_at"))
        .join(Sale, col(Sale.id) == col(Item.sale_id))
        .where(public_item_condition(), col(Sale.kind) == models.SaleKind.TIMED)
    )
    if not seller_products:
        house = sa.select(col(models.Consignment.id)).where(
            col(models.Consignment.is_house).is_(True)
        )
        stmt = stmt.where(col(Item.consignment_id).in_(house))
    return stmt


def _active(now: datetime) -> ColumnElement[bool]:
    return sa.and_(
        now >= START,
        now < END,
        col(Item.status).in_(OPEN_STATUSES),
        col(Item.closed_at).is_(None),
    )


async def _with_images(db: OperationDB, rows: Sequence[Any]) -> list[Product]:
    item_ids = [row[0].id for row in rows]
    firsts = await first_images(db, item_ids)
    return [Product(row[0], row[1], row[2], row[3], firsts.get(row[0].id)) for row in rows]


async def active_products(
    db: OperationDB, now: datetime, *, seller_products: bool, offset: int, limit: int
) -> tuple[list[Product], int]:
    """Products whose auction runs now, ending soonest first, and how many there are."""
    base = _products(seller_products).where(_active(now))
    total = await db.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    rows = await db.rows(base.order_by(END, col(Item.id)).offset(offset).limit(limit))
    return await _with_images(db, rows), int(total or 0)


async def product_by_id(db: OperationDB, item_id: int, *, seller_products: bool) -> Product | None:
    """One auction product, whatever the state of its auction; None if it is not one."""
    rows = await db.rows(_products(seller_products).where(col(Item.id) == item_id))
    products = await _with_images(db, rows)
    return products[0] if products else None


async def first_images(db: OperationDB, item_ids: Sequence[int]) -> dict[int, models.File]:
    """Each item's first public image (display order), in one statement."""
    if not item_ids:
        return {}
    ranked = (
        sa.select(
            col(models.ItemImage.item_id).label("item_id"),
            col(models.ItemImage.file_id).label("file_id"),
            sa.func.row_number()
            .over(
                partition_by=col(models.ItemImage.item_id),
                order_by=(col(models.ItemImage.position), col(models.ItemImage.file_id)),
            )
            .label("rank"),
        )
        .join(models.File, col(models.File.id) == col(models.ItemImage.file_id))
        .where(
            col(models.ItemImage.item_id).in_(item_ids),
            col(models.File.is_private).is_(False),
        )
        .subquery()
    )
    rows = await db.rows(
        sa.select(ranked.c.item_id, models.File)
        .join(models.File, col(models.File.id) == ranked.c.file_id)
        .where(ranked.c.rank == 1)
    )
    return {item_id: file for item_id, file in rows}


async def images(db: OperationDB, item_id: int) -> list[models.File]:
    """An item's public images in display order."""
    return list(
        await db.all(
            sa.select(models.File)
            .join(models.ItemImage, col(models.ItemImage.file_id) == col(models.File.id))
            .where(
                col(models.ItemImage.item_id) == item_id,
                col(models.File.is_private).is_(False),
            )
            .order_by(col(models.ItemImage.position), col(models.File.id))
        )
    )


async def bid_history(db: OperationDB, item_id: int) -> list[tuple[models.Bid, str | None]]:
    """The lot's accepted bids, newest first (at most 50), each with the bidder's paddle."""
    rows = await db.rows(
        sa.select(models.Bid, col(models.Client.bidder_number))
        .join(models.Client, col(models.Client.id) == col(models.Bid.client_id))
        .where(
            col(models.Bid.item_id) == item_id,
            col(models.Bid.status) == models.BidStatus.ACCEPTED,
        )
        .order_by(col(models.Bid.sequence).desc())
        .limit(MAX_BID_HISTORY)
    )
    return [(bid, paddle) for bid, paddle in rows]


@dataclass(frozen=True, slots=True)
class BidOnProduct:
    """A product a client has bid on, with that client's highest bid and latest bid time."""

    product: Product
    my_highest_bid: Decimal
    my_last_bid_at: datetime
    leading_client_id: int | None


async def products_bid_on(
    db: OperationDB, client_id: int, *, seller_products: bool, offset: int, limit: int
) -> tuple[list[BidOnProduct], int]:
    """Auction products the client has bid on, their latest bid first, and how many."""
    mine = (
        sa.select(
            col(models.Bid.item_id).label("item_id"),
            sa.func.max(col(models.Bid.amount)).label("highest"),
            sa.func.max(col(models.Bid.placed_at)).label("last_at"),
        )
        .where(
            col(models.Bid.client_id) == client_id,
            col(models.Bid.status) == models.BidStatus.ACCEPTED,
        )
        .group_by(col(models.Bid.item_id))
        .subquery()
    )
    leader = (
        sa.select(col(models.Bid.client_id))
        .where(col(models.Bid.id) == col(Item.leading_bid_id))
        .scalar_subquery()
    )
    base = (
        _products(seller_products)
        .add_columns(mine.c.highest, mine.c.last_at, leader.label("leader"))
        .join(mine, mine.c.item_id == col(Item.id))
    )
    total = await db.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    rows = await db.rows(
        base.order_by(mine.c.last_at.desc(), col(Item.id).desc()).offset(offset).limit(limit)
    )
    products = await _with_images(db, rows)
    return [
        BidOnProduct(product, row[4], row[5], row[6])
        for product, row in zip(products, rows, strict=True)
    ], int(total or 0)


@dataclass(frozen=True, slots=True)
class Purchase:
    """A bidder order of won lots, with its lots (item, hammer price) and their first images."""

    order: models.Order
    lots: list[tuple[models.Item, Decimal, models.File | None]]


async def purchases(
    db: OperationDB,
    client_id: int,
    *,
    paid: bool | None,
    delivery_status: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Purchase], int]:
    """The client's bidder orders that hold won lots, newest first, and how many there are.

    ``paid`` filters on nothing left to pay; ``delivery_status`` on the order's shipping state,
    a canceled order reading ``cancelled``.
    """
    Order, Line = models.Order, models.OrderLine
    has_lots = sa.exists().where(
        col(Line.order_id) == col(Order.id),
        col(Line.kind) == models.OrderLineKind.ITEM,
        col(Line.item_id).is_not(None),
        col(Line.total) > 0,
    )
    stmt = sa.select(Order).where(
        col(Order.client_id) == client_id, col(Order.type) == models.OrderType.BIDDER, has_lots
    )
    due = col(Order.grand_total) - col(Order.amount_paid)
    if paid is True:
        stmt = stmt.where(due <= 0)
    elif paid is False:
        stmt = stmt.where(due > 0)
    if delivery_status == "cancelled":
        stmt = stmt.where(col(Order.status) == models.OrderStatus.CANCELED)
    elif delivery_status is not None:
        stmt = stmt.where(
            col(Order.status) != models.OrderStatus.CANCELED,
            col(Order.delivery_status) == delivery_status,
        )
    total = await db.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    orders = list(
        await db.all(
            stmt.order_by(col(Order.created_at).desc(), col(Order.id).desc())
            .offset(offset)
            .limit(limit)
        )
    )
    order_ids = [order.id for order in orders]
    lines = (
        await db.rows(
            sa.select(col(Line.order_id), Item, col(Line.hammer_price))
            .join(Item, col(Item.id) == col(Line.item_id))
            .where(col(Line.order_id).in_(order_ids), col(Line.kind) == models.OrderLineKind.ITEM)
            .order_by(col(Line.order_id), col(Line.position), col(Line.id))
        )
        if order_ids
        else []
    )
    firsts = await first_images(db, [item.id for _, item, _ in lines])
    by_order: dict[int, list[tuple[models.Item, Decimal, models.File | None]]] = {
        order_id: [] for order_id in order_ids
    }
    for order_id, item, hammer in lines:
        by_order[order_id].append((item, hammer, firsts.get(item.id)))
    return [Purchase(order, by_order[order.id]) for order in orders], int(total or 0)
