"""Set-up shared by the order and payment mutation tests: orders priced by the domain."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from db.session import OperationDB
from domain.auth import principal_for
from domain.orders.service import CreateOrder, create_order
from tests import factories

D = Decimal


def gid(type_name: str, row: object) -> str:
    return to_base64(type_name, getattr(row, "id"))  # noqa: B009


@dataclass
class Priced:
    staff: models.User
    client: models.Client
    sale: models.Sale
    items: list[models.Item]
    order: models.Order


async def sold_lots(
    session: AsyncSession, sale: models.Sale, buyer: models.Client, hammers: tuple[str, ...]
) -> list[models.Item]:
    return [
        await factories.create_item(
            session,
            sale=sale,
            status=models.ItemStatus.SOLD,
            hammer_price=D(hammer),
            winner_id=buyer.id,
        )
        for hammer in hammers
    ]


async def bidder_order(
    session: AsyncSession,
    db: OperationDB,
    *,
    hammers: tuple[str, ...] = ("1000.00", "500.00"),
    status: models.OrderStatus = models.OrderStatus.NEW,
) -> Priced:
    """A bidder order priced at 25 % premium and 20 % tax on it: 1000 + 500 → 1950.00."""
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    sale = await factories.create_sale(session, buyers_premium_rate=D("0.25"), tax_rate=D("0.20"))
    items = await sold_lots(session, sale, client, hammers)
    order = await create_order(
        db,
        principal_for(staff),
        CreateOrder(
            order_type=models.OrderType.BIDDER,
            sale_id=sale.id,
            client_id=client.id,
            item_ids=tuple(item.id for item in items),
        ),
    )
    if status is not models.OrderStatus.NEW:
        await session.execute(
            sa.update(models.Order).where(models.Order.id == order.id).values(status=status)
        )
    await session.execute(sa.delete(models.Activity))  # start each test with a clean trail
    return Priced(staff, client, sale, items, await order_row(session, order.id))


async def activities(session: AsyncSession) -> list[tuple[str, str, int]]:
    """Every activity row as (entity type, action, entity id), oldest first."""
    rows = await session.execute(
        sa.select(
            models.Activity.entity_type, models.Activity.action, models.Activity.entity_id
        ).order_by(models.Activity.id)
    )
    return [(str(kind), action, entity_id) for kind, action, entity_id in rows]


async def order_row(session: AsyncSession, order_id: int) -> models.Order:
    return await session.get_one(models.Order, order_id, populate_existing=True)


async def count(session: AsyncSession, model: type[object]) -> int:
    result = await session.execute(sa.select(sa.func.count()).select_from(model))
    return int(result.scalar_one())
