"""Catalogue edits notify after commit: item and entity updates, item bulk events; a refused
edit notifies nothing."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from db.url import async_url, plain_url
from domain import items
from domain.auth import principal_for
from domain.bulk import ErrorPolicy
from domain.errors import RuleViolations
from realtime.events import CHANNEL
from tests import factories
from tests.committed import Committed


@pytest.mark.realtime
def test_item_edits_notify_their_events_after_commit(committed: Committed) -> None:
    # given
    async def build(session: AsyncSession) -> tuple[list[int], int, Any]:
        sale = await factories.create_sale(session)
        lots = [await factories.create_item(session, sale=sale, lot_number=n) for n in (1, 2)]
        return [lot.id for lot in lots], sale.id, await factories.create_staff(session)

    (first, second), sale_id, staff = committed.run(build)

    # when
    async def run() -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        listener = await asyncpg.connect(plain_url(async_url(committed.url)))
        await listener.add_listener(CHANNEL, lambda *args: received.append(json.loads(args[3])))
        engine = create_engine(committed.url, pool_size=2)
        db = OperationDB(create_sessionmaker(engine))
        principal = principal_for(staff)
        try:
            await items.update_item(db, principal, items.UpdateItem(first, {"title": "Vase"}))
            with pytest.raises(RuleViolations):
                await items.update_item(
                    db, principal, items.UpdateItem(first, {"estimate_low": Decimal("-1")})
                )
            await items.bulk_update_items(
                db,
                principal,
                items.BulkUpdateItems(
                    [items.UpdateItem(second, {"title": "Bowl"})], ErrorPolicy.REJECT_EVERYTHING
                ),
            )
            await items.update_item_lots(
                db,
                principal,
                items.UpdateItemLots([items.ItemLot(first, "2"), items.ItemLot(second, "1")]),
            )
            for _ in range(100):
                if len(received) >= 10:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.1)  # anything more would arrive now
        finally:
            await db.close()
            await engine.dispose()
            await listener.close()
        return received

    events = asyncio.run(run())

    # then
    assert [(e["type"], e.get("bundle") or e.get("reason") or e.get("name")) for e in events] == [
        ("entity_updated", "item"),
        ("item_updated", "edited"),
        ("entity_updated", "item"),
        ("item_updated", "edited"),
        ("item_bulk", "bulk_update"),
        ("entity_updated", "item"),
        ("item_updated", "renumbered"),
        ("entity_updated", "item"),
        ("item_updated", "renumbered"),
        ("item_bulk", "item_lot_bulk"),
    ]
    assert events[0]["force_reload"] is False
    assert events[2]["force_reload"] is True
    assert (events[4]["count"], events[4]["status"]) == (1, "success")
    assert {e["sale_id"] for e in events if e["type"] == "item_updated"} == {sale_id}


@pytest.mark.realtime
def test_an_item_edit_waits_for_the_bid_holding_the_lot(committed: Committed) -> None:
    # given: a transaction holds the item's row lock, as place_bid does while it bids
    async def build(session: AsyncSession) -> tuple[int, Any]:
        item = await factories.create_item(session)
        return item.id, await factories.create_staff(session)

    item_id, staff = committed.run(build)

    # when
    async def run() -> tuple[bool, bool]:
        bidder = await asyncpg.connect(plain_url(async_url(committed.url)))
        watcher = await asyncpg.connect(plain_url(async_url(committed.url)))
        engine = create_engine(committed.url, pool_size=2)
        db = OperationDB(create_sessionmaker(engine))
        try:
            lock = bidder.transaction()
            await lock.start()
            await bidder.execute("SELECT id FROM items WHERE id = $1 FOR UPDATE", item_id)
            edit = asyncio.create_task(
                items.update_item(
                    db, principal_for(staff), items.UpdateItem(item_id, {"title": "Later"})
                )
            )
            waited = False
            for _ in range(200):
                waiting = await watcher.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
                if waiting:
                    waited = True
                    break
                await asyncio.sleep(0.05)
            done_while_locked = edit.done()
            await lock.commit()
            await edit
            return waited, done_while_locked
        finally:
            await db.close()
            await engine.dispose()
            await bidder.close()
            await watcher.close()

    waited, done_while_locked = asyncio.run(run())

    # then
    assert waited
    assert not done_while_locked
