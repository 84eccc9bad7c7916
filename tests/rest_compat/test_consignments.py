"""REST B3.1 consignments list: shape compared field by field with B3.0 (integer cents, D7),
every documented filter and sort, token mode and errors."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from rest_compat.circuit.consignments import FIELDS, Consignment
from rest_compat.shapes import ListEnvelope
from tests import factories
from tests.graphql_client import GraphQLClient

URL = "/api/v1.0/datatable-consignments"


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(body: dict[str, Any]) -> list[str]:
    return [row["id"] for row in body["data"]]


async def test_list_consignments_shape(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    owner = await factories.create_client(
        session, first_name="John", last_name="Smith", customer_number="C1"
    )
    finder = await factories.create_client(
        session, first_name="Fay", last_name="Finder", customer_number=None
    )
    sale = await factories.create_sale(session, title="Summer Auction 2025")
    consignment = await factories.create_consignment(
        session,
        consignor=owner,
        sale=sale,
        number="CON-2025-001",
        title="Estate Jewelry Collection",
        symbol="A",
        sub_symbol="1",
        estimated=Decimal("1500.50"),
        insurance_value=Decimal("2000"),
        insurance_type="full",
        underbid=Decimal("0.8"),
        commission_step_type="tiered",
        commission_steps=[
            {"from": "0.00", "rate": "0.15"},
            {"from": "1000.00", "amount": "50.00"},
        ],
        shipping_methods=[
            {
                "type": "incoming",
                "method_type": "FedEx",
                "amount": "12.50",
                "date": "2025-05-01",
                "shipping_id": 3,
                "tax_customs_number": 77,
                "tax_customs_type": "import",
                "customs_tracking_number": "T1",
                "shipping_notes": "n",
                "description": "d",
            }
        ],
        additional_charges=[
            {
                "term": "Photo",
                "amount": "10.00",
                "tax": "1.00",
                "description": "x",
                "attached_to": "consignment",
            }
        ],
        finder_fees=[{"commission": "5%", "finder": finder.id, "item": None}],
        tax_type="vat",
        payment_instructions="wire",
    )

    # when
    response = await http.get(URL, headers=await auth(graphql, staff))

    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 1
    (row,) = body["data"]
    assert list(row) == list(FIELDS)
    assert row == {
        "id": str(consignment.id),
        "consignment_id": "CON-2025-001",
        "label": "Estate Jewelry Collection",
        "symbol": "A",
        "sub_symbol": "1",
        "published": True,
        "promoted": False,
        "status": {"id": "active", "value": "active", "label": "Active"},
        "owner": {
            "id": str(owner.id),
            "label": "John Smith - C1",
            "self": f"http://test/api/v1.0/datatable-clients/{owner.id}",
        },
        "customer_number": "C1",
        "sale": {"id": str(sale.id), "label": "Summer Auction 2025"},
        "estimated": 150050,
        "insurance_value": 200000,
        "insurance_type": "full",
        "underbid": 0.8,
        "house_consignment": False,
        "no_post_sale": False,
        "consignor_commission_step_type": "tiered",
        "consignor_commission_steps": [
            {"step_from": 0, "consignor_commission": "15%"},
            {"step_from": 100000, "consignor_commission": "50.00"},
        ],
        "shipping_methods": [
            {
                "shipping_id": 3,
                "amount": 12.5,
                "tax_customs_number": 77,
                "tax_customs_type": "import",
                "date": "2025-05-01",
                "type": "incoming",
                "method_type": {"id": "FedEx", "label": "FedEx"},
                "customs_tracking_number": "T1",
                "shipping_notes": "n",
                "description": "d",
            }
        ],
        "additional_charges": [
            {
                "amount": 10.0,
                "term": {"id": "Photo", "label": "Photo"},
                "description": "x",
                "attached_to": "consignment",
                "tax": 1.0,
            }
        ],
        "finder_fees": [
            {
                "commission": "5%",
                "finder": {"id": str(finder.id), "label": "Fay Finder"},
                "item": None,
            }
        ],
        "tax_type": "vat",
        "tax_customs_number": 77,
        "current_custom_shipping_id": None,
        "payment_instructions": "wire",
        "files": [],
        "responsible_user": [],
        "workflow": {"tasks": []},
        "statements": [],
        "closed_statements": [],
        "created": iso(consignment.created_at),
        "updated": iso(consignment.updated_at),
    }
    ListEnvelope[Consignment].model_validate(body, strict=True)


async def test_filters(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    sale = await factories.create_sale(session)
    smith = await factories.create_client(session, last_name="Smith", email="s@x.io")
    jones = await factories.create_client(session, last_name="Jones", email=None)
    a = await factories.create_consignment(
        session, consignor=smith, sale=sale, number="CON-2025-010", title="Coins", symbol="A"
    )
    b = await factories.create_consignment(
        session, consignor=jones, number="CON-2025-011", title="Stamps", symbol="B"
    )
    c = await factories.create_consignment(
        session,
        consignor=jones,
        sale=sale,
        number="H-1",
        title="House stock",
        is_house=True,
        finder_fees=[{"commission": "5%", "finder": smith.id, "item": None}],
    )
    headers = await auth(graphql, staff)
    cases = {
        f"sale_id={sale.id}": [a, c],
        f"filter[sale]={sale.id}": [a, c],
        "filter[status]=active": [a, b, c],
        f"filter[owner]={jones.id}": [b, c],
        "filter[owner_name]=smi": [a],
        "filter[finder_fees]=smit": [c],
        "filter[has_email]=1": [a],
        "filter[has_email]=0": [b, c],
        "filter[house_consignment]=1": [c],
        "filter[symbol]=B": [b],
        "workflow_filter=5": [a, b, c],
        "autocomplete[string]=con-2025": [a, b],
        "autocomplete[string]=stamp": [b],
        "global_search=house": [c],
    }

    for query, expected in cases.items():
        # when
        response = await http.get(f"{URL}?{query}&sort=id", headers=headers)

        # then
        assert response.status_code == 200, (query, response.json())
        assert ids(response.json()) == [str(x.id) for x in expected], query
        assert response.json()["count"] == len(expected)


async def test_sorts(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    a = await factories.create_consignment(
        session, number="CON-3", title="Beta", symbol="C", estimated=Decimal("5")
    )
    b = await factories.create_consignment(
        session, number="CON-1", title="Gamma", symbol="A", estimated=Decimal("9")
    )
    c = await factories.create_consignment(
        session, number="CON-2", title="Alpha", symbol="B", estimated=Decimal("1")
    )
    headers = await auth(graphql, staff)
    cases = {
        "": [c, b, a],
        "id": [a, b, c],
        "-id": [c, b, a],
        "consignment_id": [b, c, a],
        "label": [c, a, b],
        "-symbol": [a, c, b],
        "estimated": [c, a, b],
        "created,id": [a, b, c],
        "-updated,-id": [c, b, a],
    }

    for sort, expected in cases.items():
        # when
        response = await http.get(f"{URL}?sort={sort}" if sort else URL, headers=headers)

        # then
        assert response.status_code == 200, (sort, response.json())
        assert ids(response.json()) == [str(x.id) for x in expected], sort

    # when autocomplete without a sort: ordered by consignment_id
    response = await http.get(f"{URL}?autocomplete[string]=CON", headers=headers)

    # then
    assert ids(response.json()) == [str(x.id) for x in (b, c, a)]


async def test_token_mode_sees_only_own_consignments(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    assert bidder.client_id is not None
    owner = await session.get(models.Client, bidder.client_id)
    assert owner is not None
    own = await factories.create_consignment(session, consignor=owner)
    await factories.create_consignment(session)

    # when
    response = await http.get(URL, headers=await auth(graphql, bidder))

    # then
    assert response.status_code == 200
    assert ids(response.json()) == [str(own.id)]
    assert response.json()["count"] == 1


async def test_list_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = await auth(graphql, staff)

    # when
    bad_sort = await http.get(f"{URL}?sort=owner", headers=headers)
    bad_status = await http.get(f"{URL}?filter[status]=closed", headers=headers)
    bad_filter = await http.get(f"{URL}?filter[colour]=red", headers=headers)
    bad_sale = await http.get(f"{URL}?sale_id=abc", headers=headers)
    bad_workflow = await http.get(f"{URL}?workflow_filter=x", headers=headers)
    bad_bool = await http.get(f"{URL}?filter[has_email]=maybe", headers=headers)
    anonymous = await http.get(URL)

    # then
    for response in (bad_sort, bad_status, bad_filter, bad_sale, bad_workflow, bad_bool):
        assert response.status_code == 400, response.json()
    assert bad_sort.json()["errors"] == {"sort": ["Unknown field: owner"]}
    assert list(bad_status.json()["errors"]) == ["filter[status]"]
    assert bad_filter.json()["title"] == "Invalid filter"
    assert list(bad_sale.json()["errors"]) == ["sale_id"]
    assert list(bad_workflow.json()["errors"]) == ["workflow_filter"]
    assert list(bad_bool.json()["errors"]) == ["filter[has_email]"]
    assert anonymous.status_code == 401


async def consignment_activities(session: AsyncSession) -> list[tuple[str, int]]:
    session.expunge_all()
    result = await session.execute(
        sa.select(models.Activity.action, models.Activity.entity_id)
        .where(models.Activity.entity_type == models.EntityType.CONSIGNMENT)
        .order_by(models.Activity.id)
    )
    return [(a, i) for a, i in result.all()]


async def test_create_consignment_with_circuit_formats(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    owner = await factories.create_client(session, first_name="Ann", last_name="Owner")
    finder = await factories.create_client(session)
    sale = await factories.create_sale(session)

    # when
    response = await http.post(
        f"{URL}?sale_id={sale.id}",
        json={
            "label": "Estate Jewelry Collection",
            "owner": str(owner.id),
            "consignment_id": "CON-2025-900",
            "estimated": 150050,
            "insurance_value": "2000",
            "underbid": 0.8,
            "published": "0",
            "consignor_commission_step_type": "tiered",
            "consignor_commission_steps": [
                {"step_from": 0, "consignor_commission": "15%"},
                {"step_from": 100000, "consignor_commission": "50.00"},
            ],
            "shipping_methods": [
                {"type": "incoming", "amount": 12.5, "date": 1746057600000, "method_type": "UPS"}
            ],
            "finder_fees": [{"commission": "5%", "finder": finder.id}],
            "status": "closed",
            "house_consignment": True,
        },
        headers=await auth(graphql, staff),
    )

    # then
    assert response.status_code == 201, response.json()
    (row,) = response.json()["data"]
    assert list(row) == list(FIELDS)
    assert response.headers["Location"] == f"http://test{URL}/{row['id']}"
    assert row["label"] == "Estate Jewelry Collection"
    assert row["consignment_id"] == "CON-2025-900"
    assert row["owner"]["id"] == str(owner.id)
    assert row["sale"]["id"] == str(sale.id)
    assert row["estimated"] == 150050
    assert row["insurance_value"] == 2000
    assert row["underbid"] == 0.8
    assert row["published"] is False
    assert row["house_consignment"] is False
    assert row["consignor_commission_steps"] == [
        {"step_from": 0, "consignor_commission": "15%"},
        {"step_from": 100000, "consignor_commission": "50.00"},
    ]
    assert row["shipping_methods"][0]["date"] == "2025-05-01"
    assert row["shipping_methods"][0]["amount"] == 12.5
    assert row["finder_fees"][0]["commission"] == "5%"
    assert row["finder_fees"][0]["finder"]["id"] == str(finder.id)
    assert await consignment_activities(session) == [("create", int(row["id"]))]


async def test_create_errors(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    owner = await factories.create_client(session)
    sale = await factories.create_sale(session)
    taken = await factories.create_consignment(session, number="TAKEN")
    headers = await auth(graphql, staff)
    url = f"{URL}?sale_id={sale.id}"

    # when
    no_sale = await http.post(URL, json={"label": "X", "owner": owner.id}, headers=headers)
    no_label = await http.post(url, json={"owner": owner.id}, headers=headers)
    no_owner = await http.post(url, json={"label": "X"}, headers=headers)
    unknown_owner = await http.post(url, json={"label": "X", "owner": 999999}, headers=headers)
    duplicate = await http.post(
        url, json={"label": "X", "owner": owner.id, "consignment_id": "TAKEN"}, headers=headers
    )
    bad_formats = await http.post(
        url,
        json={"label": "X", "owner": owner.id, "estimated": "12.5", "published": "maybe"},
        headers=headers,
    )
    bad_shipping = await http.post(
        url,
        json={"label": "X", "owner": owner.id, "shipping_methods": [{"type": "sideways"}]},
        headers=headers,
    )
    as_bidder = await http.post(
        url, json={"label": "X", "owner": owner.id}, headers=await auth(graphql, bidder)
    )

    # then
    assert no_sale.status_code == 400
    assert list(no_sale.json()["errors"]) == ["sale_id"]
    assert no_label.status_code == 400
    assert no_label.json()["errors"] == {"label": ["This field is required."]}
    assert no_owner.status_code == 400
    assert no_owner.json()["errors"] == {"owner": ["This field is required."]}
    assert unknown_owner.status_code == 422
    assert list(unknown_owner.json()["errors"]) == ["owner"]
    assert duplicate.status_code == 422
    assert list(duplicate.json()["errors"]) == ["consignment_id"]
    assert bad_formats.status_code == 422
    assert set(bad_formats.json()["errors"]) == {"estimated", "published"}
    assert bad_shipping.status_code == 422
    assert list(bad_shipping.json()["errors"]) == ["shipping_methods[0].type"]
    assert as_bidder.status_code == 403
    assert taken.id is not None
    assert await consignment_activities(session) == []


async def test_update_consignment(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    bidder = await factories.create_bidder(session)
    new_owner = await factories.create_client(session)
    consignment = await factories.create_consignment(session, title="Old", symbol="Keep")
    headers = await auth(graphql, staff)

    # when
    response = await http.patch(
        f"{URL}/{consignment.id}",
        json={"label": "New", "owner": new_owner.id, "estimated": 500},
        headers=headers,
    )
    missing = await http.patch(f"{URL}/999999", json={"label": "X"}, headers=headers)
    empty_label = await http.patch(f"{URL}/{consignment.id}", json={"label": ""}, headers=headers)
    bad_step_type = await http.patch(
        f"{URL}/{consignment.id}",
        json={"consignor_commission_step_type": "random"},
        headers=headers,
    )
    as_bidder = await http.patch(
        f"{URL}/{consignment.id}", json={"label": "X"}, headers=await auth(graphql, bidder)
    )

    # then
    assert response.status_code == 200, response.json()
    (row,) = response.json()["data"]
    assert row["label"] == "New"
    assert row["symbol"] == "Keep"
    assert row["owner"]["id"] == str(new_owner.id)
    assert row["estimated"] == 500
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Consignment with ID 999999 does not exist"
    assert empty_label.status_code == 422
    assert list(empty_label.json()["errors"]) == ["label"]
    assert bad_step_type.status_code == 422
    assert list(bad_step_type.json()["errors"]) == ["consignor_commission_step_type"]
    assert as_bidder.status_code == 403
    assert await consignment_activities(session) == [("update", consignment.id)]
