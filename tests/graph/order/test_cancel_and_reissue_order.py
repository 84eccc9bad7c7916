"""cancelAndReissueOrder: a locked order is canceled, credited and issued again."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from tests import factories
from tests.graph.order.priced import activities, bidder_order, count, gid, order_row
from tests.graphql_client import GraphQLClient

D = Decimal

REISSUE_MUTATION = """
mutation Reissue($input: CancelAndReissueOrderInput!) {
  cancelAndReissueOrder(input: $input) {
    order { databaseId status amountPaid }
    creditNote { databaseId type status grandTotal originalOrder { databaseId } }
    newOrder {
      databaseId type status grandTotal amountPaid amountDue
      originalOrder { databaseId }
      lines { item { databaseId } total }
      owner { balance }
    }
    errors { field code message }
  }
}
"""

BALANCE_QUERY = "query B($id: ID!) { node(id: $id) { ... on Client { balance } } }"


async def test_a_locked_order_is_credited_and_reissued_with_its_payments(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given: 1950.00 locked, 400.00 paid: the client owes 1550.00
    priced = await bidder_order(session, db, status=models.OrderStatus.LOCKED)
    payment = await factories.create_transaction(session, order=priced.order, amount=D("400.00"))
    before = await graphql.data(
        BALANCE_QUERY, {"id": gid("Client", priced.client)}, as_=priced.staff
    )

    # when
    data = await graphql.data(
        REISSUE_MUTATION, {"input": {"orderId": gid("Order", priced.order)}}, as_=priced.staff
    )

    # then
    payload = data["cancelAndReissueOrder"]
    assert payload["errors"] == []
    assert payload["order"] == {
        "databaseId": priced.order.id,
        "status": "CANCELED",
        "amountPaid": "0.00",
    }
    note, reissued = payload["creditNote"], payload["newOrder"]
    assert (note["type"], note["status"], note["grandTotal"]) == (
        "CREDIT_NOTE",
        "FINISHED",
        "-1950.00",
    )
    assert note["originalOrder"] == reissued["originalOrder"] == {"databaseId": priced.order.id}
    assert (reissued["type"], reissued["status"]) == ("BIDDER", "IN_PROCESS")
    assert (reissued["grandTotal"], reissued["amountPaid"], reissued["amountDue"]) == (
        "1950.00",
        "400.00",
        "1550.00",
    )
    assert [line["item"]["databaseId"] for line in reissued["lines"]] == [
        i.id for i in priced.items
    ]
    assert before["node"]["balance"] == reissued["owner"]["balance"] == "1550.00"
    moved = await session.get_one(models.Transaction, payment.id, populate_existing=True)
    assert moved.order_id == reissued["databaseId"]
    trail = await activities(session)
    assert ("order", "cancel_and_reissue", priced.order.id) in trail
    assert ("order", "create", note["databaseId"]) in trail
    assert ("order", "create", reissued["databaseId"]) in trail
    assert ("transaction", "reissue", payment.id) in trail


async def test_only_locked_orders_are_reissued(
    graphql: GraphQLClient, session: AsyncSession, db: OperationDB
) -> None:
    # given
    priced = await bidder_order(session, db, status=models.OrderStatus.FINISHED)

    # when
    data = await graphql.data(
        REISSUE_MUTATION, {"input": {"orderId": gid("Order", priced.order)}}, as_=priced.staff
    )

    # then
    assert data["cancelAndReissueOrder"]["errors"] == [
        {
            "field": "orderId",
            "code": "INVALID_STATUS_TRANSITION",
            "message": "Only locked orders can be canceled and reissued",
        }
    ]
    assert (await order_row(session, priced.order.id)).status is models.OrderStatus.FINISHED
    assert await count(session, models.Order) == 1
    assert await activities(session) == []
