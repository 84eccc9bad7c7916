"""The invoice_sale job: queued in the caller's transaction, handed to the registered builder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.queries.jobs import job_by_id
from db.session import OperationDB
from domain.jobs import invoicing
from domain.jobs.invoicing import (
    NoSaleInvoicer,
    defer_sale_invoicing,
    run_invoice_sale,
    use_sale_invoicer,
)
from domain.jobs.runtime import INVOICE_SALE, JobEnvironment, JobRun
from domain.principal import Principal
from tests import factories


@pytest.fixture
def restore_invoicer() -> Iterator[None]:
    saved = list(invoicing._invoicers)
    invoicing._invoicers.clear()
    yield
    invoicing._invoicers[:] = saved


async def test_the_job_is_queued_and_calls_the_registered_builder(
    db: OperationDB,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    restore_invoicer: None,
) -> None:
    # given
    sale = await factories.create_sale(session)
    calls: list[tuple[Principal, int]] = []

    async def build_sale_orders(db: OperationDB, principal: Principal, sale_id: int) -> str:
        calls.append((principal, sale_id))
        return "2 orders"

    use_sale_invoicer(build_sale_orders)
    async with db.transaction() as tx:
        job_id = await defer_sale_invoicing(tx, sale.id, queued_by_id=None)
    run = JobRun(
        env=JobEnvironment(sessionmaker=sessionmaker, files_dir=tmp_path),
        job_id=job_id,
        name=INVOICE_SALE,
        attempt=1,
    )

    # when
    message = await run_invoice_sale(run, sale.id)

    # then
    queued = await job_by_id(db, job_id)
    assert queued is not None
    assert queued.name == "invoice_sale"
    assert queued.args == {"sale_id": sale.id, "queued_by_id": None}
    assert [sale_id for _, sale_id in calls] == [sale.id]
    assert message == f"Invoiced sale {sale.id}: 2 orders"
    assert queued.message == f"Invoicing sale {sale.id}."


async def test_without_a_builder_the_job_fails_clearly(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path, restore_invoicer: None
) -> None:
    # given
    run = JobRun(
        env=JobEnvironment(sessionmaker=sessionmaker, files_dir=tmp_path),
        job_id=1,
        name=INVOICE_SALE,
        attempt=1,
    )

    # when / then
    with pytest.raises(NoSaleInvoicer, match="no sale invoicer is registered"):
        await run_invoice_sale(run, 1)
