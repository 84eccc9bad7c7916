"""The client fields staff edit: rows read back typed, internal ones hidden from the bidder."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient

CLIENT_QUERY = """
query Client($id: ID!) {
  node(id: $id) {
    ... on Client {
      billingInstructions shippingInstructions agent { databaseId }
      additionalCharges { term amount tax attachedTo }
      mergedInto { databaseId }
    }
  }
}
"""


async def test_internal_fields_are_staff_only(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    client = await session.get_one(models.Client, bidder.client_id)
    client.billing_instructions = "cash only"
    client.shipping_instructions = "fragile"
    client.agent_user_id = staff.id
    client.additional_charges = [
        {"term": "Shipping", "amount": "12.50", "tax": "0.00", "attached_to": None}
    ]
    await session.flush()
    variables = {"id": to_base64("Client", client.id)}

    # when
    as_staff = await graphql.data(CLIENT_QUERY, variables, as_=staff)
    as_owner = await graphql.data(CLIENT_QUERY, variables, as_=bidder)

    # then
    charges = [{"term": "Shipping", "amount": "12.50", "tax": "0.00", "attachedTo": None}]
    assert as_staff["node"] == {
        "billingInstructions": "cash only",
        "shippingInstructions": "fragile",
        "agent": {"databaseId": staff.id},
        "additionalCharges": charges,
        "mergedInto": None,
    }
    assert as_owner["node"] == {
        "billingInstructions": None,
        "shippingInstructions": None,
        "agent": None,
        "additionalCharges": charges,
        "mergedInto": None,
    }
