"""Term list inputs and the decoding of term-field inputs (lists of Term / Category IDs)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import strawberry

from domain.fields import camel
from domain.terms import CATEGORIES, TermField
from graph.filtering import IDFilter, OrderDirection, StringFilter, decode_id

TERM_ID_TYPES = {"id": "Term", "parent_id": "Term"}
TERM_IDS = (
    "Term IDs of the field's vocabulary, replaced as a whole in this order (repeats collapse; "
    "null or [] clears). Errors name the entry: `tags.1`."
)


@strawberry.input(description="Filter terms; every given field must match.")
class TermFilter:
    id: IDFilter | None = strawberry.field(default=None, description="By term ID.")
    parent_id: IDFilter | None = strawberry.field(default=None, description="By parent term.")
    name: StringFilter | None = strawberry.field(default=None, description="By name.")


@strawberry.enum(description="Fields terms can be sorted by.")
class TermOrderField(enum.Enum):
    ID = "id"
    NAME = "name"
    WEIGHT = "weight"


@strawberry.input(description="One sort key for terms.")
class TermOrder:
    field: TermOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )


def decode_terms(values: dict[str, Any], fields: Mapping[str, TermField]) -> dict[str, Any]:
    """``values`` with each sent term field's global IDs as database ids (Category IDs for
    ``categories``, Term IDs otherwise); null stays null (it clears)."""
    for name, spec in fields.items():
        value = values.get(name)
        if value is None:
            continue
        kind = "Category" if spec.vocabulary == CATEGORIES else "Term"
        path = camel(name)
        if spec.many:
            values[name] = [decode_id(v, kind, f"{path}.{i}") for i, v in enumerate(value)]
        else:
            values[name] = decode_id(value, kind, path)
    return values
