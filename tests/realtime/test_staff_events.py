"""The back-office subscriptions (D5): staff only, each event after commit, both protocols."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from db import models
from realtime.events import EntityUpdated, ItemBulk, KnockDownProgress
from realtime.publish import publish
from tests import factories
from tests.committed import Committed
from tests.jobs.helpers import (
    dispatch,
    graphql,
    item_ids,
    running_app,
    staff_and_items,
    token,
)
from tests.ws_client import WSClient

pytestmark = pytest.mark.realtime

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
QUEUE_FIELDS = "name label jobId state message resultNid result"
SUBSCRIPTIONS = {
    "created": f'subscription {{ queueTaskCreated(name: "bulk_dispatch") {{ {QUEUE_FIELDS} }} }}',
    "started": f"subscription {{ queueTaskStarted {{ {QUEUE_FIELDS} }} }}",
    "updated": f'subscription {{ queueTaskUpdated(name: "bulk_dispatch") {{ {QUEUE_FIELDS} }} }}',
    "completed": f"subscription {{ queueTaskCompleted {{ {QUEUE_FIELDS} }} }}",
    "entity": """
        subscription {
          entityUpdated(bundle: ITEM) {
            name bundle entityId databaseId uid forceReload
            node { ... on Item { status } }
          }
        }
    """,
}
ITEM_BULK_SUBSCRIPTION = """
subscription { itemBulkCompleted(name: "bulk_update") { name type count status message } }
"""
KNOCK_DOWN_SUBSCRIPTION = """
subscription ($sale: ID) {
  knockDownProgress(saleId: $sale) { result done total sale { databaseId } }
}
"""
MINE_SUBSCRIPTION = "subscription { entityUpdated(onlyMine: true) { databaseId uid } }"


def _wait_for_listeners(client: TestClient, count: int) -> None:
    """Subscriptions attach to the event bus asynchronously: wait until they all have."""
    bus = client.app.state.graph.bus  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while len(bus._subscribers) < count:
        assert time.monotonic() < deadline, "subscriptions never reached the event bus"
        time.sleep(0.02)


def _collect(ws: WSClient, until: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Read results per operation until ``until[op](results)`` holds for every operation."""
    kind = "next" if ws.protocol == "graphql-transport-ws" else "data"
    results: dict[str, list[dict[str, Any]]] = {op: [] for op in until}
    while not all(done(results[op]) for op, done in until.items()):
        message = ws.ws.receive_json()
        if message.get("type") in ("ka", "ping", "pong"):
            continue
        assert message["type"] == kind, message
        assert not message["payload"].get("errors"), message
        results[message["id"]].append(message["payload"]["data"])
    return results


def _last_state(field: str, state: str) -> Any:
    return lambda results: bool(results) and results[-1][field]["state"] == state


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_staff_hear_a_bulk_job_from_creation_to_completion_after_each_commit(
    committed: Committed, tmp_path: Path, protocol: str
) -> None:
    # given
    ids = staff_and_items(committed)
    first, second = ids["items"]
    with running_app(committed, tmp_path / "files") as client:
        staff = token(client, ids["staff"])
        with WSClient.connect(client, protocol, {"Authorization": f"Bearer {staff}"}) as ws:
            for op, query in SUBSCRIPTIONS.items():
                ws.subscribe(op, query, {})
            _wait_for_listeners(client, len(SUBSCRIPTIONS))

            # when
            queued = dispatch(
                client,
                staff,
                operation="UPDATE_STATUS",
                entityType="ITEM",
                ids=item_ids([first, second]),
                params={"status": "withdrawn"},
            )
            events = _collect(
                ws,
                {
                    "created": lambda r: len(r) == 1,
                    "started": lambda r: len(r) == 1,
                    "updated": _last_state("queueTaskUpdated", "SUCCESS"),
                    "completed": _last_state("queueTaskCompleted", "SUCCESS"),
                    "entity": lambda r: len(r) == 2,
                },
            )

    # then
    job = queued["jobId"]
    (created,) = events["created"]
    assert created["queueTaskCreated"] == {
        "name": "bulk_dispatch",
        "label": None,
        "jobId": job,
        "state": "QUEUED",
        "message": None,
        "resultNid": None,
        "result": None,
    }
    (started,) = events["started"]
    assert started["queueTaskStarted"]["jobId"] == job
    assert started["queueTaskStarted"]["state"] == "PROCESSING"
    updates = [e["queueTaskUpdated"] for e in events["updated"]]
    assert [u["state"] for u in updates] == ["PROCESSING"] * (len(updates) - 1) + ["SUCCESS"]
    assert "Updated 2 of 2 item entities." in [u["message"] for u in updates]
    assert updates[-1]["message"] == "Set status withdrawn on 2 item entities (2 changed)."
    completed = [e["queueTaskCompleted"] for e in events["completed"]]
    assert [(c["label"], c["resultNid"]) for c in completed] == [
        (f"via_bulk_{first}", str(first)),
        (f"via_bulk_{second}", str(second)),
        (None, None),
    ]
    assert completed[0]["result"] == {"nid": first, "data": {"status": "withdrawn"}}
    assert completed[-1]["result"] == {
        "message": "Set status withdrawn on 2 item entities (2 changed)."
    }
    entities = [e["entityUpdated"] for e in events["entity"]]
    assert entities == [
        {
            "name": "entity_update",
            "bundle": "ITEM",
            "entityId": to_base64("Item", item),
            "databaseId": item,
            "uid": str(ids["staff_id"]),
            "forceReload": True,
            "node": {"status": "WITHDRAWN"},
        }
        for item in (first, second)
    ]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_item_bulk_and_knock_down_events_reach_staff_after_commit(
    committed: Committed, tmp_path: Path, protocol: str
) -> None:
    # given
    ids = staff_and_items(committed)
    sale = ids["sale"]
    with running_app(committed, tmp_path, worker=False) as client:
        staff = token(client, ids["staff"])
        with WSClient.connect(client, protocol, {"Authorization": f"Bearer {staff}"}) as ws:
            ws.subscribe("bulk", ITEM_BULK_SUBSCRIPTION, {})
            ws.subscribe("knock", KNOCK_DOWN_SUBSCRIPTION, {"sale": to_base64("Sale", sale)})
            _wait_for_listeners(client, 2)

            # when
            async def announce(session: AsyncSession) -> None:
                await publish(session, ItemBulk(name="item_lot_bulk", count=1))  # filtered out
                await publish(session, KnockDownProgress(sale_id=sale + 1, done=1, total=2))
                await publish(
                    session,
                    ItemBulk(name="bulk_update", count=3, status="warning", message="1 skipped"),
                    KnockDownProgress(sale_id=sale, done=10, total=100),
                )

            committed.run(announce)
            events = _collect(ws, {"bulk": lambda r: len(r) == 1, "knock": lambda r: len(r) == 1})

    # then
    assert events["bulk"] == [
        {
            "itemBulkCompleted": {
                "name": "bulk_update",
                "type": "bulk",
                "count": 3,
                "status": "WARNING",
                "message": "1 skipped",
            }
        }
    ]
    assert events["knock"] == [
        {
            "knockDownProgress": {
                "result": "Knocked down 10 of 100 items...",
                "done": 10,
                "total": 100,
                "sale": {"databaseId": sale},
            }
        }
    ]


def test_only_mine_keeps_the_subscribers_own_changes(committed: Committed, tmp_path: Path) -> None:
    # given
    ids = staff_and_items(committed)
    with running_app(committed, tmp_path, worker=False) as client:
        staff = token(client, ids["staff"])
        with WSClient.connect(
            client, "graphql-transport-ws", {"Authorization": f"Bearer {staff}"}
        ) as ws:
            ws.subscribe("mine", MINE_SUBSCRIPTION, {})
            _wait_for_listeners(client, 1)

            # when
            async def changes(session: AsyncSession) -> None:
                await publish(
                    session,
                    EntityUpdated(bundle="client", entity_id=7, user_id=ids["staff_id"] + 1),
                    EntityUpdated(bundle="sale", entity_id=ids["sale"], user_id=ids["staff_id"]),
                )

            committed.run(changes)
            events = _collect(ws, {"mine": lambda r: len(r) == 1})

    # then
    assert events["mine"] == [
        {"entityUpdated": {"databaseId": ids["sale"], "uid": str(ids["staff_id"])}}
    ]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("who", ["public", "bidder"])
def test_non_staff_subscribers_are_forbidden(
    committed: Committed, tmp_path: Path, protocol: str, who: str
) -> None:
    # given
    ids = staff_and_items(committed)
    with running_app(committed, tmp_path, worker=False) as client:
        payload = (
            {"Authorization": f"Bearer {token(client, ids['bidder'])}"} if who == "bidder" else {}
        )
        with WSClient.connect(client, protocol, payload) as ws:
            # when
            ws.subscribe("1", SUBSCRIPTIONS["created"], {})
            message = ws.ws.receive_json()

    # then
    assert message["type"] == "error"
    assert message["id"] == "1"
    error = message["payload"][0] if protocol == "graphql-transport-ws" else message["payload"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == "Only staff may do this."


KNOCK_DOWN_MUTATION = """
mutation ($input: KnockDownAllLotsInput!) {
  knockDownAllLots(input: $input) { job { id name } errors { field code message } }
}
"""


def test_knocking_down_a_live_sale_reports_each_batch(
    committed: Committed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: three open lots of a live sale, hammered two at a time
    monkeypatch.setattr("domain.jobs.knock_down.KNOCK_DOWN_BATCH", 2)

    async def build(session: AsyncSession) -> dict[str, Any]:
        staff = await factories.create_staff(session)
        sale = await factories.create_sale(session, kind=models.SaleKind.LIVE)
        items = [
            await factories.create_item(session, sale=sale, status=models.ItemStatus.ACTIVE)
            for _ in range(3)
        ]
        return {"staff": staff.email, "sale": sale.id, "items": [i.id for i in items]}

    ids = committed.run(build)
    with running_app(committed, tmp_path) as client:
        staff = token(client, ids["staff"])
        with WSClient.connect(
            client, "graphql-transport-ws", {"Authorization": f"Bearer {staff}"}
        ) as ws:
            ws.subscribe("knock", KNOCK_DOWN_SUBSCRIPTION, {"sale": to_base64("Sale", ids["sale"])})
            _wait_for_listeners(client, 1)

            # when
            body = graphql(
                client,
                KNOCK_DOWN_MUTATION,
                {"input": {"saleId": to_base64("Sale", ids["sale"])}},
                staff,
            )
            events = _collect(ws, {"knock": lambda r: len(r) == 2})

    # then
    assert body["data"]["knockDownAllLots"]["errors"] == []
    assert body["data"]["knockDownAllLots"]["job"]["name"] == "knock_down_all_lots"
    assert [e["knockDownProgress"] for e in events["knock"]] == [
        {
            "result": "Knocked down 2 of 3 items...",
            "done": 2,
            "total": 3,
            "sale": {"databaseId": ids["sale"]},
        },
        {
            "result": "Knocked down 3 of 3 items...",
            "done": 3,
            "total": 3,
            "sale": {"databaseId": ids["sale"]},
        },
    ]

    async def statuses(session: AsyncSession) -> set[models.ItemStatus]:
        rows = await session.execute(
            sa.select(models.Item.status).where(models.Item.sale_id == ids["sale"])  # type: ignore[arg-type]
        )
        return set(rows.scalars())

    assert committed.run(statuses) == {models.ItemStatus.UNSOLD}
