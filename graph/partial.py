"""Partial inputs: the fields a client actually sent, as plain mappings for domain commands.

Update inputs default every field to ``strawberry.UNSET``; a field left out stays UNSET and is
dropped here, while an explicit ``null`` is kept as None (it clears the field).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry
from strawberry import relay

from db import models
from graph.errors import BadUserInputError
from graph.filtering import database_id


def plain(value: Any) -> Any:
    """Nested inputs as dicts (UNSET fields dropped), lists element-wise, the rest as is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return present(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def present(input: Any, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The sent fields of a Strawberry input by Python name, except ``exclude``."""
    return {
        f.name: plain(getattr(input, f.name))
        for f in dataclasses.fields(input)
        if f.name not in exclude and getattr(input, f.name) is not strawberry.UNSET
    }


SUBJECT_TYPES: dict[str, models.EntityType] = {
    "Client": models.EntityType.CLIENT,
    "Address": models.EntityType.ADDRESS,
    "Sale": models.EntityType.SALE,
    "Item": models.EntityType.ITEM,
    "Bid": models.EntityType.BID,
    "Order": models.EntityType.ORDER,
    "Consignment": models.EntityType.CONSIGNMENT,
    "Transaction": models.EntityType.TRANSACTION,
    "Note": models.EntityType.NOTE,
    "File": models.EntityType.FILE,
    "User": models.EntityType.USER,
}
"""GraphQL type name -> the entity type notes (and files, activities) are attached by."""


def decode_subject(value: str, field: str) -> tuple[models.EntityType, int]:
    """The entity type and database id in the global ID of any attachable entity."""
    try:
        gid = relay.GlobalID.from_id(value)
        return SUBJECT_TYPES[gid.type_name], database_id(gid.node_id)
    except (ValueError, KeyError):
        kinds = ", ".join(SUBJECT_TYPES)
        raise BadUserInputError(
            f"`{field}` must be the ID of one of: {kinds}", field=field
        ) from None
