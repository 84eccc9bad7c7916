"""A6 on items: ``fields`` skips the related reads the named fields do not need, and a field
selected alone reads exactly as it does in the full row."""

from __future__ import annotations

import base64
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from rest_compat.circuit.items import FIELDS
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

URL = "/api/v1.0/datatable-items"


async def _populated_sale(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> tuple[models.Sale, dict[str, str]]:
    """A sale of three lots with every related read non-empty: consignor, winner, terms,
    images, neighbours, responsible users and a history record."""
    staff = await factories.create_staff(session)
    agent = await factories.create_staff(session, full_name="Sam Seller")
    sale = await factories.create_sale(session)
    consignor = await factories.create_client(session, first_name="Cora", last_name="Signer")
    winner = await factories.create_client(session, first_name="Wyn", bidder_number="P77")
    consignment = await factories.create_consignment(session, consignor=consignor, sale=sale)
    lots = [
        await factories.create_item(session, sale=sale, consignment=consignment) for _ in range(3)
    ]
    lots[1].status = models.ItemStatus.SOLD
    lots[1].winner_id = winner.id
    lots[1].hammer_price = Decimal("900.00")
    await factories.create_file(session, item=lots[1])
    tag = await factories.create_term(session, vocabulary="item_tags", name="Highlight")
    country = await factories.create_term(session, vocabulary="countries", name="France")
    category = await factories.create_category(session, name="Silver")
    await session.flush()
    graphql.session.expunge_all()
    headers = {"Authorization": f"Bearer {await graphql.token_for(staff)}"}
    response = await http.patch(
        f"{URL}/{lots[1].id}",
        json={
            "tags": [tag.id],
            "country": "France",
            "categories": [category.id],
            "responsible_user": [agent.id],
            "field_consignor_price": 80000,
            "field_sold_agent": agent.id,
            "field_bidder_alias": "Paddle 7",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert country.id
    return sale, headers


async def test_every_field_alone_reads_as_in_the_full_row(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale, headers = await _populated_sale(http, graphql, session)
    query = f"{URL}?filter[sale]={sale.id}"
    full = (await http.get(query, headers=headers)).json()["data"]

    # when / then: each field, alone and with id, equals the full row's value
    for name in FIELDS:
        alone = (await http.get(f"{query}&fields={name}", headers=headers)).json()["data"]
        expected = [{"id": row["id"], name: row[name]} for row in full]
        assert alone == expected, name
    # the related reads all had something to show
    populated = full[1]
    for name in ("winner", "images", "tags", "country", "responsible_user", "next_lot"):
        assert populated[name], name
    assert populated["bidder_alias"] == "Paddle 7"
    assert populated["consignor_name"] == "Cora Signer"


@pytest.mark.parametrize(
    ("path", "statements"),
    [("/api/v1.0/items-list", 3), (f"{URL}?fields=lot,status", 3), (f"{URL}?fields=sale", 4)],
)
async def test_unneeded_related_reads_are_skipped(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    count_queries: StatementCounter,
    path: str,
    statements: int,
) -> None:
    # given
    sale, headers = await _populated_sale(http, graphql, session)
    with count_queries.counting():
        await http.get(f"{URL}?filter[sale]={sale.id}", headers=headers)
    full = count_queries.count

    # when
    separator = "&" if "?" in path else "?"
    with count_queries.counting():
        response = await http.get(f"{path}{separator}filter[sale]={sale.id}", headers=headers)

    # then
    assert response.status_code == 200
    assert len(response.json()["data"]) == 3
    # the token, the page and its count (+ the sales for `sale`); the full rows take 12 now
    assert count_queries.count == statements < full, count_queries.statements


async def test_a_lot_shows_its_newest_invoice_and_settlement_to_staff(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: a sold lot on a canceled invoice, its reissue and a settlement
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    buyer = await factories.create_client(session)
    lot = await factories.create_item(session, status=models.ItemStatus.SOLD)
    other = await factories.create_item(session)
    line = {"item": lot, "hammer_price": Decimal("900.00")}
    await factories.create_order(
        session, client=buyer, lines=[line], status=models.OrderStatus.CANCELED
    )
    invoice = await factories.create_order(session, client=buyer, lines=[dict(line)])
    settlement = await factories.create_order(
        session, client=buyer, lines=[dict(line)], type=models.OrderType.CONSIGNOR
    )
    graphql.session.expunge_all()
    headers = {"Authorization": f"Bearer {await graphql.token_for(staff)}"}
    fields = "fields=current_order,current_consignment_statement"

    # when
    shown = (await http.get(f"{URL}/{lot.id}?{fields}", headers=headers)).json()["data"]
    none = (await http.get(f"{URL}/{other.id}?{fields}", headers=headers)).json()["data"]
    as_bidder = await http.get(
        f"{URL}/{lot.id}?{fields}",
        headers={"Authorization": f"Bearer {await graphql.token_for(bidder)}"},
    )
    graph = await graphql.data(
        "query($id: ID!) { node(id: $id) { ... on Item { "
        "currentOrder { databaseId } currentSettlement { databaseId } } } }",
        {"id": base64.b64encode(f"Item:{lot.id}".encode()).decode()},
        as_=staff,
    )

    # then
    assert shown == [
        {
            "id": str(lot.id),
            "current_order": {"id": str(invoice.id), "label": invoice.number},
            "current_consignment_statement": {"id": str(settlement.id), "label": settlement.number},
        }
    ]
    assert none == [
        {"id": str(other.id), "current_order": None, "current_consignment_statement": None}
    ]
    assert as_bidder.json()["data"][0]["current_order"] is None  # staff data
    assert graph["node"] == {
        "currentOrder": {"databaseId": invoice.id},
        "currentSettlement": {"databaseId": settlement.id},
    }
