"""GraphQL over HTTP: media type negotiation, status codes, GET, and the JSON encoding."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from graph.router import negotiate_media_type
from tests import factories

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"

SALES_QUERY = "query Sales { sales(first: 1) { totalCount } }"
SYNTAX_ERROR_QUERY = "query Sales { sales(first: 1) { totalCount }"
VALIDATION_ERROR_QUERY = "query Sales { sales(first: 1) { noSuchField } }"
VARIABLES_QUERY = "query Sales($first: Int!) { sales(first: $first) { totalCount } }"
PARTIAL_DATA_QUERY = """
query Partial {
  sales(first: 1) { totalCount }
  node(id: "not-a-global-id") { id }
}
"""
NULL_DATA_QUERY = "query TooMany { sales(first: 1000) { totalCount } }"
MUTATION = "mutation Nothing { __typename }"
ITEM_QUERY = """
query Item($id: ID!) {
  node(id: $id) {
    ... on Item { title currentBid estimateLow startingPrice }
  }
}
"""
SALE_TITLE_QUERY = "query Titles { sales(first: 5) { nodes { title } } }"


async def _post(
    http: httpx.AsyncClient,
    body: Any,
    *,
    accept: str | None,
    content_type: str = APPLICATION_JSON,
) -> httpx.Response:
    """POST ``body`` (a dict is JSON-encoded; bytes are sent as they are)."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = http.build_request(
        "POST", "/graphql", content=content, headers={"Content-Type": content_type}
    )
    _set_accept(request, accept)
    return await http.send(request)


async def _get(
    http: httpx.AsyncClient, params: dict[str, str], *, accept: str | None
) -> httpx.Response:
    request = http.build_request("GET", "/graphql", params=params)
    _set_accept(request, accept)
    return await http.send(request)


def _set_accept(request: httpx.Request, accept: str | None) -> None:
    # httpx sends `Accept: */*` by default; None means no Accept header at all.
    if accept is None:
        del request.headers["Accept"]
    else:
        request.headers["Accept"] = accept


def _media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize(
    ("_case", "accept", "expected"),
    [
        ("no header", None, APPLICATION_JSON),
        ("empty header", "", APPLICATION_JSON),
        ("wildcard", "*/*", APPLICATION_JSON),
        ("application wildcard", "application/*", APPLICATION_JSON),
        ("legacy", "application/json", APPLICATION_JSON),
        ("new type", GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (
            "recommended header",
            f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8, application/json; charset=utf-8",
            GRAPHQL_RESPONSE_JSON,
        ),
        ("first listed wins", f"application/json, {GRAPHQL_RESPONSE_JSON}", APPLICATION_JSON),
        ("quality wins", f"{GRAPHQL_RESPONSE_JSON};q=0.5, application/json", APPLICATION_JSON),
        ("refused legacy", "application/json;q=0, */*", GRAPHQL_RESPONSE_JSON),
        ("browser", "text/html,application/xml;q=0.9,*/*;q=0.8", APPLICATION_JSON),
        ("unsupported", "text/plain", None),
        ("xml", "application/xml", None),
        ("garbage", "garbage", None),
    ],
)
def test_negotiate_media_type(_case: str, accept: str | None, expected: str | None) -> None:
    assert negotiate_media_type(accept) == expected


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON, None])
async def test_query_answers_in_the_negotiated_media_type(
    http: httpx.AsyncClient, accept: str | None
) -> None:
    # given
    expected = accept or APPLICATION_JSON

    # when
    response = await _post(http, {"query": SALES_QUERY}, accept=accept)

    # then
    assert response.status_code == 200
    assert _media_type(response) == expected
    assert response.json() == {"data": {"sales": {"totalCount": 0}}}


async def test_new_media_type_declares_utf8(http: httpx.AsyncClient) -> None:
    # when
    response = await _post(http, {"query": SALES_QUERY}, accept=GRAPHQL_RESPONSE_JSON)

    # then
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        (
            "syntax error",
            {"query": SYNTAX_ERROR_QUERY},
            "Syntax Error: Expected Name, found <EOF>.",
        ),
        (
            "validation error",
            {"query": VALIDATION_ERROR_QUERY},
            "Cannot query field 'noSuchField' on type 'SaleConnection'.",
        ),
        (
            "variable coercion error",
            {"query": VARIABLES_QUERY, "variables": {"first": "many"}},
            "Variable '$first' has invalid value: Int cannot represent non-integer value: 'many'",
        ),
        (
            "unknown operation name",
            {"query": SALES_QUERY, "operationName": "Other"},
            'Unknown operation named "Other".',
        ),
    ],
)
@pytest.mark.parametrize(
    ("accept", "status"), [(GRAPHQL_RESPONSE_JSON, 400), (APPLICATION_JSON, 200)]
)
async def test_request_errors_are_400_only_for_the_new_media_type(
    http: httpx.AsyncClient,
    _case: str,
    body: dict[str, Any],
    message: str,
    accept: str,
    status: int,
) -> None:
    # when
    response = await _post(http, body, accept=accept)

    # then
    assert response.status_code == status
    assert _media_type(response) == accept
    payload = response.json()
    assert "data" not in payload  # a request error has no `data` entry
    assert [error["message"] for error in payload["errors"]] == [message]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON])
async def test_field_error_with_partial_data_is_200(http: httpx.AsyncClient, accept: str) -> None:
    # when
    response = await _post(http, {"query": PARTIAL_DATA_QUERY}, accept=accept)

    # then
    assert response.status_code == 200
    assert _media_type(response) == accept
    payload = response.json()
    assert payload["data"] == {"sales": {"totalCount": 0}, "node": None}
    assert len(payload["errors"]) == 1
    assert payload["errors"][0]["path"] == ["node"]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON])
async def test_field_error_nulling_all_data_is_still_200(
    http: httpx.AsyncClient, accept: str
) -> None:
    # when
    response = await _post(http, {"query": NULL_DATA_QUERY}, accept=accept)

    # then: execution ran, so `data` is present (null) and the spec recommends 200
    assert response.status_code == 200
    payload = response.json()
    assert payload["data"] is None
    assert len(payload["errors"]) == 1
    assert payload["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert payload["errors"][0]["message"] == "`first` must be at most 100"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON, None])
@pytest.mark.parametrize("body", [b"NONSENSE", b'{"query":'])
async def test_malformed_json_body_is_400(
    http: httpx.AsyncClient, body: bytes, accept: str | None
) -> None:
    # when
    response = await _post(http, body, accept=accept)

    # then
    assert response.status_code == 400
    assert response.text == "Unable to parse request body as JSON"


@pytest.mark.parametrize(
    ("_case", "body", "reason"),
    [
        ("no query", {"qeury": SALES_QUERY}, "No GraphQL query found in the request"),
        (
            "query not a string",
            {"query": {"sales": 1}},
            "The GraphQL operation's `query` must be a string or null, if provided.",
        ),
        (
            "variables not an object",
            {"query": VARIABLES_QUERY, "variables": [7]},
            "The GraphQL operation's `variables` must be an object or null, if provided.",
        ),
    ],
)
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON])
async def test_request_that_is_not_graphql_over_http_is_400(
    http: httpx.AsyncClient, _case: str, body: dict[str, Any], reason: str, accept: str
) -> None:
    # when
    response = await _post(http, body, accept=accept)

    # then
    assert response.status_code == 400
    assert response.text == reason


@pytest.mark.parametrize("accept", ["text/plain", "application/xml", "multipart/mixed"])
async def test_unsupported_accept_is_406(http: httpx.AsyncClient, accept: str) -> None:
    # when
    posted = await _post(http, {"query": SALES_QUERY}, accept=accept)
    fetched = await _get(http, {"query": SALES_QUERY}, accept=accept)

    # then
    for response in (posted, fetched):
        assert response.status_code == 406
        assert response.text == (
            "Accept application/graphql-response+json or application/json in the response."
        )


@pytest.mark.parametrize("content_type", ["text/plain", "application/graphql", ""])
async def test_body_that_is_not_json_is_415(http: httpx.AsyncClient, content_type: str) -> None:
    # when
    response = await _post(
        http, {"query": SALES_QUERY}, accept=GRAPHQL_RESPONSE_JSON, content_type=content_type
    )

    # then
    assert response.status_code == 415
    assert response.text == "Send the request body as application/json."


async def test_json_body_with_charset_is_accepted(http: httpx.AsyncClient) -> None:
    # when
    response = await _post(
        http,
        {"query": SALES_QUERY},
        accept=GRAPHQL_RESPONSE_JSON,
        content_type="application/json; charset=utf-8",
    )

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"sales": {"totalCount": 0}}}


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON])
async def test_get_runs_a_query(
    http: httpx.AsyncClient, session: AsyncSession, accept: str
) -> None:
    # given
    await factories.create_sale(session)

    # when
    response = await _get(
        http,
        {"query": VARIABLES_QUERY, "variables": '{"first": 1}', "operationName": "Sales"},
        accept=accept,
    )

    # then
    assert response.status_code == 200
    assert _media_type(response) == accept
    assert response.json() == {"data": {"sales": {"totalCount": 1}}}


async def test_get_validation_error_is_400_with_new_media_type(http: httpx.AsyncClient) -> None:
    # when
    response = await _get(http, {"query": VALIDATION_ERROR_QUERY}, accept=GRAPHQL_RESPONSE_JSON)

    # then
    assert response.status_code == 400
    assert len(response.json()["errors"]) == 1


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON])
async def test_get_rejects_a_mutation_with_405(http: httpx.AsyncClient, accept: str) -> None:
    # when
    response = await _get(http, {"query": MUTATION}, accept=accept)

    # then
    assert response.status_code == 405
    assert response.text == "mutations are not allowed when using GET"


async def test_get_without_query_in_a_browser_shows_graphiql(http: httpx.AsyncClient) -> None:
    # when
    response = await _get(http, {}, accept="text/html,application/xhtml+xml")

    # then
    assert response.status_code == 200
    assert _media_type(response) == "text/html"
    assert "graphiql" in response.text.lower()


async def test_response_is_orjson_encoded(http: httpx.AsyncClient, session: AsyncSession) -> None:
    # given: non-ASCII text, which orjson writes as UTF-8 where the json module escapes it
    await factories.create_sale(session, title="Vente d'été — Zürich")

    # when
    response = await _post(http, {"query": SALE_TITLE_QUERY}, accept=GRAPHQL_RESPONSE_JSON)

    # then
    assert response.status_code == 200
    assert response.content == orjson.dumps(response.json())
    assert "Vente d'été — Zürich".encode() in response.content


async def test_decimal_is_serialized_as_a_two_decimal_string(
    http: httpx.AsyncClient, session: AsyncSession
) -> None:
    # given
    item = await factories.create_item(
        session,
        current_bid=Decimal("1250.5"),
        estimate_low=Decimal("1000"),
        starting_price=Decimal("99.99"),
    )
    # when
    response = await _post(
        http,
        {"query": ITEM_QUERY, "variables": {"id": to_base64("Item", item.id)}},
        accept=GRAPHQL_RESPONSE_JSON,
    )

    # then
    assert response.status_code == 200
    assert response.json()["data"]["node"] == {
        "title": item.title,
        "currentBid": "1250.50",
        "estimateLow": "1000.00",
        "startingPrice": "99.99",
    }
    assert b'"currentBid":"1250.50"' in response.content
