"""Address use cases: create, update and delete a client's addresses (REST B2).

One default per client (a unique partial index backs it): the client's first address always
becomes the default, ``is_default=True`` moves the flag, and taking the flag away from the
default (by update or delete) hands it to the most recently created other address (B2.4/B2.5
Proposal). Every use case locks the owning client row first, so two writers never race on
the default flag of one client.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pycountry
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.queries.client import lock_clients
from db.session import OperationDB
from domain import audit
from domain.errors import Forbidden, NotFound, RuleViolation, RuleViolations, UserErrorCode
from domain.principal import Principal
from realtime.events import EntityUpdated
from realtime.publish import publish

ADDRESS_FIELDS = (
    "country",
    "administrative_area",
    "locality",
    "postal_code",
    "thoroughfare",
    "premise",
    "first_name",
    "last_name",
    "organisation_name",
)
"""The sub-fields of an address (REST ``address`` object)."""

COUNTRY_ALIASES = {"UK": "GB"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def normalize_country(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for ``value`` (any case; ``UK`` means ``GB``), else None."""
    code = value.strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        return None
    return code


def clean_address_fields(
    values: Mapping[str, Any], *, creating: bool, prefix: str = ""
) -> tuple[dict[str, Any], list[RuleViolation]]:
    """Validated address sub-fields and the violations found (all of them, not the first).

    ``creating`` makes ``country`` required; on update only the given sub-fields change.
    Blank strings clear a sub-field (stored as null).
    """
    cleaned: dict[str, Any] = {}
    violations: list[RuleViolation] = []
    for name, value in values.items():
        where = prefix + _camel(name)
        if name not in ADDRESS_FIELDS:
            violations.append(
                RuleViolation(UserErrorCode.INVALID, f"Unknown address field {name!r}.", where)
            )
            continue
        if value is not None and not isinstance(value, str):
            violations.append(RuleViolation(UserErrorCode.INVALID, "Must be text.", where))
            continue
        text = value.strip() if value is not None else ""
        if name == "country":
            if not text:
                violations.append(
                    RuleViolation(UserErrorCode.REQUIRED, "The country is required.", where)
                )
                continue
            code = normalize_country(text)
            if code is None:
                violations.append(
                    RuleViolation(
                        UserErrorCode.INVALID,
                        f"{text!r} is not an ISO 3166-1 alpha-2 country code.",
                        where,
                    )
                )
                continue
            cleaned[name] = code
        else:
            cleaned[name] = text or None
    if creating and "country" not in values:
        violations.append(
            RuleViolation(UserErrorCode.REQUIRED, "The country is required.", prefix + "country")
        )
    return cleaned, violations


def clean_address_types(
    values: Sequence[str] | None, where: str = "addressTypes"
) -> tuple[list[str], list[RuleViolation]]:
    """The types as a sorted subset of billing/shipping (duplicates dropped)."""
    known = {t.value for t in models.AddressType}
    types: list[str] = []
    violations = []
    for value in values or ():
        text = str(getattr(value, "value", value)).strip().lower()
        if text not in known:
            violations.append(
                RuleViolation(
                    UserErrorCode.INVALID,
                    f"Unknown address type {value!r}; use billing and/or shipping.",
                    where,
                )
            )
        elif text not in types:
            types.append(text)
    return sorted(types), violations


# -- commands and results ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateAddress:
    """A new address for ``client_id``; ``fields`` are the sub-fields (``country`` required)."""

    client_id: int
    fields: Mapping[str, Any]
    address_types: Sequence[str] = ()
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class UpdateAddress:
    """Only the given sub-fields change; ``address_types`` (when given) replaces the list."""

    address_id: int
    fields: Mapping[str, Any] = field(default_factory=dict)
    address_types: Sequence[str] | None = None
    is_default: bool | None = None


@dataclass(frozen=True, slots=True)
class DeleteAddress:
    address_id: int


@dataclass(slots=True)
class AddressResult:
    """The address written (or deleted) and the one that holds the default flag afterwards."""

    address: models.Address
    default: models.Address | None = None
    deleted_id: int | None = None


# -- helpers shared with the client use cases ----------------------------------------------


async def _addresses_of(session: AsyncSession, client_id: int) -> list[models.Address]:
    result = await session.execute(
        sa.select(models.Address)
        .where(col(models.Address.client_id) == client_id)
        .order_by(col(models.Address.created_at).desc(), col(models.Address.id).desc())
        .execution_options(populate_existing=True)
    )
    return list(result.scalars().all())


async def _set_flag(
    session: AsyncSession, principal: Principal, address: models.Address, value: bool
) -> None:
    """Change one address's default flag, audited, flushed at once (the unique index)."""
    if address.is_default == value:
        return
    before = audit.snapshot(address, ["is_default"])
    address.is_default = value
    await session.flush()
    await audit.record_updated(session, principal, models.EntityType.ADDRESS, address, before)


async def add_address(
    session: AsyncSession,
    principal: Principal,
    client_id: int,
    fields: Mapping[str, Any],
    address_types: Sequence[str],
    make_default: bool,
) -> models.Address:
    """Insert a validated address; the client's first address, or ``make_default``, takes the
    default flag from the previous default. The client row must be locked by the caller."""
    existing = await _addresses_of(session, client_id)
    is_default = make_default or not existing
    if is_default:
        for other in existing:
            await _set_flag(session, principal, other, False)
    address = models.Address(
        client_id=client_id,
        address_types=list(address_types),
        is_default=is_default,
        validated=False,
        **fields,
    )
    session.add(address)
    await session.flush()
    await audit.record_created(session, principal, models.EntityType.ADDRESS, address)
    return address


async def change_address(
    session: AsyncSession,
    principal: Principal,
    address: models.Address,
    fields: Mapping[str, Any],
    address_types: Sequence[str] | None,
) -> None:
    """Apply validated sub-fields and types; an address whose place changed is not validated."""
    before = audit.snapshot(address)
    changed_place = False
    for name, value in fields.items():
        if getattr(address, name) != value:
            setattr(address, name, value)
            changed_place = True
    if address_types is not None:
        address.address_types = list(address_types)
    if changed_place and address.validated:
        address.validated = False
        address.validated_at = None
    await session.flush()
    await audit.record_updated(session, principal, models.EntityType.ADDRESS, address, before)


async def _client_changed(session: AsyncSession, principal: Principal, client_id: int) -> None:
    await publish(
        session, EntityUpdated(bundle="client", entity_id=client_id, user_id=principal.user_id)
    )


def _require_staff_or_owner(principal: Principal, client_id: int | None) -> None:
    """Staff edit any address; a bidder only their own client's (REST token mode, A2.4)."""
    if principal.is_staff:
        return
    if not principal.is_authenticated or not principal.owns_client(client_id):
        raise Forbidden("You may only change your own addresses.")


async def _locked_address(
    session: AsyncSession, address_id: int
) -> tuple[models.Address, list[models.Address]]:
    """The address and all its client's addresses (newest first), the client row locked."""
    address = await session.get(models.Address, address_id)
    if address is None:
        raise NotFound("Address not found.")
    await lock_clients(session, [address.client_id])
    siblings = await _addresses_of(session, address.client_id)
    locked = next((a for a in siblings if a.id == address_id), None)
    if locked is None:
        raise NotFound("Address not found.")
    return locked, siblings


# -- use cases -----------------------------------------------------------------------------


async def create_address(
    db: OperationDB, principal: Principal, cmd: CreateAddress
) -> AddressResult:
    """Add an address to a client (B2.3). Staff, or the client's own bidder."""
    _require_staff_or_owner(principal, cmd.client_id)
    fields, violations = clean_address_fields(cmd.fields, creating=True, prefix="address.")
    types, type_violations = clean_address_types(cmd.address_types)
    violations += type_violations
    async with db.transaction() as session:
        clients = await lock_clients(session, [cmd.client_id])
        if not clients:
            violations.insert(
                0, RuleViolation(UserErrorCode.NOT_FOUND, "Unknown client.", "clientId")
            )
        if violations:
            raise RuleViolations(violations)
        address = await add_address(
            session, principal, cmd.client_id, fields, types, cmd.is_default
        )
        await _client_changed(session, principal, cmd.client_id)
    return AddressResult(address=address, default=address if address.is_default else None)


async def update_address(
    db: OperationDB, principal: Principal, cmd: UpdateAddress
) -> AddressResult:
    """Change an address (B2.4): sub-fields merged, types replaced, default flag moved.
    Staff, or the client's own bidder."""
    _require_staff_or_owner(principal, principal.client_id)
    fields, violations = clean_address_fields(cmd.fields, creating=False, prefix="address.")
    types: list[str] | None = None
    if cmd.address_types is not None:
        types, type_violations = clean_address_types(cmd.address_types)
        violations += type_violations
    async with db.transaction() as session:
        address, siblings = await _locked_address(session, cmd.address_id)
        _require_staff_or_owner(principal, address.client_id)
        others = [a for a in siblings if a.id != address.id]
        if cmd.is_default is False and address.is_default and not others:
            violations.append(
                RuleViolation(
                    UserErrorCode.ONLY_DEFAULT_ADDRESS,
                    "The client's only address must stay the default.",
                    "isDefault",
                )
            )
        if violations:
            raise RuleViolations(violations)
        await change_address(session, principal, address, fields, types)
        default = address if address.is_default else next((a for a in others if a.is_default), None)
        if cmd.is_default is True and not address.is_default:
            for other in others:
                await _set_flag(session, principal, other, False)
            await _set_flag(session, principal, address, True)
            default = address
        elif cmd.is_default is False and address.is_default:
            await _set_flag(session, principal, address, False)
            default = others[0]  # the most recently created other address
            await _set_flag(session, principal, default, True)
        await _client_changed(session, principal, address.client_id)
    return AddressResult(address=address, default=default)


async def delete_address(
    db: OperationDB, principal: Principal, cmd: DeleteAddress
) -> AddressResult:
    """Delete an address for good (B2.5); a deleted default hands the flag to the most
    recently created remaining address, and the client's only address cannot be deleted.
    Staff, or the client's own bidder."""
    _require_staff_or_owner(principal, principal.client_id)
    async with db.transaction() as session:
        address, siblings = await _locked_address(session, cmd.address_id)
        _require_staff_or_owner(principal, address.client_id)
        others = [a for a in siblings if a.id != address.id]
        if address.is_default and not others:
            raise RuleViolation(
                UserErrorCode.ONLY_DEFAULT_ADDRESS,
                "Cannot delete the only default address",
                "id",
            )
        deleted_id = address.id
        await audit.record_deleted(session, principal, models.EntityType.ADDRESS, address)
        await session.delete(address)
        await session.flush()
        default = next((a for a in others if a.is_default), None)
        if address.is_default:
            default = others[0]
            await _set_flag(session, principal, default, True)
        await _client_changed(session, principal, address.client_id)
    return AddressResult(address=address, default=default, deleted_id=deleted_id)
