"""A1: ``/{lang}/api/v1.0/…`` is served like ``/api/v1.0/…``, and its links keep the prefix."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.graphql_client import GraphQLClient


async def _headers(graphql: GraphQLClient, session: AsyncSession) -> dict[str, str]:
    staff = await factories.create_staff(session)
    graphql.session.expunge_all()
    return {"Authorization": f"Bearer {await graphql.token_for(staff)}"}


async def test_a_language_prefix_serves_the_same_list_and_its_links_keep_it(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    headers = await _headers(graphql, session)
    for _ in range(2):
        await factories.create_sale(session)

    # when
    plain = await http.get("/api/v1.0/datatable-sales?range=1", headers=headers)
    prefixed = await http.get("/en/api/v1.0/datatable-sales?range=1", headers=headers)

    # then
    assert prefixed.status_code == 200
    assert prefixed.json()["data"] == plain.json()["data"]
    assert prefixed.json()["self"]["href"] == "http://test/en/api/v1.0/datatable-sales?range=1"
    assert prefixed.json()["next"]["href"] == (
        "http://test/en/api/v1.0/datatable-sales?range=1&page=1"
    )
    assert plain.json()["next"]["href"] == "http://test/api/v1.0/datatable-sales?range=1&page=1"


async def test_created_resources_are_located_under_the_prefix(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    headers = await _headers(graphql, session)

    # when
    response = await http.post(
        "/de/api/v1.0/datatable-clients/",
        json={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        headers=headers,
    )

    # then
    assert response.status_code == 201
    (client,) = response.json()["data"]
    assert response.headers["location"] == (
        f"http://test/de/api/v1.0/datatable-clients/{client['id']}"
    )


async def test_only_two_letter_prefixes_of_the_circuit_api_are_routed(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    headers = await _headers(graphql, session)

    # when
    long_prefix = await http.get("/eng/api/v1.0/datatable-sales", headers=headers)
    login = await http.get("/en/api/login-token")

    # then
    assert long_prefix.status_code == 404
    assert login.status_code == 404
