"""Client use cases: create (uuid upsert, nested default address), update, delete, connect and
merge (REST B1.3-B1.6).

Each runs in one transaction, validates every given field before writing anything (all broken
rules at once, as ``RuleViolations``), records its activity rows and publishes
``EntityUpdated(bundle="client")`` for each client it changed.

Deleting a client is always a soft delete (status ``deleted``): a client's bids, orders,
transactions, consignments and won lots are business records the house must keep, its activity
rows and notes name it by id, and a soft delete is undone by setting the status back. Merge
marks its sources deleted the same way.

Term fields (``categories``, ``interested_in``, ``source``: ``domain.terms.CLIENT_FIELDS``) are
resolved by ``domain.terms`` and replaced as a whole; a merge adds the sources' terms the target
lacks.
"""

from __future__ import annotations

import re
import uuid as uuid_lib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.queries import client as client_queries
from db.queries import responsible as responsible_queries
from db.queries.term import CLIENT_LINKS, term_ids_by_owner
from db.session import OperationDB
from domain import audit, responsible, terms
from domain.addresses import add_address, change_address, clean_address_fields
from domain.errors import Forbidden, NotFound, RuleViolation, RuleViolations, UserErrorCode
from domain.fields import Checks
from domain.principal import Principal
from domain.rows import CLIENT_ATTACHMENTS, charge_row, external_id_row
from realtime.events import EntityUpdated
from realtime.publish import publish

C = models.Client

TEXT_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "position_company",
    "name_prefix",
    "override_salutation",
    "phone",
    "primary_phone",
    "office_phone",
    "mobile",
    "fax",
    "client_website",
    "website_language",
    "default_payment_method",
    "tax_type",
    "tax_id",
    "tax_state",
    "billing_instructions",
    "client_billing_instruction",
    "shipping_instructions",
    "shipping_instructions_client",
    "temp_shipping_instructions",
    "blocking_reason",
    "warning",
)
EMAIL_FIELDS = ("email", "secondary_email")
DATE_FIELDS = ("birthdate", "temp_si_dates_from", "temp_si_dates_to", "expiration_date")
FLAG_FIELDS = ("published", "block_emails")
UNIQUE_FIELDS = ("customer_number", "bidder_number")
ROW_FIELDS = ("consignor_commissions", "additional_charges", "bank_details", "external_ids")
OTHER_FIELDS = ("status", "subscription_type", "tags", "invoice_release_limit", "agent_user_id")

CLIENT_FIELDS = frozenset(
    TEXT_FIELDS
    + EMAIL_FIELDS
    + DATE_FIELDS
    + FLAG_FIELDS
    + UNIQUE_FIELDS
    + ROW_FIELDS
    + OTHER_FIELDS
    + (responsible.FIELD,)
)
"""The writable client fields (model attribute names, and ``responsible_user_ids``, stored in
a link table), besides the term fields."""
TERM_FIELDS = terms.CLIENT_FIELDS

CONTACT_FIELDS = frozenset(
    {
        "name_prefix",
        "first_name",
        "last_name",
        "company",
        "position_company",
        "email",
        "secondary_email",
        "phone",
        "primary_phone",
        "office_phone",
        "mobile",
        "fax",
        "birthdate",
        "client_website",
        "website_language",
        "subscription_type",
        "block_emails",
    }
)
"""What a bidder may change on their own record (B1.4 token mode), besides the address."""

SUBSCRIPTION_TYPES = ("email", "print", "both")
INPUT_NAMES = {"agent_user_id": "agentId"}
"""Input names that are not the camelCase of the attribute."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_CENT = Decimal("0.01")


def input_name(name: str) -> str:
    """The input field name (camelCase) of a client attribute, for error ``field``s."""
    if name in INPUT_NAMES:
        return INPUT_NAMES[name]
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


# -- commands and results ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateClient:
    """A new client; ``values`` holds only the fields sent (attribute names).

    With ``uuid`` of an existing client, that client is updated instead (REST upsert).
    ``address`` creates the default address (``country`` required).
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    uuid: uuid_lib.UUID | None = None
    address: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class UpdateClient:
    """Only the fields in ``values`` change; ``address`` merges into the default address."""

    client_id: int
    values: Mapping[str, Any] = field(default_factory=dict)
    address: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class DeleteClient:
    client_id: int


@dataclass(frozen=True, slots=True)
class ConnectClients:
    """Connect ``client_ids`` (two or more) to ``primary_id`` (default: the first)."""

    client_ids: Sequence[int]
    primary_id: int | None = None


@dataclass(frozen=True, slots=True)
class MergeClients:
    """Merge ``source_ids`` into ``target_id``; the flags say what else moves (default all)."""

    target_id: int
    source_ids: Sequence[int]
    merge_transactions: bool = True
    merge_orders: bool = True
    merge_items: bool = True


@dataclass(slots=True)
class ClientResult:
    client: models.Client
    address: models.Address | None = None
    created: bool = False


@dataclass(slots=True)
class ConnectResult:
    primary: models.Client
    connected: list[models.Client]


@dataclass(slots=True)
class MergeResult:
    target: models.Client
    sources: list[models.Client]
    moved: dict[str, int]


# -- validation ----------------------------------------------------------------------------


def _violation(code: UserErrorCode, message: str, name: str) -> RuleViolation:
    return RuleViolation(code, message, input_name(name))


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _money(value: Any) -> Decimal | None:
    """A Decimal with at most two decimals, else None."""
    number = _decimal(value)
    if number is None or number != number.quantize(_CENT):
        return None
    return number.quantize(_CENT)


def _row_text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _rows(
    name: str,
    value: Any,
    clean_row: Callable[[Mapping[str, Any], str], tuple[dict[str, Any], list[RuleViolation]]],
) -> tuple[list[dict[str, Any]], list[RuleViolation]]:
    if value is None:
        return [], []
    if not isinstance(value, list | tuple):
        return [], [_violation(UserErrorCode.INVALID, "Must be a list of rows.", name)]
    rows: list[dict[str, Any]] = []
    violations: list[RuleViolation] = []
    for index, row in enumerate(value):
        where = f"{input_name(name)}[{index}]"
        if not isinstance(row, Mapping):
            violations.append(RuleViolation(UserErrorCode.INVALID, "Must be an object.", where))
            continue
        cleaned, found = clean_row(row, where)
        rows.append(cleaned)
        violations += found
    return rows, violations


def _commission_row(
    row: Mapping[str, Any], where: str
) -> tuple[dict[str, Any], list[RuleViolation]]:
    violations = []
    step = _money(row.get("step_from", 0))
    if step is None or step < 0:
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID,
                "The threshold must be an amount of 0 or more with at most two decimals.",
                f"{where}.stepFrom",
            )
        )
    rate = _decimal(row.get("consignor_commission"))
    if rate is None or not Decimal(0) <= rate <= Decimal(100):
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID,
                "The commission must be a percentage from 0 to 100.",
                f"{where}.consignorCommission",
            )
        )
    cleaned = {
        "step_from": str(step) if step is not None else None,
        "consignor_commission": str(rate.quantize(_CENT)) if rate is not None else None,
    }
    return cleaned, violations


def _charge_row(row: Mapping[str, Any], where: str) -> tuple[dict[str, Any], list[RuleViolation]]:
    checks = Checks()
    cleaned = charge_row(CLIENT_ATTACHMENTS)(checks, where, row)
    return cleaned, checks.violations


def _bank_row(row: Mapping[str, Any], where: str) -> tuple[dict[str, Any], list[RuleViolation]]:
    violations = []
    cleaned = {
        key: _row_text(row, key) for key in ("name", "code", "number", "owner", "iban", "bic")
    }
    cleaned["iban"] = cleaned["iban"].replace(" ", "").upper()
    cleaned["bic"] = cleaned["bic"].replace(" ", "").upper()
    if cleaned["iban"] and not _valid_iban(cleaned["iban"]):
        violations.append(
            RuleViolation(UserErrorCode.INVALID, "Not a valid IBAN.", f"{where}.iban")
        )
    if cleaned["bic"] and not _BIC.match(cleaned["bic"]):
        violations.append(RuleViolation(UserErrorCode.INVALID, "Not a valid BIC.", f"{where}.bic"))
    if not any(cleaned.values()):
        violations.append(
            RuleViolation(UserErrorCode.REQUIRED, "The bank detail row is empty.", where)
        )
    return cleaned, violations


def _valid_iban(iban: str) -> bool:
    """Format and ISO 13616 mod-97 check digits."""
    if not _IBAN.match(iban):
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def _external_id_row(
    row: Mapping[str, Any], where: str
) -> tuple[dict[str, Any], list[RuleViolation]]:
    checks = Checks()
    cleaned = external_id_row(checks, where, row)
    return cleaned, checks.violations


_ROW_CLEANERS = {
    "consignor_commissions": _commission_row,
    "additional_charges": _charge_row,
    "bank_details": _bank_row,
    "external_ids": _external_id_row,
}


def _clean_value(name: str, value: Any) -> tuple[Any, list[RuleViolation]]:
    """One field's stored value, or why it cannot be stored."""
    invalid = _violation
    if name not in CLIENT_FIELDS:
        return None, [invalid(UserErrorCode.INVALID, f"Unknown client field {name!r}.", name)]
    if name in ROW_FIELDS:
        rows, violations = _rows(name, value, _ROW_CLEANERS[name])
        if name == "consignor_commissions" and not violations:
            steps = [row["step_from"] for row in rows]
            if len(set(steps)) != len(steps):
                violations.append(
                    invalid(UserErrorCode.INVALID, "Two tiers start at the same amount.", name)
                )
            rows.sort(key=lambda row: Decimal(row["step_from"]))
        return rows, violations
    if name in FLAG_FIELDS:
        if not isinstance(value, bool):
            return None, [invalid(UserErrorCode.INVALID, "Must be true or false.", name)]
        return value, []
    if name == "status":
        try:
            return models.ClientStatus(getattr(value, "value", value)), []
        except ValueError:
            allowed = ", ".join(s.value for s in models.ClientStatus)
            return None, [invalid(UserErrorCode.INVALID, f"Status must be one of {allowed}.", name)]
    if name == "tags":
        if value is None:
            return [], []
        if not isinstance(value, list | tuple) or not all(isinstance(t, str) for t in value):
            return None, [invalid(UserErrorCode.INVALID, "Tags must be a list of text.", name)]
        return list(dict.fromkeys(t.strip() for t in value if t.strip())), []
    if value is None:
        return None, []
    if name in DATE_FIELDS:
        if not isinstance(value, date):
            return None, [invalid(UserErrorCode.INVALID, "Must be a date.", name)]
        return value, []
    if name == "invoice_release_limit":
        amount = _money(value)
        if amount is None or amount < 0:
            return None, [
                invalid(
                    UserErrorCode.INVALID,
                    "Must be an amount of 0 or more with at most two decimals.",
                    name,
                )
            ]
        return amount, []
    if name == "agent_user_id":
        if not isinstance(value, int) or isinstance(value, bool):
            return None, [invalid(UserErrorCode.INVALID, "Must be a user id.", name)]
        return value, []
    if not isinstance(value, str):
        return None, [invalid(UserErrorCode.INVALID, "Must be text.", name)]
    text = value.strip()
    if name in EMAIL_FIELDS:
        if text and not _EMAIL.match(text):
            return None, [invalid(UserErrorCode.INVALID, "Invalid email format", name)]
        return text or None, []
    if name == "subscription_type":
        if text not in SUBSCRIPTION_TYPES:
            return None, [
                invalid(
                    UserErrorCode.INVALID, "Subscription type must be email, print or both.", name
                )
            ]
        return text, []
    if name in UNIQUE_FIELDS:
        return text or None, []
    return value, []


async def _clean(
    session: AsyncSession, values: Mapping[str, Any], client: models.Client | None
) -> tuple[dict[str, Any], list[RuleViolation]]:
    """Every given field validated; the cross-field and database checks included."""
    cleaned: dict[str, Any] = {}
    violations: list[RuleViolation] = []
    checks = Checks()
    cleaned.update(await terms.resolve(session, checks, TERM_FIELDS, values))
    violations += checks.violations
    for name, value in values.items():
        if name in TERM_FIELDS:
            continue
        if name == responsible.FIELD:
            checks = Checks()
            cleaned[name] = await responsible.cleaned(session, checks, value)
            violations += checks.violations
            continue
        stored, found = _clean_value(name, value)
        if found:
            violations += found
        else:
            cleaned[name] = stored
    except_id = client.id if client is not None else None
    for name in UNIQUE_FIELDS:
        number = cleaned.get(name)
        if number is not None and await client_queries.is_taken(
            session, getattr(C, name), number, except_id
        ):
            label = "customer" if name == "customer_number" else "bidder"
            violations.append(
                _violation(
                    UserErrorCode.UNIQUE, f"Another client has {label} number {number}.", name
                )
            )
    agent_id = cleaned.get("agent_user_id")
    if agent_id is not None and await session.get(models.User, agent_id) is None:
        violations.append(
            _violation(UserErrorCode.NOT_FOUND, "Unknown agent user.", "agent_user_id")
        )
    start = cleaned.get("temp_si_dates_from", getattr(client, "temp_si_dates_from", None))
    end = cleaned.get("temp_si_dates_to", getattr(client, "temp_si_dates_to", None))
    if (
        start is not None
        and end is not None
        and end < start
        and ("temp_si_dates_from" in cleaned or "temp_si_dates_to" in cleaned)
    ):
        violations.append(
            _violation(
                UserErrorCode.INVALID,
                "The temporary instructions end before they start.",
                "temp_si_dates_to",
            )
        )
    return cleaned, violations


# -- shared steps --------------------------------------------------------------------------


def _terms_of(cleaned: Mapping[str, Any]) -> dict[str, list[int]]:
    return {name: value for name, value in cleaned.items() if name in TERM_FIELDS}


def _require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Only staff may do this.")


async def _client_changed(session: AsyncSession, principal: Principal, *client_ids: int) -> None:
    await publish(
        session,
        *(
            EntityUpdated(bundle="client", entity_id=client_id, user_id=principal.user_id)
            for client_id in client_ids
        ),
    )


async def _default_address(session: AsyncSession, client_id: int) -> models.Address | None:
    result = await session.execute(
        sa.select(models.Address).where(
            col(models.Address.client_id) == client_id, col(models.Address.is_default).is_(True)
        )
    )
    return result.scalar_one_or_none()


async def _write_default_address(
    session: AsyncSession,
    principal: Principal,
    client_id: int,
    fields: Mapping[str, Any],
) -> models.Address:
    """Merge ``fields`` into the default address, or create it (billing and shipping)."""
    address = await _default_address(session, client_id)
    if address is None:
        return await add_address(
            session, principal, client_id, fields, ["billing", "shipping"], True
        )
    await change_address(session, principal, address, fields, None)
    return address


async def _update(
    session: AsyncSession,
    principal: Principal,
    client: models.Client,
    values: Mapping[str, Any],
    address: Mapping[str, Any] | None,
) -> ClientResult:
    cleaned, violations = await _clean(session, values, client)
    address_fields: dict[str, Any] = {}
    if address is not None:
        creating = await _default_address(session, client.id) is None
        address_fields, found = clean_address_fields(address, creating=creating, prefix="address.")
        violations += found
    if violations:
        raise RuleViolations(violations)
    sent_terms = _terms_of(cleaned)
    old_terms = await term_ids_by_owner(session, CLIENT_LINKS, [client.id]) if sent_terms else {}
    old, new = terms.changes(old_terms.get(client.id, {}), sent_terms)
    before = audit.snapshot(client)
    users = cleaned.pop(responsible.FIELD, None)
    for name, value in cleaned.items():
        if name not in TERM_FIELDS:
            setattr(client, name, value)
    await session.flush()
    await terms.write(session, CLIENT_LINKS, TERM_FIELDS, client.id, new)
    links: audit.Changes = audit.diff(old, new)
    if users is not None:
        links |= await responsible.replace(session, models.EntityType.CLIENT, client.id, users)
    await audit.record_updated(
        session, principal, models.EntityType.CLIENT, client, before, also=links
    )
    written = None
    if address is not None:
        written = await _write_default_address(session, principal, client.id, address_fields)
    await _client_changed(session, principal, client.id)
    return ClientResult(client=client, address=written)


# -- use cases -----------------------------------------------------------------------------


async def create_client(db: OperationDB, principal: Principal, cmd: CreateClient) -> ClientResult:
    """Create a client (B1.3), or update the one with ``cmd.uuid`` (upsert). Staff only.

    A client without a customer number gets the next ``C`` number.
    """
    _require_staff(principal)
    async with db.transaction() as session:
        if cmd.uuid is not None:
            existing = await client_queries.client_by_uuid(session, cmd.uuid)
            if existing is not None:
                return await _update(session, principal, existing, cmd.values, cmd.address)
        cleaned, violations = await _clean(session, cmd.values, None)
        address_fields: dict[str, Any] = {}
        if cmd.address is not None:
            address_fields, found = clean_address_fields(
                cmd.address, creating=True, prefix="address."
            )
            violations += found
        if violations:
            raise RuleViolations(violations)
        if cleaned.get("customer_number") is None:
            cleaned["customer_number"] = await client_queries.next_customer_number(session)
        sent_terms = _terms_of(cleaned)
        users = cleaned.pop(responsible.FIELD, [])
        client = models.Client(
            **{name: value for name, value in cleaned.items() if name not in TERM_FIELDS}
        )
        if cmd.uuid is not None:
            client.uuid = cmd.uuid
        session.add(client)
        await session.flush()
        await terms.write(session, CLIENT_LINKS, TERM_FIELDS, client.id, sent_terms)
        links = await responsible.replace(session, models.EntityType.CLIENT, client.id, users)
        await audit.record_created(
            session,
            principal,
            models.EntityType.CLIENT,
            client,
            also={**audit.diff({}, sent_terms), **links},
        )
        address = None
        if cmd.address is not None:
            address = await add_address(
                session, principal, client.id, address_fields, ["billing", "shipping"], True
            )
        await _client_changed(session, principal, client.id)
    return ClientResult(client=client, address=address, created=True)


async def update_client(db: OperationDB, principal: Principal, cmd: UpdateClient) -> ClientResult:
    """Change the given fields of a client (B1.4).

    Staff change anything; a bidder changes only their own contact fields and address
    (token mode), anything else is Forbidden.
    """
    if not principal.is_staff:
        if not principal.owns_client(cmd.client_id):
            raise Forbidden("You may only change your own client record.")
        staff_only = sorted(set(cmd.values) - CONTACT_FIELDS)
        if staff_only:
            names = ", ".join(input_name(name) for name in staff_only)
            raise Forbidden(f"Only staff may change {names}.")
    async with db.transaction() as session:
        clients = await client_queries.lock_clients(session, [cmd.client_id])
        if not clients:
            raise NotFound("Client not found.")
        return await _update(session, principal, clients[0], cmd.values, cmd.address)


async def delete_client(db: OperationDB, principal: Principal, cmd: DeleteClient) -> ClientResult:
    """Soft-delete a client: status ``deleted`` (see the module docstring for why never a
    hard delete). Deleting a deleted client changes nothing and records nothing."""
    _require_staff(principal)
    async with db.transaction() as session:
        clients = await client_queries.lock_clients(session, [cmd.client_id])
        if not clients:
            raise NotFound("Client not found.")
        client = clients[0]
        if client.status is not models.ClientStatus.DELETED:
            before = audit.snapshot(client, ["status"])
            client.status = models.ClientStatus.DELETED
            await session.flush()
            await audit.record_updated(
                session, principal, models.EntityType.CLIENT, client, before, action="delete"
            )
            await _client_changed(session, principal, client.id)
    return ClientResult(client=client)


async def connect_clients(
    db: OperationDB, principal: Principal, cmd: ConnectClients
) -> ConnectResult:
    """Connect clients to a primary one (B1.5). Idempotent: connecting connected clients
    (in either direction) adds nothing and records nothing."""
    _require_staff(principal)
    ids = list(dict.fromkeys(cmd.client_ids))
    primary_id = cmd.primary_id if cmd.primary_id is not None else (ids[0] if ids else None)
    violations: list[RuleViolation] = []
    if len(ids) < 2 or len(ids) != len(cmd.client_ids):
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID, "Connect at least two distinct clients.", "clientIds"
            )
        )
    if primary_id is not None and primary_id not in ids:
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID,
                "The primary client must be one of the clients.",
                "primaryClientId",
            )
        )
    async with db.transaction() as session:
        found = {c.id: c for c in await client_queries.lock_clients(session, ids)}
        violations += _unknown_or_deleted(ids, found, "clientIds")
        if violations:
            raise RuleViolations(violations)
        assert primary_id is not None
        before = await client_queries.connected_ids(session, primary_id)
        new = [i for i in ids if i != primary_id and i not in before]
        await client_queries.insert_connections(session, [(primary_id, i) for i in new])
        after = before | set(new)
        if new:
            await audit.record(
                session,
                principal,
                "connect",
                models.EntityType.CLIENT,
                primary_id,
                {"connected_client_ids": {"before": sorted(before), "after": sorted(after)}},
            )
            await _client_changed(session, principal, primary_id, *new)
        connected = await _clients(session, sorted(after))
    return ConnectResult(primary=found[primary_id], connected=connected)


def _unknown_or_deleted(
    ids: Sequence[int], found: Mapping[int, models.Client], where: str
) -> list[RuleViolation]:
    violations = []
    missing = [i for i in ids if i not in found]
    if missing:
        violations.append(
            RuleViolation(
                UserErrorCode.NOT_FOUND,
                "Unknown client id: " + ", ".join(str(i) for i in missing) + ".",
                where,
            )
        )
    deleted = [i for i in ids if i in found and found[i].status is models.ClientStatus.DELETED]
    if deleted:
        violations.append(
            RuleViolation(
                UserErrorCode.CLIENT_DELETED,
                "Deleted (or merged) client: " + ", ".join(str(i) for i in deleted) + ".",
                where,
            )
        )
    return violations


async def _clients(session: AsyncSession, ids: Sequence[int]) -> list[models.Client]:
    if not ids:
        return []
    result = await session.execute(sa.select(C).where(col(C.id).in_(ids)).order_by(col(C.id)))
    return list(result.scalars().all())


# -- merge ---------------------------------------------------------------------------------

_FLAGGED: dict[tuple[str, str], tuple[str, str]] = {
    ("orders", "client_id"): ("merge_orders", "orders"),
    ("transactions", "client_id"): ("merge_transactions", "transactions"),
    ("consignments", "consignor_id"): ("merge_items", "consignments"),
    ("items", "winner_id"): ("merge_items", "won items"),
}
"""References that move only when their flag is set (and block the merge otherwise)."""

_SPECIAL = frozenset(
    {
        ("client_connections", "primary_client_id"),
        ("client_connections", "client_id"),
        ("addresses", "client_id"),
        ("client_responsible_users", "client_id"),
        ("client_terms", "client_id"),
    }
)
"""References moved by their own rules (connections, the default-address flag, term links and
responsible users appended to the target's without duplicates)."""


async def merge_clients(db: OperationDB, principal: Principal, cmd: MergeClients) -> MergeResult:
    """Merge clients into a target (B1.6). Staff only.

    Every reference to a source moves to the target: each foreign key to ``clients.id`` found
    in the metadata (bids, orders, transactions, addresses, consignments, won lots, user logins,
    earlier merges, and any table added later), plus the notes and files attached to the
    source. Addresses keep the target's default (a source's default becomes the target's only
    when the target has none); connections are re-made with the target (none to itself). The
    target keeps its own fields; sources get status ``deleted`` and ``merged_into_id``; their
    own activity history stays on them. Orders, transactions and consignments/won lots move
    only with their flag, and a source holding such rows with the flag off blocks the merge.

    A merge of clients that another merge is still working on is refused at once (``CONFLICT``,
    REST 409); the target and sources are then locked ``FOR UPDATE`` in id order, waiting for
    bids and edits holding them.
    """
    _require_staff(principal)
    source_ids = list(dict.fromkeys(cmd.source_ids))
    violations: list[RuleViolation] = []
    if not source_ids:
        violations.append(
            RuleViolation(
                UserErrorCode.REQUIRED, "Name at least one source client.", "sourceClientIds"
            )
        )
    if cmd.target_id in source_ids:
        violations.append(
            RuleViolation(
                UserErrorCode.INVALID,
                "The target client cannot be one of the sources.",
                "targetClientId",
            )
        )
        source_ids.remove(cmd.target_id)
    flags = {
        "merge_orders": cmd.merge_orders,
        "merge_transactions": cmd.merge_transactions,
        "merge_items": cmd.merge_items,
    }
    async with db.transaction() as session:
        if not await client_queries.try_merge_locks(session, [cmd.target_id, *source_ids]):
            conflict = "Another merge of these clients is running; try again when it has finished."
            raise RuleViolations([RuleViolation(UserErrorCode.CONFLICT, conflict)])
        found = {
            c.id: c
            for c in await client_queries.lock_clients(session, [cmd.target_id, *source_ids])
        }
        violations += _unknown_or_deleted([cmd.target_id], found, "targetClientId")
        violations += _unknown_or_deleted(source_ids, found, "sourceClientIds")
        references = client_queries.client_references()
        if not violations:
            for column in references:
                flag_and_label = _FLAGGED.get((column.table.name, column.name))
                if flag_and_label is None or flags[flag_and_label[0]]:
                    continue
                count = await client_queries.count_references(session, column, source_ids)
                if count:
                    flag, label = flag_and_label
                    violations.append(
                        RuleViolation(
                            UserErrorCode.MERGE_BLOCKED,
                            f"The source clients have {count} {label}; merge them too "
                            f"({input_name(flag)}) or move them first.",
                            input_name(flag),
                        )
                    )
        if violations:
            raise RuleViolations(violations)
        moved = await _move_references(session, references, source_ids, cmd.target_id)
        # The moves were bulk UPDATEs around the ORM: expire every row the session holds so the
        # next query re-reads it (addresses, bids, … and the clients' merged_into_id), and
        # reload the locked clients now.
        session.expire_all()
        fresh = {c.id: c for c in await client_queries.lock_clients(session, found)}
        target = fresh[cmd.target_id]
        sources = [fresh[i] for i in source_ids]
        for source in sources:
            before = audit.snapshot(source, ["status", "merged_into_id"])
            source.status = models.ClientStatus.DELETED
            source.merged_into_id = target.id
            await session.flush()
            await audit.record_updated(
                session, principal, models.EntityType.CLIENT, source, before, action="merge"
            )
        await audit.record(
            session,
            principal,
            "merge",
            models.EntityType.CLIENT,
            target.id,
            {
                "merged_client_ids": {"before": None, "after": source_ids},
                "moved": {"before": None, "after": moved},
            },
        )
        await _client_changed(session, principal, target.id, *source_ids)
    return MergeResult(target=target, sources=sources, moved=moved)


async def _move_references(
    session: AsyncSession,
    references: Sequence[sa.Column[Any]],
    source_ids: Sequence[int],
    target_id: int,
) -> dict[str, int]:
    """Re-point every reference from the sources to the target; moved rows per table."""
    moved: dict[str, int] = {}
    # Addresses: the target keeps its default; else the newest source default becomes it.
    target_default = await _default_address(session, target_id)
    source_defaults = (
        (
            await session.execute(
                sa.select(models.Address)
                .where(
                    col(models.Address.client_id).in_(source_ids),
                    col(models.Address.is_default).is_(True),
                )
                .order_by(col(models.Address.created_at).desc(), col(models.Address.id).desc())
            )
        )
        .scalars()
        .all()
    )
    keep = source_defaults[0] if target_default is None and source_defaults else None
    await session.execute(
        sa.update(models.Address)
        .where(col(models.Address.client_id).in_(source_ids))
        .values(is_default=False)
    )
    address_owner = next(c for c in references if c.table.name == "addresses")
    moved["addresses"] = await client_queries.repoint(session, address_owner, source_ids, target_id)
    if keep is not None:
        await session.execute(
            sa.update(models.Address)
            .where(col(models.Address.id) == keep.id)
            .values(is_default=True)
        )
    # Connections: re-made with the target, never to itself or between merged clients.
    merged = {target_id, *source_ids}
    pairs = await client_queries.connections_of(session, source_ids)
    others = {b if a in merged else a for a, b in pairs} - merged
    await client_queries.delete_connections(session, source_ids)
    already = await client_queries.connected_ids(session, target_id)
    await client_queries.insert_connections(
        session, [(target_id, other) for other in sorted(others - already)]
    )
    moved["connections"] = len(others - already)
    moved["responsible_users"] = await responsible_queries.move_responsible_users(
        session, models.EntityType.CLIENT, source_ids, target_id
    )
    for column in references:
        key = (column.table.name, column.name)
        if key in _SPECIAL:
            continue
        count = await client_queries.repoint(session, column, source_ids, target_id)
        if count:
            table = str(column.table.name)  # a quoted_name; JSON keys must be plain str
            moved[table] = moved.get(table, 0) + count
    moved["client_terms"] = await terms.merge_into(
        session, CLIENT_LINKS, TERM_FIELDS, source_ids, target_id
    )
    moved["notes"] = await client_queries.repoint_attached(
        session, models.Note, source_ids, target_id
    )
    moved["files"] = await client_queries.repoint_attached(
        session, models.File, source_ids, target_id
    )
    return moved


__all__ = [
    "CLIENT_FIELDS",
    "CONTACT_FIELDS",
    "ClientResult",
    "ConnectClients",
    "ConnectResult",
    "CreateClient",
    "DeleteClient",
    "MergeClients",
    "MergeResult",
    "UpdateClient",
    "connect_clients",
    "create_client",
    "delete_client",
    "input_name",
    "merge_clients",
    "update_client",
]
