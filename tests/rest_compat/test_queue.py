"""REST B10 queue items and B11 bulk dispatcher (no worker: jobs stay queued)."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.queries.jobs import defer_job
from rest_compat.circuit.queue import BulkEnvelope, QueueItem
from rest_compat.shapes import ListEnvelope
from tests import factories
from tests.graphql_client import GraphQLClient

UNPROCESSABLE = "https://tools.ietf.org/html/rfc4918#section-11.2"
RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
QUEUE_URL = "/api/v1.0/advancedqueue_item"
BULK_URL = "/api/v1.0/bulk-dispatcher"
JOB_QUERY = "query ($id: ID!) { job(id: $id) { id name state message } }"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


async def job_count(session: AsyncSession) -> int:
    return int(
        (await session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs"))).scalar_one()
    )


async def fail(session: AsyncSession, job_id: int) -> None:
    for status in ("doing", "failed"):
        await session.execute(
            sa.text("UPDATE procrastinate_jobs SET status = :s WHERE id = :id"),
            {"s": status, "id": job_id},
        )


async def test_bulk_dispatch_queues_a_job_seen_in_the_queue_and_the_graph(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await factories.create_order(session, client=await factories.create_client(session))
    headers = await auth(graphql, staff)

    # when
    response = await http.post(
        BULK_URL,
        json={
            "operation": "update_status",
            "entity_type": "order",
            "ids": [str(order.id)],
            "params": {"status": "finished"},
        },
        headers=headers,
    )
    job_id = response.json()["data"]["queue_item_id"]
    polled = await http.get(QUEUE_URL, params={"filter[item_id]": job_id}, headers=headers)
    graph = await graphql.data(JOB_QUERY, {"id": job_id}, as_=staff)

    # then
    assert response.status_code == 200
    BulkEnvelope.model_validate(response.json())
    assert response.json() == {
        "data": {
            "success": True,
            "queue_item_id": job_id,
            "message": "Bulk operation queued successfully",
        }
    }
    assert polled.status_code == 200
    body = polled.json()
    ListEnvelope[QueueItem].model_validate(body)
    assert body["count"] == 1
    (row,) = body["data"]
    assert list(row) == [
        "item_id",
        "queue_id",
        "state",
        "message",
        "num_retries",
        "available",
        "processed",
    ]
    assert row["item_id"] == job_id
    assert row["queue_id"] == "default"
    assert row["state"] == "queued"
    assert row["message"] == "Bulk operation queued successfully"
    assert row["num_retries"] == 0
    assert isinstance(row["available"], str)
    assert row["available"].endswith("Z")
    assert row["processed"] is None
    assert graph["job"]["name"] == "bulk_dispatch"


async def test_bulk_entity_type_is_inferred_when_the_operation_implies_it(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)

    # when
    response = await http.post(
        BULK_URL,
        json={"operation": "print_labels", "ids": [item.id]},
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 200
    assert response.json()["data"]["success"] is True
    assert await job_count(session) == 1


async def test_bulk_missing_fields_are_400(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    no_operation = await http.post(BULK_URL, json={"ids": ["1"]}, headers=headers)
    no_type = await http.post(
        BULK_URL, json={"operation": "export_data", "ids": ["1"]}, headers=headers
    )
    no_ids = await http.post(
        BULK_URL, json={"operation": "export_data", "entity_type": "client"}, headers=headers
    )

    # then
    assert no_operation.status_code == 400
    assert no_operation.json() == {
        "type": f"{RFC2616}#sec10.4.1",
        "title": "The field 'operation' is required",
        "status": 400,
        "errors": {"operation": ["This field is required."]},
    }
    assert no_type.status_code == 400
    assert no_type.json()["errors"] == {"entity_type": ["This field is required."]}
    assert no_ids.status_code == 400
    assert no_ids.json()["errors"] == {"ids": ["This field is required."]}
    assert await job_count(session) == 0


async def test_bulk_refusals_are_422_and_queue_nothing(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    headers = await auth(graphql, staff)

    # when
    unknown_operation = await http.post(
        BULK_URL,
        json={"operation": "paint", "entity_type": "client", "ids": [client.id]},
        headers=headers,
    )
    unknown_type = await http.post(
        BULK_URL,
        json={"operation": "export_data", "entity_type": "sale", "ids": [1]},
        headers=headers,
    )
    unknown_ids = await http.post(
        BULK_URL,
        json={"operation": "export_data", "entity_type": "client", "ids": [client.id, 999999]},
        headers=headers,
    )
    no_status = await http.post(
        BULK_URL,
        json={"operation": "update_status", "entity_type": "client", "ids": [client.id]},
        headers=headers,
    )

    # then
    assert unknown_operation.status_code == 422
    assert unknown_operation.json()["type"] == UNPROCESSABLE
    assert list(unknown_operation.json()["errors"]) == ["operation"]
    assert unknown_type.status_code == 422
    assert list(unknown_type.json()["errors"]) == ["entity_type"]
    assert unknown_ids.status_code == 422
    assert unknown_ids.json()["errors"] == {"ids": ["No client with id 999999."]}
    assert no_status.status_code == 422
    assert no_status.json()["errors"] == {"params": ["`update_status` needs `params.status`."]}
    assert await job_count(session) == 0


async def test_queue_filters_by_state_and_queue(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    queued = await defer_job(session, "bulk_dispatch", {}, message="waiting")
    failed = await defer_job(session, "bulk_dispatch", {}, message="broke")
    other = await defer_job(session, "bulk_dispatch", {}, queue="print")
    await fail(session, failed)
    headers = await auth(graphql, staff)

    # when
    everything = await http.get(QUEUE_URL, headers=headers)
    failures = await http.get(QUEUE_URL, params={"filter[state]": "failure"}, headers=headers)
    printing = await http.get(QUEUE_URL, params={"filter[queue_id]": "print"}, headers=headers)
    some = await http.get(
        QUEUE_URL,
        params={"filter[item_id][value][0]": str(queued), "filter[item_id][value][1]": str(other)},
        headers=headers,
    )
    paged = await http.get(QUEUE_URL, params={"range": "1", "page": "1"}, headers=headers)

    # then
    assert [r["item_id"] for r in everything.json()["data"]] == [
        str(other),
        str(failed),
        str(queued),
    ]
    assert everything.json()["count"] == 3
    (row,) = failures.json()["data"]
    assert row["item_id"] == str(failed)
    assert row["state"] == "failure"
    assert row["message"] == "broke"
    assert row["processed"] is not None
    assert [r["item_id"] for r in printing.json()["data"]] == [str(other)]
    assert [r["item_id"] for r in some.json()["data"]] == [str(other), str(queued)]
    assert [r["item_id"] for r in paged.json()["data"]] == [str(failed)]
    assert paged.json()["count"] == 3


async def test_queue_unknown_item_is_an_empty_list(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    response = await http.get(
        QUEUE_URL, params={"filter[item_id]": "424242"}, headers=await auth(graphql, staff)
    )

    # then
    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["count"] == 0


async def test_queue_bad_filters_are_400(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    bad_state = await http.get(QUEUE_URL, params={"filter[state]": "sleeping"}, headers=headers)
    bad_id = await http.get(QUEUE_URL, params={"filter[item_id]": "abc"}, headers=headers)
    unknown = await http.get(QUEUE_URL, params={"filter[label]": "x"}, headers=headers)

    # then
    assert bad_state.status_code == 400
    assert list(bad_state.json()["errors"]) == ["filter[state]"]
    assert bad_id.status_code == 400
    assert list(bad_id.json()["errors"]) == ["filter[item_id]"]
    assert unknown.status_code == 400
    assert unknown.json()["title"] == "Invalid filter"


async def test_queue_and_bulk_are_staff_only(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    headers = await auth(graphql, bidder)

    # when
    queue = await http.get(QUEUE_URL, headers=headers)
    bulk = await http.post(
        BULK_URL,
        json={"operation": "export_data", "entity_type": "client", "ids": [bidder.client_id]},
        headers=headers,
    )

    # then
    assert queue.status_code == 403
    assert bulk.status_code == 403
    assert bulk.json()["title"] == "Access denied"
    assert await job_count(session) == 0
