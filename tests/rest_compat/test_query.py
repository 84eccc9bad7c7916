"""The Circuit request parser (rest-api.md A3-A7): query strings to the graph's Condition/Sort."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import pytest

from db.queries.listing import Condition, Sort
from rest_compat.errors import RestError
from rest_compat.query import (
    MAX_RANGE,
    FilterField,
    Kind,
    Match,
    Resource,
    parse_brackets,
    parse_list,
)

RESOURCE = Resource(
    filters={
        "status": FilterField("status", Kind.ENUM, choices=("new", "approved")),
        "email": FilterField("email", match=Match.REGEX),
        "name": FilterField("name", match=Match.SEARCH),
        "code": FilterField("code"),
        "client": FilterField("client_id", Kind.ID),
        "total": FilterField("total", Kind.MONEY),
        "published": FilterField("published", Kind.BOOL),
        "created": FilterField("created_at", Kind.DATETIME),
        "born": FilterField("birthdate", Kind.DATE),
    },
    sorts={"id": ("id",), "created": ("created_at",), "lot": ("lot_number", "lot_letter")},
    fields=("id", "label", "email", "status"),
)


def parse(query: str) -> Any:
    return parse_list(parse_qsl(query, keep_blank_values=True), RESOURCE)


def conditions(query: str) -> list[tuple[str, Condition]]:
    return list(parse(query).query.filters)


@pytest.mark.parametrize(
    ("_case", "query", "expected"),
    [
        ("simple enum", "filter[status]=approved", [("status", Condition(eq="approved"))]),
        ("enum any case", "filter[status]=APPROVED", [("status", Condition(eq="approved"))]),
        ("explicit value", "filter[code][value]=A1", [("code", Condition(eq="A1"))]),
        ("regex default", "filter[email]=@x\\.com$", [("email", Condition(regex="@x\\.com$"))]),
        ("text search default", "filter[name]=ada", [("name", Condition(contains="ada"))]),
        (
            "IN",
            "filter[code][value][0]=a&filter[code][value][1]=b&filter[code][operator]=IN",
            [("code", Condition(in_=("a", "b")))],
        ),
        (
            "IN without operator",
            "filter[client][value][0]=1&filter[client][value][1]=2",
            [("client_id", Condition(in_=(1, 2)))],
        ),
        (
            "empty brackets append",
            "filter[code][value][]=a&filter[code][value][]=b&filter[code][operator]=in",
            [("code", Condition(in_=("a", "b")))],
        ),
        (
            "NOT IN",
            "filter[code][value][0]=a&filter[code][operator]=NOT%20IN",
            [("code", Condition(not_in=("a",)))],
        ),
        (
            "money range",
            "filter[total][value][from]=100&filter[total][value][to]=250.5",
            [("total", Condition(gte=Decimal("100"), lte=Decimal("250.5")))],
        ),
        (
            "open range",
            "filter[total][value][from]=100",
            [("total", Condition(gte=Decimal("100")))],
        ),
        (
            "date-only upper bound includes the day",
            "filter[created][value][from]=2025-01-01&filter[created][value][to]=2025-01-31",
            [
                (
                    "created_at",
                    Condition(
                        gte=datetime(2025, 1, 1, tzinfo=UTC), lt=datetime(2025, 2, 1, tzinfo=UTC)
                    ),
                )
            ],
        ),
        (
            "date-time upper bound",
            "filter[created][value][to]=2025-01-31T10:00:00Z",
            [("created_at", Condition(lte=datetime(2025, 1, 31, 10, tzinfo=UTC)))],
        ),
        (
            "BETWEEN",
            "filter[born][value][0]=1990-01-01&filter[born][value][1]=1999-12-31"
            "&filter[born][operator]=BETWEEN",
            [("birthdate", Condition(gte=date(1990, 1, 1), lte=date(1999, 12, 31)))],
        ),
        (
            "REGEXP",
            "filter[code][value]=^A&filter[code][operator]=regexp",
            [("code", Condition(regex="^A"))],
        ),
        (
            "LIKE without % is a substring",
            "filter[code][value]=ab_&filter[code][operator]=LIKE",
            [("code", Condition(like="%ab_%"))],
        ),
        (
            "LIKE with %",
            "filter[code][value]=ab%25&filter[code][operator]=LIKE",
            [("code", Condition(like="ab%"))],
        ),
        (
            "comparison",
            "filter[total][value]=10&filter[total][operator]=>=",
            [("total", Condition(gte=Decimal("10")))],
        ),
        (
            "not equal",
            "filter[code][value]=x&filter[code][operator]=<>",
            [("code", Condition(ne="x"))],
        ),
        ("bool 1", "filter[published]=1", [("published", Condition(eq=True))]),
        ("bool false", "filter[published]=false", [("published", Condition(eq=False))]),
        (
            "two filters AND",
            "filter[status]=new&filter[client]=7",
            [("status", Condition(eq="new")), ("client_id", Condition(eq=7))],
        ),
    ],
)
def test_filter_forms(_case: str, query: str, expected: list[tuple[str, Condition]]) -> None:
    assert conditions(query) == expected


@pytest.mark.parametrize(
    ("_case", "query", "key", "title"),
    [
        ("unknown field", "filter[nope]=1", "filter[nope]", "Invalid filter"),
        (
            "unknown operator",
            "filter[code][value]=1&filter[code][operator]=SOUNDS",
            "filter[code][operator]",
            "Bad Request",
        ),
        ("bad enum", "filter[status]=maybe", "filter[status]", "Bad Request"),
        ("bad id", "filter[client]=abc", "filter[client]", "Bad Request"),
        ("bad bool", "filter[published]=yes", "filter[published]", "Bad Request"),
        (
            "bad date bound",
            "filter[created][value][from]=yesterday",
            "filter[created][value][from]",
            "Bad Request",
        ),
        (
            "gap in indices",
            "filter[code][value][0]=a&filter[code][value][2]=b",
            "filter[code][value]",
            "Bad Request",
        ),
        (
            "REGEXP on a number",
            "filter[total][value]=1&filter[total][operator]=REGEXP",
            "filter[total][operator]",
            "Bad Request",
        ),
        (
            "BETWEEN with one value",
            "filter[total][value][0]=1&filter[total][operator]=BETWEEN",
            "filter[total][value]",
            "Bad Request",
        ),
        ("malformed brackets", "filter[code=1", "filter[code", "Bad Request"),
        ("unknown sort", "sort=-nope", "sort", "Invalid sort field"),
        ("unknown field selection", "fields=id,nope", "fields", "Invalid fields"),
        ("range zero", "range=0", "range", "Bad Request"),
        ("range not a number", "range=ten", "range", "Bad Request"),
        ("negative page", "page=-1", "page", "Bad Request"),
        # found by schemathesis-style probes: each was a 500 from PostgreSQL or asyncpg
        ("NUL in a text filter", "filter[code]=a%00", "filter[code]", "Bad Request"),
        ("NUL in a search", "global_search=%00", "global_search", "Bad Request"),
        ("NUL in a list", "filter[code][value][0]=%00", "filter[code][value][0]", "Bad Request"),
        (
            "date-time beyond year 9999 in UTC",
            "filter[created]=9999-12-31T23:59:59-23:59",
            "filter[created]",
            "Bad Request",
        ),
        (
            "date-time before year 1 in UTC",
            "filter[created][value][from]=0001-01-01T00:00:00%2B01:00",
            "filter[created][value][from]",
            "Bad Request",
        ),
        ("huge amount", "filter[total]=1E%2B1000000", "filter[total]", "Bad Request"),
        ("tiny amount", "filter[total]=1E-1000000", "filter[total]", "Bad Request"),
        (
            "LIKE pattern ending in an escape",
            "filter[code][value]=a%25%5C&filter[code][operator]=LIKE",
            "filter[code][value]",
            "Bad Request",
        ),
    ],
)
def test_malformed_queries_are_400(_case: str, query: str, key: str, title: str) -> None:
    with pytest.raises(RestError) as raised:
        parse(query)
    assert raised.value.status == 400
    assert raised.value.title == title
    assert raised.value.errors is not None
    assert list(raised.value.errors) == [key]


def test_sort_several_fields_with_directions() -> None:
    assert parse("sort=-created,id").query.sort == (Sort("created_at", True), Sort("id"))


def test_lot_sorts_by_number_then_letter() -> None:
    assert parse("sort=-lot").query.sort == (
        Sort("lot_number", True),
        Sort("lot_letter", True),
    )


def test_defaults() -> None:
    params = parse("")
    assert (params.page, params.size, params.offset, params.fields) == (0, 25, 0, None)
    assert params.query.sort == (Sort("id"),)
    assert params.query.search is None


def test_page_is_zero_indexed() -> None:
    params = parse("page=2&range=25")
    assert params.offset == 50


def test_range_is_capped_at_the_maximum() -> None:
    assert parse("range=100000").size == MAX_RANGE


def test_fields_keep_representation_order_and_id() -> None:
    assert parse("fields=status,email").fields == ("id", "email", "status")


def test_global_search() -> None:
    assert parse("global_search=%20ada%20lovelace%20").query.search == "ada lovelace"


def test_global_search_is_refused_where_a_list_has_none() -> None:
    # given
    unsearchable = Resource(filters={}, sorts={}, fields=("id",), search=False)

    # when
    with pytest.raises(RestError) as raised:
        parse_list([("global_search", "ada")], unsearchable)

    # then
    assert raised.value.status == 400
    assert raised.value.errors == {"global_search": ["This list has no search."]}
    assert parse_list([("global_search", " ")], unsearchable).query.search is None


def test_date_times_are_read_in_utc() -> None:
    assert conditions("filter[created]=2025-10-15T16:30:00%2B02:00") == [
        ("created_at", Condition(eq=datetime(2025, 10, 15, 14, 30, tzinfo=UTC)))
    ]


def test_a_range_up_to_the_last_day_there_is_includes_that_day() -> None:
    assert conditions("filter[created][value][to]=9999-12-31") == [
        ("created_at", Condition(lte=datetime.max.replace(tzinfo=UTC)))
    ]


def test_a_like_pattern_may_end_with_an_escaped_backslash() -> None:
    assert conditions("filter[code][value]=a%5C%5C&filter[code][operator]=LIKE") == [
        ("code", Condition(like="%a\\\\%"))
    ]


def test_regex_patterns_are_collected_for_the_database_check() -> None:
    assert parse("filter[email]=(unclosed").regexes == (("filter[email]", "(unclosed"),)


def test_bracket_keys_nest() -> None:
    assert parse_brackets(
        [("filter[a][value][0]", "x"), ("filter[a][value][1]", "y"), ("page", "1")]
    ) == {"filter": {"a": {"value": ["x", "y"]}}, "page": "1"}
