"""Reading the audit log: staff only at the root and nested, filters and batching."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient, assert_graphql_error

ACTIVITIES_QUERY = """
query Activities($filter: ActivityFilter, $orderBy: [ActivityOrder!]) {
  activities(first: 50, filter: $filter, orderBy: $orderBy) {
    totalCount
    nodes {
      databaseId action entityType entityId changes
      user { databaseId }
      subject { __typename ... on Consignment { number } }
    }
  }
}
"""

CONSIGNMENT_ACTIVITIES_QUERY = """
query ConsignmentActivities {
  consignments(first: 50, orderBy: [{field: ID}]) {
    nodes { number activities(first: 2) { totalCount nodes { action } } }
  }
}
"""


async def _activity(
    session: AsyncSession,
    *,
    on: models.Consignment,
    action: str = "update",
    user: models.User | None = None,
    changes: dict[str, Any] | None = None,
) -> models.Activity:
    activity = models.Activity(
        user_id=user.id if user is not None else None,
        action=action,
        entity_type=models.EntityType.CONSIGNMENT,
        entity_id=on.id,
        changes=changes or {},
    )
    session.add(activity)
    await session.flush()
    return activity


def actions(data: dict[str, Any]) -> list[str]:
    return [node["action"] for node in data["activities"]["nodes"]]


async def test_anonymous_cannot_read_activities(graphql: GraphQLClient) -> None:
    # when
    body = await graphql(ACTIVITIES_QUERY)

    # then
    error = assert_graphql_error(body, code="UNAUTHENTICATED")
    assert error["message"] == "Sign in to do this."


async def test_bidder_cannot_read_activities(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    bidder = await factories.create_bidder(session)

    # when
    body = await graphql(ACTIVITIES_QUERY, as_=bidder)

    # then
    error = assert_graphql_error(body, code="FORBIDDEN")
    assert error["message"] == "Only staff may do this."


async def test_staff_reads_activities_with_changes_user_and_subject(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    consignment = await factories.create_consignment(session)
    changes = {
        "title": {"before": "Old", "after": "New"},
        "estimated": {"before": None, "after": "10.00"},
    }
    activity = await _activity(session, on=consignment, user=staff, changes=changes)

    # when
    data = await graphql.data(ACTIVITIES_QUERY, as_=staff)

    # then
    assert data["activities"]["nodes"] == [
        {
            "databaseId": activity.id,
            "action": "update",
            "entityType": "CONSIGNMENT",
            "entityId": consignment.id,
            "changes": changes,
            "user": {"databaseId": staff.id},
            "subject": {"__typename": "Consignment", "number": consignment.number},
        }
    ]


async def test_staff_filters_and_sorts_activities(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    other_staff = await factories.create_staff(session)
    consignment = await factories.create_consignment(session)
    await _activity(session, on=consignment, action="create", user=staff)
    await _activity(session, on=consignment, action="update", user=other_staff)
    await _activity(session, on=consignment, action="delete", user=staff)

    # when
    by_user = await graphql.data(
        ACTIVITIES_QUERY,
        {
            "filter": {"userId": {"eq": str(relay.GlobalID("User", str(staff.id)))}},
            "orderBy": [{"field": "ACTION"}],
        },
        as_=staff,
    )
    updates = await graphql.data(
        ACTIVITIES_QUERY, {"filter": {"action": {"eq": "update"}}}, as_=staff
    )

    # then
    assert actions(by_user) == ["create", "delete"]
    assert actions(updates) == ["update"]


async def test_nested_activities_are_null_for_the_consignor(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    consignor = await session.get(models.Client, bidder.client_id)
    consignment = await factories.create_consignment(session, consignor=consignor)
    await _activity(session, on=consignment)

    # when
    data = await graphql.data(CONSIGNMENT_ACTIVITIES_QUERY, as_=bidder)

    # then
    assert data["consignments"]["nodes"] == [{"number": consignment.number, "activities": None}]


async def test_consignment_activities_cost_the_same_statements_for_2_and_20_consignments(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    consignments = [await factories.create_consignment(session) for _ in range(20)]
    for consignment in consignments:
        for action in ("create", "update", "update"):
            await _activity(session, on=consignment, action=action)
    token = await graphql.token_for(staff)
    query_2 = CONSIGNMENT_ACTIVITIES_QUERY.replace("first: 50", "first: 2")

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(query_2, as_=token)
    with count_queries.counting() as large:
        large_data = await graphql.data(CONSIGNMENT_ACTIVITIES_QUERY, as_=token)

    # then
    assert len(small_data["consignments"]["nodes"]) == 2
    nodes = large_data["consignments"]["nodes"]
    assert len(nodes) == 20
    assert all(n["activities"]["totalCount"] == 3 for n in nodes)
    # token, consignments page, activities page, activity counts
    assert small.count == large.count == 4, large.statements
