"""The e-commerce auction API (rest-api.md Part C): shapes, rules and errors, end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient

D = Decimal
PRODUCT_FIELDS = {
    "id": int,
    "name": str,
    "thumbnail_image": (str, type(None)),
    "unit_price": (int, float),
    "currency": str,
    "lot": str,
    "auction_product": int,
    "auction_start_date": int,
    "auction_end_date": int,
    "current_bid": (int, float),
    "total_bids": int,
    "min_bid_increment": (int, float),
    "next_minimum_bid": (int, float),
}
META_FIELDS = {"current_page", "from", "last_page", "path", "per_page", "to", "total"}


def now() -> datetime:
    return datetime.now(UTC)


async def auth(graphql: GraphQLClient, user: models.User) -> dict[str, str]:
    return {"Authorization": f"Bearer {await graphql.token_for(user)}"}


def assert_product_shape(product: dict[str, Any]) -> None:
    for name, kind in PRODUCT_FIELDS.items():
        assert isinstance(product[name], kind), (name, product[name])
    assert product["auction_product"] == 1


async def _lot(session: AsyncSession, **overrides: Any) -> models.Item:
    sale = overrides.pop("sale", None) or await factories.create_sale(session)
    overrides.setdefault("status", models.ItemStatus.AVAILABLE)
    return await factories.create_item(session, sale=sale, **overrides)


async def test_active_products_end_soonest_first_in_the_laravel_envelope(
    http: httpx.AsyncClient, session: AsyncSession
) -> None:
    # given: two running auctions, one upcoming, one ended, one of a live sale
    sale = await factories.create_sale(session, ends_at=now() + timedelta(days=3))
    later = await _lot(session, sale=sale, closes_at=now() + timedelta(hours=5))
    sooner = await _lot(session, sale=sale, closes_at=now() + timedelta(hours=1))
    await _lot(session, sale=sale, starts_at=now() + timedelta(hours=1))
    await _lot(session, sale=sale, closes_at=now() - timedelta(minutes=1))
    live = await factories.create_sale(session, kind=models.SaleKind.LIVE)
    await _lot(session, sale=live)

    # when
    response = await http.get("/api/v2/auction/products", params={"per_page": 1})

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["status"] == 200
    assert set(body["meta"]) == META_FIELDS
    assert body["meta"]["total"] == 2
    assert body["meta"]["last_page"] == 2
    assert (body["meta"]["from"], body["meta"]["to"]) == (1, 1)
    assert body["links"]["prev"] is None
    assert body["links"]["next"].endswith("page=2")
    [product] = body["data"]
    assert_product_shape(product)
    assert product["id"] == sooner.id
    assert product["auction_end_date"] == int(sooner.closes_at.timestamp())  # type: ignore[union-attr]
    assert product["current_bid"] == 0
    assert product["next_minimum_bid"] == 50.0  # the starting price, before any bid
    second = (await http.get("/api/v2/auction/products?per_page=1&page=2")).json()
    assert [p["id"] for p in second["data"]] == [later.id]


@pytest.mark.parametrize(
    "query",
    # page=10**20 was a 500 (an OFFSET beyond bigint); a full-width 1 was read as page 1
    ["page=0", "page=x", "per_page=101", "page=100000000000000000000", "page=%EF%BC%91"],
)
async def test_a_bad_page_is_422(http: httpx.AsyncClient, query: str) -> None:
    response = await http.get(f"/api/v2/auction/products?{query}")

    assert response.status_code == 422
    body = response.json()
    assert body["result"] is False
    assert body["message"] == next(iter(body["errors"].values()))[0]


async def test_details_show_bids_newest_first_and_only_your_own_user_id(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: two bids through the API
    item = await _lot(session, starting_price=D("100.00"), description="<p>Fine</p>")
    alice, bob = await factories.create_bidder(session), await factories.create_bidder(session)
    placed = []
    for user, amount in ((alice, 100), (bob, 110)):
        response = await http.post(
            "/api/v2/auction/place-bid",
            json={"product_id": item.id, "amount": amount},
            headers=await auth(graphql, user),
        )
        placed.append(response.json())

    # when
    response = await http.get(
        f"/api/v2/auction/products/{item.id}", headers=await auth(graphql, alice)
    )

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert_product_shape(data)
    assert data["auction_status"] == "active"
    assert data["description"] == "<p>Fine</p>"
    assert data["current_bid"] == 110.0
    assert data["total_bids"] == 2
    assert data["min_bid_increment"] == 10.0
    assert data["next_minimum_bid"] == 120.0
    assert [b["amount"] for b in data["bids"]] == [110.0, 100.0]
    assert data["highest_bid"] == data["bids"][0]
    assert data["bids"][0]["user_id"] is None  # bob's bid, seen by alice
    assert data["bids"][1]["user_id"] == alice.id
    assert all(b["paddle"].startswith("P") for b in data["bids"])
    assert data["bids"][0]["id"] == placed[1]["bid_id"]
    assert data["bids"][0]["created_at"].endswith("Z")


async def test_an_unpublished_lot_or_a_live_lot_is_not_a_product(
    http: httpx.AsyncClient, session: AsyncSession
) -> None:
    hidden = await _lot(session, published=False)
    live = await _lot(session, sale=await factories.create_sale(session, kind=models.SaleKind.LIVE))

    for item_id in (hidden.id, live.id, 999999, "abc"):
        response = await http.get(f"/api/v2/auction/products/{item_id}")
        assert response.status_code == 404
        assert response.json() == {"result": False, "message": "Auction product not found."}


async def test_a_bid_through_rest_is_a_bid_of_the_graph(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: a lot with a competing proxy maximum of 300
    item = await _lot(session, starting_price=D("100.00"))
    rival, me = await factories.create_bidder(session), await factories.create_bidder(session)
    first = await http.post(
        "/api/v2/auction/place-bid",
        json={"product_id": item.id, "amount": 100, "max_amount": "300"},
        headers=await auth(graphql, rival),
    )
    assert first.json()["is_highest_bidder"] is True

    # when: I bid 150, and the rival's proxy answers at once
    response = await http.post(
        "/api/v2/auction/place-bid",
        json={"product_id": item.id, "amount": 150},
        headers=await auth(graphql, me),
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "result",
        "message",
        "bid_id",
        "current_bid",
        "is_highest_bidder",
        "auction_end_date",
    }
    assert body["result"] is True
    assert body["message"] == "Bid placed successfully"
    assert body["is_highest_bidder"] is False
    assert body["current_bid"] == 160.0
    graph = await graphql.data(
        "query ($id: ID!) { node(id: $id) { ... on Item { currentBid bidCount "
        "bids(first: 5) { nodes { sequence amount isProxy } } } } }",
        {"id": to_base64("Item", item.id)},
    )
    assert graph["node"]["currentBid"] == "160.00"
    assert graph["node"]["bidCount"] == 3
    assert sorted(b["sequence"] for b in graph["node"]["bids"]["nodes"]) == [1, 2, 3]


async def test_the_same_idempotency_key_answers_the_first_result(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    item = await _lot(session, starting_price=D("100.00"))
    me = await factories.create_bidder(session)
    headers = {**await auth(graphql, me), "Idempotency-Key": "k-1"}

    first = await http.post(
        "/api/v2/auction/place-bid", json={"product_id": item.id, "amount": 100}, headers=headers
    )
    again = await http.post(
        "/api/v2/auction/place-bid", json={"product_id": item.id, "amount": 100}, headers=headers
    )

    assert again.json() == first.json()
    count = await session.scalar(
        sa.select(sa.func.count()).select_from(models.Bid).where(models.Bid.item_id == item.id)
    )
    assert count == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"amount": 100}, "product_id", "The product id field is required."),
        (
            {"product_id": "x", "amount": 100},
            "product_id",
            "The product id field must be an integer.",
        ),
        ({"product_id": 1}, "amount", "The amount field is required."),
        ({"product_id": 1, "amount": -5}, "amount", "The amount field must be greater than 0."),
        (
            {"product_id": 1, "amount": "100.123"},
            "amount",
            "The amount field must have at most 2 decimal places.",
        ),
        (
            {"product_id": 1, "amount": 100, "max_amount": 50},
            "max_amount",
            "The max amount field must be greater than or equal to amount.",
        ),
    ],
)
async def test_an_invalid_body_is_422_with_laravel_errors(
    http: httpx.AsyncClient,
    graphql: GraphQLClient,
    session: AsyncSession,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    me = await factories.create_bidder(session)

    response = await http.post(
        "/api/v2/auction/place-bid", json=body, headers=await auth(graphql, me)
    )

    assert response.status_code == 422
    assert response.json() == {"result": False, "message": message, "errors": {field: [message]}}


async def test_auction_rules_answer_422_with_their_code_and_change_nothing(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await _lot(session, starting_price=D("100.00"))
    ended = await _lot(session, closes_at=now() - timedelta(minutes=1))
    me = await factories.create_bidder(session)
    headers = await auth(graphql, me)

    # when
    low = await http.post(
        "/api/v2/auction/place-bid", json={"product_id": item.id, "amount": 90}, headers=headers
    )
    late = await http.post(
        "/api/v2/auction/place-bid", json={"product_id": ended.id, "amount": 90}, headers=headers
    )

    # then
    assert low.status_code == 422
    assert low.json() == {
        "result": False,
        "message": "Bid amount must be at least 100.00.",
        "code": "BELOW_MINIMUM",
    }
    assert late.status_code == 422
    assert late.json()["code"] == "ITEM_CLOSED"
    assert late.json()["message"] == "Auction has ended."
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Bid)) == 0


async def test_who_may_bid(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    item = await _lot(session)
    unapproved = await factories.create_bidder(session)
    client = await session.get_one(models.Client, unapproved.client_id)
    client.status = models.ClientStatus.PENDING
    await session.flush()
    staff_without_client = await factories.create_staff(session)
    body = {"product_id": item.id, "amount": 100}

    anonymous = await http.post("/api/v2/auction/place-bid", json=body)
    bad_token = await http.post(
        "/api/v2/auction/place-bid", json=body, headers={"Authorization": "Bearer nope"}
    )
    pending = await http.post(
        "/api/v2/auction/place-bid", json=body, headers=await auth(graphql, unapproved)
    )
    no_client = await http.post(
        "/api/v2/auction/place-bid", json=body, headers=await auth(graphql, staff_without_client)
    )
    missing = await http.post(
        "/api/v2/auction/place-bid",
        json={"product_id": 999999, "amount": 100},
        headers=await auth(graphql, unapproved),
    )

    assert (anonymous.status_code, anonymous.json()) == (
        401,
        {"result": False, "message": "Unauthenticated."},
    )
    assert bad_token.status_code == 401
    not_approved = {"result": False, "message": "Your account is not approved for bidding."}
    assert (pending.status_code, pending.json()) == (403, not_approved)
    assert (no_client.status_code, no_client.json()) == (403, not_approved)
    assert missing.status_code == 404  # the product is checked before the bidder (C4 order)


async def test_bided_products_latest_bid_first_with_my_standing(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: I bid on two lots; someone outbids me on the first
    first, second = await _lot(session), await _lot(session)
    me, rival = await factories.create_bidder(session), await factories.create_bidder(session)
    for user, item, amount in ((me, first, 50), (me, second, 60), (rival, first, 55)):
        response = await http.post(
            "/api/v2/auction/place-bid",
            json={"product_id": item.id, "amount": amount},
            headers=await auth(graphql, user),
        )
        assert response.status_code == 200, response.json()

    # when
    response = await http.get("/api/v2/auction/bided-products", headers=await auth(graphql, me))

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["total"] == 2
    by_id = {p["id"]: p for p in body["data"]}
    assert [p["id"] for p in body["data"]] == [second.id, first.id]
    assert by_id[first.id]["is_highest_bidder"] is False
    assert by_id[first.id]["my_highest_bid"] == 50.0
    assert by_id[second.id]["is_highest_bidder"] is True
    assert by_id[second.id]["auction_status"] == "active"
    assert by_id[second.id]["won"] is False
    assert (await http.get("/api/v2/auction/bided-products")).status_code == 401


async def test_purchase_history_lists_won_lots_with_payment_and_delivery_state(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: an invoice of one won lot, partly paid
    me = await factories.create_bidder(session)
    client = await session.get_one(models.Client, me.client_id)
    item = await _lot(
        session, status=models.ItemStatus.SOLD, hammer_price=D("200.00"), winner_id=client.id
    )
    order = await factories.create_order(
        session,
        client=client,
        sale=await session.get_one(models.Sale, item.sale_id),
        lines=[{"item": item, "hammer_price": D("200.00"), "premium": D("50.00")}],
    )
    order.amount_paid = D("10.00")
    await session.flush()
    headers = await auth(graphql, me)

    # when
    unpaid = await http.get(
        "/api/v2/auction/purchase-history?payment_status=unpaid&delivery_status=pending",
        headers=headers,
    )
    paid = await http.get("/api/v2/auction/purchase-history?payment_status=paid", headers=headers)
    bad = await http.get("/api/v2/auction/purchase-history?delivery_status=lost", headers=headers)

    # then
    assert unpaid.status_code == 200
    [purchase] = unpaid.json()["data"]
    assert purchase["id"] == order.id
    assert purchase["code"] == order.number
    assert purchase["payment_status"] == "unpaid"
    assert purchase["delivery_status"] == "pending"
    assert purchase["grand_total"] == float(order.grand_total)
    assert purchase["products"] == [
        {
            "product_id": item.id,
            "name": item.title,
            "thumbnail_image": None,
            "price": 200.0,
            "quantity": 1,
        }
    ]
    assert paid.json()["data"] == []
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"delivery_status": ["The selected delivery status is invalid."]}


async def test_the_openapi_document_describes_the_v2_endpoints(http: httpx.AsyncClient) -> None:
    spec = (await http.get("/api/openapi.json")).json()

    paths = {path for path in spec["paths"] if path.startswith("/api/v2/auction")}
    assert paths == {
        "/api/v2/auction/products",
        "/api/v2/auction/products/{product_id}",
        "/api/v2/auction/place-bid",
        "/api/v2/auction/bided-products",
        "/api/v2/auction/purchase-history",
    }
    queries = {
        path: {
            parameter["name"]: parameter["schema"]
            for parameter in op["get"].get("parameters", [])
            if parameter["in"] == "query"
        }
        for path, op in spec["paths"].items()
        if path.startswith("/api/v2/auction") and "get" in op
    }
    paging = {
        "page": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "default": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
    }
    assert queries["/api/v2/auction/products"] == paging
    assert queries["/api/v2/auction/products/{product_id}"] == {}
    assert queries["/api/v2/auction/bided-products"] == paging
    history = queries["/api/v2/auction/purchase-history"]
    assert set(history) == {"page", "per_page", "payment_status", "delivery_status"}
    assert history["payment_status"]["enum"] == ["paid", "unpaid"]
    assert "picked_up" in history["delivery_status"]["enum"]
    place_bid = spec["paths"]["/api/v2/auction/place-bid"]["post"]
    assert set(place_bid["responses"]) >= {"200", "401", "403", "404", "422"}
    assert place_bid["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "product_id",
        "amount",
    ]


async def test_a_bid_form_with_a_nul_character_is_refused(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    item = await _lot(session, starting_price=D("100.00"))
    bidder = await factories.create_bidder(session)

    # when
    response = await http.post(
        "/api/v2/auction/place-bid",
        data={"product_id": str(item.id), "amount": "100", "note": "hi\x00"},
        headers=await auth(graphql, bidder),
    )

    # then
    assert response.status_code == 422
    message = "Text cannot contain NUL characters."
    assert response.json() == {"result": False, "message": message, "errors": {"note": [message]}}
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Bid)) == 0


async def test_a_bid_through_graphql_is_a_bid_of_the_ecommerce_api(
    http: httpx.AsyncClient, graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given: a lot nobody has bid on
    item = await _lot(session, starting_price=D("100.00"))
    me = await factories.create_bidder(session)

    # when: I bid through the graph
    placed = await graphql.data(
        "mutation($input: PlaceBidInput!) { placeBid(input: $input) { "
        "bid { databaseId amount } errors { code } } }",
        {"input": {"itemId": to_base64("Item", item.id), "amount": "120.00"}},
        as_=me,
    )
    headers = await auth(graphql, me)
    product = await http.get(f"/api/v2/auction/products/{item.id}", headers=headers)
    bided = await http.get("/api/v2/auction/bided-products", headers=headers)

    # then: the e-commerce API shows the same bid at once
    bid = placed["placeBid"]["bid"]
    assert placed["placeBid"]["errors"] == []
    data = product.json()["data"]
    assert (data["current_bid"], data["total_bids"]) == (120.0, 1)
    assert data["highest_bid"]["id"] == bid["databaseId"]
    assert data["highest_bid"]["user_id"] == me.id
    (mine,) = bided.json()["data"]
    assert mine["id"] == item.id
    assert mine["my_highest_bid"] == 120.0
    assert mine["is_highest_bidder"] is True
