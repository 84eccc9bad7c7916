"""``responsible_user`` of clients (B1.0), consignments (B3.0) and items (B5.0): input as
``[user id]`` (ids as strings or integers, or refs), output as ``[ref]`` labelled with the
user's full name. Staff data: other callers read ``[]`` (and cannot write it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db import models
from db.queries.responsible import responsible_users_by_owner_ids
from db.session import OperationDB
from domain import responsible
from domain.principal import Principal
from rest_compat.circuit.bodies import FormatErrors, to_id

NAME = "responsible_user"
RENAMES = {responsible.INPUT: NAME}
"""The domain's field name in REST errors (``responsible_user[1]``)."""


def user_ids(value: Any, problems: FormatErrors) -> Any:
    """The sent ids as ints for the domain (null clears); 422 for an entry that is no id."""
    if not isinstance(value, list):
        if value is not None:
            problems.add(NAME, "Must be a list of user ids.")
        return value
    ids = []
    for index, entry in enumerate(value):
        raw = entry.get("id") if isinstance(entry, dict) else entry
        user_id = None if raw is None else to_id(raw)
        if user_id is None:
            problems.add(f"{NAME}[{index}]", "Must be a user id.")
        ids.append(user_id)
    return ids


def _refs(users: Sequence[models.User]) -> list[dict[str, str]]:
    return [{"id": str(user.id), "label": user.full_name or user.email} for user in users]


async def refs_by_owner_ids(
    db: OperationDB, principal: Principal, entity_type: models.EntityType, ids: Sequence[int]
) -> list[list[dict[str, str]]]:
    """Each owner's ``responsible_user`` refs: one statement for staff, none for others."""
    if not principal.is_staff:
        return [[] for _ in ids]
    return [_refs(users) for users in await responsible_users_by_owner_ids(db, entity_type, ids)]
