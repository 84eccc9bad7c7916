"""Ids no PostgreSQL integer holds, or written in non-ASCII digits (``²``), are refused like any
unknown id (404, 400 or 422 as each endpoint documents), never a 500 (found by schemathesis)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.graphql_client import GraphQLClient

HUGE = "99999999999999999999"
SUPERSCRIPT = "%C2%B2"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/api/v1.0/datatable-clients/{SUPERSCRIPT}", 404),
        (f"/api/v1.0/datatable-clients/{HUGE}", 404),
        (f"/api/v1.0/client-address/{HUGE}", 404),
        (f"/api/v1.0/client-address/{SUPERSCRIPT}", 404),
        (f"/api/v1.0/get-file/{HUGE}", 404),
        (f"/api/v1.0/get-file/{SUPERSCRIPT}", 404),
        (f"/files/{HUGE}/content", 404),
        (f"/api/v2/auction/products/{HUGE}", 404),
        (f"/api/v1.0/datatable-sales/{SUPERSCRIPT}", 404),
        (f"/api/v1.0/datatable-sales/{HUGE}", 404),
        (f"/api/v1.0/datatable-items/{SUPERSCRIPT}", 404),
        (f"/api/v1.0/datatable-items/{HUGE}", 404),
        (f"/api/v1.0/orders/{SUPERSCRIPT}", 404),
        (f"/api/v1.0/orders/{HUGE}", 404),
        (f"/api/v1.0/notes?filter[reference]={HUGE}", 400),
        (f"/api/v1.0/advancedqueue_item?filter[item_id]={HUGE}", 400),
        (f"/api/v1.0/datatable-clients?page={HUGE}", 400),
        (f"/api/v1.0/datatable-clients?range={SUPERSCRIPT}", 400),
    ],
)
async def test_odd_ids_in_paths_and_queries(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession, path: str, status: int
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = {"Authorization": f"Bearer {await graphql.token_for(staff)}"}

    # when
    response = await http.get(path, headers=headers)

    # then
    assert response.status_code == status


async def test_odd_ids_in_bodies(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = {"Authorization": f"Bearer {await graphql.token_for(staff)}"}

    # when
    bulk = await http.post(
        "/api/v1.0/bulk-dispatcher",
        json={"operation": "export_data", "entity_type": "client", "ids": [int(HUGE)]},
        headers=headers,
    )
    connect = await http.post(
        "/api/v1.0/client-connect", json={"clients": [HUGE, "²"]}, headers=headers
    )
    birthday = await http.post(
        "/api/v1.0/datatable-clients",
        json={"first_name": "Ada", "birthdate": HUGE, "address": {"country": "DE"}},
        headers=headers,
    )

    # then
    assert bulk.status_code == 422
    assert connect.status_code == 422
    assert birthday.status_code == 422
    assert list(birthday.json()["errors"]) == ["birthdate"]
