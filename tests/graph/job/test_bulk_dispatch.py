"""bulkDispatch, job(id) and jobs(…) through GraphQL (no worker: the job stays queued)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from db.models import Role
from db.queries.jobs import JobFilter, defer_job, jobs_count
from db.session import OperationDB
from domain.jobs.bulk import BulkCommand, BulkEntity, BulkOperation, dispatch_bulk
from domain.principal import Principal
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

BULK_DISPATCH_MUTATION = """
mutation ($input: BulkDispatchInput!) {
  bulkDispatch(input: $input) {
    success message jobId
    job { id name queue state message retries createdAt availableAt startedAt finishedAt }
    errors { field code message }
  }
}
"""
JOB_QUERY = "query ($id: ID!) { job(id: $id) { id name state message } }"
JOBS_QUERY = """
query ($state: [QueueTaskState!], $first: Int!, $after: String) {
  jobs(state: $state, first: $first, after: $after) {
    totalCount
    nodes { id state }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def _job_count(session: AsyncSession) -> int:
    return int(
        (await session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs"))).scalar_one()
    )


async def test_a_bulk_operation_is_queued_and_its_job_can_be_read(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    order = await factories.create_order(session, client=await factories.create_client(session))

    # when
    data = await graphql.data(
        BULK_DISPATCH_MUTATION,
        {
            "input": {
                "operation": "UPDATE_STATUS",
                "entityType": "ORDER",
                "ids": [to_base64("Order", order.id)],
                "params": {"status": "finished"},
            }
        },
        as_=staff,
    )
    payload = data["bulkDispatch"]
    read = await graphql.data(JOB_QUERY, {"id": payload["jobId"]}, as_=staff)

    # then
    assert payload["success"] is True
    assert payload["message"] == "Bulk operation queued successfully"
    assert payload["errors"] == []
    job = payload["job"]
    assert job["id"] == payload["jobId"]
    assert job["name"] == "bulk_dispatch"
    assert job["queue"] == "default"
    assert job["state"] == "QUEUED"
    assert job["message"] == "Bulk operation queued successfully"
    assert job["retries"] == 0
    assert job["createdAt"] is not None
    assert job["availableAt"] == job["createdAt"]
    assert job["startedAt"] is None
    assert job["finishedAt"] is None
    assert read["job"] == {
        "id": payload["jobId"],
        "name": "bulk_dispatch",
        "state": "QUEUED",
        "message": "Bulk operation queued successfully",
    }


async def test_unknown_ids_are_refused_before_queuing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)

    # when
    data = await graphql.data(
        BULK_DISPATCH_MUTATION,
        {
            "input": {
                "operation": "PRINT_LABELS",
                "ids": [to_base64("Item", item.id), to_base64("Item", item.id + 1000)],
            }
        },
        as_=staff,
    )

    # then
    payload = data["bulkDispatch"]
    assert payload["success"] is False
    assert payload["jobId"] is None
    assert payload["errors"] == [
        {"field": "ids", "code": "NOT_FOUND", "message": f"No item with id {item.id + 1000}."}
    ]
    assert await _job_count(session) == 0


async def test_update_status_needs_a_status_of_the_entity_type(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    ids = [to_base64("Client", client.id)]

    # when
    missing = await graphql.data(
        BULK_DISPATCH_MUTATION,
        {"input": {"operation": "UPDATE_STATUS", "entityType": "CLIENT", "ids": ids}},
        as_=staff,
    )
    wrong = await graphql.data(
        BULK_DISPATCH_MUTATION,
        {
            "input": {
                "operation": "UPDATE_STATUS",
                "entityType": "CLIENT",
                "ids": ids,
                "params": {"status": "sold"},
            }
        },
        as_=staff,
    )

    # then
    assert missing["bulkDispatch"]["errors"] == [
        {"field": "params", "code": "REQUIRED", "message": "`update_status` needs `params.status`."}
    ]
    assert wrong["bulkDispatch"]["errors"] == [
        {
            "field": "params",
            "code": "INVALID",
            "message": "`sold` is not a client status (one of new, pending, approved, "
            "unapproved, deleted).",
        }
    ]
    assert await _job_count(session) == 0


async def test_an_operation_for_one_entity_type_refuses_another(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)

    # when
    data = await graphql.data(
        BULK_DISPATCH_MUTATION,
        {
            "input": {
                "operation": "PRINT_INVOICES",
                "entityType": "CLIENT",
                "ids": [to_base64("Client", client.id)],
            }
        },
        as_=staff,
    )

    # then
    assert data["bulkDispatch"]["errors"] == [
        {
            "field": "entityType",
            "code": "INVALID",
            "message": "`print_invoices` applies to order entities only.",
        }
    ]
    assert await _job_count(session) == 0


@pytest.mark.parametrize("who", ["public", "bidder"])
async def test_only_staff_may_queue_or_read_jobs(
    graphql: GraphQLClient, session: AsyncSession, who: str
) -> None:
    # given
    item = await factories.create_item(session)
    user = await factories.create_bidder(session) if who == "bidder" else None
    code = "FORBIDDEN" if who == "bidder" else "UNAUTHENTICATED"

    # when
    dispatched = await graphql(
        BULK_DISPATCH_MUTATION,
        {"input": {"operation": "PRINT_LABELS", "ids": [to_base64("Item", item.id)]}},
        as_=user,
    )
    listed = await graphql(JOBS_QUERY, {"first": 10}, as_=user)

    # then
    assert_graphql_error(dispatched, code=code)
    assert_graphql_error(listed, code=code)
    assert await _job_count(session) == 0


async def test_jobs_are_listed_newest_first_by_state_and_page(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    ids = [await defer_job(session, "bulk_dispatch", {"n": n}) for n in range(3)]
    await session.execute(
        sa.text("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = :id"), {"id": ids[0]}
    )
    await session.flush()

    # when
    first = await graphql.data(JOBS_QUERY, {"first": 1, "state": ["QUEUED"]}, as_=staff)
    cursor = first["jobs"]["pageInfo"]["endCursor"]
    second = await graphql.data(
        JOBS_QUERY, {"first": 1, "state": ["QUEUED"], "after": cursor}, as_=staff
    )
    failed = await graphql.data(JOBS_QUERY, {"first": 10, "state": ["FAILURE"]}, as_=staff)

    # then
    assert first["jobs"]["totalCount"] == 2
    assert first["jobs"]["nodes"] == [{"id": str(ids[2]), "state": "QUEUED"}]
    assert first["jobs"]["pageInfo"]["hasNextPage"] is True
    assert second["jobs"]["nodes"] == [{"id": str(ids[1]), "state": "QUEUED"}]
    assert second["jobs"]["pageInfo"]["hasNextPage"] is False
    assert failed["jobs"]["nodes"] == [{"id": str(ids[0]), "state": "FAILURE"}]


async def test_an_unknown_job_is_null(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(JOB_QUERY, {"id": "987654"}, as_=staff)

    # then
    assert data["job"] is None


async def test_a_rolled_back_use_case_queues_nothing(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    principal = Principal(user_id=staff.id, role=Role.STAFF)

    async def queue_then_fail() -> None:
        async with db.transaction() as tx:
            await defer_job(tx, "bulk_dispatch", {"ids": [item.id]})
            raise RuntimeError("the use case broke a rule after queuing")

    # when: the job is deferred, then the use case's transaction fails
    with pytest.raises(RuntimeError):
        await queue_then_fail()
    queued = await dispatch_bulk(
        db,
        principal,
        BulkCommand(BulkOperation.EXPORT_DATA, BulkEntity.ITEM, (item.id,)),
    )

    # then: only the job of the committed use case exists
    assert await jobs_count(db, JobFilter()) == 1
    assert await jobs_count(db, JobFilter(ids=(queued.job_id,))) == 1


KNOCK_DOWN_MUTATION = """
mutation ($input: KnockDownAllLotsInput!) {
  knockDownAllLots(input: $input) { job { id state } errors { field code message } }
}
"""


async def test_only_a_live_sale_can_be_knocked_down(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    timed = await factories.create_sale(session)
    live = await factories.create_sale(session, kind=models.SaleKind.LIVE)

    # when
    refused = await graphql.data(
        KNOCK_DOWN_MUTATION, {"input": {"saleId": to_base64("Sale", timed.id)}}, as_=staff
    )
    queued = await graphql.data(
        KNOCK_DOWN_MUTATION, {"input": {"saleId": to_base64("Sale", live.id)}}, as_=staff
    )

    # then
    assert refused["knockDownAllLots"] == {
        "job": None,
        "errors": [
            {
                "field": "saleId",
                "code": "NOT_LIVE_SALE",
                "message": "Only lots of live sales are knocked down.",
            }
        ],
    }
    assert queued["knockDownAllLots"]["errors"] == []
    assert queued["knockDownAllLots"]["job"]["state"] == "QUEUED"
    assert await _job_count(session) == 1
