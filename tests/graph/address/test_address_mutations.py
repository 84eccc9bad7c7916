"""createAddress, updateAddress and deleteAddress through GraphQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

CREATE_ADDRESS_MUTATION = """
mutation Create($input: CreateAddressInput!) {
  createAddress(input: $input) {
    address { country locality isDefault types }
    client { defaultAddress { databaseId } }
    errors { field code message }
  }
}
"""

UPDATE_ADDRESS_MUTATION = """
mutation Update($input: UpdateAddressInput!) {
  updateAddress(input: $input) {
    address { databaseId locality postalCode isDefault types }
    client { defaultAddress { databaseId } }
    errors { field code message }
  }
}
"""

DELETE_ADDRESS_MUTATION = """
mutation Delete($input: DeleteAddressInput!) {
  deleteAddress(input: $input) {
    deletedId
    client { addresses { databaseId isDefault } }
    errors { field code message }
  }
}
"""


def _gid(address: models.Address) -> str:
    return to_base64("Address", address.id)


async def _activity_count(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) or 0)


async def test_a_new_default_address_takes_the_flag(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    await factories.create_address(session, client=client, is_default=True)

    # when
    data = await graphql.data(
        CREATE_ADDRESS_MUTATION,
        {
            "input": {
                "clientId": to_base64("Client", client.id),
                "address": {"country": "de", "locality": "Berlin"},
                "addressTypes": ["SHIPPING"],
                "isDefault": True,
            }
        },
        as_=staff,
    )

    # then
    payload = data["createAddress"]
    assert payload["errors"] == []
    assert payload["address"] == {
        "country": "DE",
        "locality": "Berlin",
        "isDefault": True,
        "types": ["SHIPPING"],
    }
    new_id = await session.scalar(
        sa.select(models.Address.id).where(models.Address.locality == "Berlin")
    )
    assert payload["client"] == {"defaultAddress": {"databaseId": new_id}}
    actions = (await session.scalars(sa.select(models.Activity.action))).all()
    assert sorted(actions) == ["create", "update"]


async def test_a_bad_country_is_refused_and_nothing_is_written(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)

    data = await graphql.data(
        CREATE_ADDRESS_MUTATION,
        {"input": {"clientId": to_base64("Client", client.id), "address": {"country": "ZZ"}}},
        as_=staff,
    )

    assert data["createAddress"]["errors"] == [
        {
            "field": "address.country",
            "code": "INVALID",
            "message": "'ZZ' is not an ISO 3166-1 alpha-2 country code.",
        }
    ]
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Address)) == 0
    assert await _activity_count(session) == 0


async def test_update_changes_only_the_sent_fields(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    address = await factories.create_address(
        session, client=client, is_default=True, locality="Rome", postal_code="00100"
    )

    data = await graphql.data(
        UPDATE_ADDRESS_MUTATION,
        {"input": {"id": _gid(address), "address": {"locality": "Milan"}}},
        as_=staff,
    )

    assert data["updateAddress"] == {
        "address": {
            "databaseId": address.id,
            "locality": "Milan",
            "postalCode": "00100",
            "isDefault": True,
            "types": ["BILLING", "SHIPPING"],
        },
        "client": {"defaultAddress": {"databaseId": address.id}},
        "errors": [],
    }


async def test_making_an_address_the_default_moves_the_flag(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    await factories.create_address(session, client=client, is_default=True)
    other = await factories.create_address(session, client=client)

    data = await graphql.data(
        UPDATE_ADDRESS_MUTATION, {"input": {"id": _gid(other), "isDefault": True}}, as_=staff
    )

    assert data["updateAddress"]["client"] == {"defaultAddress": {"databaseId": other.id}}
    assert data["updateAddress"]["address"]["isDefault"] is True


async def test_deleting_the_default_promotes_the_newest_other_address(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    default = await factories.create_address(session, client=client, is_default=True)
    older = await factories.create_address(session, client=client)
    newest = await factories.create_address(session, client=client)

    data = await graphql.data(DELETE_ADDRESS_MUTATION, {"input": {"id": _gid(default)}}, as_=staff)

    assert data["deleteAddress"] == {
        "deletedId": _gid(default),
        "client": {
            "addresses": [
                {"databaseId": newest.id, "isDefault": True},
                {"databaseId": older.id, "isDefault": False},
            ]
        },
        "errors": [],
    }


async def test_the_only_address_cannot_be_deleted(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    only = await factories.create_address(session, client=client, is_default=True)

    data = await graphql.data(DELETE_ADDRESS_MUTATION, {"input": {"id": _gid(only)}}, as_=staff)

    assert data["deleteAddress"]["errors"] == [
        {
            "field": "id",
            "code": "ONLY_DEFAULT_ADDRESS",
            "message": "Cannot delete the only default address",
        }
    ]
    assert await session.get(models.Address, only.id) is not None
    assert await _activity_count(session) == 0


async def test_an_unknown_address_is_not_found(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)

    body = await graphql(
        DELETE_ADDRESS_MUTATION, {"input": {"id": to_base64("Address", 987654)}}, as_=staff
    )

    assert_graphql_error(body, code="NOT_FOUND")


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
async def test_only_staff_and_the_owner_edit_addresses(
    graphql: GraphQLClient, session: AsyncSession, caller: str | None, code: str
) -> None:
    bidder = await factories.create_bidder(session)
    someone_else = await factories.create_client(session)
    address = await factories.create_address(session, client=someone_else, is_default=True)

    body = await graphql(
        UPDATE_ADDRESS_MUTATION,
        {"input": {"id": _gid(address), "address": {"locality": "X"}}},
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    assert await _activity_count(session) == 0


async def test_a_bidder_edits_their_own_addresses(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    assert bidder.client_id is not None
    client_id = to_base64("Client", bidder.client_id)

    # when
    created = await graphql.data(
        CREATE_ADDRESS_MUTATION,
        {"input": {"clientId": client_id, "address": {"country": "NL", "locality": "Delft"}}},
        as_=bidder,
    )
    address_id = await session.scalar(sa.select(models.Address.id))
    assert address_id is not None
    updated = await graphql.data(
        UPDATE_ADDRESS_MUTATION,
        {"input": {"id": to_base64("Address", address_id), "address": {"locality": "Leiden"}}},
        as_=bidder,
    )

    # then
    assert created["createAddress"]["address"]["isDefault"] is True
    assert updated["updateAddress"]["address"]["locality"] == "Leiden"
    assert await _activity_count(session) == 2
