"""createClient, updateClient, deleteClient, mergeClients and connectClients through GraphQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient, assert_graphql_error

CREATE_CLIENT_MUTATION = """
mutation Create($input: CreateClientInput!) {
  createClient(input: $input) {
    created
    client {
      firstName email status customerNumber subscriptionType
      consignorCommissions { stepFrom consignorCommission }
      defaultAddress { country rendered types }
    }
    errors { field code message }
  }
}
"""

UPDATE_CLIENT_MUTATION = """
mutation Update($input: UpdateClientInput!) {
  updateClient(input: $input) {
    client { firstName lastName phone mobile warning status defaultAddress { locality country } }
    errors { field code message }
  }
}
"""

DELETE_CLIENT_MUTATION = """
mutation Delete($input: DeleteClientInput!) {
  deleteClient(input: $input) { deletedId client { status } errors { field code message } }
}
"""

MERGE_CLIENTS_MUTATION = """
mutation Merge($input: MergeClientsInput!) {
  mergeClients(input: $input) {
    client { databaseId addresses { databaseId isDefault } bids { totalCount } }
    deletedIds
    mergedCount
    errors { field code message }
  }
}
"""

CONNECT_CLIENTS_MUTATION = """
mutation Connect($input: ConnectClientsInput!) {
  connectClients(input: $input) {
    primaryClient { databaseId connectedClients { databaseId } }
    connectedClients { databaseId }
    errors { field code message }
  }
}
"""


def _gid(client: models.Client) -> str:
    return to_base64("Client", client.id)


async def _activity_count(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) or 0)


async def test_staff_create_a_client_with_its_default_address(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    variables = {
        "input": {
            "firstName": "Ada",
            "email": "ada@example.com",
            "status": "APPROVED",
            "subscriptionType": "both",
            "consignorCommissions": [{"stepFrom": "0.00", "consignorCommission": "15.00"}],
            "address": {"country": "UK", "locality": "London", "postalCode": "N1"},
        }
    }

    # when
    data = await graphql.data(CREATE_CLIENT_MUTATION, variables, as_=staff)

    # then
    payload = data["createClient"]
    assert payload["errors"] == []
    assert payload["created"] is True
    client = payload["client"]
    assert (client["firstName"], client["email"], client["status"]) == (
        "Ada",
        "ada@example.com",
        "APPROVED",
    )
    assert client["customerNumber"].startswith("C")
    assert client["consignorCommissions"] == [{"stepFrom": "0.00", "consignorCommission": "15.00"}]
    assert client["defaultAddress"] == {
        "country": "GB",
        "rendered": "London, N1\nUnited Kingdom",
        "types": ["BILLING", "SHIPPING"],
    }
    actions = (await session.scalars(sa.select(models.Activity.action))).all()
    assert sorted(actions) == ["create", "create"]


async def test_invalid_fields_come_back_together_and_nothing_is_written(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    variables = {
        "input": {
            "email": "nope",
            "subscriptionType": "fax",
            "bankDetails": [{"iban": "XX00"}],
            "address": {"locality": "Oslo"},
        }
    }

    # when
    data = await graphql.data(CREATE_CLIENT_MUTATION, variables, as_=staff)

    # then
    assert data["createClient"]["client"] is None
    assert data["createClient"]["errors"] == [
        {"field": "email", "code": "INVALID", "message": "Invalid email format"},
        {"field": "bankDetails[0].iban", "code": "INVALID", "message": "Not a valid IBAN."},
        {
            "field": "subscriptionType",
            "code": "INVALID",
            "message": "Subscription type must be email, print or both.",
        },
        {"field": "address.country", "code": "REQUIRED", "message": "The country is required."},
    ]
    clients = await session.scalar(sa.select(sa.func.count()).select_from(models.Client))
    assert clients == 0
    assert await _activity_count(session) == 0


async def test_update_changes_only_the_sent_fields(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(
        session, first_name="Ada", last_name="King", phone="1", warning="slow payer"
    )
    await factories.create_address(session, client=client, is_default=True, locality="Leeds")

    # when
    data = await graphql.data(
        UPDATE_CLIENT_MUTATION,
        {
            "input": {
                "id": _gid(client),
                "phone": "2",
                "warning": None,
                "address": {"locality": "York"},
            }
        },
        as_=staff,
    )

    # then
    payload = data["updateClient"]
    assert payload["errors"] == []
    assert payload["client"] == {
        "firstName": "Ada",
        "lastName": "King",
        "phone": "2",
        "mobile": None,
        "warning": None,
        "status": "APPROVED",
        "defaultAddress": {"locality": "York", "country": "US"},
    }
    activity = (
        await session.execute(
            sa.select(models.Activity.entity_type, models.Activity.action).order_by(
                models.Activity.id
            )
        )
    ).all()
    assert [tuple(a) for a in activity] == [
        (models.EntityType.CLIENT, "update"),
        (models.EntityType.ADDRESS, "update"),
    ]


async def test_a_refused_update_changes_nothing_and_writes_no_activity(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session, first_name="Ada", email="a@b.io")

    data = await graphql.data(
        UPDATE_CLIENT_MUTATION,
        {"input": {"id": _gid(client), "firstName": "Grace", "email": "broken@"}},
        as_=staff,
    )

    assert data["updateClient"]["errors"] == [
        {"field": "email", "code": "INVALID", "message": "Invalid email format"}
    ]
    refreshed = await session.get_one(models.Client, client.id, populate_existing=True)
    assert (refreshed.first_name, refreshed.email) == ("Ada", "a@b.io")
    assert await _activity_count(session) == 0


async def test_a_bidder_updates_their_own_contact_fields(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    bidder = await factories.create_bidder(session)
    assert bidder.client_id is not None

    data = await graphql.data(
        UPDATE_CLIENT_MUTATION,
        {"input": {"id": to_base64("Client", bidder.client_id), "mobile": "+33 6"}},
        as_=bidder,
    )

    assert data["updateClient"]["client"]["mobile"] == "+33 6"


@pytest.mark.parametrize(
    ("_case", "own", "fields"),
    [
        ("another client", False, {"mobile": "1"}),
        ("a staff-only field", True, {"status": "APPROVED"}),
    ],
)
async def test_a_bidder_may_not_update_anything_else(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    own: bool,
    fields: dict[str, str],
) -> None:
    bidder = await factories.create_bidder(session)
    other = await factories.create_client(session, mobile="0")
    target_id = bidder.client_id if own else other.id
    assert target_id is not None

    body = await graphql(
        UPDATE_CLIENT_MUTATION,
        {"input": {"id": to_base64("Client", target_id), **fields}},
        as_=bidder,
    )

    assert_graphql_error(body, code="FORBIDDEN")
    assert await _activity_count(session) == 0


async def test_anonymous_callers_cannot_update_clients(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    client = await factories.create_client(session)

    body = await graphql(UPDATE_CLIENT_MUTATION, {"input": {"id": _gid(client), "mobile": "1"}})

    assert_graphql_error(body, code="UNAUTHENTICATED")


@pytest.mark.parametrize(("caller", "code"), [("bidder", "FORBIDDEN"), (None, "UNAUTHENTICATED")])
@pytest.mark.parametrize(
    ("document", "make_input"),
    [
        (CREATE_CLIENT_MUTATION, lambda c: {"firstName": "X"}),
        (DELETE_CLIENT_MUTATION, lambda c: {"id": _gid(c)}),
        (MERGE_CLIENTS_MUTATION, lambda c: {"targetClientId": _gid(c), "sourceClientIds": []}),
        (CONNECT_CLIENTS_MUTATION, lambda c: {"clientIds": [_gid(c)]}),
    ],
)
async def test_only_staff_create_delete_merge_and_connect(
    graphql: GraphQLClient,
    session: AsyncSession,
    caller: str | None,
    code: str,
    document: str,
    make_input: object,
) -> None:
    bidder = await factories.create_bidder(session)
    client = await factories.create_client(session)

    body = await graphql(
        document,
        {"input": make_input(client)},  # type: ignore[operator]
        as_=bidder if caller else None,
    )

    assert_graphql_error(body, code=code)
    assert await _activity_count(session) == 0


async def test_delete_marks_the_client_deleted(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)

    data = await graphql.data(DELETE_CLIENT_MUTATION, {"input": {"id": _gid(client)}}, as_=staff)

    assert data["deleteClient"] == {
        "deletedId": _gid(client),
        "client": {"status": "DELETED"},
        "errors": [],
    }
    actions = (await session.scalars(sa.select(models.Activity.action))).all()
    assert list(actions) == ["delete"]


async def test_merge_moves_the_sources_to_the_target(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)
    kept = await factories.create_address(session, client=target, is_default=True)
    source = await factories.create_client(session)
    moved = await factories.create_address(session, client=source, is_default=True)
    item = await factories.create_item(session)
    await factories.create_bid(session, item=item, bidder=source, amount=Decimal("60"))

    # when
    data = await graphql.data(
        MERGE_CLIENTS_MUTATION,
        {"input": {"targetClientId": _gid(target), "sourceClientIds": [_gid(source)]}},
        as_=staff,
    )

    # then
    payload = data["mergeClients"]
    assert payload["errors"] == []
    assert payload["deletedIds"] == [_gid(source)]
    assert payload["mergedCount"] == 1
    assert payload["client"] == {
        "databaseId": target.id,
        "addresses": [
            {"databaseId": kept.id, "isDefault": True},
            {"databaseId": moved.id, "isDefault": False},
        ],
        "bids": {"totalCount": 1},
    }


async def test_merge_reports_unmoved_data_and_changes_nothing(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)
    source = await factories.create_client(session)
    await factories.create_consignment(session, consignor=source)

    data = await graphql.data(
        MERGE_CLIENTS_MUTATION,
        {
            "input": {
                "targetClientId": _gid(target),
                "sourceClientIds": [_gid(source)],
                "mergeItems": False,
            }
        },
        as_=staff,
    )

    assert data["mergeClients"]["errors"] == [
        {
            "field": "mergeItems",
            "code": "MERGE_BLOCKED",
            "message": "The source clients have 1 consignments; merge them too (mergeItems) or "
            "move them first.",
        }
    ]
    refreshed = await session.get_one(models.Client, source.id, populate_existing=True)
    assert refreshed.status is models.ClientStatus.APPROVED
    assert await _activity_count(session) == 0


async def test_connect_twice_connects_once(graphql: GraphQLClient, session: AsyncSession) -> None:
    staff = await factories.create_staff(session)
    a = await factories.create_client(session)
    b = await factories.create_client(session)
    variables = {"input": {"clientIds": [_gid(a), _gid(b)]}}

    first = await graphql.data(CONNECT_CLIENTS_MUTATION, variables, as_=staff)
    second = await graphql.data(CONNECT_CLIENTS_MUTATION, variables, as_=staff)

    expected = {
        "primaryClient": {"databaseId": a.id, "connectedClients": [{"databaseId": b.id}]},
        "connectedClients": [{"databaseId": b.id}],
        "errors": [],
    }
    assert first["connectClients"] == expected
    assert second["connectClients"] == expected
    assert await _activity_count(session) == 1


async def test_connect_needs_two_clients(graphql: GraphQLClient, session: AsyncSession) -> None:
    staff = await factories.create_staff(session)
    a = await factories.create_client(session)

    data = await graphql.data(
        CONNECT_CLIENTS_MUTATION, {"input": {"clientIds": [_gid(a)]}}, as_=staff
    )

    assert data["connectClients"]["errors"] == [
        {
            "field": "clientIds",
            "code": "INVALID",
            "message": "Connect at least two distinct clients.",
        }
    ]
