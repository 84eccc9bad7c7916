"""`me`: the signed-in user with role and linked client."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

ME_QUERY = """
query {
  me { id databaseId email fullName role isActive createdAt client { databaseId displayName } }
}
"""


async def test_me_is_null_when_anonymous(graphql: GraphQLClient) -> None:
    # when
    data = await graphql.data(ME_QUERY)

    # then
    assert data == {"me": None}


async def test_me_as_a_bidder_shows_the_linked_client(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    client = await factories.create_client(session, first_name="Ada", last_name="Lovelace")
    user = await factories.create_user(session, client=client, full_name="Ada L.")
    token = await graphql.token_for(user)

    # when
    with count_queries.counting() as counted:
        data = await graphql.data(ME_QUERY, as_=token)

    # then
    me = data["me"]
    assert me["databaseId"] == user.id
    assert me["email"] == user.email
    assert me["fullName"] == "Ada L."
    assert me["role"] == "BIDDER"
    assert me["isActive"] is True
    assert me["client"] == {"databaseId": client.id, "displayName": "Ada Lovelace"}
    # token, user, client
    assert counted.count == 3, counted.statements


async def test_me_as_staff_has_no_client(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    data = await graphql.data(ME_QUERY, as_=staff)

    # then
    assert data["me"]["role"] == "STAFF"
    assert data["me"]["client"] is None


async def test_me_resolves_as_a_node(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    user = await factories.create_bidder(session)
    me = (await graphql.data(ME_QUERY, as_=user))["me"]

    # when
    data = await graphql.data(
        "query($id: ID!) { node(id: $id) { ... on User { databaseId } } }",
        {"id": me["id"]},
        as_=user,
    )

    # then
    assert data == {"node": {"databaseId": user.id}}
