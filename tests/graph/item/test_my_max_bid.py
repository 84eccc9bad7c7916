"""Item.myMaxBid: the signed-in bidder's own maximum, batched for a whole page."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

ITEMS_QUERY = """
query Items($first: Int) {
  items(first: $first) { nodes { databaseId myMaxBid } }
}
"""


def by_item(data: dict[str, object]) -> dict[int, str | None]:
    nodes = data["items"]["nodes"]  # type: ignore[index]
    return {node["databaseId"]: node["myMaxBid"] for node in nodes}


async def test_each_bidder_sees_only_their_own_maximum(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: A bids 100 max 400 then raises to 600 on one lot; B bids 150 on both lots
    sale = await factories.create_sale(session)
    first = await factories.create_item(session, sale=sale)
    second = await factories.create_item(session, sale=sale)
    alice = await factories.create_bidder(session)
    bob = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    a = await session.get_one(models.Client, alice.client_id)
    b = await session.get_one(models.Client, bob.client_id)
    await factories.create_bid(
        session, item=first, bidder=a, amount=Decimal("100"), max_amount=Decimal("400")
    )
    await factories.create_bid(session, item=first, bidder=b, amount=Decimal("150"))
    await factories.create_bid(
        session, item=first, bidder=a, amount=Decimal("160"), max_amount=Decimal("600")
    )
    await factories.create_bid(session, item=second, bidder=b, amount=Decimal("150"))
    await factories.create_bid(
        session,
        item=second,
        bidder=a,
        amount=Decimal("900"),
        status=models.BidStatus.RETRACTED,
    )

    # when
    as_alice = by_item(await graphql.data(ITEMS_QUERY, as_=alice))
    as_bob = by_item(await graphql.data(ITEMS_QUERY, as_=bob))
    as_staff = by_item(await graphql.data(ITEMS_QUERY, as_=staff))
    as_anonymous = by_item(await graphql.data(ITEMS_QUERY))

    # then: retracted bids do not count
    assert as_alice == {first.id: "600.00", second.id: None}
    assert as_bob == {first.id: "150.00", second.id: "150.00"}
    assert as_staff == as_anonymous == {first.id: None, second.id: None}


async def test_my_max_bid_costs_one_statement_for_2_and_20_items(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    sale = await factories.create_sale(session)
    bidder = await factories.create_bidder(session)
    client = await session.get_one(models.Client, bidder.client_id)
    for _ in range(20):
        item = await factories.create_item(session, sale=sale)
        await factories.create_bid(session, item=item, bidder=client, amount=Decimal("50"))
    await graphql.token_for(bidder)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(ITEMS_QUERY, {"first": 2}, as_=bidder)
    with count_queries.counting() as large:
        large_data = await graphql.data(ITEMS_QUERY, {"first": 20}, as_=bidder)

    # then
    assert set(by_item(small_data).values()) == {"50.00"}
    assert len(by_item(large_data)) == 20
    assert small.count == large.count, large.statements
    assert sum("max(greatest" in s for s in large.statements) == 1, large.statements
