"""The lot closer loop, run inside `gavel serve` and by `gavel worker`."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.session import OperationDB
from domain.bidding.closing import close_due_lots
from domain.bidding.ending_soon import announce_ending_soon

log = logging.getLogger(__name__)


async def run_closer(sessionmaker: async_sessionmaker[AsyncSession], interval: float = 1.0) -> None:
    """Close due lots and announce lots ending soon, every ``interval`` seconds, until cancelled."""
    while True:
        db = OperationDB(sessionmaker)
        try:
            while closed := await close_due_lots(db, datetime.now(UTC)):
                log.info("closed %d lots", len(closed))
            await announce_ending_soon(db, datetime.now(UTC))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("lot closer failed; retrying")
        finally:
            await db.close()
        await asyncio.sleep(interval)
