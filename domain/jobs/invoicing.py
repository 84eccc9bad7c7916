"""The sale-invoicing job: ``invoice_sale(sale_id)`` builds a closed sale's orders.

The order builder itself belongs to the invoicing use cases (``domain.orders.invoicing``); this
module only queues the job and hands it to the builder registered with ``use_sale_invoicer``
(``server.jobs`` registers it at start-up). Building is idempotent, so a retried job changes
nothing that was already built.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.queries.jobs import defer_job
from db.session import OperationDB
from domain.jobs.runtime import INVOICE_SALE, JobRun
from domain.principal import Principal

SaleInvoicer = Callable[[OperationDB, Principal, int], Awaitable[Any]]
"""``build_sale_orders(db, principal, sale_id)``: builds (or leaves as built) a sale's orders."""

_invoicers: list[SaleInvoicer] = []


class NoSaleInvoicer(RuntimeError):
    """No order builder was registered in this process."""


def use_sale_invoicer(invoicer: SaleInvoicer) -> None:
    """Make ``invoicer`` the builder the ``invoice_sale`` job calls (replacing any other)."""
    _invoicers[:] = [invoicer]


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
    """Build the sale's orders with the registered builder; the job's final message."""
    if not _invoicers:
        raise NoSaleInvoicer("no sale invoicer is registered (see domain.jobs.invoicing)")
    await run.progress(f"Invoicing sale {sale_id}.")
    db = run.db()
    try:
        result = await _invoicers[0](db, run.principal, sale_id)
    finally:
        await db.close()
    return f"Invoiced sale {sale_id}." if result is None else f"Invoiced sale {sale_id}: {result}"
