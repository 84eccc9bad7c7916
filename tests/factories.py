"""Typed async factories with sensible defaults; they take related objects, not ids."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from domain.auth import hash_password

_seq = itertools.count(1)
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery staple"


def now() -> datetime:
    return datetime.now(UTC)


async def _save(session: AsyncSession, obj: Any) -> Any:
    session.add(obj)
    await session.flush()
    return obj


async def create_client(
    session: AsyncSession, *, status: models.ClientStatus = models.ClientStatus.APPROVED,
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
    session: AsyncSession, *, consignor: models.Client | None = None,
    sale: models.Sale | None = None, **overrides: Any,
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
    return await _save(session, models.Item(**values))


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
