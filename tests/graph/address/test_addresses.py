"""Reading client addresses: row visibility, rendering, filters and nested batching."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient, assert_graphql_error

ADDRESSES_QUERY = """
query Addresses(
  $filter: AddressFilter, $orderBy: [AddressOrder!], $search: String
) {
  addresses(first: 50, filter: $filter, orderBy: $orderBy, search: $search) {
    totalCount
    nodes { databaseId country locality postalCode isDefault client { databaseId } }
  }
}
"""

ADDRESS_QUERY = """
query Address($id: ID!) {
  node(id: $id) {
    ... on Address {
      databaseId country countryName administrativeArea locality postalCode thoroughfare
      premise firstName lastName organisationName nameLine types isDefault validated rendered
    }
  }
}
"""

CLIENT_ADDRESSES_QUERY = """
query ClientAddresses($clients: Int!) {
  clients(first: $clients, orderBy: [{field: ID}]) {
    nodes {
      databaseId
      addresses { databaseId isDefault client { databaseId } }
      defaultAddress { databaseId }
    }
  }
}
"""


def gid(type_name: str, pk: int | None) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def ids(data: dict[str, Any]) -> list[int]:
    return [node["databaseId"] for node in data["addresses"]["nodes"]]


async def test_anonymous_cannot_list_addresses(graphql: GraphQLClient) -> None:
    # when
    body = await graphql(ADDRESSES_QUERY)

    # then
    error = assert_graphql_error(body, code="UNAUTHENTICATED")
    assert error["message"] == "Sign in to do this."


async def test_bidder_sees_only_own_addresses(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    own_client = await session.get(models.Client, bidder.client_id)
    assert own_client is not None
    own = await factories.create_address(session, client=own_client, is_default=True)
    other = await factories.create_address(session, client=await factories.create_client(session))

    # when
    listed = await graphql.data(ADDRESSES_QUERY, as_=bidder)
    other_by_id = await graphql.data(ADDRESS_QUERY, {"id": gid("Address", other.id)}, as_=bidder)

    # then
    assert ids(listed) == [own.id]
    assert listed["addresses"]["nodes"][0]["client"] == {"databaseId": own_client.id}
    assert other_by_id == {"node": None}


async def test_address_renders_name_line_types_and_multi_line_text(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    address = await factories.create_address(
        session,
        client=client,
        country="US",
        administrative_area="NY",
        locality="New York",
        postal_code="10001",
        thoroughfare="350 Fifth Avenue",
        premise="Suite 5100",
        first_name="Ada",
        last_name="Lovelace",
        organisation_name="Analytical Engines Inc.",
        address_types=["shipping"],
        is_default=True,
    )

    # when
    data = await graphql.data(ADDRESS_QUERY, {"id": gid("Address", address.id)}, as_=staff)

    # then
    assert data["node"] == {
        "databaseId": address.id,
        "country": "US",
        "countryName": "United States",
        "administrativeArea": "NY",
        "locality": "New York",
        "postalCode": "10001",
        "thoroughfare": "350 Fifth Avenue",
        "premise": "Suite 5100",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "organisationName": "Analytical Engines Inc.",
        "nameLine": "Ada Lovelace",
        "types": ["SHIPPING"],
        "isDefault": True,
        "validated": False,
        "rendered": "Ada Lovelace\nAnalytical Engines Inc.\n350 Fifth Avenue, Suite 5100\n"
        "New York, NY 10001\nUnited States",
    }


async def test_address_without_a_person_renders_the_organisation_first(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    address = await factories.create_address(
        session,
        client=await factories.create_client(session),
        country="GB",
        administrative_area=None,
        locality="London",
        postal_code="SW1A 1AA",
        thoroughfare="Buckingham Palace Road",
        first_name=None,
        last_name=None,
        organisation_name="Royal Stamps Ltd",
    )

    # when
    data = await graphql.data(ADDRESS_QUERY, {"id": gid("Address", address.id)}, as_=staff)

    # then
    node = data["node"]
    assert node["nameLine"] is None
    assert node["types"] == ["BILLING", "SHIPPING"]
    assert node["rendered"] == (
        "Royal Stamps Ltd\nBuckingham Palace Road\nLondon, SW1A 1AA\nUnited Kingdom"
    )


async def test_staff_filters_and_searches_addresses(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    home = await factories.create_address(
        session, client=client, is_default=True, country="DE", locality="Berlin"
    )
    office = await factories.create_address(session, client=client, country="DE", locality="Bonn")
    await factories.create_address(
        session, client=await factories.create_client(session), country="FR", locality="Paris"
    )

    # when
    german = await graphql.data(
        ADDRESSES_QUERY,
        {
            "filter": {"country": {"eq": "DE"}},
            "orderBy": [{"field": "LOCALITY", "direction": "DESC"}],
        },
        as_=staff,
    )
    defaults = await graphql.data(
        ADDRESSES_QUERY,
        {"filter": {"clientId": {"eq": gid("Client", client.id)}, "isDefault": True}},
        as_=staff,
    )
    searched = await graphql.data(ADDRESSES_QUERY, {"search": "bonn"}, as_=staff)

    # then
    assert ids(german) == [office.id, home.id]
    assert ids(defaults) == [home.id]
    assert ids(searched) == [office.id]


async def test_client_addresses_list_the_default_first(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    client = await session.get(models.Client, bidder.client_id)
    assert client is not None
    older = await factories.create_address(session, client=client)
    default = await factories.create_address(session, client=client, is_default=True)

    # when
    data = await graphql.data(CLIENT_ADDRESSES_QUERY, {"clients": 5}, as_=bidder)

    # then
    [node] = data["clients"]["nodes"]
    assert [a["databaseId"] for a in node["addresses"]] == [default.id, older.id]
    assert node["defaultAddress"] == {"databaseId": default.id}


async def test_client_without_addresses_has_no_default(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)

    # when
    data = await graphql.data(CLIENT_ADDRESSES_QUERY, {"clients": 5}, as_=bidder)

    # then
    assert data["clients"]["nodes"][0]["addresses"] == []
    assert data["clients"]["nodes"][0]["defaultAddress"] is None


async def test_client_addresses_cost_the_same_statements_for_2_and_20_clients(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    staff = await factories.create_staff(session)
    for _ in range(20):
        client = await factories.create_client(session)
        await factories.create_address(session, client=client, is_default=True)
        await factories.create_address(session, client=client)
    token = await graphql.token_for(staff)

    # when
    with count_queries.counting() as small:
        small_data = await graphql.data(CLIENT_ADDRESSES_QUERY, {"clients": 2}, as_=token)
    with count_queries.counting() as large:
        large_data = await graphql.data(CLIENT_ADDRESSES_QUERY, {"clients": 20}, as_=token)

    # then
    assert len(small_data["clients"]["nodes"]) == 2
    assert all(len(c["addresses"]) == 2 for c in large_data["clients"]["nodes"])
    # token, clients page, addresses (shared by addresses and defaultAddress), their clients
    assert small.count == large.count, (small.statements, large.statements)
    assert large.count == 4, large.statements
