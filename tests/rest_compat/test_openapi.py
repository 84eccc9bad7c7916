"""OpenAPI 3.1 at /api/openapi.json, Swagger UI at /api/docs, A10 bodies for unknown paths."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"


async def test_openapi_describes_the_rest_endpoints(http: httpx.AsyncClient) -> None:
    # when
    response = await http.get("/api/openapi.json")

    # then
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.1")
    paths = spec["paths"]
    assert set(paths) >= {
        "/api/login-token",
        "/api/v1.0/datatable-clients",
        "/api/v1.0/datatable-clients/{id}",
        "/api/v1.0/client-connect",
        "/api/v1.0/client-merge",
        "/api/v1.0/client-address",
        "/api/v1.0/client-address/{id}",
        "/api/v1.0/orders",
        "/api/v1.0/orders/{id}",
        "/api/v1.0/order-split",
        "/api/v1.0/order-create-credit-note/{order_id}",
        "/api/v1.0/order-cancel-and-reissue/{order_id}",
        "/api/v1.0/transactions",
    }
    assert not any(path.startswith("/graphql") for path in paths)
    assert set(paths["/api/v1.0/datatable-clients/{id}"]) == {"get", "patch"}
    assert set(paths["/api/v1.0/orders"]) == {"get", "post"}
    assert set(paths["/api/v1.0/orders/{id}"]) == {"get", "patch"}
    assert set(paths["/api/v1.0/transactions"]) == {"get", "post"}
    assert set(paths["/api/v1.0/client-address/{id}"]) == {"get", "patch", "delete"}
    schemas = spec["components"]["schemas"]
    client = schemas["Client"]["properties"]
    assert {"id", "uuid", "label", "status", "balance", "philaworksplace_id"} <= set(client)
    assert schemas["Client"]["required"] == ["id"]
    listed = paths["/api/v1.0/datatable-clients"]["get"]["responses"]
    assert set(listed) >= {"200", "400", "401", "403"}
    envelope = listed["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schemas[envelope]["properties"]) == {"data", "count", "self", "next"}
    assert schemas["ErrorBody"]["required"] == ["type", "title", "status"]
    create = paths["/api/v1.0/datatable-clients"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert {"uuid", "email", "birthdate", "address", "invoice_release_limit"} <= set(
        body["properties"]
    )
    assert set(create["responses"]) >= {"200", "201", "422"}
    merge = paths["/api/v1.0/client-merge"]["post"]["requestBody"]
    assert merge["content"]["application/json"]["schema"]["required"] == [
        "source_clients",
        "target_client",
    ]


async def test_swagger_ui(http: httpx.AsyncClient) -> None:
    # when
    response = await http.get("/api/docs")

    # then
    assert response.status_code == 200
    assert "/api/openapi.json" in response.text


async def test_unknown_path_and_method_get_the_error_body(http: httpx.AsyncClient) -> None:
    # when
    unknown = await http.get("/api/v1.0/nothing-here")
    put = await http.put("/api/v1.0/client-address/1")

    # then
    assert unknown.status_code == 404
    assert unknown.json() == {
        "type": f"{RFC2616}#sec10.4.5",
        "title": "Resource not found",
        "status": 404,
    }
    assert put.status_code == 405
    assert put.json()["type"] == f"{RFC2616}#sec10.4.6"
    assert set(put.headers["allow"].split(", ")) == {"GET", "PATCH", "DELETE"}


async def test_an_unexpected_error_is_a_500_with_the_error_body(app: Any) -> None:
    # given
    @app.get("/api/v1.0/test-boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    # when
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/api/v1.0/test-boom")

    # then
    assert response.status_code == 500
    assert response.json() == {
        "type": f"{RFC2616}#sec10.5.1",
        "title": "Internal Server Error",
        "status": 500,
    }


async def test_trailing_slashes_are_not_significant(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = {"Authorization": f"Bearer {await graphql.token_for(staff)}"}

    # when
    response = await http.get("/api/v1.0/datatable-clients/", headers=headers)

    # then
    assert response.status_code == 200
    assert response.json()["count"] == 0


async def test_bodies_that_are_not_json_objects(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    headers = {"Authorization": f"Bearer {await graphql.token_for(staff)}"}
    url = "/api/v1.0/datatable-clients"

    # when
    form = await http.post(url, data={"first_name": "x"}, headers=headers)
    array = await http.post(url, json=[1], headers=headers)

    # then
    assert form.status_code == 415
    assert form.json() == {
        "type": f"{RFC2616}#sec10.4.16",
        "title": "Unsupported Media Type",
        "status": 415,
        "detail": "Send the body as application/json.",
    }
    assert array.status_code == 400
    assert array.json()["detail"] == "The request body must be a JSON object."


async def test_openapi_describes_notes_queue_bulk_me_and_pusher_auth(
    http: httpx.AsyncClient,
) -> None:
    # when
    spec = (await http.get("/api/openapi.json")).json()

    # then
    paths = spec["paths"]
    assert set(paths["/api/v1.0/notes"]) == {"get"}
    assert set(paths["/api/v1.0/advancedqueue_item"]) == {"get"}
    assert set(paths["/api/v1.0/bulk-dispatcher"]) == {"post"}
    assert set(paths["/api/me"]) == {"get"}
    assert set(paths["/api/v1.0/pusher_auth"]) == {"get", "post"}
    assert set(paths["/api/v1.0/pusher_auth"]["post"]["responses"]) >= {"403", "501"}
    schemas = spec["components"]["schemas"]
    note = schemas["Note"]["properties"]
    assert note["id"]["type"] == "integer"
    assert {"label", "published", "created", "updated", "author", "vid", "reference"} <= set(note)
    bulk = paths["/api/v1.0/bulk-dispatcher"]["post"]["requestBody"]["content"]
    assert bulk["application/json"]["schema"]["required"] == ["operation", "ids"]
