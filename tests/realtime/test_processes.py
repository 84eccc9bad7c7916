"""Two server processes, one database: bids stay serialized, events cross processes."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import websockets
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.committed import Committed
from tests.realtime.servers import running_servers
from tests.realtime.test_subscriptions import LOGIN_MUTATION

pytestmark = [pytest.mark.concurrency, pytest.mark.realtime]

PLACE_BID_MUTATION = """
mutation ($input: PlaceBidInput!) {
  placeBid(input: $input) {
    bid { databaseId amount sequence }
    item { nextMinimumBid }
    errors { code }
  }
}
"""
BID_PLACED_SUBSCRIPTION = """
subscription ($item: ID!) { bidPlaced(itemId: $item) { sequence bid { amount } } }
"""
BIDDERS = 20
BIDS = 500


@pytest.fixture
def servers(committed: Committed) -> Iterator[list[str]]:
    with running_servers(committed.url, count=2) as urls:
        yield urls


def _catalogue(committed: Committed) -> dict[str, Any]:
    async def build(session: AsyncSession) -> dict[str, Any]:
        item = await factories.create_item(session, starting_price=Decimal("10"))
        emails = [(await factories.create_bidder(session)).email for _ in range(BIDDERS)]
        return {"item": item.id, "emails": emails}

    return committed.run(build)


async def _login(http: httpx.AsyncClient, url: str, email: str) -> str:
    response = await http.post(
        f"{url}/graphql", json={"query": LOGIN_MUTATION, "variables": {"email": email}}
    )
    token: str = response.json()["data"]["login"]["token"]
    return token


async def _fire_bids(urls: list[str], item: int, emails: list[str]) -> list[dict[str, Any]]:
    rng = random.Random(7)
    limits = httpx.Limits(max_connections=40)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        tokens = [await _login(http, urls[0], email) for email in emails]
        minimum = [Decimal("10")]
        accepted: list[dict[str, Any]] = []

        async def bidder(index: int) -> None:
            for n in range(BIDS // BIDDERS):
                # Bid at or above the last minimum we heard of: racing bidders get refused.
                amount = minimum[0] + Decimal(rng.choice([0, 5, 10, 20, 40, 80]))
                max_amount = amount + Decimal(rng.choice([0, 0, 30])) if n % 3 == 0 else None
                response = await http.post(
                    f"{urls[(index + n) % 2]}/graphql",
                    json={
                        "query": PLACE_BID_MUTATION,
                        "variables": {
                            "input": {
                                "itemId": to_base64("Item", item),
                                "amount": str(amount),
                                **({"maxAmount": str(max_amount)} if max_amount else {}),
                            }
                        },
                    },
                    headers={"Authorization": f"Bearer {tokens[index]}"},
                )
                payload = response.json()["data"]["placeBid"]
                if payload["bid"] is not None:
                    accepted.append(payload["bid"])
                if payload["item"] is not None:
                    minimum[0] = max(minimum[0], Decimal(payload["item"]["nextMinimumBid"]))

        await asyncio.gather(*(bidder(i) for i in range(BIDDERS)))
        return accepted


async def _listen(url: str, item: int, received: list[int], ready: asyncio.Event) -> None:
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": BID_PLACED_SUBSCRIPTION,
                        # afterSequence 0: every committed bid, however early, then live ones
                        "variables": {"item": to_base64("Item", item), "after": 0},
                    },
                }
            )
        )
        ready.set()
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "next":
                received.append(message["payload"]["data"]["bidPlaced"]["sequence"])


def test_concurrent_bids_through_two_processes_stay_serialized_and_reach_subscribers(
    servers: list[str], committed: Committed
) -> None:
    # given
    data = _catalogue(committed)
    received: list[int] = []

    async def scenario() -> list[dict[str, Any]]:
        ready = asyncio.Event()
        listener = asyncio.create_task(_listen(servers[0], data["item"], received, ready))
        await asyncio.wait_for(ready.wait(), 10)
        accepted = await _fire_bids(servers, data["item"], data["emails"])
        async with httpx.AsyncClient() as http:
            last = await http.post(
                f"{servers[1]}/graphql",
                json={"query": "{ items { edges { node { bidCount } } } }"},
            )
        expected = last.json()["data"]["items"]["edges"][0]["node"]["bidCount"]
        for _ in range(200):
            if len(received) >= expected:
                break
            await asyncio.sleep(0.05)
        listener.cancel()
        return accepted

    # when
    accepted = asyncio.run(scenario())

    # then
    async def rows(session: AsyncSession) -> tuple[list[Any], models.Item | None]:
        result = await session.execute(
            sa.select(models.Bid.id, models.Bid.sequence, models.Bid.amount)
            .where(models.Bid.item_id == data["item"])
            .order_by(models.Bid.sequence)
        )
        return list(result), await session.get(models.Item, data["item"])

    bids, item = committed.run(rows)
    assert item is not None
    sequences = [b.sequence for b in bids]
    amounts = [b.amount for b in bids]
    assert len(accepted) > 20
    assert sequences == list(range(1, len(bids) + 1))  # gapless
    assert all(a < b for a, b in itertools.pairwise(amounts))  # strictly rising
    assert item.current_bid == amounts[-1]
    assert item.bid_count == len(bids)
    stored_ids = {b.id for b in bids}
    assert {b["databaseId"] for b in accepted} <= stored_ids  # nothing accepted is lost
    assert received == sequences  # process A heard every bid of both processes, in order, once
