"""Reading the public catalogue: sales → items → bids → bidder."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

CATALOGUE_QUERY = """
query Catalogue($sales: Int!, $items: Int!) {
  sales(first: $sales, orderBy: [{field: TITLE}]) {
    totalCount
    edges { cursor node {
      id databaseId title status itemCount totalEstimates
      items(first: $items) {
        totalCount
        edges { node {
          id lot title currentBid nextMinimumBid reserveMet bidCount
          bids(first: 5) { edges { node { amount sequence paddle bidder { id displayName } } } }
        } }
      }
    } }
  }
}
"""


async def _build_catalogue(session: AsyncSession, sales: int, items: int, bids: int) -> None:
    """Bulk-insert a catalogue: every item gets ``bids`` bids from three rotating bidders."""
    bidders = [await factories.create_client(session) for _ in range(3)]
    for _ in range(sales):
        sale = await factories.create_sale(session)
        rows = [
            models.Item(
                sale_id=sale.id,
                lot_number=n,
                title=f"Lot {n}",
                status=models.ItemStatus.ACTIVE,
                starting_price=Decimal("50"),
                current_bid=Decimal(50 + 10 * (bids - 1)) if bids else None,
                bid_count=bids,
                last_sequence=bids,
            )
            for n in range(1, items + 1)
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            models.Bid(
                item_id=item.id,
                client_id=bidders[k % 3].id,
                sequence=k + 1,
                amount=Decimal(50 + 10 * k),
            )
            for item in rows
            for k in range(bids)
        )
        await session.flush()


async def test_nested_catalogue_costs_the_same_statements_for_2_and_20_sales(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    await _build_catalogue(session, sales=20, items=50, bids=5)
    token = await graphql.token_for(staff)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(CATALOGUE_QUERY, {"sales": 2, "items": 50}, as_=token)
    with count_queries.counting() as large:
        large_data = await graphql.data(CATALOGUE_QUERY, {"sales": 20, "items": 50}, as_=token)

    # then
    assert len(small_data["sales"]["edges"]) == 2
    assert len(large_data["sales"]["edges"]) == 20
    first_item = large_data["sales"]["edges"][0]["node"]["items"]["edges"][0]["node"]
    assert len(first_item["bids"]["edges"]) == 5
    assert first_item["bids"]["edges"][0]["node"]["bidder"] is not None
    assert small.count == large.count, (small.statements, large.statements)
    # auth, sales page, sales count, item stats, items page, items count, sale (for
    # nextMinimumBid), bids page, bidder clients, paddles
    assert large.count <= 10, large.statements


async def test_anonymous_sees_paddles_not_bidders(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await _build_catalogue(session, sales=1, items=1, bids=2)

    # when
    data = await graphql.data(CATALOGUE_QUERY, {"sales": 1, "items": 1})

    # then
    bids = data["sales"]["edges"][0]["node"]["items"]["edges"][0]["node"]["bids"]["edges"]
    assert [b["node"]["bidder"] for b in bids] == [None, None]
    assert all(b["node"]["paddle"].startswith("P") for b in bids)
