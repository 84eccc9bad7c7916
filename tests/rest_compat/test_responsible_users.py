"""REST ``responsible_user`` of clients (B1.0), consignments (B3.0) and items (B5.0): ``[user
id]`` in, ``[ref]`` out (label = full name), kept in order, staff users only, staff data."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient

CLIENTS = "/api/v1.0/datatable-clients"
CONSIGNMENTS = "/api/v1.0/datatable-consignments"
ITEMS = "/api/v1.0/datatable-items"
LINKS = {
    models.EntityType.CLIENT: models.ClientResponsibleUser,
    models.EntityType.CONSIGNMENT: models.ConsignmentResponsibleUser,
    models.EntityType.ITEM: models.ItemResponsibleUser,
}


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def refs(*users: models.User) -> list[dict[str, str]]:
    return [{"id": str(u.id), "label": u.full_name or u.email} for u in users]


async def link_count(session: AsyncSession, entity_type: models.EntityType) -> int:
    count = await session.scalar(sa.select(sa.func.count()).select_from(LINKS[entity_type]))
    return int(count or 0)


async def activities(session: AsyncSession, entity_type: models.EntityType) -> list[Any]:
    session.expunge_all()
    result = await session.execute(
        sa.select(models.Activity)
        .where(models.Activity.entity_type == entity_type)
        .order_by(models.Activity.id)
    )
    return list(result.scalars())


async def test_client_create_get_patch_keep_the_order_sent(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session, full_name="Ann Archer")
    colleague = await factories.create_staff(session, full_name="Bob Baker")
    admin = await factories.create_user(session, role=models.Role.ADMIN)
    headers = await auth(graphql, staff)

    # when
    created = await http.post(
        CLIENTS,
        json={"last_name": "Byron", "responsible_user": [str(colleague.id), staff.id]},
        headers=headers,
    )
    client_id = created.json()["data"][0]["id"]
    got = await http.get(f"{CLIENTS}/{client_id}", headers=headers)
    patched = await http.patch(
        f"{CLIENTS}/{client_id}",
        json={"responsible_user": [{"id": str(admin.id)}, colleague.id, admin.id]},
        headers=headers,
    )
    cleared = await http.patch(
        f"{CLIENTS}/{client_id}", json={"responsible_user": []}, headers=headers
    )

    # then
    assert created.status_code == 201, created.json()
    assert created.json()["data"][0]["responsible_user"] == refs(colleague, staff)
    assert got.json()["data"][0]["responsible_user"] == refs(colleague, staff)
    assert patched.json()["data"][0]["responsible_user"] == refs(admin, colleague)
    assert cleared.json()["data"][0]["responsible_user"] == []
    create, update, clear = await activities(session, models.EntityType.CLIENT)
    assert create.changes["responsible_user_ids"] == {
        "before": [],
        "after": [colleague.id, staff.id],
    }
    assert update.changes["responsible_user_ids"] == {
        "before": [colleague.id, staff.id],
        "after": [admin.id, colleague.id],
    }
    assert clear.changes["responsible_user_ids"]["after"] == []


async def test_unknown_and_non_staff_users_are_422_and_nothing_is_written(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    retired = await factories.create_staff(session, is_active=False)
    client = await factories.create_client(session, last_name="Same")
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, sale=sale)
    item = await factories.create_item(session, sale=sale, consignment=consignment)
    headers = await auth(graphql, staff)
    bad = [staff.id, 999999, bidder.id, retired.id]

    # when
    on_client = await http.patch(
        f"{CLIENTS}/{client.id}",
        json={"last_name": "Changed", "responsible_user": bad, "email": "nope"},
        headers=headers,
    )
    new_client = await http.post(CLIENTS, json={"responsible_user": [999999]}, headers=headers)
    on_consignment = await http.post(
        f"{CONSIGNMENTS}?sale_id={sale.id}",
        json={"label": "New", "owner": client.id, "responsible_user": bad},
        headers=headers,
    )
    on_item = await http.patch(
        f"{ITEMS}/{item.id}", json={"responsible_user": ["x", staff.id]}, headers=headers
    )
    not_a_list = await http.patch(
        f"{ITEMS}/{item.id}", json={"responsible_user": staff.id}, headers=headers
    )

    # then
    assert on_client.status_code == 422
    assert on_client.json()["errors"] == {
        "email": ["Invalid email format"],
        "responsible_user[1]": ["No staff user with id 999999."],
        "responsible_user[2]": [f"No staff user with id {bidder.id}."],
        "responsible_user[3]": [f"No staff user with id {retired.id}."],
    }
    assert new_client.status_code == 422
    assert list(new_client.json()["errors"]) == ["responsible_user[0]"]
    assert on_consignment.status_code == 422
    assert set(on_consignment.json()["errors"]) == {
        "responsible_user[1]",
        "responsible_user[2]",
        "responsible_user[3]",
    }
    assert on_item.status_code == 422
    assert on_item.json()["errors"] == {"responsible_user[0]": ["Must be a user id."]}
    assert not_a_list.status_code == 422
    assert list(not_a_list.json()["errors"]) == ["responsible_user"]
    for entity_type in LINKS:
        assert await link_count(session, entity_type) == 0
        assert await activities(session, entity_type) == []
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Client)) == 3
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Consignment)) == 1
    stored = await session.get(models.Client, client.id)
    assert stored is not None
    assert stored.last_name == "Same"


async def test_consignment_and_item_round_trips(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session, full_name="Ann Archer")
    colleague = await factories.create_staff(session, full_name="Bob Baker")
    owner = await factories.create_client(session)
    sale = await factories.create_sale(session)
    headers = await auth(graphql, staff)

    # when
    consignment = await http.post(
        f"{CONSIGNMENTS}?sale_id={sale.id}",
        json={"label": "Estate", "owner": owner.id, "responsible_user": [colleague.id]},
        headers=headers,
    )
    consignment_id = consignment.json()["data"][0]["id"]
    repatched = await http.patch(
        f"{CONSIGNMENTS}/{consignment_id}",
        json={"responsible_user": [staff.id, colleague.id]},
        headers=headers,
    )
    item = await http.post(
        f"{ITEMS}?sale_id={sale.id}",
        json={"consignment": consignment_id, "subtitle": "Vase", "responsible_user": [staff.id]},
        headers=headers,
    )
    item_id = item.json()["data"][0]["id"]
    item_patched = await http.patch(
        f"{ITEMS}/{item_id}", json={"responsible_user": [colleague.id]}, headers=headers
    )
    listed = await http.get(
        f"{ITEMS}?sale_id={sale.id}&fields=id,responsible_user", headers=headers
    )

    # then
    assert consignment.status_code == 201, consignment.json()
    assert consignment.json()["data"][0]["responsible_user"] == refs(colleague)
    assert repatched.json()["data"][0]["responsible_user"] == refs(staff, colleague)
    assert item.status_code == 201, item.json()
    assert item.json()["data"][0]["responsible_user"] == refs(staff)
    assert item_patched.json()["data"][0]["responsible_user"] == refs(colleague)
    assert listed.json()["data"] == [{"id": item_id, "responsible_user": refs(colleague)}]
    (item_update,) = [
        a for a in await activities(session, models.EntityType.ITEM) if a.action == "update"
    ]
    assert item_update.changes == {
        "responsible_user_ids": {"before": [staff.id], "after": [colleague.id]}
    }


async def test_bidders_see_no_responsible_users_and_cannot_set_them(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    assert bidder.client_id is not None
    session.add(models.ClientResponsibleUser(client_id=bidder.client_id, user_id=staff.id))
    await session.flush()
    headers = await auth(graphql, bidder)

    # when
    own = await http.get(f"{CLIENTS}/{bidder.client_id}", headers=headers)
    change = await http.patch(
        f"{CLIENTS}/{bidder.client_id}", json={"responsible_user": []}, headers=headers
    )

    # then
    assert own.status_code == 200
    assert own.json()["data"][0]["responsible_user"] == []
    assert change.status_code == 403
    assert await link_count(session, models.EntityType.CLIENT) == 1


@pytest.mark.parametrize("resource", ["clients", "consignments", "items"])
async def test_list_statement_count_does_not_grow_with_rows(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    count_queries: StatementCounter,
    resource: str,
) -> None:
    # given
    staff = await factories.create_staff(session)
    colleague = await factories.create_staff(session)
    headers = await auth(graphql, staff)
    sale = await factories.create_sale(session)
    url = {"clients": CLIENTS, "consignments": CONSIGNMENTS, "items": ITEMS}[resource]

    async def add_row() -> None:
        consignment = await factories.create_consignment(session, sale=sale)
        item = await factories.create_item(session, sale=sale, consignment=consignment)
        for position, user in enumerate((staff, colleague)):
            session.add_all(
                [
                    models.ClientResponsibleUser(
                        client_id=consignment.consignor_id, user_id=user.id, position=position
                    ),
                    models.ConsignmentResponsibleUser(
                        consignment_id=consignment.id, user_id=user.id, position=position
                    ),
                    models.ItemResponsibleUser(item_id=item.id, user_id=user.id, position=position),
                ]
            )
        await session.flush()

    await add_row()
    graphql.session.expunge_all()
    with count_queries.counting():
        await http.get(url, headers=headers)
    one = count_queries.count
    for _ in range(6):
        await add_row()
    graphql.session.expunge_all()

    # when
    with count_queries.counting():
        response = await http.get(url, headers=headers)

    # then
    rows = response.json()["data"]
    assert len(rows) >= 7
    assert all(row["responsible_user"] == refs(staff, colleague) for row in rows[:7])
    assert count_queries.count == one
