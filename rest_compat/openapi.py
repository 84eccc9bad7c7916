"""OpenAPI parameter objects for the query strings the Circuit routes read by hand.

Routes parse their query string themselves (``query.parse_list``: PHP-style bracket keys, A10
errors), so FastAPI sees none of it. These helpers declare the same parameters from the same
``Resource`` the parser reads, for the route's ``openapi_extra``: a filter, sort or field added
to a ``Resource`` is documented (and fuzzed by schemathesis) without a second list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rest_compat.query import (
    DEFAULT_RANGE,
    MAX_AMOUNT_DIGITS,
    MAX_ID,
    MAX_RANGE,
    OPERATORS,
    FilterField,
    Kind,
    Match,
    Resource,
)

Parameter = dict[str, Any]

ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_SCHEMAS: dict[Kind, dict[str, Any]] = {
    Kind.TEXT: {"type": "string"},
    Kind.INT: {"type": "integer", "minimum": -MAX_ID, "maximum": MAX_ID},
    Kind.ID: ID_SCHEMA,
    Kind.BOOL: {"type": "boolean"},
    Kind.DATETIME: {"type": "string", "format": "date-time"},
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.MONEY: {
        "type": "string",
        "pattern": f"^-?[0-9]{{1,{MAX_AMOUNT_DIGITS}}}(\\.[0-9]{{1,{MAX_AMOUNT_DIGITS}}})?$",
    },
    Kind.UUID: {"type": "string", "format": "uuid"},
}
_BARE = {
    Match.EXACT: "equals the value",
    Match.REGEX: "matches the value as a case-insensitive regular expression",
    Match.SEARCH: "contains the value (case-insensitive)",
    Match.PREFIX: "starts with the value",
}
_KIND_NOTES = {
    Kind.BOOL: " (`1`/`0` also accepted)",
    Kind.DATETIME: " (ISO date-time, or a date: midnight UTC)",
    Kind.DATE: " (ISO date)",
    Kind.MONEY: " (an amount in currency units)",
    Kind.ID: " (an id)",
}
_TEXT_OPERATORS = ", ".join(f"`{op}`" for op in OPERATORS)
_OTHER_OPERATORS = ", ".join(f"`{op}`" for op in OPERATORS if op not in ("REGEXP", "LIKE"))


def query_parameter(name: str, schema: dict[str, Any], description: str) -> Parameter:
    """One optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _names_pattern(names: Iterable[str], sign: str = "") -> str:
    """A comma-separated list of ``names``, each optionally led by ``sign``."""
    one = f"{sign}({'|'.join(re.escape(name) for name in names)})"
    return f"^{one}(,{one})*$"


def filter_schema(spec: FilterField) -> dict[str, Any]:
    """The JSON schema of a bare ``filter[<name>]=<value>`` (A5 simple form)."""
    if spec.kind is Kind.ENUM:
        return {"type": "string", "enum": list(spec.choices)}
    return dict(_SCHEMAS[spec.kind])


def filter_parameter(name: str, spec: FilterField) -> Parameter:
    """``filter[<name>]`` in its simple form; the bracket forms are in the description."""
    key = f"filter[{name}]"
    operators = _TEXT_OPERATORS if spec.kind is Kind.TEXT else _OTHER_OPERATORS
    match = _BARE[spec.match] if spec.kind is Kind.TEXT else _BARE[Match.EXACT]
    return query_parameter(
        key,
        filter_schema(spec),
        f"Rows whose `{name}` {match}{_KIND_NOTES.get(spec.kind, '')}. A5 forms: "
        f"`{key}[value]=v`; `{key}[value][0]=a&{key}[value][1]=b` (IN); "
        f"`{key}[value][from]=x&{key}[value][to]=y` (inclusive, either bound optional); "
        f"`{key}[operator]=` one of {operators} (case-insensitive).",
    )


def fields_parameter(resource: Resource) -> Parameter:
    """``fields=a,b`` (A6): the names the resource returns."""
    return query_parameter(
        "fields",
        {"type": "string", "pattern": _names_pattern(resource.fields)},
        "Comma-separated field names to return (`id` always comes too): "
        + ", ".join(resource.fields)
        + ".",
    )


def list_parameters(resource: Resource) -> list[Parameter]:
    """Every parameter ``parse_list`` reads for ``resource`` (A3-A7)."""
    parameters = [
        query_parameter(
            "range",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID, "default": DEFAULT_RANGE},
            f"Page size; values over {MAX_RANGE} return {MAX_RANGE} rows (A3).",
        ),
        query_parameter(
            "page",
            {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0},
            "0-indexed page number (A3).",
        ),
    ]
    if resource.sorts:
        parameters.append(
            query_parameter(
                "sort",
                {"type": "string", "pattern": _names_pattern(resource.sorts, "-?")},
                "Comma-separated sort fields, `-` first for descending (A4): "
                + ", ".join(resource.sorts)
                + ". Ties are broken by id.",
            )
        )
    parameters.append(fields_parameter(resource))
    if resource.search:
        parameters.append(
            query_parameter(
                "global_search",
                {"type": "string"},
                "Words that must each occur (case-insensitive) in one of the search fields (A7).",
            )
        )
    parameters += [filter_parameter(name, spec) for name, spec in resource.filters.items()]
    return parameters


def parameters(*declared: Parameter | Iterable[Parameter]) -> dict[str, Any]:
    """``openapi_extra`` declaring ``declared`` (parameter objects, or lists of them)."""
    flat: list[Parameter] = []
    for entry in declared:
        if isinstance(entry, dict):
            flat.append(entry)
        else:
            flat += entry
    return {"parameters": flat}


def list_openapi(resource: Resource, *extra: Parameter) -> dict[str, Any]:
    """``openapi_extra`` of a Circuit list route: its ``Resource`` plus ``extra`` parameters."""
    return parameters(list_parameters(resource), *extra)
