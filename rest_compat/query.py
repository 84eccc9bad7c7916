"""The Circuit list conventions (rest-api.md A3-A7) turned into the graph's ``ListQuery``.

``range``/``page`` (0-indexed), ``sort`` (``-`` for descending, several fields), every
``filter[...]`` form of A5, ``fields`` (A6) and ``global_search`` (A7) become the same
``Condition``/``Sort`` objects GraphQL filters build, so both APIs run one query layer
(``db/queries/listing.py``). Anything malformed raises ``RestError(400)`` with the A10 body.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from sqlalchemy.sql import Select

from db.queries import batch
from db.queries.listing import Condition, ListError, ListQuery, ListSpec, Sort
from db.session import OperationDB
from rest_compat.errors import RestError, not_found

DEFAULT_RANGE = 25
MAX_RANGE = 500
"""A3: no maximum is documented; larger ``range`` values are capped here, never refused."""

MAX_ID = 2**31 - 1
"""Ids and whole numbers beyond PostgreSQL's ``integer`` name nothing: never sent to it."""


def digits(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts ``²`` and other digit characters)."""
    return text.isascii() and text.isdigit()


def path_id(text: str) -> int | None:
    """An id in a path or query value: ``1`` to ``MAX_ID`` in ASCII digits; None otherwise."""
    text = text.strip()
    if not digits(text) or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def entity_id(text: str, entity: str) -> int:
    """The id a path names, or the entity's 404: every path-id route reads its id here."""
    value = path_id(text)
    if value is None:
        raise not_found(entity, text)
    return value


def fields_param(request: Request) -> list[str]:
    """The names in ``?fields=a,b`` (A6), blanks dropped."""
    raw = request.query_params.get("fields") or ""
    return [part.strip() for part in raw.split(",") if part.strip()]


RESERVED = frozenset({"range", "page", "sort", "fields", "global_search", "access_token"})


class Kind(enum.Enum):
    """How a filter value is read from the query string."""

    TEXT = "text"
    INT = "int"
    ID = "id"
    BOOL = "bool"
    DATETIME = "datetime"
    DATE = "date"
    MONEY = "money"
    UUID = "uuid"
    ENUM = "enum"


class Match(enum.Enum):
    """What a bare value means for a field (A5 "default match")."""

    EXACT = "exact"
    REGEX = "regex"
    SEARCH = "search"
    PREFIX = "prefix"


@dataclass(frozen=True, slots=True)
class FilterField:
    """A REST filter name and the ``ListSpec`` field it reads."""

    target: str
    kind: Kind = Kind.TEXT
    match: Match = Match.EXACT
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resource:
    """What one Circuit list accepts: filters, sorts (REST name -> list fields) and fields."""

    filters: Mapping[str, FilterField]
    sorts: Mapping[str, tuple[str, ...]]
    fields: tuple[str, ...]
    default_sort: tuple[Sort, ...] = (Sort("id"),)
    search: bool = True
    """Whether ``global_search`` applies (A7)."""


@dataclass(frozen=True, slots=True)
class ListParams:
    query: ListQuery
    page: int
    size: int
    fields: tuple[str, ...] | None = None
    regexes: tuple[tuple[str, str], ...] = field(default=())
    """``(filter key, pattern)`` pairs to check with PostgreSQL before the list runs."""

    @property
    def offset(self) -> int:
        return self.page * self.size


def bad(key: str, message: str, title: str = "Bad Request") -> RestError:
    return RestError(400, title, message, errors={key: [message]})


# -- PHP-style bracket keys (A1) ----------------------------------------------------------

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


def parse_brackets(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``filter[a][value][0]=x`` pairs as nested dicts and lists (numeric keys become lists).

    Empty brackets append; numeric keys must start at 0 and be consecutive.
    """
    tree: dict[str, Any] = {}
    for key, value in items:
        if "\x00" in key or "\x00" in value:
            raise bad(key, "NUL characters are not allowed.")
        matched = _KEY.match(key)
        if matched is None:
            raise bad(key, f"Malformed parameter name: {key}")
        parts = [matched.group(1), *_PART.findall(matched.group(2))]
        node: dict[str, Any] = tree
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "":
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                if isinstance(node.get(part), dict):
                    raise bad(key, f"Parameter {key} is given both as a value and as a list")
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise bad(key, f"Parameter {key} is given both as a value and as a list")
                node = child
    return {k: _listify(v, k) for k, v in tree.items()}


def _listify(node: Any, where: str) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v, f"{where}[{k}]") for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        keys = sorted(int(k) for k in converted)
        if keys != list(range(len(keys))):
            raise bad(where, "Indices must start at 0 and be consecutive.")
        return [converted[str(k)] for k in keys]
    return converted


# -- values --------------------------------------------------------------------------------

_TRUE = {"1", "true"}
_FALSE = {"0", "false"}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _moment(text: str) -> tuple[datetime, bool]:
    """A UTC datetime and whether only a date was given (``ValueError`` if none, or if it is
    beyond the years 1-9999 in UTC)."""
    text = text.strip()
    if len(text) == 10:
        return _day_start(date.fromisoformat(text)), True
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC), False
    except OverflowError as exc:
        raise ValueError(text) from exc


MAX_AMOUNT_DIGITS = 18
"""Digits an amount filter may have before and after the point; every stored amount fits."""


def _amount_in_range(amount: Decimal) -> bool:
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    return amount.adjusted() < MAX_AMOUNT_DIGITS and exponent >= -MAX_AMOUNT_DIGITS


def convert(spec: FilterField, raw: Any, key: str) -> Any:
    """One filter value in the field's Python type; 400 if it is not one."""
    if not isinstance(raw, str):
        raise bad(key, "Expected a single value.")
    text = raw.strip()
    try:
        if spec.kind is Kind.TEXT:
            return raw
        if spec.kind in (Kind.INT, Kind.ID):
            number = int(text)
            if abs(number) > MAX_ID:
                raise ValueError(text)
            return number
        if spec.kind is Kind.BOOL:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
        if spec.kind is Kind.MONEY:
            amount = Decimal(text)
            if not amount.is_finite() or not _amount_in_range(amount):
                raise ValueError(text)
            return amount
        if spec.kind is Kind.DATE:
            return date.fromisoformat(text[:10])
        if spec.kind is Kind.DATETIME:
            return _moment(text)[0]
        if spec.kind is Kind.UUID:
            return uuid.UUID(text)
        if spec.kind is Kind.ENUM:
            if text.lower() not in spec.choices:
                raise ValueError(text)
            return text.lower()
    except (ValueError, InvalidOperation) as exc:
        expected = {
            Kind.INT: "a whole number",
            Kind.ID: "an id",
            Kind.BOOL: "1, 0, true or false",
            Kind.MONEY: f"an amount (at most {MAX_AMOUNT_DIGITS} digits each side of the point)",
            Kind.DATE: "an ISO date",
            Kind.DATETIME: "an ISO date or date-time",
            Kind.UUID: "a UUID",
            Kind.ENUM: "one of " + ", ".join(spec.choices),
        }[spec.kind]
        raise bad(key, f"Invalid value {raw!r}: expected {expected}.") from exc
    raise AssertionError(spec.kind)  # pragma: no cover


def _range(spec: FilterField, low: Any, high: Any, key: str) -> Condition:
    """Inclusive ``low <= f <= high``; a date-only upper bound includes that whole day."""
    bounds: dict[str, Any] = {}
    if low not in (None, ""):
        bounds["gte"] = convert(spec, low, f"{key}[from]")
    if high not in (None, ""):
        if spec.kind is Kind.DATETIME and isinstance(high, str):
            try:
                moment, whole_day = _moment(high)
            except ValueError:
                convert(spec, high, f"{key}[to]")  # raises the usual 400
                raise
            if whole_day and moment.date() == date.max:
                bounds["lte"] = datetime.max.replace(tzinfo=UTC)
            elif whole_day:
                bounds["lt"] = moment + timedelta(days=1)
            else:
                bounds["lte"] = moment
        else:
            bounds["lte"] = convert(spec, high, f"{key}[to]")
    if not bounds:
        raise bad(key, "A range needs a from or a to value.")
    return Condition(**bounds)


_COMPARISONS = {"=": "eq", "!=": "ne", "<>": "ne", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
OPERATORS = (*_COMPARISONS, "IN", "NOT IN", "BETWEEN", "REGEXP", "LIKE")


def _default(spec: FilterField, value: str, key: str) -> tuple[Condition, str | None]:
    if spec.match is Match.REGEX and spec.kind is Kind.TEXT:
        return Condition(regex=value), value
    if spec.match is Match.SEARCH and spec.kind is Kind.TEXT:
        return Condition(contains=value), None
    if spec.match is Match.PREFIX and spec.kind is Kind.TEXT:
        escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Condition(like=f"{escaped}%"), None
    return Condition(eq=convert(spec, value, key)), None


def filter_condition(name: str, spec: FilterField, raw: Any) -> tuple[Condition, str | None]:
    """One ``filter[name]`` (any A5 form) as a Condition, and the regex to check, if any."""
    key = f"filter[{name}]"
    if isinstance(raw, str):
        return _default(spec, raw, key)
    if isinstance(raw, list):
        return filter_condition(name, spec, {"value": raw, "operator": "IN"})
    unknown = sorted(set(raw) - {"value", "operator"})
    if unknown:
        raise bad(f"{key}[{unknown[0]}]", f"Unknown filter key: {unknown[0]}")
    value = raw.get("value")
    operator = raw.get("operator")
    if operator is not None and not isinstance(operator, str):
        raise bad(f"{key}[operator]", "The operator must be a single value.")
    op = " ".join(operator.upper().split()) if operator else None
    if op is not None and op not in OPERATORS:
        raise bad(f"{key}[operator]", f"Unsupported operator: {operator}")
    if value is None:
        raise bad(f"{key}[value]", "A filter value is required.")
    if isinstance(value, dict):
        if set(value) - {"from", "to"}:
            raise bad(f"{key}[value]", "A range has only from and to.")
        if op not in (None, "BETWEEN"):
            raise bad(f"{key}[operator]", f"Operator {op} does not take a range.")
        return _range(spec, value.get("from"), value.get("to"), f"{key}[value]"), None
    if isinstance(value, list):
        if op == "BETWEEN":
            if len(value) != 2:
                raise bad(f"{key}[value]", "BETWEEN takes exactly two values.")
            return _range(spec, value[0], value[1], f"{key}[value]"), None
        if op in (None, "IN", "="):
            return Condition(in_=_values(spec, value, key)), None
        if op in ("NOT IN", "!=", "<>"):
            return Condition(not_in=_values(spec, value, key)), None
        raise bad(f"{key}[operator]", f"Operator {op} takes a single value.")
    if op is None:
        return _default(spec, value, key)
    if op in ("IN", "NOT IN"):
        values = _values(spec, [value], key)
        return (Condition(in_=values) if op == "IN" else Condition(not_in=values)), None
    if op == "BETWEEN":
        raise bad(f"{key}[value]", "BETWEEN takes two values: value[0] and value[1].")
    if op in ("REGEXP", "LIKE"):
        if spec.kind is not Kind.TEXT:
            raise bad(f"{key}[operator]", f"Operator {op} applies to text fields only.")
        if op == "REGEXP":
            return Condition(regex=value), value
        if (len(value) - len(value.rstrip("\\"))) % 2:
            raise bad(f"{key}[value]", "A LIKE pattern must not end with an escaping backslash.")
        return Condition(like=value if "%" in value else f"%{value}%"), None
    return Condition(**{_COMPARISONS[op]: convert(spec, value, f"{key}[value]")}), None


def _values(spec: FilterField, values: Sequence[Any], key: str) -> tuple[Any, ...]:
    if not values:
        raise bad(f"{key}[value]", "List at least one value.")
    return tuple(convert(spec, v, f"{key}[value][{i}]") for i, v in enumerate(values))


# -- the whole query string ----------------------------------------------------------------


def _int(params: Mapping[str, Any], name: str, default: int, minimum: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not isinstance(raw, str) or not digits(raw.strip().removeprefix("-")):
        raise bad(name, f"`{name}` must be a whole number.")
    value = int(raw)
    if value > MAX_ID:
        raise bad(name, f"`{name}` must be at most {MAX_ID}.")
    if value < minimum:
        raise bad(name, f"`{name}` must be at least {minimum}.")
    return value


def _names(params: Mapping[str, Any], name: str) -> list[str]:
    raw = params.get(name)
    if raw is None:
        return []
    if not isinstance(raw, str):
        raise bad(name, f"`{name}` is a comma-separated list.")
    return [part.strip() for part in raw.split(",") if part.strip()]


def parse_sort(resource: Resource, names: Sequence[str]) -> tuple[Sort, ...]:
    sorts: list[Sort] = []
    for name in names:
        descending = name.startswith("-")
        bare = name.lstrip("-+")
        targets = resource.sorts.get(bare)
        if targets is None:
            raise RestError(
                400,
                "Invalid sort field",
                f"Unknown field: {bare}",
                errors={"sort": [f"Unknown field: {bare}"]},
            )
        sorts += [Sort(target, descending) for target in targets]
    return tuple(sorts)


def parse_fields(resource: Resource, names: Sequence[str]) -> tuple[str, ...] | None:
    if not names:
        return None
    unknown = [n for n in names if n not in resource.fields]
    if unknown:
        message = f"Unknown field: {unknown[0]}"
        raise RestError(400, "Invalid fields", message, errors={"fields": [message]})
    wanted = set(names) | ({"id"} if "id" in resource.fields else set())
    return tuple(name for name in resource.fields if name in wanted)


def parse_list(
    items: Iterable[tuple[str, str]],
    resource: Resource,
    extra: Mapping[str, tuple[str, Condition]] | None = None,
) -> ListParams:
    """The list parameters of one Circuit request (query-string pairs in order)."""
    params = parse_brackets(items)
    size = min(_int(params, "range", DEFAULT_RANGE, 1), MAX_RANGE)
    page = _int(params, "page", 0, 0)
    sort = parse_sort(resource, _names(params, "sort")) or resource.default_sort
    fields = parse_fields(resource, _names(params, "fields"))
    conditions: list[tuple[str, Condition]] = list((extra or {}).values())
    regexes: list[tuple[str, str]] = []
    raw_filters = params.get("filter", {})
    if not isinstance(raw_filters, dict):
        raise bad("filter", "Filters are given as filter[<field>]=<value>.")
    for name, raw in raw_filters.items():
        spec = resource.filters.get(name)
        if spec is None:
            message = f"Unknown filter field: {name}"
            raise RestError(400, "Invalid filter", message, errors={f"filter[{name}]": [message]})
        condition, regex = filter_condition(name, spec, raw)
        conditions.append((spec.target, condition))
        if regex is not None:
            regexes.append((f"filter[{name}]", regex))
    search = params.get("global_search")
    if search is not None and not isinstance(search, str):
        raise bad("global_search", "`global_search` is a single text.")
    text = (search or "").strip() or None
    if text is not None and not resource.search:
        raise bad("global_search", "This list has no search.")
    query = ListQuery(filters=tuple(conditions), sort=sort, search=text)
    return ListParams(query=query, page=page, size=size, fields=fields, regexes=tuple(regexes))


async def run_list(
    db: OperationDB,
    statement: Select[Any],
    spec: ListSpec,
    params: ListParams,
    *,
    is_staff: bool,
) -> tuple[list[Any], int]:
    """One page of ``statement``'s rows under ``params`` and the count before pagination.

    Regular expressions are compiled by PostgreSQL first, so a bad one is a 400, never a 500.
    Filters on staff-only facts are refused to others, as in the graph.
    """
    for key, pattern in params.regexes:
        problem = await batch.regex_error(db, pattern)
        if problem is not None:
            message = f"Invalid regular expression: {problem}"
            raise RestError(400, "Invalid regular expression", message, errors={key: [message]})
    try:
        spec.check_filters(params.query, is_staff=is_staff)
        rows = await batch.offset_rows(
            db, statement, spec, params.query, params.offset, params.size
        )
        count = await batch.count(db, statement, spec, params.query)
    except ListError as exc:
        raise bad(exc.field or "filter", str(exc)) from exc
    return rows, count
