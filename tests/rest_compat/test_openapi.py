"""OpenAPI 3.1 at /api/openapi.json, Swagger UI at /api/docs, A10 bodies for unknown paths."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from rest_compat.circuit import (
    addresses,
    clients,
    consignments,
    items,
    notes,
    orders,
    queue,
    sales,
    transactions,
)
from rest_compat.openapi import filter_schema
from rest_compat.query import Kind, Resource
from tests import factories
from tests.graphql_client import GraphQLClient

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"

LISTS: dict[str, tuple[Resource, set[str]]] = {
    "/api/v1.0/datatable-clients": (clients.CLIENTS, set()),
    "/api/v1.0/client-address": (addresses.ADDRESSES, set()),
    "/api/v1.0/datatable-consignments": (
        consignments.CONSIGNMENTS,
        {"sale_id", "workflow_filter", "autocomplete[string]"},
    ),
    "/api/v1.0/orders": (orders.ORDERS, set()),
    "/api/v1.0/datatable-items": (items.ITEMS, {"sale_id"}),
    "/api/v1.0/items-list": (items.ITEMS, {"sale_id"}),
    "/api/v1.0/datatable-sales": (sales.SALES, set()),
    "/api/v1.0/transactions": (transactions.TRANSACTIONS, set()),
    "/api/v1.0/notes": (notes.NOTES, {"filter[reference]"}),
    "/api/v1.0/advancedqueue_item": (queue.QUEUE, set()),
}
"""Each Circuit list, the Resource its route parses, and the parameters it reads besides."""
SINGLES = {
    "/api/v1.0/datatable-clients/{id}": clients.CLIENTS,
    "/api/v1.0/client-address/{id}": addresses.ADDRESSES,
    "/api/v1.0/orders/{id}": orders.ORDERS,
    "/api/v1.0/datatable-items/{id}": items.ITEMS,
    "/api/v1.0/datatable-sales/{id}": sales.SALES,
}
"""Single-entity GETs that take ``fields`` (A6)."""


def query_parameters(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def expected_names(resource: Resource) -> set[str]:
    """What ``parse_list`` reads for ``resource``: the expectation is derived, not listed."""
    names = {"range", "page", "fields"} | {f"filter[{name}]" for name in resource.filters}
    if resource.sorts:
        names.add("sort")
    if resource.search:
        names.add("global_search")
    return names


def accepts(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


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


async def test_every_circuit_list_is_known_here(http: httpx.AsyncClient) -> None:
    # when
    spec = (await http.get("/api/openapi.json")).json()

    # then
    listed = {
        path
        for path, methods in spec["paths"].items()
        if "get" in methods
        and "ListEnvelope"
        in methods["get"]["responses"]["200"]["content"]["application/json"]["schema"].get(
            "$ref", ""
        )
    }
    assert listed == set(LISTS)


async def test_every_list_declares_every_parameter_its_resource_reads(
    http: httpx.AsyncClient,
) -> None:
    # when
    spec = (await http.get("/api/openapi.json")).json()

    # then
    for path, (resource, extra) in LISTS.items():
        declares_what_it_reads(spec["paths"][path]["get"], resource, extra)


def declares_what_it_reads(operation: dict[str, Any], resource: Resource, extra: set[str]) -> None:
    declared = query_parameters(operation)
    assert set(declared) == expected_names(resource) | extra, operation["summary"]
    assert not any(p["required"] for p in declared.values())
    size, page = declared["range"]["schema"], declared["page"]["schema"]
    assert (size["type"], size["minimum"], size["default"]) == ("integer", 1, 25)
    assert "500" in declared["range"]["description"]
    assert (page["type"], page["minimum"], page["default"]) == ("integer", 0, 0)
    fields = declared["fields"]["schema"]["pattern"]
    assert all(accepts(fields, name) for name in resource.fields)
    assert accepts(fields, ",".join(resource.fields[:3]))
    assert not accepts(fields, "no_such_field")
    assert all(name in declared["fields"]["description"] for name in resource.fields)
    if resource.sorts:
        sort = declared["sort"]["schema"]["pattern"]
        for name in resource.sorts:
            assert accepts(sort, name)
            assert accepts(sort, f"-{name}")
            assert name in declared["sort"]["description"]
        assert accepts(sort, ",".join(f"-{name}" for name in list(resource.sorts)[:2]))
        assert not accepts(sort, "no_such_sort")
    for name, spec in resource.filters.items():
        parameter = declared[f"filter[{name}]"]
        assert parameter["schema"] == filter_schema(spec)
        assert f"filter[{name}][value][from]" in parameter["description"]
        assert f"filter[{name}][operator]" in parameter["description"]


def test_filter_schemas_follow_the_kind() -> None:
    # given
    kinds = {
        spec.kind: filter_schema(spec)
        for _, (resource, _) in LISTS.items()
        for spec in resource.filters.values()
    }

    # then
    assert kinds[Kind.ID]["type"] == "integer"
    assert kinds[Kind.BOOL] == {"type": "boolean"}
    assert kinds[Kind.DATETIME] == {"type": "string", "format": "date-time"}
    assert kinds[Kind.TEXT] == {"type": "string"}
    assert accepts(kinds[Kind.MONEY]["pattern"], "1250.50")
    assert filter_schema(clients.CLIENTS.filters["status"]) == {
        "type": "string",
        "enum": list(clients.CLIENTS.filters["status"].choices),
    }


async def test_single_entity_gets_declare_fields(http: httpx.AsyncClient) -> None:
    # when
    spec = (await http.get("/api/openapi.json")).json()

    # then
    for path, resource in SINGLES.items():
        declared = query_parameters(spec["paths"][path]["get"])
        assert set(declared) == {"fields"}, path
        assert all(accepts(declared["fields"]["schema"]["pattern"], n) for n in resource.fields)


async def test_the_token_may_come_as_a_header_or_as_access_token(http: httpx.AsyncClient) -> None:
    # when
    spec = (await http.get("/api/openapi.json")).json()

    # then
    schemes = spec["components"]["securitySchemes"]
    assert (schemes["bearer"]["type"], schemes["bearer"]["scheme"]) == ("http", "bearer")
    assert {k: schemes["access_token"][k] for k in ("type", "in", "name")} == {
        "type": "apiKey",
        "in": "query",
        "name": "access_token",
    }
    for path, methods in spec["paths"].items():
        if not path.startswith("/api/v1.0") and path != "/api/me":
            continue
        for method, operation in methods.items():
            assert {"bearer": []} in operation["security"], (method, path)
            assert {"access_token": []} in operation["security"], (method, path)
