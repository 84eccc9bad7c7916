"""The invoice_sale job: queued when a sale's last lot closes, building the sale's orders."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import models
from db.queries.jobs import job_by_id
from db.session import OperationDB
from domain.auth import principal_for
from domain.bidding.live import LotAction, hammer_lot
from domain.jobs.invoicing import defer_sale_invoicing, run_invoice_sale
from domain.jobs.runtime import INVOICE_SALE, JobEnvironment, JobRun
from tests import factories


async def _invoice_jobs(session: AsyncSession, sale: models.Sale) -> list[int]:
    result = await session.execute(
        sa.text(
            "SELECT id FROM procrastinate_jobs WHERE task_name = :name "
            "AND (args->>'sale_id')::int = :sale ORDER BY id"
        ),
        {"name": INVOICE_SALE, "sale": sale.id},
    )
    return [row[0] for row in result]


async def test_hammering_the_last_lot_queues_the_sale_invoicing(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: a live sale whose one open lot has a bid
    sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    item = await factories.create_item(session, sale=sale, status=models.ItemStatus.ACTIVE)
    buyer = await factories.create_client(session)
    await factories.create_bid(session, item=item, bidder=buyer, amount=Decimal("200"))
    staff = await factories.create_staff(session)

    # when
    result = await hammer_lot(db, principal_for(staff), LotAction(item.id), datetime.now(UTC))

    # then: the sale closed and its invoicing job waits in the same commit
    assert result.errors == []
    [job_id] = await _invoice_jobs(session, sale)
    job = await job_by_id(db, job_id)
    assert job is not None
    assert job.state == "queued"
    assert job.args == {"sale_id": sale.id, "queued_by_id": None}


async def test_the_job_builds_the_orders_and_a_rerun_changes_nothing(
    db: OperationDB,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    # given: a closed sale with one sold lot of a consignment
    sale = await factories.create_sale(session, closed_at=datetime.now(UTC))
    buyer, consignor = (
        await factories.create_client(session),
        await factories.create_client(session),
    )
    consignment = await factories.create_consignment(session, consignor=consignor, sale=sale)
    await factories.create_item(
        session,
        sale=sale,
        consignment=consignment,
        status=models.ItemStatus.SOLD,
        hammer_price=Decimal("1000.00"),
        winner_id=buyer.id,
    )
    async with db.transaction() as tx:
        job_id = await defer_sale_invoicing(tx, sale.id)
    run = JobRun(
        env=JobEnvironment(sessionmaker=sessionmaker, files_dir=tmp_path),
        job_id=job_id,
        name=INVOICE_SALE,
        attempt=1,
    )

    # when
    first = await run_invoice_sale(run, sale.id)
    again = await run_invoice_sale(run, sale.id)

    # then: one bidder invoice and one consignor settlement, once
    orders = (
        await session.execute(
            sa.select(models.Order.type, models.Order.client_id)
            .where(models.Order.sale_id == sale.id)
            .order_by(models.Order.type)
        )
    ).all()
    assert sorted(orders) == sorted(
        [(models.OrderType.BIDDER, buyer.id), (models.OrderType.CONSIGNOR, consignor.id)]
    )
    assert first == f"Invoiced sale {sale.id}: 2 new order(s), 0 lot(s) already invoiced."
    assert again == f"Invoiced sale {sale.id}: 0 new order(s), 1 lot(s) already invoiced."
