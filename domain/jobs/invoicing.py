"""The sale-invoicing job: ``invoice_sale(sale_id)`` builds a closed sale's orders.

It is queued in the transaction that closes a sale's last lot (``close_finished_sales``), so a
sale that closes is invoiced exactly when it is committed, whichever process closed it. The
building is ``domain.orders.invoicing.build_sale_orders``, which is idempotent: a retried job
(or the ``invoiceSale`` mutation run by hand) changes nothing already built.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.jobs import defer_job
from domain.jobs.runtime import INVOICE_SALE, JobRun
from domain.orders.invoicing import build_sale_orders


async def defer_sale_invoicing(
    session: AsyncSession, sale_id: int, *, queued_by_id: int | None = None
) -> int:
    """Queue ``invoice_sale(sale_id)`` in the caller's transaction (e.g. the sale's closing)."""
    return await defer_job(
        session,
        INVOICE_SALE,
        {"sale_id": sale_id, "queued_by_id": queued_by_id},
        queued_by_id=queued_by_id,
        message=f"Invoicing of sale {sale_id} queued.",
    )


async def run_invoice_sale(run: JobRun, sale_id: int) -> str:
    """Build the sale's bidder invoices and consignor settlements; the job's final message."""
    await run.progress(f"Invoicing sale {sale_id}.")
    db = run.db()
    try:
        result = await build_sale_orders(db, run.principal, sale_id)
    finally:
        await db.close()
    return (
        f"Invoiced sale {sale_id}: {len(result.created)} new order(s), "
        f"{len(result.already_invoiced_item_ids)} lot(s) already invoiced."
    )
