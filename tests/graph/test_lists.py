"""Lists through GraphQL: keyset pagination, sorting, filters, search and argument errors."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from db.queries.listing import decode_cursor, encode_cursor
from tests import factories
from tests.conftest import StatementCounter
from tests.graphql_client import GraphQLClient, assert_graphql_error

SALES_QUERY = """
query Sales(
  $first: Int, $after: String, $last: Int, $before: String,
  $filter: SaleFilter, $orderBy: [SaleOrder!], $search: String
) {
  sales(
    first: $first, after: $after, last: $last, before: $before,
    filter: $filter, orderBy: $orderBy, search: $search
  ) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { title } }
  }
}
"""

ITEMS_QUERY = """
query Items(
  $first: Int, $after: String, $last: Int, $before: String,
  $filter: ItemFilter, $orderBy: [ItemOrder!], $search: String
) {
  items(
    first: $first, after: $after, last: $last, before: $before,
    filter: $filter, orderBy: $orderBy, search: $search
  ) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { title lotNumber currentBid }
  }
}
"""

CLIENTS_QUERY = """
query Clients($filter: ClientFilter, $search: String) {
  clients(first: 100, filter: $filter, search: $search, orderBy: [{field: FIRST_NAME}]) {
    totalCount
    nodes { firstName }
  }
}
"""

ITEM_BIDS_QUERY = """
query ItemBids($id: ID!, $filter: BidFilter) {
  node(id: $id) {
    ... on Item {
      bids(first: 100, filter: $filter, orderBy: [{field: AMOUNT}]) {
        totalCount
        nodes { amount }
      }
    }
  }
}
"""

CLIENT_BIDS_QUERY = """
query ClientBids($id: ID!, $filter: BidFilter) {
  node(id: $id) {
    ... on Client {
      bids(first: 100, filter: $filter, orderBy: [{field: AMOUNT, direction: DESC}]) {
        totalCount
        nodes { amount }
      }
    }
  }
}
"""

SALE_ITEMS_QUERY = """
query SaleItems(
  $saleFilter: SaleFilter, $first: Int, $after: String, $last: Int, $before: String,
  $filter: ItemFilter, $orderBy: [ItemOrder!]
) {
  sales(first: 10, filter: $saleFilter, orderBy: [{field: TITLE}]) {
    nodes {
      title
      items(
        first: $first, after: $after, last: $last, before: $before,
        filter: $filter, orderBy: $orderBy
      ) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes { lotNumber }
      }
    }
  }
}
"""

NOW = datetime.now(UTC).replace(microsecond=0)


def _gid(row: Any) -> str:
    return to_base64(type(row).__name__, row.id)


def _cursor(values: Any) -> str:
    """A cursor as the server encodes them, for crafting foreign or tampered ones."""
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def _titles(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in data["sales"]["edges"]]


@dataclass(frozen=True)
class Ref:
    """A row of the test's data set, by name, replaced by its global ID."""

    name: str


@dataclass(frozen=True)
class At:
    """A point in time, ``days`` from now (or on ``day`` when given)."""

    days: float = 0
    day: str | None = None

    def iso(self) -> str:
        if self.day is not None:
            return f"{self.day}T00:00:00+00:00"
        return (NOW + timedelta(days=self.days)).isoformat()


def _resolve(value: Any, rows: dict[str, Any]) -> Any:
    """Replace ``Ref``/``At`` placeholders in a filter with IDs and ISO times."""
    if isinstance(value, Ref):
        return _gid(rows[value.name])
    if isinstance(value, At):
        return value.iso()
    if isinstance(value, dict):
        return {key: _resolve(item, rows) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, rows) for item in value]
    return value


def _day(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00:00+00:00")


# -- pagination --------------------------------------------------------------------------------


async def _five_sales(session: AsyncSession) -> None:
    for title in ["Sale E", "Sale C", "Sale A", "Sale D", "Sale B"]:
        await factories.create_sale(session, title=title)


async def test_forward_pagination_walks_to_the_end(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await _five_sales(session)
    variables: dict[str, Any] = {"first": 2, "orderBy": [{"field": "TITLE"}]}

    # when
    pages = []
    after = None
    for _ in range(3):
        data = await graphql.data(SALES_QUERY, {**variables, "after": after})
        pages.append(data["sales"])
        after = data["sales"]["pageInfo"]["endCursor"]

    # then
    assert [[e["node"]["title"] for e in page["edges"]] for page in pages] == [
        ["Sale A", "Sale B"],
        ["Sale C", "Sale D"],
        ["Sale E"],
    ]
    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True, True, False]
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True]
    assert [page["totalCount"] for page in pages] == [5, 5, 5]
    assert pages[0]["pageInfo"]["startCursor"] == pages[0]["edges"][0]["cursor"]
    assert pages[0]["pageInfo"]["endCursor"] == pages[0]["edges"][-1]["cursor"]


async def test_first_page_exactly_at_the_end_has_no_next_page(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await _five_sales(session)

    # when
    data = await graphql.data(SALES_QUERY, {"first": 5, "orderBy": [{"field": "TITLE"}]})

    # then
    assert len(data["sales"]["edges"]) == 5
    assert data["sales"]["pageInfo"]["hasNextPage"] is False


async def test_backward_pagination_walks_to_the_start(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await _five_sales(session)
    variables: dict[str, Any] = {"last": 2, "orderBy": [{"field": "TITLE"}]}

    # when
    pages = []
    before = None
    for _ in range(3):
        data = await graphql.data(SALES_QUERY, {**variables, "before": before})
        pages.append(data["sales"])
        before = data["sales"]["pageInfo"]["startCursor"]

    # then
    assert [[e["node"]["title"] for e in page["edges"]] for page in pages] == [
        ["Sale D", "Sale E"],
        ["Sale B", "Sale C"],
        ["Sale A"],
    ]
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [True, True, False]
    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [False, True, True]


async def test_after_and_before_together_bound_a_window(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await _five_sales(session)
    everything = await graphql.data(SALES_QUERY, {"orderBy": [{"field": "TITLE"}]})
    cursors = [edge["cursor"] for edge in everything["sales"]["edges"]]

    # when
    forward = await graphql.data(
        SALES_QUERY,
        {"first": 10, "after": cursors[0], "before": cursors[4], "orderBy": [{"field": "TITLE"}]},
    )
    backward = await graphql.data(
        SALES_QUERY,
        {"last": 2, "after": cursors[0], "before": cursors[4], "orderBy": [{"field": "TITLE"}]},
    )

    # then
    assert _titles(forward) == ["Sale B", "Sale C", "Sale D"]
    assert _titles(backward) == ["Sale C", "Sale D"]
    assert backward["sales"]["pageInfo"]["hasPreviousPage"] is True


async def test_cursor_is_stable_when_rows_are_inserted_before_it(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    for lot in (10, 20, 30, 40):
        await factories.create_item(session, sale=sale, lot_number=lot)
    variables: dict[str, Any] = {"first": 2, "orderBy": [{"field": "LOT"}]}
    first_page = await graphql.data(ITEMS_QUERY, variables)
    cursor = first_page["items"]["pageInfo"]["endCursor"]

    # when: rows appear before the cursor (and one just after it) between the two calls
    for lot in (5, 15, 25):
        await factories.create_item(session, sale=sale, lot_number=lot)
    second_page = await graphql.data(ITEMS_QUERY, {**variables, "after": cursor})

    # then
    assert [n["lotNumber"] for n in first_page["items"]["nodes"]] == [10, 20]
    assert [n["lotNumber"] for n in second_page["items"]["nodes"]] == [25, 30]
    assert second_page["items"]["pageInfo"]["hasNextPage"] is True
    assert second_page["items"]["totalCount"] == 7


async def _items_with_some_bids(session: AsyncSession) -> None:
    sale = await factories.create_sale(session)
    for title, bid in [
        ("Fan", None),
        ("Bowl", "100.00"),
        ("Clock", "100.00"),
        ("Desk", "200.00"),
        ("Atlas", None),
        ("Easel", "50.00"),
        ("Globe", None),
    ]:
        await factories.create_item(
            session, sale=sale, title=title, current_bid=Decimal(bid) if bid else None
        )


@pytest.mark.parametrize(
    ("_case", "order_by", "expected"),
    [
        (
            "bid DESC (nulls first), then title",
            [{"field": "CURRENT_BID", "direction": "DESC"}, {"field": "TITLE"}],
            ["Atlas", "Fan", "Globe", "Desk", "Bowl", "Clock", "Easel"],
        ),
        (
            "bid ASC (nulls last), then title DESC",
            [{"field": "CURRENT_BID"}, {"field": "TITLE", "direction": "DESC"}],
            ["Easel", "Clock", "Bowl", "Desk", "Globe", "Fan", "Atlas"],
        ),
    ],
)
@pytest.mark.parametrize("page_size", [1, 2, 3])
async def test_sorting_by_several_keys_pages_through_nulls(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    order_by: list[dict[str, str]],
    expected: list[str],
    page_size: int,
) -> None:
    # given
    await _items_with_some_bids(session)

    # when: forward with first/after, then backward with last/before
    forward: list[str] = []
    after = None
    for _ in range(10):
        data = await graphql.data(
            ITEMS_QUERY, {"first": page_size, "after": after, "orderBy": order_by}
        )
        forward += [node["title"] for node in data["items"]["nodes"]]
        after = data["items"]["pageInfo"]["endCursor"]
        if not data["items"]["pageInfo"]["hasNextPage"]:
            break
    backward: list[str] = []
    before = None
    for _ in range(10):
        data = await graphql.data(
            ITEMS_QUERY, {"last": page_size, "before": before, "orderBy": order_by}
        )
        backward = [node["title"] for node in data["items"]["nodes"]] + backward
        before = data["items"]["pageInfo"]["startCursor"]
        if not data["items"]["pageInfo"]["hasPreviousPage"]:
            break

    # then
    assert forward == expected
    assert backward == expected


def test_cursor_round_trips_every_sort_value_type() -> None:
    # given
    values = [
        datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        datetime(2026, 1, 2, tzinfo=UTC).date(),
        Decimal("1250.50"),
        "Lot 7",
        7,
        None,
        models.ItemStatus.SOLD,
        True,
    ]

    # when
    decoded = decode_cursor(encode_cursor(values), len(values))

    # then
    assert decoded == values
    assert [type(v) for v in decoded[:5]] == [datetime, type(values[1]), Decimal, str, int]


# -- filters -----------------------------------------------------------------------------------


async def _sales(session: AsyncSession) -> dict[str, Any]:
    rows = {
        "A": await factories.create_sale(
            session,
            title="Old Masters",
            sale_number="SALE-A",
            kind=models.SaleKind.TIMED,
            currency="EUR",
            starts_at=NOW - timedelta(days=10),
            ends_at=NOW - timedelta(days=5),
            created_at=_day("2026-01-01"),
            updated_at=_day("2026-01-10"),
        ),
        "B": await factories.create_sale(
            session,
            title="Modern Art",
            sale_number="SALE-B",
            kind=models.SaleKind.LIVE,
            currency="USD",
            starts_at=NOW - timedelta(days=1),
            ends_at=NOW + timedelta(days=1),
            created_at=_day("2026-02-01"),
            updated_at=_day("2026-02-10"),
        ),
        "C": await factories.create_sale(
            session,
            title="Modern Design",
            sale_number="SALE-C",
            kind=models.SaleKind.TIMED,
            currency="GBP",
            starts_at=NOW + timedelta(days=5),
            ends_at=NOW + timedelta(days=10),
            created_at=_day("2026-03-01"),
            updated_at=_day("2026-03-10"),
        ),
        "D": await factories.create_sale(
            session,
            title="Draft Sale",
            sale_number="SALE-D",
            published=False,
            currency="EUR",
            starts_at=None,
            ends_at=None,
            created_at=_day("2026-04-01"),
            updated_at=_day("2026-04-10"),
        ),
    }
    return rows


# Titles sort as: Draft Sale (D), Modern Art (B), Modern Design (C), Old Masters (A).
SALE_FILTER_CASES = [
    ("id eq", {"id": {"eq": Ref("B")}}, ["B"]),
    ("id in", {"id": {"in": [Ref("A"), Ref("C")]}}, ["C", "A"]),
    ("status eq", {"status": {"eq": "CLOSED"}}, ["A"]),
    ("status in", {"status": {"in": ["PUBLISHED", "UPCOMING"]}}, ["B", "C"]),
    ("status draft", {"status": {"eq": "DRAFT"}}, ["D"]),
    ("kind eq", {"kind": {"eq": "LIVE"}}, ["B"]),
    ("kind in", {"kind": {"in": ["TIMED"]}}, ["D", "C", "A"]),
    ("title eq", {"title": {"eq": "Modern Art"}}, ["B"]),
    ("title in", {"title": {"in": ["Old Masters", "Draft Sale"]}}, ["D", "A"]),
    ("title contains", {"title": {"contains": "MODERN"}}, ["B", "C"]),
    ("sale number eq", {"saleNumber": {"eq": "SALE-C"}}, ["C"]),
    ("sale number contains", {"saleNumber": {"contains": "-a"}}, ["A"]),
    ("currency eq", {"currency": {"eq": "USD"}}, ["B"]),
    ("currency in", {"currency": {"in": ["GBP", "USD"]}}, ["B", "C"]),
    ("published false", {"published": False}, ["D"]),
    ("published true", {"published": True}, ["B", "C", "A"]),
    ("starts at gte", {"startsAt": {"gte": At(-2)}}, ["B", "C"]),
    ("starts at lte", {"startsAt": {"lte": At(0)}}, ["B", "A"]),
    ("starts at gt and lt", {"startsAt": {"gt": At(-10), "lt": At(5)}}, ["B"]),
    ("starts at null", {"startsAt": {"isNull": True}}, ["D"]),
    ("ends at before now", {"endsAt": {"lt": At(0)}}, ["A"]),
    ("ends at set", {"endsAt": {"isNull": False}}, ["B", "C", "A"]),
    (
        "created at range",
        {"createdAt": {"gte": At(day="2026-02-01"), "lt": At(day="2026-04-01")}},
        ["B", "C"],
    ),
    ("updated at lte", {"updatedAt": {"lte": At(day="2026-01-15")}}, ["A"]),
    ("fields combine", {"kind": {"eq": "TIMED"}, "currency": {"eq": "EUR"}}, ["D", "A"]),
    ("nothing matches", {"title": {"contains": "Sculpture"}}, []),
]


@pytest.mark.parametrize(("_case", "filter_", "expected"), SALE_FILTER_CASES)
async def test_sale_filter(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    filter_: dict[str, Any],
    expected: list[str],
) -> None:
    # given
    staff = await factories.create_staff(session)
    rows = await _sales(session)

    # when
    data = await graphql.data(
        SALES_QUERY,
        {"filter": _resolve(filter_, rows), "orderBy": [{"field": "TITLE"}]},
        as_=staff,
    )

    # then
    assert _titles(data) == [rows[name].title for name in expected]
    assert data["sales"]["totalCount"] == len(expected)


async def _items(session: AsyncSession) -> dict[str, Any]:
    first_sale = await factories.create_sale(session)
    second_sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session)
    winner = await factories.create_client(session)
    categories = [models.Category(name="Metalwork"), models.Category(name="Silver")]
    session.add_all(categories)
    await session.flush()
    rows: dict[str, Any] = {
        "S1": first_sale,
        "S2": second_sale,
        "K1": consignment,
        "W": winner,
        "Cat1": categories[0],
        "Cat2": categories[1],
    }
    rows["I1"] = await factories.create_item(
        session,
        sale=first_sale,
        consignment=consignment,
        category_id=categories[0].id,
        lot_number=1,
        title="Bronze vase",
        status=models.ItemStatus.ACTIVE,
        estimate_low=Decimal("100.00"),
        estimate_high=Decimal("200.00"),
        closes_at=NOW + timedelta(days=1),
        created_at=_day("2026-01-01"),
        updated_at=_day("2026-01-10"),
    )
    rows["I2"] = await factories.create_item(
        session,
        sale=first_sale,
        category_id=categories[1].id,
        lot_number=2,
        title="Silver spoon",
        status=models.ItemStatus.ACTIVE,
        estimate_low=Decimal("500.00"),
        estimate_high=Decimal("800.00"),
        current_bid=Decimal("550.00"),
        bid_count=2,
        closes_at=NOW + timedelta(days=2),
        created_at=_day("2026-02-01"),
        updated_at=_day("2026-02-10"),
    )
    rows["I3"] = await factories.create_item(
        session,
        sale=first_sale,
        lot_number=3,
        title="Gold ring",
        status=models.ItemStatus.SOLD,
        estimate_low=Decimal("1000.00"),
        estimate_high=Decimal("1500.00"),
        current_bid=Decimal("1200.00"),
        hammer_price=Decimal("1200.00"),
        bid_count=3,
        winner_id=winner.id,
        closes_at=NOW - timedelta(days=1),
        created_at=_day("2026-03-01"),
        updated_at=_day("2026-03-10"),
    )
    rows["I4"] = await factories.create_item(
        session,
        sale=second_sale,
        lot_number=4,
        title="Bronze bust",
        status=models.ItemStatus.WITHDRAWN,
        estimate_low=None,
        estimate_high=None,
        closes_at=None,
        created_at=_day("2026-04-01"),
        updated_at=_day("2026-04-10"),
    )
    return rows


# Titles sort as: Bronze bust (I4), Bronze vase (I1), Gold ring (I3), Silver spoon (I2).
ITEM_FILTER_CASES = [
    ("id eq", {"id": {"eq": Ref("I2")}}, ["I2"]),
    ("id in", {"id": {"in": [Ref("I1"), Ref("I4")]}}, ["I4", "I1"]),
    ("sale eq", {"saleId": {"eq": Ref("S2")}}, ["I4"]),
    ("sale in", {"saleId": {"in": [Ref("S1")]}}, ["I1", "I3", "I2"]),
    ("consignment eq", {"consignmentId": {"eq": Ref("K1")}}, ["I1"]),
    ("category eq", {"categoryId": {"eq": Ref("Cat2")}}, ["I2"]),
    ("category in", {"categoryId": {"in": [Ref("Cat1"), Ref("Cat2")]}}, ["I1", "I2"]),
    ("status eq", {"status": {"eq": "SOLD"}}, ["I3"]),
    ("status in", {"status": {"in": ["ACTIVE", "WITHDRAWN"]}}, ["I4", "I1", "I2"]),
    ("lot eq", {"lotNumber": {"eq": 2}}, ["I2"]),
    ("lot in", {"lotNumber": {"in": [1, 3]}}, ["I1", "I3"]),
    ("lot gte", {"lotNumber": {"gte": 3}}, ["I4", "I3"]),
    ("lot lte", {"lotNumber": {"lte": 1}}, ["I1"]),
    ("title eq", {"title": {"eq": "Gold ring"}}, ["I3"]),
    ("title in", {"title": {"in": ["Gold ring", "Bronze bust"]}}, ["I4", "I3"]),
    ("title contains", {"title": {"contains": "bronze"}}, ["I4", "I1"]),
    ("estimate low gte", {"estimateLow": {"gte": "500"}}, ["I3", "I2"]),
    ("estimate low lte", {"estimateLow": {"lte": "100.00"}}, ["I1"]),
    ("estimate low eq", {"estimateLow": {"eq": "500.00"}}, ["I2"]),
    ("estimate low null", {"estimateLow": {"isNull": True}}, ["I4"]),
    ("estimate high range", {"estimateHigh": {"gte": "200", "lte": "800"}}, ["I1", "I2"]),
    ("current bid null", {"currentBid": {"isNull": True}}, ["I4", "I1"]),
    ("current bid gte", {"currentBid": {"gte": "600"}}, ["I3"]),
    ("hammer price set", {"hammerPrice": {"isNull": False}}, ["I3"]),
    ("hammer price eq", {"hammerPrice": {"eq": "1200.00"}}, ["I3"]),
    ("bid count eq", {"bidCount": {"eq": 0}}, ["I4", "I1"]),
    ("bid count gte", {"bidCount": {"gte": 2}}, ["I3", "I2"]),
    ("bid count in", {"bidCount": {"in": [3]}}, ["I3"]),
    ("closes at past", {"closesAt": {"lt": At(0)}}, ["I3"]),
    ("closes at future", {"closesAt": {"gt": At(0), "lte": At(1)}}, ["I1"]),
    ("closes at null", {"closesAt": {"isNull": True}}, ["I4"]),
    ("winner eq", {"winnerId": {"eq": Ref("W")}}, ["I3"]),
    ("created at gte", {"createdAt": {"gte": At(day="2026-03-01")}}, ["I4", "I3"]),
    ("updated at lt", {"updatedAt": {"lt": At(day="2026-02-11")}}, ["I1", "I2"]),
    ("fields combine", {"status": {"eq": "ACTIVE"}, "bidCount": {"eq": 0}}, ["I1"]),
]


@pytest.mark.parametrize(("_case", "filter_", "expected"), ITEM_FILTER_CASES)
async def test_item_filter(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    filter_: dict[str, Any],
    expected: list[str],
) -> None:
    # given
    staff = await factories.create_staff(session)
    rows = await _items(session)

    # when
    data = await graphql.data(
        ITEMS_QUERY,
        {"filter": _resolve(filter_, rows), "orderBy": [{"field": "TITLE"}]},
        as_=staff,
    )

    # then
    assert [node["title"] for node in data["items"]["nodes"]] == [
        rows[name].title for name in expected
    ]
    assert data["items"]["totalCount"] == len(expected)


async def _clients(session: AsyncSession) -> dict[str, Any]:
    return {
        "C1": await factories.create_client(
            session,
            first_name="Ada",
            last_name="Lovelace",
            company=None,
            email="ada@example.com",
            phone="+44 20 1234",
            status=models.ClientStatus.APPROVED,
            bidder_number="P100",
            customer_number="C100",
            published=True,
            created_at=_day("2026-01-01"),
            updated_at=_day("2026-01-10"),
        ),
        "C2": await factories.create_client(
            session,
            first_name="Charles",
            last_name="Babbage",
            company="Difference Engines Ltd",
            email="charles@engines.test",
            phone="+44 20 5678",
            status=models.ClientStatus.PENDING,
            bidder_number="P200",
            customer_number="C200",
            published=False,
            created_at=_day("2026-02-01"),
            updated_at=_day("2026-02-10"),
        ),
        "C3": await factories.create_client(
            session,
            first_name="Grace",
            last_name="Hopper",
            company="Navy Computing",
            email="grace@navy.test",
            phone=None,
            status=models.ClientStatus.UNAPPROVED,
            bidder_number="P300",
            customer_number="C300",
            published=True,
            created_at=_day("2026-03-01"),
            updated_at=_day("2026-03-10"),
        ),
    }


CLIENT_FILTER_CASES = [
    ("id eq", {"id": {"eq": Ref("C2")}}, ["C2"]),
    ("id in", {"id": {"in": [Ref("C1"), Ref("C3")]}}, ["C1", "C3"]),
    ("status eq", {"status": {"eq": "PENDING"}}, ["C2"]),
    ("status in", {"status": {"in": ["APPROVED", "UNAPPROVED"]}}, ["C1", "C3"]),
    ("first name eq", {"firstName": {"eq": "Grace"}}, ["C3"]),
    ("first name in", {"firstName": {"in": ["Ada", "Grace"]}}, ["C1", "C3"]),
    ("last name contains", {"lastName": {"contains": "BAB"}}, ["C2"]),
    ("company contains", {"company": {"contains": "engine"}}, ["C2"]),
    ("email contains", {"email": {"contains": "@navy"}}, ["C3"]),
    ("email eq", {"email": {"eq": "ada@example.com"}}, ["C1"]),
    ("phone contains", {"phone": {"contains": "5678"}}, ["C2"]),
    ("bidder number eq", {"bidderNumber": {"eq": "P200"}}, ["C2"]),
    ("bidder number in", {"bidderNumber": {"in": ["P100", "P300"]}}, ["C1", "C3"]),
    ("customer number eq", {"customerNumber": {"eq": "C300"}}, ["C3"]),
    ("published false", {"published": False}, ["C2"]),
    ("created at lt", {"createdAt": {"lt": At(day="2026-02-01")}}, ["C1"]),
    ("updated at gte", {"updatedAt": {"gte": At(day="2026-02-10")}}, ["C2", "C3"]),
    ("percent is literal", {"company": {"contains": "%"}}, []),
    ("underscore is literal", {"email": {"contains": "_"}}, []),
]


@pytest.mark.parametrize(("_case", "filter_", "expected"), CLIENT_FILTER_CASES)
async def test_client_filter(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    filter_: dict[str, Any],
    expected: list[str],
) -> None:
    # given
    staff = await factories.create_staff(session)
    rows = await _clients(session)

    # when
    data = await graphql.data(CLIENTS_QUERY, {"filter": _resolve(filter_, rows)}, as_=staff)

    # then
    assert [node["firstName"] for node in data["clients"]["nodes"]] == [
        rows[name].first_name for name in expected
    ]


async def _bids(session: AsyncSession) -> dict[str, Any]:
    item = await factories.create_item(session)
    other_item = await factories.create_item(session)
    x = await factories.create_client(session)
    y = await factories.create_client(session)
    rows: dict[str, Any] = {"item": item, "other": other_item, "X": x, "Y": y}
    history: list[tuple[str, models.Client, int, dict[str, Any]]] = [
        ("100.00", x, 0, {}),
        ("110.00", y, 5, {"is_proxy": True}),
        ("120.00", x, 10, {"status": models.BidStatus.RETRACTED}),
        ("130.00", y, 15, {}),
    ]
    for amount, bidder, minute, extra in history:
        await factories.create_bid(
            session,
            item=item,
            bidder=bidder,
            amount=Decimal(amount),
            placed_at=datetime(2026, 1, 1, 10, minute, tzinfo=UTC),
            **extra,
        )
    await factories.create_bid(session, item=other_item, bidder=x, amount=Decimal("90.00"))
    return rows


BID_FILTER_CASES = [
    ("no filter", {}, ["100.00", "110.00", "120.00", "130.00"]),
    ("item eq", {"itemId": {"eq": Ref("item")}}, ["100.00", "110.00", "120.00", "130.00"]),
    ("item of another", {"itemId": {"in": [Ref("other")]}}, []),
    ("client eq", {"clientId": {"eq": Ref("X")}}, ["100.00", "120.00"]),
    ("client in", {"clientId": {"in": [Ref("Y")]}}, ["110.00", "130.00"]),
    ("amount gte", {"amount": {"gte": "115"}}, ["120.00", "130.00"]),
    ("amount lte", {"amount": {"lte": "110"}}, ["100.00", "110.00"]),
    ("amount eq", {"amount": {"eq": "110.00"}}, ["110.00"]),
    ("amount not null", {"amount": {"isNull": False}}, ["100.00", "110.00", "120.00", "130.00"]),
    ("status eq", {"status": {"eq": "RETRACTED"}}, ["120.00"]),
    ("status in", {"status": {"in": ["ACCEPTED"]}}, ["100.00", "110.00", "130.00"]),
    ("proxy", {"isProxy": True}, ["110.00"]),
    ("not proxy", {"isProxy": False}, ["100.00", "120.00", "130.00"]),
    (
        "placed at window",
        {
            "placedAt": {
                "gte": "2026-01-01T10:05:00+00:00",
                "lt": "2026-01-01T10:15:00+00:00",
            }
        },
        ["110.00", "120.00"],
    ),
    ("placed at gt", {"placedAt": {"gt": "2026-01-01T10:10:00+00:00"}}, ["130.00"]),
]


@pytest.mark.parametrize(("_case", "filter_", "expected"), BID_FILTER_CASES)
async def test_bid_filter_on_an_item(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    filter_: dict[str, Any],
    expected: list[str],
) -> None:
    # given
    staff = await factories.create_staff(session)
    rows = await _bids(session)

    # when
    data = await graphql.data(
        ITEM_BIDS_QUERY, {"id": _gid(rows["item"]), "filter": _resolve(filter_, rows)}, as_=staff
    )

    # then
    bids = data["node"]["bids"]
    assert [node["amount"] for node in bids["nodes"]] == expected
    assert bids["totalCount"] == len(expected)


async def test_bid_filter_on_a_client(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    rows = await _bids(session)

    # when
    everything = await graphql.data(CLIENT_BIDS_QUERY, {"id": _gid(rows["X"])}, as_=staff)
    on_item = await graphql.data(
        CLIENT_BIDS_QUERY,
        {"id": _gid(rows["X"]), "filter": {"itemId": {"eq": _gid(rows["item"])}}},
        as_=staff,
    )

    # then
    assert [n["amount"] for n in everything["node"]["bids"]["nodes"]] == [
        "120.00",
        "100.00",
        "90.00",
    ]
    assert [n["amount"] for n in on_item["node"]["bids"]["nodes"]] == ["120.00", "100.00"]
    assert on_item["node"]["bids"]["totalCount"] == 2


async def test_public_bid_history_hides_retracted_bids_even_when_filtered_for(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    rows = await _bids(session)

    # when
    data = await graphql.data(
        ITEM_BIDS_QUERY, {"id": _gid(rows["item"]), "filter": {"status": {"eq": "RETRACTED"}}}
    )

    # then
    assert data["node"]["bids"] == {"totalCount": 0, "nodes": []}


# -- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("bronze", ["Bronze bust", "Bronze vase"]),
        ("BRONZE", ["Bronze bust", "Bronze vase"]),
        ("bronze paris", ["Bronze bust", "Bronze vase"]),  # words may match different columns
        ("  Paris   VASE ", ["Bronze vase"]),
        ("bronze london", []),
        ("silver", ["Paris silver"]),
        ("%", []),
        ("", ["Bronze bust", "Bronze vase", "Paris silver"]),
    ],
)
async def test_item_search_needs_every_word(
    graphql: GraphQLClient, session: AsyncSession, search: str, expected: list[str]
) -> None:
    # given
    sale = await factories.create_sale(session)
    await factories.create_item(session, sale=sale, title="Bronze vase", description="from Paris")
    await factories.create_item(session, sale=sale, title="Bronze bust", description="from Paris")
    await factories.create_item(session, sale=sale, title="Paris silver", description="a spoon")

    # when
    data = await graphql.data(ITEMS_QUERY, {"search": search, "orderBy": [{"field": "TITLE"}]})

    # then
    assert [node["title"] for node in data["items"]["nodes"]] == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ada lovelace", ["Ada"]),
        ("LOVELACE", ["Ada"]),
        ("ada babbage", []),
        ("navy hopper", ["Grace"]),
        ("p200", ["Charles"]),
        ("c300", ["Grace"]),
    ],
)
async def test_client_search_needs_every_word(
    graphql: GraphQLClient, session: AsyncSession, search: str, expected: list[str]
) -> None:
    # given
    staff = await factories.create_staff(session)
    await _clients(session)

    # when
    data = await graphql.data(CLIENTS_QUERY, {"search": search}, as_=staff)

    # then
    assert [node["firstName"] for node in data["clients"]["nodes"]] == expected
    assert data["clients"]["totalCount"] == len(expected)


async def test_sale_search(graphql: GraphQLClient, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    await _sales(session)

    # when
    modern = await graphql.data(
        SALES_QUERY, {"search": "modern", "orderBy": [{"field": "TITLE"}]}, as_=staff
    )
    design = await graphql.data(
        SALES_QUERY, {"search": "DESIGN modern", "orderBy": [{"field": "TITLE"}]}, as_=staff
    )
    by_number = await graphql.data(SALES_QUERY, {"search": "sale-a"}, as_=staff)

    # then
    assert _titles(modern) == ["Modern Art", "Modern Design"]
    assert _titles(design) == ["Modern Design"]
    assert _titles(by_number) == ["Old Masters"]


# -- argument errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "variables", "message", "field"),
    [
        ("first too large", {"first": 101}, "`first` must be at most 100", "first"),
        ("last too large", {"last": 101}, "`last` must be at most 100", "last"),
        ("first negative", {"first": -1}, "`first` must not be negative", "first"),
        (
            "first and last",
            {"first": 2, "last": 2},
            "pass either `first` or `last`, not both",
            "last",
        ),
        ("garbage after", {"after": "not a cursor!"}, "malformed cursor in `after`", "after"),
        ("garbage before", {"before": "%%%"}, "malformed cursor in `before`", "before"),
        (
            "not a list",
            {"after": _cursor({"a": 1})},
            "cursor does not belong to this list and order",
            "after",
        ),
        (
            "too short",
            {"after": _cursor([1])},
            "cursor does not belong to this list and order",
            "after",
        ),
        (
            "another list's cursor",  # items by lot: [int, int]; sales by start: [time, int]
            {"after": _cursor([3, 7])},
            "cursor does not belong to this list and order",
            "after",
        ),
        (
            "bad time",
            {"before": _cursor([{"t": "yesterday"}, 7])},
            "malformed cursor in `before`",
            "before",
        ),
        (
            "bad number in the id",
            {"after": _cursor([{"t": NOW.isoformat()}, "seven"])},
            "cursor does not belong to this list and order",
            "after",
        ),
    ],
)
async def test_bad_page_arguments_are_bad_user_input(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    variables: dict[str, Any],
    message: str,
    field: str,
) -> None:
    # given
    await factories.create_sale(session)

    # when
    body = await graphql(SALES_QUERY, variables)

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == message
    assert error["extensions"]["field"] == field
    assert error["path"] == ["sales"]


async def test_cursor_with_a_bad_decimal_is_bad_user_input(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await factories.create_item(session, current_bid=Decimal("10.00"))
    order_by = [{"field": "CURRENT_BID"}]

    # when
    body = await graphql(ITEMS_QUERY, {"after": _cursor([{"d": "ten"}, 1]), "orderBy": order_by})

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == "malformed cursor in `after`"


async def test_cursor_with_an_unknown_enum_value_is_bad_user_input(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    await factories.create_item(session)

    # when
    body = await graphql(
        ITEMS_QUERY, {"after": _cursor(["bogus", 1]), "orderBy": [{"field": "STATUS"}]}
    )

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == "cursor does not belong to this list and order"


@pytest.mark.parametrize(
    ("_case", "filter_", "message", "field"),
    [
        (
            "eq of another type",
            {"saleId": {"eq": Ref("item")}},
            "`saleId` must be the ID of a Sale",
            "saleId",
        ),
        (
            "in of another type",
            {"id": {"in": [Ref("sale")]}},
            "`id` must be the ID of an Item",
            "id",
        ),
        (
            "not an id",
            {"winnerId": {"eq": "garbage"}},
            "`winnerId` must be the ID of a Client",
            "winnerId",
        ),
    ],
)
async def test_id_of_the_wrong_type_in_a_filter_is_bad_user_input(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    filter_: dict[str, Any],
    message: str,
    field: str,
) -> None:
    # given
    item = await factories.create_item(session)
    rows = {"item": item, "sale": await session.get(models.Sale, item.sale_id)}

    # when
    body = await graphql(ITEMS_QUERY, {"filter": _resolve(filter_, rows)})

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == message
    assert error["extensions"]["field"] == field


# -- nested connections ------------------------------------------------------------------------


async def _two_sales_with_lots(session: AsyncSession) -> dict[str, Any]:
    first = await factories.create_sale(session, title="First sale")
    second = await factories.create_sale(session, title="Second sale")
    for lot in range(1, 6):
        status = models.ItemStatus.WITHDRAWN if lot == 3 else models.ItemStatus.ACTIVE
        await factories.create_item(session, sale=first, lot_number=lot, status=status)
    for lot in range(1, 4):
        await factories.create_item(session, sale=second, lot_number=lot)
    return {"first": first, "second": second}


def _lots(sale: dict[str, Any]) -> list[int]:
    return [node["lotNumber"] for node in sale["items"]["nodes"]]


async def test_nested_connection_filters_and_pages_each_parent(
    graphql: GraphQLClient, session: AsyncSession, count_queries: StatementCounter
) -> None:
    # given
    rows = await _two_sales_with_lots(session)
    variables: dict[str, Any] = {
        "first": 2,
        "filter": {"status": {"eq": "ACTIVE"}},
        "orderBy": [{"field": "LOT"}],
    }

    # when
    with count_queries.counting() as counted:
        page = await graphql.data(SALE_ITEMS_QUERY, variables)
    first, second = page["sales"]["nodes"]
    pages = [_lots(first)]
    after = first["items"]["pageInfo"]["endCursor"]
    for _ in range(3):
        more = await graphql.data(
            SALE_ITEMS_QUERY,
            {**variables, "after": after, "saleFilter": {"id": {"eq": _gid(rows["first"])}}},
        )
        (sale,) = more["sales"]["nodes"]
        pages.append(_lots(sale))
        after = sale["items"]["pageInfo"]["endCursor"]
        if not sale["items"]["pageInfo"]["hasNextPage"]:
            break

    # then
    assert pages == [[1, 2], [4, 5]]
    assert first["items"]["totalCount"] == 4
    assert first["items"]["pageInfo"]["hasNextPage"] is True
    assert _lots(second) == [1, 2]
    assert second["items"]["totalCount"] == 3
    # sales page, items page (both sales at once), items count (both at once)
    assert counted.count == 3, counted.statements


async def test_nested_connection_pages_backward(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    rows = await _two_sales_with_lots(session)
    variables: dict[str, Any] = {
        "last": 2,
        "orderBy": [{"field": "LOT"}],
        "saleFilter": {"id": {"eq": _gid(rows["first"])}},
    }

    # when
    pages = []
    before = None
    for _ in range(4):
        data = await graphql.data(SALE_ITEMS_QUERY, {**variables, "before": before})
        (sale,) = data["sales"]["nodes"]
        pages.append(_lots(sale))
        before = sale["items"]["pageInfo"]["startCursor"]
        if not sale["items"]["pageInfo"]["hasPreviousPage"]:
            break

    # then
    assert pages == [[4, 5], [2, 3], [1]]


async def test_nested_connection_sorts_by_several_keys(
    graphql: GraphQLClient, session: AsyncSession
) -> None:
    # given
    sale = await factories.create_sale(session)
    for lot, bid in [(1, None), (2, "100.00"), (3, "300.00"), (4, "100.00"), (5, None)]:
        await factories.create_item(
            session, sale=sale, lot_number=lot, current_bid=Decimal(bid) if bid else None
        )
    order_by = [
        {"field": "CURRENT_BID", "direction": "DESC"},
        {"field": "LOT", "direction": "DESC"},
    ]

    # when
    lots: list[int] = []
    after = None
    for _ in range(5):
        data = await graphql.data(
            SALE_ITEMS_QUERY, {"first": 2, "after": after, "orderBy": order_by}
        )
        (node,) = data["sales"]["nodes"]
        lots += _lots(node)
        after = node["items"]["pageInfo"]["endCursor"]
        if not node["items"]["pageInfo"]["hasNextPage"]:
            break

    # then: NULL bids first (they sort as the largest value), ties broken by lot DESC
    assert lots == [5, 1, 3, 4, 2]


@pytest.mark.parametrize(
    ("_case", "variables", "message"),
    [
        ("first too large", {"first": 101}, "`first` must be at most 100"),
        ("malformed cursor", {"after": "garbage!"}, "malformed cursor in `after`"),
        (
            "foreign id in filter",
            {"filter": {"saleId": {"eq": to_base64("Client", 1)}}},
            "`saleId` must be the ID of a Sale",
        ),
    ],
)
async def test_nested_connection_errors_are_bad_user_input(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    variables: dict[str, Any],
    message: str,
) -> None:
    # given
    await factories.create_item(session)

    # when
    body = await graphql(SALE_ITEMS_QUERY, variables)

    # then
    error = assert_graphql_error(body, code="BAD_USER_INPUT")
    assert error["message"] == message
    assert error["path"] == ["sales", "nodes", 0, "items"]
