"""Typed filters, sorting and keyset pagination shared by every list (GraphQL and REST).

An entity's list is described once by a ``ListSpec`` (which names can be filtered, sorted and
searched). Callers build a ``ListQuery`` (hashable, so it can key a dataloader) and get a
``Page`` back. Cursors are keyset cursors: the sort values of the edge plus its id, so they stay
valid while rows are inserted or deleted around them.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.sql import ColumnElement, Select

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25


class ListError(ValueError):
    """Bad list arguments (unknown field, malformed cursor, page size out of range)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Condition:
    """One field's filter. Every operator set must hold (AND)."""

    eq: Any = None
    ne: Any = None
    in_: tuple[Any, ...] | None = None
    not_in: tuple[Any, ...] | None = None
    gt: Any = None
    gte: Any = None
    lt: Any = None
    lte: Any = None
    contains: str | None = None
    like: str | None = None
    """An ILIKE pattern as given (``%`` and ``_`` are wildcards)."""
    regex: str | None = None
    is_null: bool | None = None


@dataclass(frozen=True, slots=True)
class Sort:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def size(self) -> int:
        """The page size asked for, capped at ``MAX_PAGE_SIZE``."""
        for name, value in (("first", self.first), ("last", self.last)):
            if value is not None and value < 0:
                raise ListError(f"`{name}` must not be negative", name)
            if value is not None and value > MAX_PAGE_SIZE:
                raise ListError(f"`{name}` must be at most {MAX_PAGE_SIZE}", name)
        if self.first is not None and self.last is not None:
            raise ListError("pass either `first` or `last`, not both", "last")
        if self.last is not None:
            return self.last
        return self.first if self.first is not None else DEFAULT_PAGE_SIZE

    @property
    def backward(self) -> bool:
        return self.last is not None or (self.before is not None and self.first is None)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Filters, sort and search of one list; hashable so it can key a loader."""

    filters: tuple[tuple[str, Condition], ...] = ()
    sort: tuple[Sort, ...] = ()
    search: str | None = None


@dataclass(frozen=True)
class ListSpec:
    """What one entity's list allows: its filterable/sortable expressions and search columns."""

    model: Any
    fields: Mapping[str, Any]
    sortable: frozenset[str]
    default_sort: tuple[Sort, ...]
    search: tuple[Any, ...] = ()
    extra_conditions: Mapping[str, Callable[[Condition], ColumnElement[bool]]] = field(
        default_factory=dict
    )
    staff_only: frozenset[str] = frozenset()
    """Filters that would reveal staff-only facts (a lot's winner, a bid's bidder)."""

    @property
    def id_column(self) -> Any:
        return self.model.id

    def check_filters(self, query: ListQuery, *, is_staff: bool) -> None:
        """Refuse a non-staff filter on a staff-only field (rows alone would leak it)."""
        if is_staff:
            return
        for name, _ in query.filters:
            if name in self.staff_only:
                raise ListError(f"only staff may filter by `{_camel(name)}`", _camel(name))


@dataclass(slots=True)
class Page:
    """One page of rows with the sort values of each (its cursor, encoded only when asked for)."""

    rows: list[Any]
    keys: list[Sequence[Any]]
    has_next_page: bool
    has_previous_page: bool

    def cursor(self, index: int) -> str:
        """The cursor of the row at ``index``."""
        return encode_cursor(self.keys[index])

    @property
    def cursors(self) -> list[str]:
        return [encode_cursor(key) for key in self.keys]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _bound(value: Any) -> Any:
    """A Decimal as an unconstrained ``numeric`` parameter: bound with the column's type
    (``numeric(12,2)``), a larger amount would be a PostgreSQL overflow, not a comparison."""
    return sa.literal(value, sa.Numeric()) if isinstance(value, Decimal) else value


def _condition_clauses(column: Any, cond: Condition) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if cond.eq is not None:
        clauses.append(column == _bound(cond.eq))
    if cond.ne is not None:
        clauses.append(column != _bound(cond.ne))
    if cond.in_ is not None:
        clauses.append(column.in_([_bound(v) for v in cond.in_]))
    if cond.not_in is not None:
        values = [_bound(v) for v in cond.not_in]
        clauses.append(sa.or_(column.not_in(values), column.is_(None)))
    if cond.gt is not None:
        clauses.append(column > _bound(cond.gt))
    if cond.gte is not None:
        clauses.append(column >= _bound(cond.gte))
    if cond.lt is not None:
        clauses.append(column < _bound(cond.lt))
    if cond.lte is not None:
        clauses.append(column <= _bound(cond.lte))
    if cond.contains is not None:
        clauses.append(column.ilike(f"%{_escape_like(cond.contains)}%", escape="\\"))
    if cond.like is not None:
        clauses.append(sa.cast(column, sa.Text).ilike(cond.like))
    if cond.regex is not None:
        clauses.append(sa.cast(column, sa.Text).regexp_match(cond.regex, flags="i"))
    if cond.is_null is not None:
        clauses.append(column.is_(None) if cond.is_null else column.is_not(None))
    return clauses


def condition_clauses(column: Any, cond: Condition) -> list[ColumnElement[bool]]:
    """The clauses of ``cond`` on ``column`` (for ``extra_conditions`` over another table)."""
    return _condition_clauses(column, cond)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_clauses(spec: ListSpec, query: ListQuery) -> list[ColumnElement[bool]]:
    """WHERE clauses for the query's filters and search."""
    clauses: list[ColumnElement[bool]] = []
    for name, cond in query.filters:
        if name in spec.extra_conditions:
            clauses.append(spec.extra_conditions[name](cond))
            continue
        if name not in spec.fields:
            raise ListError(f"unknown filter field `{name}`", name)
        clauses.extend(_condition_clauses(spec.fields[name], cond))
    if query.search and query.search.strip() and spec.search:
        for word in query.search.split():
            pattern = f"%{_escape_like(word)}%"
            clauses.append(
                sa.or_(*(sa.cast(col, sa.Text).ilike(pattern, escape="\\") for col in spec.search))
            )
    return clauses


def check_sort(spec: ListSpec, query: ListQuery) -> None:
    """``ListError`` for a sort field the list cannot sort by."""
    _order(spec, query)


def _order(spec: ListSpec, query: ListQuery) -> list[tuple[Any, bool]]:
    sorts = query.sort or spec.default_sort
    order: list[tuple[Any, bool]] = []
    for sort in sorts:
        if sort.field not in spec.sortable:
            raise ListError(f"cannot sort by `{sort.field}`", sort.field)
        order.append((spec.fields[sort.field], sort.descending))
    last_desc = order[-1][1] if order else False
    order.append((spec.id_column, last_desc))  # unique tie-breaker keeps cursors stable
    return order


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return {"t": value.isoformat()}
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if hasattr(value, "value") and not isinstance(value, int | str | float | bool):
        return value.value
    return value


def _from_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        if "t" in value:
            text = value["t"]
            # A date's ISO form has no time part; give back a date, not midnight of that day.
            if isinstance(text, str) and len(text) == 10:
                return date.fromisoformat(text)
            return datetime.fromisoformat(text)
        if "d" in value:
            return Decimal(value["d"])
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    """Opaque cursor holding the sort values of one row."""
    raw = orjson.dumps([_jsonable(v) for v in values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int, argument: str = "after") -> list[Any]:
    """The sort values inside a cursor; ``ListError`` (naming ``argument``) if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = orjson.loads(raw)
        if not isinstance(values, list) or len(values) != width:
            raise ListError("cursor does not belong to this list and order", argument)
        return [_from_jsonable(v) for v in values]
    except ListError:
        raise
    except (ValueError, TypeError, ArithmeticError) as exc:  # bad base64, JSON, date or number
        raise ListError(f"malformed cursor in `{argument}`", argument) from exc


def _cursor_value(column: Any, value: Any, argument: str) -> Any:
    """``value`` as the Python type of ``column``; a cursor from another list or order fails."""
    if value is None:
        return None
    try:
        expected = column.type.python_type
    except NotImplementedError:  # pragma: no cover - every sortable column has a Python type
        return value
    if issubclass(expected, enum.Enum):
        try:
            return expected(value)
        except (ValueError, TypeError):
            pass
    elif expected is datetime:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value  # every stored time is timezone-aware, and so is every cursor we issue
    elif expected is date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
    elif isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool):
        return value
    raise ListError("cursor does not belong to this list and order", argument)


def _cursor_clauses(order: list[tuple[Any, bool]], args: PageArgs) -> list[ColumnElement[bool]]:
    """Keyset conditions for ``after`` and ``before`` (both may be given, as Relay allows)."""
    clauses: list[ColumnElement[bool]] = []
    for argument, cursor, direction in (
        ("after", args.after, order),
        ("before", args.before, [(column, not desc) for column, desc in order]),
    ):
        if cursor is None:
            continue
        values = [
            _cursor_value(column, value, argument)
            for (column, _), value in zip(
                order, decode_cursor(cursor, len(order), argument), strict=True
            )
        ]
        clauses.append(_after(direction, values))
    return clauses


def _after(order: list[tuple[Any, bool]], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in ``order`` (NULL sorts as the largest value)."""
    alternatives: list[ColumnElement[bool]] = []
    equal_prefix: list[ColumnElement[bool]] = []
    for (column, descending), value in zip(order, values, strict=True):
        if value is None:
            beyond = column.is_not(None) if descending else sa.false()
            same = column.is_(None)
        elif descending:
            beyond = column < value
            same = column == value
        else:
            beyond = sa.or_(column > value, column.is_(None))
            same = column == value
        alternatives.append(sa.and_(*equal_prefix, beyond))
        equal_prefix.append(same)
    return sa.or_(*alternatives)


def _order_by(order: list[tuple[Any, bool]]) -> list[Any]:
    return [
        column.desc().nulls_first() if descending else column.asc().nulls_last()
        for column, descending in order
    ]


def paginate(
    statement: Select[Any], spec: ListSpec, query: ListQuery, args: PageArgs
) -> tuple[Select[Any], Callable[[Sequence[Any]], Page]]:
    """Add filters, keyset condition, order and limit to ``statement``.

    Returns the statement (its rows carry the entity first, then the sort values) and a function
    that turns the fetched rows into a ``Page``.
    """
    size = args.size()
    order = _order(spec, query)
    backward = args.backward
    effective = [(column, not desc) for column, desc in order] if backward else order
    stmt = statement.where(*filter_clauses(spec, query), *_cursor_clauses(order, args))
    stmt = stmt.add_columns(*(column for column, _ in order))
    stmt = stmt.order_by(*_order_by(effective)).limit(size + 1)

    def build(rows: Sequence[Any]) -> Page:
        return make_page(list(rows), size, args)

    return stmt, build


def paginate_offset(
    statement: Select[Any], spec: ListSpec, query: ListQuery, offset: int, limit: int
) -> Select[Any]:
    """Filters, order (ties broken by id) and ``OFFSET``/``LIMIT``: the REST layer's pages."""
    order = _order(spec, query)
    order[-1] = (spec.id_column, False)  # ties by id ascending, whatever the direction
    stmt = statement.where(*filter_clauses(spec, query))
    return stmt.order_by(*_order_by(order)).offset(offset).limit(limit)


def make_page(rows: list[Any], size: int, args: PageArgs) -> Page:
    """Turn ``size + 1`` fetched rows (entity, *sort values) into a page."""
    backward = args.backward
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    return Page(
        rows=[row[0] for row in rows],
        keys=[row[1:] for row in rows],
        has_next_page=more if not backward else args.before is not None,
        has_previous_page=more if backward else args.after is not None,
    )


def paginate_by_parent(
    statement: Select[Any],
    parent_column: Any,
    spec: ListSpec,
    query: ListQuery,
    args: PageArgs,
) -> tuple[Select[Any], Callable[[Sequence[Any]], dict[Any, Page]]]:
    """One statement that pages the children of many parents at once.

    ``row_number() OVER (PARTITION BY parent ORDER BY …)`` keeps ``size + 1`` rows per parent,
    so a nested connection costs one statement whatever the number of parents.
    """
    size = args.size()
    order = _order(spec, query)
    backward = args.backward
    effective = [(column, not desc) for column, desc in order] if backward else order
    rank = sa.func.row_number().over(partition_by=parent_column, order_by=_order_by(effective))
    inner = statement.where(*filter_clauses(spec, query), *_cursor_clauses(order, args))
    sort_labels = [column.label(f"gavel_sort{i}") for i, (column, _) in enumerate(order)]
    inner = inner.add_columns(
        parent_column.label("gavel_parent"), rank.label("gavel_rank"), *sort_labels
    )
    subquery = inner.subquery()
    entity = sa.orm.aliased(spec.model, subquery)
    stmt = (
        sa.select(
            entity,
            subquery.c.gavel_parent,
            *(subquery.c[f"gavel_sort{i}"] for i in range(len(order))),
        )
        .where(subquery.c.gavel_rank <= size + 1)
        .order_by(subquery.c.gavel_parent, subquery.c.gavel_rank)
    )

    def build(rows: Sequence[Any]) -> dict[Any, Page]:
        grouped: dict[Any, list[Any]] = {}
        for row in rows:
            grouped.setdefault(row[1], []).append((row[0], *row[2:]))
        return {parent: make_page(items, size, args) for parent, items in grouped.items()}

    return stmt, build


def empty_page() -> Page:
    return Page(rows=[], keys=[], has_next_page=False, has_previous_page=False)
