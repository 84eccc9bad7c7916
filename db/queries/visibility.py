"""Row scoping: what each viewer may read. Every read of the graph and REST starts here.

Staff (STAFF, ADMIN) read everything. The public reads the published catalogue (sales, their
items, accepted bids, public files). A bidder also reads their own client record, addresses,
orders, transactions and consignments.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import col

from db import models
from db.queries.viewer import Viewer


def public_sale_condition() -> ColumnElement[bool]:
    return sa.and_(col(models.Sale.published).is_(True), col(models.Sale.hidden).is_(False))


def _nothing(stmt: Select[Any]) -> Select[Any]:
    return stmt.where(sa.false())


def readable_sales(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Sale)
    return stmt if viewer.is_staff else stmt.where(public_sale_condition())


def public_item_condition() -> ColumnElement[bool]:
    public_sales = sa.select(col(models.Sale.id)).where(public_sale_condition())
    return sa.and_(col(models.Item.published).is_(True), col(models.Item.sale_id).in_(public_sales))


def readable_items(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Item)
    return stmt if viewer.is_staff else stmt.where(public_item_condition())


def readable_bids(viewer: Viewer) -> Select[Any]:
    """Public bid history: accepted bids on public items (the bidder is shown by paddle only)."""
    stmt = sa.select(models.Bid)
    if viewer.is_staff:
        return stmt
    public_items = sa.select(col(models.Item.id)).where(public_item_condition())
    visible = sa.and_(
        col(models.Bid.status) == models.BidStatus.ACCEPTED,
        col(models.Bid.item_id).in_(public_items),
    )
    if viewer.client_id is not None:
        visible = sa.or_(visible, col(models.Bid.client_id) == viewer.client_id)
    return stmt.where(visible)


def readable_clients(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Client)
    if viewer.is_staff:
        return stmt
    if viewer.client_id is None:
        return _nothing(stmt)
    return stmt.where(col(models.Client.id) == viewer.client_id)


def readable_addresses(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Address)
    if viewer.is_staff:
        return stmt
    if viewer.client_id is None:
        return _nothing(stmt)
    return stmt.where(col(models.Address.client_id) == viewer.client_id)


def readable_orders(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Order)
    if viewer.is_staff:
        return stmt
    if viewer.client_id is None:
        return _nothing(stmt)
    return stmt.where(col(models.Order.client_id) == viewer.client_id)


def readable_order_lines(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.OrderLine)
    if viewer.is_staff:
        return stmt
    own_orders = readable_orders(viewer).with_only_columns(col(models.Order.id))
    return stmt.where(col(models.OrderLine.order_id).in_(own_orders))


def readable_transactions(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Transaction)
    if viewer.is_staff:
        return stmt
    if viewer.client_id is None:
        return _nothing(stmt)
    return stmt.where(col(models.Transaction.client_id) == viewer.client_id)


def readable_consignments(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Consignment)
    if viewer.is_staff:
        return stmt
    if viewer.client_id is None:
        return _nothing(stmt)
    return stmt.where(col(models.Consignment.consignor_id) == viewer.client_id)


def readable_notes(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Note)
    return stmt if viewer.is_staff else _nothing(stmt)


def _owned_by_client(client_id: int) -> ColumnElement[bool]:
    """Files attached to an entity of ``client_id``: the client, its addresses, bids, orders,
    transactions and consignments."""
    file = models.File
    owned: list[tuple[models.EntityType, Select[Any]]] = [
        (models.EntityType.ADDRESS, _ids_of(models.Address, models.Address.client_id, client_id)),
        (models.EntityType.BID, _ids_of(models.Bid, models.Bid.client_id, client_id)),
        (models.EntityType.ORDER, _ids_of(models.Order, models.Order.client_id, client_id)),
        (
            models.EntityType.TRANSACTION,
            _ids_of(models.Transaction, models.Transaction.client_id, client_id),
        ),
        (
            models.EntityType.CONSIGNMENT,
            _ids_of(models.Consignment, models.Consignment.consignor_id, client_id),
        ),
    ]
    return sa.or_(
        sa.and_(
            col(file.entity_type) == models.EntityType.CLIENT, col(file.entity_id) == client_id
        ),
        *(
            sa.and_(col(file.entity_type) == kind, col(file.entity_id).in_(ids))
            for kind, ids in owned
        ),
    )


def _ids_of(model: Any, owner: Any, client_id: int) -> Select[Any]:
    return sa.select(col(model.id)).where(col(owner) == client_id)


def readable_files(viewer: Viewer) -> Select[Any]:
    """Public files for everyone; private ones for staff, and for a bidder those attached to
    their own client's entities."""
    stmt = sa.select(models.File)
    if viewer.is_staff:
        return stmt
    public = col(models.File.is_private).is_(False)
    if viewer.client_id is None:
        return stmt.where(public)
    return stmt.where(sa.or_(public, _owned_by_client(viewer.client_id)))


def readable_users(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.User)
    if viewer.is_staff:
        return stmt
    if viewer.user_id is None:
        return _nothing(stmt)
    return stmt.where(col(models.User.id) == viewer.user_id)


def readable_activities(viewer: Viewer) -> Select[Any]:
    stmt = sa.select(models.Activity)
    return stmt if viewer.is_staff else _nothing(stmt)


def readable_categories(viewer: Viewer) -> Select[Any]:
    return sa.select(models.Category)


def readable_terms(viewer: Viewer) -> Select[Any]:
    """Taxonomy terms are public, like categories."""
    return sa.select(models.Term)
