"""Typed async factories with sensible defaults; they take related objects, not ids."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from domain.auth import hash_password

_seq = itertools.count(1)
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery staple"

T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


async def _save(session: AsyncSession, obj: T) -> T:
    session.add(obj)
    await session.flush()
    return obj


async def create_client(
    session: AsyncSession,
    *,
    status: models.ClientStatus = models.ClientStatus.APPROVED,
    **overrides: Any,
) -> models.Client:
    n = next(_seq)
    values: dict[str, Any] = {
        "first_name": f"Ada{n}",
        "last_name": f"Lovelace{n}",
        "email": f"client{n}@example.com",
        "bidder_number": f"P{n:05d}",
        "customer_number": f"C{n:05d}",
        "status": status,
    }
    values.update(overrides)
    return await _save(session, models.Client(**values))


async def create_user(
    session: AsyncSession,
    *,
    role: models.Role = models.Role.BIDDER,
    client: models.Client | None = None,
    password: str = PASSWORD,
    **overrides: Any,
) -> models.User:
    n = next(_seq)
    values: dict[str, Any] = {
        "email": f"user{n}@example.com",
        "password_hash": hash_password(password, _fast_hasher),
        "role": role,
        "full_name": f"User {n}",
        "client_id": client.id if client is not None else None,
    }
    values.update(overrides)
    return await _save(session, models.User(**values))


async def create_bidder(session: AsyncSession, **overrides: Any) -> models.User:
    """A BIDDER user linked to a new approved client."""
    client = await create_client(session)
    return await create_user(session, role=models.Role.BIDDER, client=client, **overrides)


async def create_staff(session: AsyncSession, **overrides: Any) -> models.User:
    return await create_user(session, role=models.Role.STAFF, **overrides)


async def create_sale(
    session: AsyncSession,
    *,
    published: bool = True,
    kind: models.SaleKind = models.SaleKind.TIMED,
    **overrides: Any,
) -> models.Sale:
    n = next(_seq)
    values: dict[str, Any] = {
        "title": f"Sale {n}",
        "sale_number": f"SALE-{n:05d}",
        "kind": kind,
        "published": published,
        "starts_at": now() - timedelta(days=1),
        "ends_at": now() + timedelta(days=1),
        "currency": "EUR",
    }
    values.update(overrides)
    return await _save(session, models.Sale(**values))


async def create_consignment(
    session: AsyncSession,
    *,
    consignor: models.Client | None = None,
    sale: models.Sale | None = None,
    **overrides: Any,
) -> models.Consignment:
    n = next(_seq)
    consignor = consignor or await create_client(session)
    values: dict[str, Any] = {
        "number": f"CON-2026-{n:05d}",
        "title": f"Consignment {n}",
        "consignor_id": consignor.id,
        "sale_id": sale.id if sale is not None else None,
    }
    values.update(overrides)
    return await _save(session, models.Consignment(**values))


async def create_item(
    session: AsyncSession,
    *,
    sale: models.Sale | None = None,
    consignment: models.Consignment | None = None,
    status: models.ItemStatus = models.ItemStatus.ACTIVE,
    **overrides: Any,
) -> models.Item:
    n = next(_seq)
    sale = sale or await create_sale(session)
    values: dict[str, Any] = {
        "sale_id": sale.id,
        "consignment_id": consignment.id if consignment is not None else None,
        "lot_number": n,
        "title": f"Lot {n}",
        "status": status,
        "estimate_low": Decimal("100.00"),
        "estimate_high": Decimal("200.00"),
        "starting_price": Decimal("50.00"),
        "closes_at": sale.ends_at,
    }
    values.update(overrides)
    item = await _save(session, models.Item(**values))
    if item.category_id is not None:  # the main category is the first of the lot's categories
        await _save(
            session,
            models.ItemTerm(
                item_id=item.id, field="categories", position=0, category_id=item.category_id
            ),
        )
    return item


async def create_category(session: AsyncSession, **overrides: Any) -> models.Category:
    values: dict[str, Any] = {"name": f"Category {next(_seq)}"}
    values.update(overrides)
    return await _save(session, models.Category(**values))


async def create_term(
    session: AsyncSession, *, vocabulary: str = "item_tags", **overrides: Any
) -> models.Term:
    n = next(_seq)
    values: dict[str, Any] = {"vocabulary": vocabulary, "name": f"Term {n}"}
    values.update(overrides)
    return await _save(session, models.Term(**values))


async def create_bid(
    session: AsyncSession,
    *,
    item: models.Item,
    bidder: models.Client,
    amount: Decimal,
    **overrides: Any,
) -> models.Bid:
    """A committed-looking bid row; also moves the item's price, count and sequence."""
    item.last_sequence += 1
    item.bid_count += 1
    item.current_bid = amount
    values: dict[str, Any] = {
        "item_id": item.id,
        "client_id": bidder.id,
        "sequence": item.last_sequence,
        "amount": amount,
    }
    values.update(overrides)
    bid = await _save(session, models.Bid(**values))
    item.leading_bid_id = bid.id
    await session.flush()
    return bid


async def create_order(
    session: AsyncSession,
    *,
    client: models.Client,
    sale: models.Sale | None = None,
    lines: list[dict[str, Any]] | None = None,
    type: models.OrderType = models.OrderType.BIDDER,
    status: models.OrderStatus = models.OrderStatus.NEW,
    **overrides: Any,
) -> models.Order:
    """An order whose totals are the sums of its lines.

    Each line is a dict of ``OrderLine`` fields, plus ``item`` (a ``models.Item``) for lots;
    a line's ``total`` is hammer price + premium + amount + tax - commission. Without ``lines``,
    one line of 1000.00 hammer + 250.00 premium (total 1250.00).
    """
    n = next(_seq)
    default_line = {"hammer_price": Decimal("1000.00"), "premium": Decimal("250.00")}
    built: list[models.OrderLine] = []
    for position, spec in enumerate(lines if lines is not None else [default_line], start=1):
        fields = dict(spec)
        item: models.Item | None = fields.pop("item", None)
        is_charge = item is None and "amount" in fields
        fields.setdefault("position", position)
        fields.setdefault(
            "kind", models.OrderLineKind.CHARGE if is_charge else models.OrderLineKind.ITEM
        )
        fields.setdefault(
            "description", item.title if item is not None else f"Line {fields['position']}"
        )
        line = models.OrderLine(order_id=0, item_id=item.id if item is not None else None, **fields)
        line.total = line.hammer_price + line.premium + line.amount + line.tax - line.commission
        built.append(line)
    charges = [line for line in built if line.kind is models.OrderLineKind.CHARGE]
    values: dict[str, Any] = {
        "number": f"INV-{n:05d}",
        "type": type,
        "status": status,
        "client_id": client.id,
        "sale_id": sale.id if sale is not None else None,
        "currency": sale.currency if sale is not None else "EUR",
        "subtotal": sum((line.hammer_price for line in built), Decimal("0")),
        "buyers_premium": sum((line.premium for line in built), Decimal("0")),
        "tax": sum((line.tax for line in built), Decimal("0")),
        "charges": sum((line.amount for line in charges), Decimal("0")),
        "grand_total": sum((line.total for line in built), Decimal("0")),
    }
    values.update(overrides)
    order: models.Order = await _save(session, models.Order(**values))
    for line in built:
        line.order_id = order.id
        session.add(line)
    await session.flush()
    return order


async def create_transaction(
    session: AsyncSession,
    *,
    order: models.Order,
    amount: Decimal,
    type: models.TransactionType = models.TransactionType.PAYMENT,
    **overrides: Any,
) -> models.Transaction:
    """A transaction on ``order``; also adds ``amount`` to the order's ``amount_paid``."""
    values: dict[str, Any] = {
        "order_id": order.id,
        "client_id": order.client_id,
        "type": type,
        "amount": amount,
        "transaction_date": now().date(),
    }
    values.update(overrides)
    transaction: models.Transaction = await _save(session, models.Transaction(**values))
    order.amount_paid += amount
    await session.flush()
    return transaction


async def create_address(
    session: AsyncSession,
    *,
    client: models.Client,
    is_default: bool = False,
    **overrides: Any,
) -> models.Address:
    n = next(_seq)
    values: dict[str, Any] = {
        "client_id": client.id,
        "country": "US",
        "administrative_area": "NY",
        "locality": "New York",
        "postal_code": f"{10000 + n}",
        "thoroughfare": f"{n} Main Street",
        "first_name": client.first_name,
        "last_name": client.last_name,
        "is_default": is_default,
    }
    values.update(overrides)
    return await _save(session, models.Address(**values))


async def create_note(
    session: AsyncSession,
    *,
    on: models.Client | models.Sale | models.Item | models.Consignment,
    author: models.User | None = None,
    **overrides: Any,
) -> models.Note:
    """A note on ``on`` (the entity type follows from the row's class)."""
    n = next(_seq)
    values: dict[str, Any] = {
        "entity_type": models.EntityType(type(on).__tablename__.removesuffix("s")),
        "entity_id": on.id,
        "title": f"Note {n}",
        "body": f"<p>Body of note {n}</p>",
        "author_id": author.id if author is not None else None,
    }
    values.update(overrides)
    return await _save(session, models.Note(**values))


async def create_file(
    session: AsyncSession,
    *,
    item: models.Item | None = None,
    position: int = 0,
    is_private: bool = False,
    **overrides: Any,
) -> models.File:
    """A file row; with ``item`` it is also that item's image at ``position``."""
    n = next(_seq)
    values: dict[str, Any] = {
        "filename": f"image{n}.jpg",
        "stored_name": f"stored-{n}-{datetime.now(UTC).timestamp()}.jpg",
        "mime_type": "image/jpeg",
        "size": 1000 + n,
        "is_private": is_private,
    }
    if item is not None:
        values.update(entity_type=models.EntityType.ITEM, entity_id=item.id)
    values.update(overrides)
    file = await _save(session, models.File(**values))
    if item is not None:
        await _save(session, models.ItemImage(item_id=item.id, file_id=file.id, position=position))
    return file
