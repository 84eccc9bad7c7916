"""A lost LISTEN connection is re-established and subscribers miss nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import asyncpg
import pytest
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from db.url import async_url, plain_url
from server.app import create_app
from server.settings import Settings
from tests.committed import Committed
from tests.realtime.test_subscriptions import BID_PLACED_SUBSCRIPTION, _bid, _setup, _token
from tests.ws_client import WSClient, wait_listening

pytestmark = pytest.mark.realtime


@pytest.fixture
def client(committed: Committed) -> Iterator[TestClient]:
    app = create_app(Settings(), database_url=committed.url)
    with TestClient(app) as test_client:
        yield test_client


def _terminate(url: str, pid: int) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(plain_url(async_url(url)))
        try:
            await conn.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await conn.close()

    asyncio.run(go())


def test_bids_committed_while_listen_is_down_still_arrive_once_in_order(
    client: TestClient, committed: Committed
) -> None:
    # given
    ids = _setup(committed)
    alice, bob = _token(client, ids["alice"]), _token(client, ids["bob"])
    bus = client.app.state.graph.bus  # type: ignore[attr-defined]
    with WSClient.connect(client, "graphql-transport-ws") as ws:
        ws.subscribe("1", BID_PLACED_SUBSCRIPTION, {"item": to_base64("Item", ids["item"])})
        wait_listening(client.app.state.graph.bus)  # type: ignore[attr-defined]
        _bid(client, alice, ids["item"], "100")
        received = [ws.next_data("1")["bidPlaced"]["sequence"]]

        # when: the LISTEN backend dies, and bids keep coming while it reconnects
        connections_before = bus.connections_made
        _terminate(committed.url, bus.backend_pid)
        _bid(client, bob, ids["item"], "110")
        _bid(client, alice, ids["item"], "120")
        deadline = time.monotonic() + 10
        while bus.connections_made == connections_before and time.monotonic() < deadline:
            time.sleep(0.05)
        _bid(client, bob, ids["item"], "130")
        received += [ws.next_data("1")["bidPlaced"]["sequence"] for _ in range(3)]

    # then
    assert bus.connections_made == connections_before + 1
    assert received == [1, 2, 3, 4]
