"""recordItemHistory and the lot's history fields through GraphQL."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient, assert_graphql_error

ENTRY = """
  consignorPrice dontPayConsignor sellingAgent { databaseId } soldForAmount soldToBidderNumber
  bidderAlias soldStatus underExtensionStatus winner { databaseId } withdrawn
  recordedBy { databaseId }
"""

RECORD_ITEM_HISTORY_MUTATION = f"""
mutation Record($input: RecordItemHistoryInput!) {{
  recordItemHistory(input: $input) {{
    entry {{ {ENTRY} }}
    item {{ status hammerPrice consignorPrice dontPayConsignor }}
    errors {{ field code message }}
  }}
}}
"""

ITEM_QUERY = f"""
query Item($id: ID!) {{
  node(id: $id) {{ ... on Item {{ consignorPrice dontPayConsignor history {{ {ENTRY} }} }} }}
}}
"""

ITEMS_QUERY = """
query Items { items(first: 50) { edges { node { consignorPrice history { bidderAlias } } } } }
"""


async def test_records_are_appended_and_the_newest_is_read(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    winner = await factories.create_client(session)
    item = await factories.create_item(
        session, status=models.ItemStatus.SOLD, hammer_price=Decimal("1200"), winner_id=winner.id
    )
    item_id = to_base64("Item", item.id)

    # when
    first = await graphql.data(
        RECORD_ITEM_HISTORY_MUTATION,
        {
            "input": {
                "itemId": item_id,
                "consignorPrice": "1000",
                "dontPayConsignor": True,
                "soldAgentId": to_base64("User", staff.id),
                "soldForAmount": "999",
                "soldToBidderNumber": 12,
                "bidderAlias": "Paddle 12",
                "soldStatus": "sold",
                "underExtensionStatus": "extended",
                "winnerClientId": to_base64("Client", winner.id),
                "withdrawn": False,
            }
        },
        as_=staff,
    )
    second = await graphql.data(
        RECORD_ITEM_HISTORY_MUTATION,
        {"input": {"itemId": item_id, "bidderAlias": "Paddle 13", "dontPayConsignor": None}},
        as_=staff,
    )
    read = await graphql.data(ITEM_QUERY, {"id": item_id}, as_=staff)

    # then
    full = {
        "consignorPrice": "1000.00",
        "dontPayConsignor": True,
        "sellingAgent": {"databaseId": staff.id},
        "soldForAmount": "999.00",
        "soldToBidderNumber": 12,
        "bidderAlias": "Paddle 12",
        "soldStatus": "sold",
        "underExtensionStatus": "extended",
        "winner": {"databaseId": winner.id},
        "withdrawn": False,
        "recordedBy": {"databaseId": staff.id},
    }
    assert first["recordItemHistory"] == {
        "entry": full,
        "item": {
            "status": "SOLD",
            "hammerPrice": "1200.00",
            "consignorPrice": "1000.00",
            "dontPayConsignor": True,
        },
        "errors": [],
    }
    newest = {**full, "bidderAlias": "Paddle 13", "dontPayConsignor": None}
    assert second["recordItemHistory"]["entry"] == newest
    assert read["node"] == {
        "consignorPrice": "1000.00",
        "dontPayConsignor": False,
        "history": [newest, full],
    }


async def test_invalid_values_are_reported_and_nothing_is_recorded(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    item_id = to_base64("Item", item.id)

    # when
    data = await graphql.data(
        RECORD_ITEM_HISTORY_MUTATION,
        {
            "input": {
                "itemId": item_id,
                "consignorPrice": "-1",
                "soldStatus": "gone",
                "soldToBidderNumber": -4,
                "winnerClientId": to_base64("Client", 999999),
            }
        },
        as_=staff,
    )
    read = await graphql.data(ITEM_QUERY, {"id": item_id}, as_=staff)

    # then
    assert data["recordItemHistory"] == {
        "entry": None,
        "item": None,
        "errors": [
            {
                "field": "consignorPrice",
                "code": "INVALID_AMOUNT",
                "message": "`consignorPrice` must not be negative.",
            },
            {
                "field": "soldToBidderNumber",
                "code": "INVALID",
                "message": "`soldToBidderNumber` must be from 0 to 2147483647.",
            },
            {
                "field": "soldStatus",
                "code": "INVALID",
                "message": "Must be sold, unsold or passed.",
            },
            {"field": "winnerClientId", "code": "NOT_FOUND", "message": "Client not found."},
        ],
    }
    assert read["node"]["history"] == []


async def test_history_is_staff_only(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    item = await factories.create_item(session)
    item_id = to_base64("Item", item.id)
    await graphql.data(
        RECORD_ITEM_HISTORY_MUTATION,
        {"input": {"itemId": item_id, "consignorPrice": "10", "dontPayConsignor": True}},
        as_=staff,
    )

    # when
    as_bidder = await graphql.data(ITEM_QUERY, {"id": item_id}, as_=bidder)
    refused = await graphql(
        RECORD_ITEM_HISTORY_MUTATION, {"input": {"itemId": item_id}}, as_=bidder
    )

    # then
    assert as_bidder["node"] == {"consignorPrice": None, "dontPayConsignor": None, "history": []}
    assert_graphql_error(refused, code="FORBIDDEN")


async def test_a_list_reads_the_history_in_one_statement(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    token = await graphql.token_for(staff)
    for n in range(6):
        item = await factories.create_item(session)
        session.add(models.ItemHistory(item_id=item.id, bidder_alias=f"P{n}"))
    await session.flush()
    with count_queries.counting() as few:
        await graphql.data(ITEMS_QUERY, as_=token)
    for _n in range(10):
        item = await factories.create_item(session)
        session.add(models.ItemHistory(item_id=item.id, consignor_price=Decimal("1")))
    await session.flush()

    # when
    with count_queries.counting() as many:
        data = await graphql.data(ITEMS_QUERY, as_=token)

    # then
    assert len(data["items"]["edges"]) == 16
    assert many.count == few.count, many.statements
