"""Filter, order and page inputs shared by every list, and their translation to ``ListQuery``.

A filter input's Python field names are the ``ListSpec`` field names, so one generic function
turns any ``XFilter`` into the typed conditions the REST layer builds too.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay
from strawberry.utils.str_converters import to_camel_case

from db.queries.listing import Condition, ListError, ListQuery, PageArgs, Sort
from domain.fields import MAX_INT
from graph.errors import BadUserInputError

E = TypeVar("E")


@strawberry.enum(description="Sort direction.")
class OrderDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="Match an ID exactly or any of a list of IDs.")
class IDFilter:
    eq: strawberry.ID | None = strawberry.field(default=None, description="Equal to.")
    in_: list[strawberry.ID] | None = strawberry.field(
        default=None, name="in", description="Any of."
    )


@strawberry.input(description="Match text exactly, any of a list, or containing a fragment.")
class StringFilter:
    eq: str | None = strawberry.field(default=None, description="Equal to.")
    in_: list[str] | None = strawberry.field(default=None, name="in", description="Any of.")
    contains: str | None = strawberry.field(
        default=None, description="Contains this text, case-insensitively."
    )


@strawberry.input(description="Match a whole number exactly or within a range.")
class IntFilter:
    eq: int | None = strawberry.field(default=None, description="Equal to.")
    in_: list[int] | None = strawberry.field(default=None, name="in", description="Any of.")
    gte: int | None = strawberry.field(default=None, description="Greater than or equal to.")
    lte: int | None = strawberry.field(default=None, description="Less than or equal to.")


@strawberry.input(description="Match an amount exactly or within a range.")
class DecimalFilter:
    eq: Decimal | None = strawberry.field(default=None, description="Equal to.")
    gte: Decimal | None = strawberry.field(default=None, description="Greater than or equal to.")
    lte: Decimal | None = strawberry.field(default=None, description="Less than or equal to.")
    is_null: bool | None = strawberry.field(default=None, description="Has no value (or has).")


@strawberry.input(description="Match a point in time within a range.")
class DateTimeFilter:
    gte: datetime | None = strawberry.field(default=None, description="At or after.")
    lte: datetime | None = strawberry.field(default=None, description="At or before.")
    gt: datetime | None = strawberry.field(default=None, description="Strictly after.")
    lt: datetime | None = strawberry.field(default=None, description="Strictly before.")
    is_null: bool | None = strawberry.field(default=None, description="Has no value (or has).")


@strawberry.input(description="Match an enum value or any of a list of values.")
class EnumFilter(Generic[E]):
    eq: E | None = strawberry.field(default=None, description="Equal to.")
    in_: list[E] | None = strawberry.field(default=None, name="in", description="Any of.")


NO_ROW = 0
"""An id no row has: what a well-formed ID beyond PostgreSQL's integer decodes to, so it is
not found like any other unknown id instead of failing in the database."""


def database_id(node_id: str) -> int:
    """The integer id a global ID carries (``ValueError`` if it is none); ``NO_ROW`` for one
    outside 1 to ``MAX_INT``."""
    number = int(node_id)
    return number if 0 < number <= MAX_INT else NO_ROW


def decode_id(value: str | relay.GlobalID, type_name: str, field: str = "id") -> int:
    """The database id inside a global ID of ``type_name``; a clear error for anything else."""
    try:
        gid = value if isinstance(value, relay.GlobalID) else relay.GlobalID.from_id(value)
        if gid.type_name != type_name:
            raise ValueError
        return database_id(gid.node_id)
    except ValueError:
        article = "an" if type_name[:1].upper() in "AEIOU" else "a"
        raise BadUserInputError(
            f"`{field}` must be the ID of {article} {type_name}", field=field
        ) from None


def decode_ids(values: Sequence[str], type_name: str, field: str) -> list[int]:
    return [decode_id(v, type_name, field) for v in values]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _condition(value: Any, id_type: str | None, field: str) -> Condition | Any:
    if not dataclasses.is_dataclass(value):
        return Condition(eq=_plain(value))  # a bare Boolean/enum filter field
    ops = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if id_type is not None:
        if ops.get("eq") is not None:
            ops["eq"] = decode_id(ops["eq"], id_type, field)
        if ops.get("in_") is not None:
            ops["in_"] = decode_ids(ops["in_"], id_type, field)
    if ops.get("in_") is not None:
        ops["in_"] = tuple(_plain(v) for v in ops["in_"])
    if ops.get("eq") is not None:
        ops["eq"] = _plain(ops["eq"])
    return Condition(**{k: v for k, v in ops.items() if v is not None})


def list_query(
    filter: Any | None,
    order_by: Sequence[Any] | None,
    search: str | None,
    id_types: dict[str, str] | None = None,
) -> ListQuery:
    """Turn ``filter``/``orderBy``/``search`` arguments into a hashable ``ListQuery``.

    ``id_types`` names the Node type of each ID-valued filter field (``{"sale_id": "Sale"}``).
    """
    conditions: list[tuple[str, Condition]] = []
    if filter is not None:
        for f in dataclasses.fields(filter):
            value = getattr(filter, f.name)
            if value is None:
                continue
            id_type = (id_types or {}).get(f.name)
            # Errors name the field as the client wrote it (`saleId`, not `sale_id`).
            conditions.append((f.name, _condition(value, id_type, to_camel_case(f.name))))
    sorts = tuple(
        Sort(field=o.field.value, descending=o.direction is OrderDirection.DESC)
        for o in order_by or ()
    )
    return ListQuery(filters=tuple(conditions), sort=sorts, search=search or None)


def page_args(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageArgs:
    args = PageArgs(first=first, after=after, last=last, before=before)
    try:
        args.size()
    except ListError as exc:
        raise BadUserInputError(str(exc), field=exc.field) from exc
    return args
