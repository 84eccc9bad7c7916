"""invoiceSale: staff invoice a closed sale now (what the invoicing job does)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from tests import factories
from tests.graph.order.priced import activities, count, gid, sold_lots
from tests.graphql_client import GraphQLClient, assert_graphql_error

D = Decimal

INVOICE_SALE_MUTATION = """
mutation Invoice($input: InvoiceSaleInput!) {
  invoiceSale(input: $input) {
    orders {
      type status number
      owner { databaseId }
      subtotal buyersPremium tax charges grandTotal amountPaid amountDue
      lines { kind hammerPrice premium commission tax amount total item { databaseId } }
    }
    alreadyInvoicedItems { databaseId }
    errors { field code message }
  }
}
"""


async def _closed_sale(
    session: AsyncSession,
) -> tuple[models.Sale, models.Client, list[models.Item]]:
    sale = await factories.create_sale(
        session,
        buyers_premium_rate=D("0.20"),
        tax_rate=D("0.19"),
        additional_charges=[{"term": "Handling", "amount": "7.50", "tax": "1.43"}],
    )
    buyer = await factories.create_client(session)
    lots = await sold_lots(session, sale, buyer, ("99.99", "1234.56"))
    await factories.create_item(session, sale=sale, status=models.ItemStatus.UNSOLD)
    return sale, buyer, lots


async def test_staff_invoice_a_closed_sale_to_the_cent(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale, buyer, (cheap, dear) = await _closed_sale(session)

    # when
    data = await graphql.data(
        INVOICE_SALE_MUTATION, {"input": {"saleId": gid("Sale", sale)}}, as_=staff
    )

    # then: 99.99 → premium 20.00 (19.998), tax 3.80; 1234.56 → 246.91 (246.912), tax 46.91
    payload = data["invoiceSale"]
    assert payload["errors"] == []
    assert payload["alreadyInvoicedItems"] == []
    [order] = payload["orders"]
    assert order["type"] == "BIDDER"
    assert order["status"] == "NEW"
    assert order["owner"] == {"databaseId": buyer.id}
    assert [line["item"] for line in order["lines"]] == [
        {"databaseId": cheap.id},
        {"databaseId": dear.id},
        None,
    ]
    assert [
        (
            line["kind"],
            line["hammerPrice"],
            line["premium"],
            line["tax"],
            line["amount"],
            line["total"],
        )
        for line in order["lines"]
    ] == [
        ("ITEM", "99.99", "20.00", "3.80", "0.00", "123.79"),
        ("ITEM", "1234.56", "246.91", "46.91", "0.00", "1528.38"),
        ("CHARGE", "0.00", "0.00", "1.43", "7.50", "8.93"),
    ]
    assert (
        order["subtotal"],
        order["buyersPremium"],
        order["tax"],
        order["charges"],
        order["grandTotal"],
        order["amountPaid"],
        order["amountDue"],
    ) == ("1334.55", "266.91", "52.14", "7.50", "1661.10", "0.00", "1661.10")
    assert await activities(session) == [
        ("order", "create", int(order_id)) for order_id in await _order_ids(session)
    ]


async def _order_ids(session: AsyncSession) -> list[int]:
    from sqlalchemy import select

    return list(
        (await session.execute(select(models.Order.id).order_by(models.Order.id))).scalars()
    )


async def test_invoicing_twice_creates_nothing_new(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale, _, lots = await _closed_sale(session)
    variables = {"input": {"saleId": gid("Sale", sale)}}
    await graphql.data(INVOICE_SALE_MUTATION, variables, as_=staff)
    before = (
        await count(session, models.Order),
        await count(session, models.OrderLine),
        await count(session, models.Activity),
    )

    # when
    data = await graphql.data(INVOICE_SALE_MUTATION, variables, as_=staff)

    # then
    assert data["invoiceSale"]["orders"] == []
    assert data["invoiceSale"]["alreadyInvoicedItems"] == [{"databaseId": lot.id} for lot in lots]
    assert (
        await count(session, models.Order),
        await count(session, models.OrderLine),
        await count(session, models.Activity),
    ) == before


async def test_a_sale_with_open_lots_is_refused_and_nothing_is_written(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale, _, _ = await _closed_sale(session)
    await factories.create_item(session, sale=sale, status=models.ItemStatus.ACTIVE)

    # when
    data = await graphql.data(
        INVOICE_SALE_MUTATION, {"input": {"saleId": gid("Sale", sale)}}, as_=staff
    )

    # then
    assert data["invoiceSale"] == {
        "orders": [],
        "alreadyInvoicedItems": [],
        "errors": [
            {
                "field": "saleId",
                "code": "SALE_NOT_CLOSED",
                "message": "1 lot(s) of the sale are not closed yet.",
            }
        ],
    }
    assert await count(session, models.Order) == 0
    assert await activities(session) == []


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_invoice_sales(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    sale, _, _ = await _closed_sale(session)
    bidder = await factories.create_bidder(session)

    body = await graphql(
        INVOICE_SALE_MUTATION,
        {"input": {"saleId": gid("Sale", sale)}},
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    assert await count(session, models.Order) == 0


async def test_an_unknown_sale_is_not_found(graphql: GraphQLClient, session: AsyncSession) -> None:
    staff = await factories.create_staff(session)

    body = await graphql(
        INVOICE_SALE_MUTATION,
        {"input": {"saleId": gid("Sale", models.Sale(id=999999, title="x"))}},
        as_=staff,
    )

    assert_graphql_error(body, code="NOT_FOUND")
