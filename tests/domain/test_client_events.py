"""Client, address and note writes publish EntityUpdated after commit; refused writes do not."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from db.url import async_url, plain_url
from domain import addresses, clients, notes
from domain.auth import principal_for
from domain.errors import RuleViolations
from realtime.events import CHANNEL
from tests import factories
from tests.committed import Committed


@pytest.mark.realtime
def test_client_writes_publish_entity_updated_for_the_client(committed: Committed) -> None:
    # given
    async def build(session: AsyncSession) -> tuple[models.User, int]:
        staff = await factories.create_staff(session)
        client = await factories.create_client(session)
        return staff, client.id

    staff, client_id = committed.run(build)
    principal = principal_for(staff)

    # when: an update, a refused update, an address and a note on the client
    async def run() -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        listener = await asyncpg.connect(plain_url(async_url(committed.url)))
        await listener.add_listener(CHANNEL, lambda *args: received.append(json.loads(args[3])))
        engine = create_engine(committed.url, pool_size=2)
        db = OperationDB(create_sessionmaker(engine))
        try:
            await clients.update_client(
                db, principal, clients.UpdateClient(client_id, {"mobile": "1"})
            )
            with pytest.raises(RuleViolations):
                await clients.update_client(
                    db, principal, clients.UpdateClient(client_id, {"email": "x"})
                )
            await addresses.create_address(
                db, principal, addresses.CreateAddress(client_id, {"country": "US"})
            )
            await notes.create_note(
                db,
                principal,
                notes.CreateNote(models.EntityType.CLIENT, client_id, {"body": "hi"}),
            )
            for _ in range(100):
                if len(received) >= 3:
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
    assert (
        events
        == [
            {
                "type": "entity_updated",
                "bundle": "client",
                "entity_id": client_id,
                "user_id": staff.id,
                "force_reload": False,
            }
        ]
        * 3
    )
