"""Charges staff set through updateSale / updateItem / updateConsignment are the ones
invoiceSale bills, to the cent."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from tests import factories
from tests.graph.order.priced import gid
from tests.graphql_client import GraphQLClient

D = Decimal

UPDATE_SALE_MUTATION = """
mutation Sale($input: UpdateSaleInput!) { updateSale(input: $input) { errors { field } } }
"""

UPDATE_ITEM_MUTATION = """
mutation Item($input: UpdateItemInput!) { updateItem(input: $input) { errors { field } } }
"""

UPDATE_CONSIGNMENT_MUTATION = """
mutation Consignment($input: UpdateConsignmentInput!) {
  updateConsignment(input: $input) { errors { field } }
}
"""

INVOICE_SALE_MUTATION = """
mutation Invoice($input: InvoiceSaleInput!) {
  invoiceSale(input: $input) {
    orders {
      type owner { databaseId }
      subtotal buyersPremium tax charges grandTotal
      lines { kind hammerPrice premium commission tax amount total }
    }
    errors { field code message }
  }
}
"""


async def test_charges_edited_through_the_api_appear_on_the_invoices_to_the_cent(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: a lot sold at 1000.00, premium 20 %, tax 19 % on it, commission 15 %
    staff = await factories.create_staff(session)
    buyer = await factories.create_client(session)
    consignor = await factories.create_client(session)
    sale = await factories.create_sale(session, buyers_premium_rate=D("0.20"), tax_rate=D("0.19"))
    consignment = await factories.create_consignment(
        session,
        consignor=consignor,
        sale=sale,
        commission_steps=[{"from": "0.00", "rate": "0.15"}],
    )
    lot = await factories.create_item(
        session,
        sale=sale,
        consignment=consignment,
        status=models.ItemStatus.SOLD,
        hammer_price=D("1000.00"),
        winner_id=buyer.id,
    )
    edits = [
        (
            UPDATE_SALE_MUTATION,
            "updateSale",
            {
                "id": gid("Sale", sale),
                "additionalCharges": [{"term": "Handling", "amount": "7.5", "tax": "1.43"}],
            },
        ),
        (
            UPDATE_ITEM_MUTATION,
            "updateItem",
            {
                "id": gid("Item", lot),
                "additionalCharges": [{"term": "Shipping", "amount": "25", "tax": "4.75"}],
            },
        ),
        (
            UPDATE_CONSIGNMENT_MUTATION,
            "updateConsignment",
            {
                "id": gid("Consignment", consignment),
                "additionalCharges": [{"term": "Photography", "amount": "30", "tax": "5.70"}],
            },
        ),
    ]
    for mutation, name, edit in edits:
        edited = await graphql.data(mutation, {"input": edit}, as_=staff)
        assert edited[name]["errors"] == []

    # when
    data = await graphql.data(
        INVOICE_SALE_MUTATION, {"input": {"saleId": gid("Sale", sale)}}, as_=staff
    )

    # then
    payload = data["invoiceSale"]
    assert payload["errors"] == []
    bidder, settlement = payload["orders"]
    assert (bidder["type"], bidder["owner"]) == ("BIDDER", {"databaseId": buyer.id})
    assert [tuple(line.values()) for line in bidder["lines"]] == [
        ("ITEM", "1000.00", "200.00", "0.00", "38.00", "0.00", "1238.00"),
        ("CHARGE", "0.00", "0.00", "0.00", "4.75", "25.00", "29.75"),
        ("CHARGE", "0.00", "0.00", "0.00", "1.43", "7.50", "8.93"),
    ]
    assert (
        bidder["subtotal"],
        bidder["buyersPremium"],
        bidder["tax"],
        bidder["charges"],
        bidder["grandTotal"],
    ) == ("1000.00", "200.00", "44.18", "32.50", "1276.68")
    assert (settlement["type"], settlement["owner"]) == ("CONSIGNOR", {"databaseId": consignor.id})
    assert [tuple(line.values()) for line in settlement["lines"]] == [
        ("ITEM", "1000.00", "0.00", "150.00", "0.00", "0.00", "850.00"),
        ("CHARGE", "0.00", "0.00", "0.00", "-5.70", "-30.00", "-35.70"),
    ]
    assert (settlement["charges"], settlement["grandTotal"]) == ("-30.00", "814.30")
