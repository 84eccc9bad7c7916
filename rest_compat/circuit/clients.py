"""B1 Clients: list, get, create (uuid upsert, nested address), update, connect and merge.

Thin adapters over ``domain.clients``: read the Circuit body (A12 formats), call the use case,
shape the B1.0 representation. Row scoping is ``readable_clients`` (a bidder sees only their
own record, token mode A2.4).
"""

from __future__ import annotations

import logging
import uuid as uuid_lib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.address import addresses_by_client_ids
from db.queries.client import CLIENT_LIST, clients_by_ids
from db.queries.order import balances_by_client_ids
from db.queries.term import CLIENT_LINKS, TermRow, terms_by_owner_ids
from db.queries.user import users_by_ids
from db.queries.visibility import readable_clients
from db.session import OperationDB
from domain import clients as use_cases
from domain import responsible as domain_responsible
from domain.address_format import render
from domain.errors import DomainError
from domain.principal import Principal
from domain.terms import CLIENT_FIELDS as TERM_FIELDS
from rest_compat.circuit import responsible
from rest_compat.circuit import terms as term_shapes
from rest_compat.circuit.bodies import (
    FormatErrors,
    cents,
    json_object,
    number,
    required,
    to_bool,
    to_date,
    to_id,
)
from rest_compat.deps import caller, operation_db
from rest_compat.errors import ACCESS_DENIED, RestError, from_domain, not_found
from rest_compat.openapi import fields_parameter, list_openapi, parameters
from rest_compat.query import (
    FilterField,
    Kind,
    Match,
    Resource,
    entity_id,
    fields_param,
    parse_fields,
    parse_list,
    run_list,
)
from rest_compat.shapes import (
    Cents,
    EnumValue,
    Flag,
    FormattedMoney,
    Id,
    ListEnvelope,
    Millis,
    Ref,
    SingleEnvelope,
    absolute,
    enum_value,
    errors,
    formatted_money,
    iso,
    iso_date,
    json_body,
    json_response,
    listing,
    money,
    ref,
    select,
    single,
)

router = APIRouter(tags=["Clients"])

FIELDS = (
    "id",
    "uuid",
    "label",
    "first_name",
    "last_name",
    "company",
    "position_company",
    "name_prefix",
    "override_salutation",
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
    "published",
    "status",
    "agent",
    "responsible_user",
    "categories",
    "interested_in",
    "tags",
    "source",
    "bank_details",
    "default_payment_method",
    "invoice_release_limit",
    "consignor_commissions",
    "additional_charges",
    "tax_type",
    "tax_id",
    "tax_state",
    "billing_instructions",
    "client_billing_instruction",
    "shipping_instructions",
    "shipping_instructions_client",
    "temp_shipping_instructions",
    "temp_si_dates_from",
    "temp_si_dates_to",
    "blocking_reason",
    "warning",
    "block_emails",
    "subscription_type",
    "expiration_date",
    "philaworksplace_id",
    "external_ids",
    "balance",
    "customer_available_balance",
    "default_address_nid",
    "default_address_rendered",
    "country",
    "city",
    "state",
    "street",
    "postal_code",
    "last_name_company",
    "bidder_number",
    "created",
    "updated",
)

_REGEX = Match.REGEX
CLIENTS = Resource(
    filters={
        "status": FilterField(
            "status", Kind.ENUM, choices=tuple(s.value for s in models.ClientStatus)
        ),
        "uuid": FilterField("uuid", Kind.UUID),
        "country": FilterField("country"),
        "first_name": FilterField("first_name", match=_REGEX),
        "email": FilterField("email", match=_REGEX),
        "phone": FilterField("phone", match=_REGEX),
        "city": FilterField("city", match=_REGEX),
        "state": FilterField("state", match=_REGEX),
        "postal_code": FilterField("postal_code", match=_REGEX),
        "philaworksplace_id": FilterField("customer_number", match=_REGEX),
        "last_name_company": FilterField("last_name_company", match=_REGEX),
        "default_payment_method": FilterField("default_payment_method"),
        "source": FilterField("source", Kind.ID),
        "updated": FilterField("updated_at", Kind.DATETIME),
        "created": FilterField("created_at", Kind.DATETIME),
        "published": FilterField("published", Kind.BOOL),
    },
    sorts={
        "id": ("id",),
        "first_name": ("first_name",),
        "last_name": ("last_name",),
        "last_name_company": ("last_name_company",),
        "company": ("company",),
        "email": ("email",),
        "philaworksplace_id": ("customer_number",),
        "status": ("status",),
        "country": ("country",),
        "city": ("city",),
        "created": ("created_at",),
        "updated": ("updated_at",),
    },
    fields=FIELDS,
)

# -- input ---------------------------------------------------------------------------------

TEXT_INPUTS = frozenset(
    {
        "first_name",
        "last_name",
        "company",
        "position_company",
        "name_prefix",
        "override_salutation",
        "email",
        "secondary_email",
        "phone",
        "primary_phone",
        "office_phone",
        "mobile",
        "fax",
        "client_website",
        "website_language",
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
        "subscription_type",
        "status",
    }
)
DATE_INPUTS = frozenset({"birthdate", "temp_si_dates_from", "temp_si_dates_to", "expiration_date"})
BOOL_INPUTS = frozenset({"published", "block_emails"})
RENAMES = {
    "customerNumber": "philaworksplace_id",
    "agentId": "agent",
    "clientIds": "clients",
    "primaryClientId": "primary_client",
    "sourceClientIds": "source_clients",
    "targetClientId": "target_client",
    **responsible.RENAMES,
}
"""Domain input names whose REST name is not their snake_case."""


def _term(value: Any) -> str | None:
    """A term given as an id or a label (A12.8); Gavel stores the text."""
    if isinstance(value, dict):
        value = value.get("label", value.get("id"))
    if isinstance(value, bool) or value is None:
        return None
    return str(value).strip() or None


def _commission_rows(rows: Any, problems: FormatErrors) -> Any:
    if not isinstance(rows, list):
        return rows  # the domain reports the shape
    converted = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            converted.append(row)
            continue
        step = cents(row.get("step_from", 0))
        rate = number(row.get("consignor_commission"))
        if step is None:
            problems.add(f"consignor_commissions[{index}].step_from", "Must be integer cents.")
        if rate is None:
            problems.add(
                f"consignor_commissions[{index}].consignor_commission", "Must be a percentage."
            )
        converted.append({"step_from": step, "consignor_commission": rate})
    return converted


def _charge_rows(rows: Any) -> Any:
    if not isinstance(rows, list):
        return rows
    return [
        {**row, "term": _term(row.get("term")) or ""} if isinstance(row, dict) else row
        for row in rows
    ]


def external_id_rows(rows: Any) -> Any:
    """External id rows with ``system`` given as a term id or label read as its text."""
    if not isinstance(rows, list):
        return rows
    return [
        {**row, "system": _term(row.get("system")) or ""} if isinstance(row, dict) else row
        for row in rows
    ]


KNOWN_FIELDS = frozenset(FIELDS) | {"address"}
logger = logging.getLogger(__name__)


def client_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """The writable B1.0 fields of ``body`` as domain values (attribute names).

    Read-only, unknown and not-yet-stored fields are ignored (A13); format problems are 422.
    """
    values: dict[str, Any] = {}
    problems = FormatErrors()
    for name, value in body.items():
        if name in TEXT_INPUTS:
            values[name] = value
        elif name in DATE_INPUTS:
            day = None if value is None else to_date(value)
            if value is not None and day is None:
                problems.add(name, "Must be a date in epoch milliseconds or ISO 8601.")
            values[name] = day
        elif name in BOOL_INPUTS:
            flag = to_bool(value)
            if flag is None:
                problems.add(name, "Must be true or false.")
            values[name] = flag
        elif name == "philaworksplace_id":
            values["customer_number"] = value
        elif name == "agent":
            agent = None if value is None else to_id(value)
            if value is not None and agent is None:
                problems.add(name, "Must be a user id.")
            values["agent_user_id"] = agent
        elif name == "invoice_release_limit":
            amount = None if value is None else cents(value)
            if value is not None and amount is None:
                problems.add(name, "Must be integer cents.")
            values[name] = amount
        elif name == "tags":
            values[name] = [_term(t) or "" for t in value] if isinstance(value, list) else value
        elif name in TERM_FIELDS:
            values[name] = term_shapes.term_input(value)
        elif name == "default_payment_method":
            values[name] = _term(value)
        elif name == "consignor_commissions":
            values[name] = _commission_rows(value, problems)
        elif name == "additional_charges":
            values[name] = _charge_rows(value)
        elif name == "external_ids":
            values[name] = external_id_rows(value)
        elif name == responsible.NAME:
            values[domain_responsible.FIELD] = responsible.user_ids(value, problems)
        elif name == "bank_details":
            values[name] = value
        elif name not in KNOWN_FIELDS:
            logger.info("ignored unknown client field %r", name)
    problems.raise_any()
    return values


def _address(body: Mapping[str, Any]) -> dict[str, Any] | None:
    value = body.get("address")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RestError(422, "Invalid address", errors={"address": ["Must be an object."]})
    return {k: v for k, v in value.items() if k != "name_line"}


# -- output --------------------------------------------------------------------------------


def label(client: models.Client) -> str:
    """``"<first> <last>"`` or the company, then ``" - <customer number>"`` when set."""
    name = " ".join(p for p in (client.first_name, client.last_name) if p) or client.company
    name = name or f"Client {client.id}"
    return f"{name} - {client.customer_number}" if client.customer_number else name


def _text_ref(value: str | None) -> dict[str, str] | None:
    return None if not value else {"id": value, "label": value}


def external_id_refs(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored external id rows as B1.0 rows ``{system: ref, external_id}``."""
    return [
        {
            "system": _text_ref(str(row.get("system") or "")),
            "external_id": str(row.get("external_id") or ""),
        }
        for row in rows
    ]


def represent(
    client: models.Client,
    principal: Principal,
    default_address: models.Address | None,
    balance: Decimal,
    agent: models.User | None,
    terms: Mapping[str, Sequence[TermRow]],
    responsible_users: Sequence[Mapping[str, str]] = (),
) -> dict[str, Any]:
    """The B1.0 representation (every field, in the table's order)."""
    staff = principal.is_staff
    address = default_address
    return {
        "id": str(client.id),
        "uuid": str(client.uuid),
        "label": label(client),
        "first_name": client.first_name,
        "last_name": client.last_name,
        "company": client.company,
        "position_company": client.position_company,
        "name_prefix": client.name_prefix,
        "override_salutation": client.override_salutation,
        "email": client.email,
        "secondary_email": client.secondary_email,
        "phone": client.phone,
        "primary_phone": client.primary_phone,
        "office_phone": client.office_phone,
        "mobile": client.mobile,
        "fax": client.fax,
        "birthdate": iso_date(client.birthdate),
        "client_website": client.client_website,
        "website_language": client.website_language,
        "published": client.published,
        "status": enum_value(client.status.value),
        "agent": ref(agent.id, agent.full_name or agent.email) if agent and staff else None,
        "responsible_user": list(responsible_users),
        "categories": term_shapes.refs(terms.get("categories", [])),
        "interested_in": term_shapes.refs(terms.get("interested_in", [])),
        "tags": [{"id": t, "label": t} for t in client.tags],
        "source": term_shapes.single(terms.get("source", [])),
        "bank_details": [
            {k: str(row.get(k) or "") for k in ("name", "code", "number", "owner", "iban", "bic")}
            for row in client.bank_details
        ],
        "default_payment_method": _text_ref(client.default_payment_method),
        "invoice_release_limit": money(client.invoice_release_limit),
        "consignor_commissions": [
            {
                "consignor_commission": money(Decimal(row["consignor_commission"])),
                "step_from": money(Decimal(row["step_from"])),
            }
            for row in client.consignor_commissions
        ],
        "additional_charges": [
            {
                "term": _text_ref(str(row.get("term") or "")),
                "amount": money(Decimal(str(row.get("amount") or "0"))),
                "tax": money(Decimal(str(row.get("tax") or "0"))),
                "description": str(row.get("description") or ""),
                "attached_to": row.get("attached_to"),
            }
            for row in client.additional_charges
        ],
        "tax_type": client.tax_type,
        "tax_id": client.tax_id,
        "tax_state": client.tax_state,
        "billing_instructions": client.billing_instructions if staff else None,
        "client_billing_instruction": client.client_billing_instruction,
        "shipping_instructions": client.shipping_instructions if staff else None,
        "shipping_instructions_client": client.shipping_instructions_client,
        "temp_shipping_instructions": client.temp_shipping_instructions,
        "temp_si_dates_from": iso_date(client.temp_si_dates_from),
        "temp_si_dates_to": iso_date(client.temp_si_dates_to),
        "blocking_reason": client.blocking_reason,
        "warning": client.warning,
        "block_emails": client.block_emails,
        "subscription_type": client.subscription_type,
        "expiration_date": iso_date(client.expiration_date),
        "philaworksplace_id": client.customer_number,
        "external_ids": external_id_refs(client.external_ids),
        "balance": formatted_money(balance),
        "customer_available_balance": None,
        "default_address_nid": str(address.id) if address else None,
        "default_address_rendered": render(address) if address else None,
        "country": address.country if address else None,
        "city": address.locality if address else None,
        "state": address.administrative_area if address else None,
        "street": address.thoroughfare if address else None,
        "postal_code": address.postal_code if address else None,
        "last_name_company": client.last_name or client.company,
        "bidder_number": client.bidder_number,
        "created": iso(client.created_at),
        "updated": iso(client.updated_at),
    }


async def represent_all(
    db: OperationDB, principal: Principal, clients: Sequence[models.Client]
) -> list[dict[str, Any]]:
    """B1.0 rows for ``clients``: five statements whatever their number."""
    ids = [c.id for c in clients]
    if not ids:
        return []
    addresses = await addresses_by_client_ids(db, principal, ids)
    balances = await balances_by_client_ids(db, principal, ids)
    agent_ids = sorted({c.agent_user_id for c in clients if c.agent_user_id is not None})
    agents = dict(zip(agent_ids, await users_by_ids(db, principal, agent_ids), strict=True))
    responsible_users = await responsible.refs_by_owner_ids(
        db, principal, models.EntityType.CLIENT, ids
    )
    terms = await terms_by_owner_ids(db, CLIENT_LINKS, ids)
    return [
        represent(
            client,
            principal,
            next((a for a in own if a.is_default), None),
            balance,
            agents.get(client.agent_user_id) if client.agent_user_id else None,
            filed,
            users,
        )
        for client, own, balance, filed, users in zip(
            clients, addresses, balances, terms, responsible_users, strict=True
        )
    ]


async def _fresh(db: OperationDB, principal: Principal, client_id: int) -> dict[str, Any]:
    db.session.expunge_all()  # re-read what the use case committed
    (client,) = await clients_by_ids(db, principal, [client_id])
    (row,) = await represent_all(db, principal, [client])
    return row


def _not_found(value: str) -> RestError:
    return not_found("Client", value)


def _path_id(value: str) -> int:
    return entity_id(value, "Client")


# -- response models -----------------------------------------------------------------------


class CommissionRow(BaseModel):
    consignor_commission: str = Field(description="Percent, decimal string.", examples=["15.00"])
    step_from: str = Field(description="Threshold, decimal string.", examples=["0.00"])


class ChargeRow(BaseModel):
    term: Ref | None
    amount: str
    tax: str
    description: str
    attached_to: str | None


class BankRow(BaseModel):
    name: str
    code: str
    number: str
    owner: str
    iban: str
    bic: str


class ExternalIdRow(BaseModel):
    system: Ref | None
    external_id: str


class Client(BaseModel):
    """B1.0. With ``fields=`` only the named fields (and ``id``) are present."""

    id: str = Field(examples=["123"])
    uuid: str | None = None
    label: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    position_company: str | None = None
    name_prefix: str | None = None
    override_salutation: str | None = None
    email: str | None = None
    secondary_email: str | None = None
    phone: str | None = None
    primary_phone: str | None = None
    office_phone: str | None = None
    mobile: str | None = None
    fax: str | None = None
    birthdate: str | None = Field(default=None, description="ISO date.")
    client_website: str | None = None
    website_language: str | None = None
    published: bool | None = None
    status: EnumValue | None = None
    agent: Ref | None = Field(default=None, description="Staff only; null for others.")
    responsible_user: list[Ref] | None = Field(
        default=None, description="Responsible staff users (staff only; [] for others)."
    )
    categories: list[Ref] | None = Field(default=None, description="Collecting categories.")
    interested_in: list[Ref] | None = Field(default=None, description="Interests (terms).")
    tags: list[Ref] | None = None
    source: Ref | None = Field(default=None, description="Where the client came from (a term).")
    bank_details: list[BankRow] | None = None
    default_payment_method: Ref | None = None
    invoice_release_limit: str | None = Field(default=None, description="Decimal string.")
    consignor_commissions: list[CommissionRow] | None = None
    additional_charges: list[ChargeRow] | None = None
    tax_type: str | None = None
    tax_id: str | None = None
    tax_state: str | None = None
    billing_instructions: str | None = Field(default=None, description="Staff only.")
    client_billing_instruction: str | None = None
    shipping_instructions: str | None = Field(default=None, description="Staff only.")
    shipping_instructions_client: str | None = None
    temp_shipping_instructions: str | None = None
    temp_si_dates_from: str | None = None
    temp_si_dates_to: str | None = None
    blocking_reason: str | None = None
    warning: str | None = None
    block_emails: bool | None = None
    subscription_type: str | None = None
    expiration_date: str | None = None
    philaworksplace_id: str | None = Field(default=None, description="Customer number.")
    external_ids: list[ExternalIdRow] | None = None
    balance: FormattedMoney | None = Field(
        default=None, description="Positive: the client owes the house."
    )
    customer_available_balance: FormattedMoney | None = Field(
        default=None, description="Not computed yet: null."
    )
    default_address_nid: str | None = None
    default_address_rendered: str | None = None
    country: str | None = None
    city: str | None = None
    state: str | None = None
    street: str | None = None
    postal_code: str | None = None
    last_name_company: str | None = None
    bidder_number: str | None = None
    created: str | None = Field(default=None, description="ISO 8601 UTC.")
    updated: str | None = Field(default=None, description="ISO 8601 UTC.")


class ConnectResult(BaseModel):
    primary_client: str
    connected_clients: list[str]


class ConnectEnvelope(BaseModel):
    data: ConnectResult


class MergeResult(BaseModel):
    merged_client_id: str
    merged_count: int
    deleted_clients: list[str]


class MergeEnvelope(BaseModel):
    data: MergeResult


class ClientInput(BaseModel):
    """B1.3/B1.4 body: any writable field; read-only and unknown fields are ignored."""

    uuid: str | None = Field(default=None, description="Upsert key (create only).")
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    position_company: str | None = None
    name_prefix: str | None = None
    override_salutation: str | None = None
    email: str | None = Field(default=None, description="Validated (422 Invalid email format).")
    secondary_email: str | None = None
    phone: str | None = None
    primary_phone: str | None = None
    office_phone: str | None = None
    mobile: str | None = None
    fax: str | None = None
    birthdate: Millis | None = Field(default=None, description="Epoch ms or ISO date.")
    client_website: str | None = None
    website_language: str | None = None
    published: Flag | None = None
    status: str | None = Field(
        default=None, description="new, pending, approved, unapproved or deleted (D10)."
    )
    agent: Id | None = Field(default=None, description="User id.")
    responsible_user: list[Id] | None = Field(
        default=None, description="Staff user ids, in order; replace all."
    )
    tags: list[Id] | None = Field(default=None, description="Term ids or labels.")
    categories: list[Id] | None = Field(default=None, description="Category ids or labels.")
    interested_in: list[Id] | None = Field(default=None, description="Term ids or labels.")
    source: Id | None = Field(default=None, description="A term id or label.")
    bank_details: list[dict[str, str]] | None = None
    default_payment_method: Id | None = Field(default=None, description="Term id or label.")
    invoice_release_limit: Cents | None = Field(default=None, description="Integer cents.")
    consignor_commissions: list[dict[str, Cents | float]] | None = Field(
        default=None, description="Rows {step_from: cents, consignor_commission: percent}."
    )
    additional_charges: list[dict[str, Any]] | None = Field(
        default=None, description="Rows {term, amount, tax, description, attached_to}."
    )
    tax_type: str | None = None
    tax_id: str | None = None
    tax_state: str | None = None
    billing_instructions: str | None = None
    client_billing_instruction: str | None = None
    shipping_instructions: str | None = None
    shipping_instructions_client: str | None = None
    temp_shipping_instructions: str | None = None
    temp_si_dates_from: Millis | None = None
    temp_si_dates_to: Millis | None = None
    blocking_reason: str | None = None
    warning: str | None = None
    block_emails: Flag | None = None
    subscription_type: str | None = Field(default=None, description="email, print or both.")
    expiration_date: Millis | None = None
    philaworksplace_id: str | None = Field(
        default=None, description="Customer number; assigned when absent on create."
    )
    external_ids: list[dict[str, Any]] | None = Field(
        default=None, description="Rows {system, external_id}."
    )
    address: dict[str, str | None] | None = Field(
        default=None,
        description="The default address: country (required on create), thoroughfare, "
        "premise, locality, administrative_area, postal_code, first_name, last_name, "
        "organisation_name.",
    )


class ConnectInput(BaseModel):
    clients: list[Id] = Field(description="Two or more distinct client ids.")
    primary_client: Id | None = Field(default=None, description="Default: the first client.")


class MergeInput(BaseModel):
    source_clients: list[Id] = Field(description="Clients merged away (one or more).")
    target_client: Id = Field(description="The client that survives.")
    merge_transactions: Flag | None = Field(default=None, description="Default true.")
    merge_orders: Flag | None = Field(default=None, description="Default true.")
    merge_items: Flag | None = Field(default=None, description="Default true.")


LIST_PARAMETERS = (
    "Common list parameters (A3-A7): range, page, sort, fields, global_search, filter[...]."
)

# -- routes --------------------------------------------------------------------------------


@router.get(
    "/datatable-clients",
    response_model=ListEnvelope[Client],
    responses=errors(),
    openapi_extra=list_openapi(CLIENTS),
    summary="List clients",
    description="B1.1. "
    + LIST_PARAMETERS
    + " Filters: "
    + ", ".join(CLIENTS.filters)
    + ". Sorts: "
    + ", ".join(CLIENTS.sorts)
    + ".",
)
async def list_clients(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    params = parse_list(request.query_params.multi_items(), CLIENTS)
    clients, count = await run_list(
        db, readable_clients(principal), CLIENT_LIST, params, is_staff=principal.is_staff
    )
    return listing(request, await represent_all(db, principal, clients), count, params)


@router.get(
    "/datatable-clients/{id}",
    response_model=SingleEnvelope[Client],
    responses=errors(404),
    openapi_extra=parameters(fields_parameter(CLIENTS)),
    summary="Get a client",
)
async def get_client(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B1.2. A token-mode caller may read only their own record (403 otherwise)."""
    client_id = _path_id(id)
    fields = parse_fields(CLIENTS, fields_param(request))
    if not principal.is_staff and not principal.owns_client(client_id):
        raise RestError(403, "Access denied", ACCESS_DENIED)
    (client,) = await clients_by_ids(db, principal, [client_id])
    if client is None:
        raise _not_found(id)
    (row,) = await represent_all(db, principal, [client])
    return single(select(row, fields))


@router.post(
    "/datatable-clients",
    status_code=201,
    response_model=SingleEnvelope[Client],
    responses=errors(422) | {200: {"model": SingleEnvelope[Client], "description": "Upserted."}},
    summary="Create a client (uuid upsert)",
    openapi_extra=json_body(ClientInput),
)
async def create_client(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B1.3: any writable B1.0 field (dates in ms, money in cents), ``address`` for the default
    address, ``uuid`` as upsert key (an existing client is updated: 200)."""
    body = await json_object(request)
    raw_uuid = body.get("uuid")
    client_uuid = None
    if raw_uuid is not None:
        try:
            client_uuid = uuid_lib.UUID(str(raw_uuid))
        except ValueError as exc:
            raise RestError(422, "Invalid uuid", errors={"uuid": ["Must be a UUID."]}) from exc
    address = _address(body)
    if address is not None and not address.get("country"):
        raise RestError(
            400,
            "The field 'address.country' is required",
            errors={"address.country": ["This field is required."]},
        )
    cmd = use_cases.CreateClient(values=client_values(body), uuid=client_uuid, address=address)
    try:
        result = await use_cases.create_client(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    row = await _fresh(db, principal, result.client.id)
    if not result.created:
        return single(row)
    location = absolute(request, f"/api/v1.0/datatable-clients/{result.client.id}")
    return single(row, 201, location)


@router.patch(
    "/datatable-clients/{id}",
    response_model=SingleEnvelope[Client],
    responses=errors(404, 422),
    summary="Update a client",
    openapi_extra=json_body(ClientInput),
)
async def update_client(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B1.4: only the fields sent change; ``address`` merges into the default address. A
    token-mode caller may change only their own contact fields and address (403 otherwise)."""
    client_id = _path_id(id)
    body = await json_object(request)
    cmd = use_cases.UpdateClient(
        client_id=client_id, values=client_values(body), address=_address(body)
    )
    try:
        await use_cases.update_client(db, principal, cmd)
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(id) if error.status == 404 else error) from exc
    return single(await _fresh(db, principal, client_id))


def _ids(body: Mapping[str, Any], name: str) -> list[int]:
    value = required(body, name)
    if not isinstance(value, list):
        raise RestError(
            400, f"The field '{name}' must be a list", errors={name: ["Must be a list."]}
        )
    ids = [to_id(v) for v in value]
    if any(i is None for i in ids):
        raise RestError(422, "Unknown client id", errors={name: ["Ids must be numbers."]})
    return [i for i in ids if i is not None]


@router.post(
    "/client-connect",
    response_model=ConnectEnvelope,
    responses=errors(422),
    summary="Connect clients",
    openapi_extra=json_body(ConnectInput),
)
async def connect_clients(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B1.5: ``clients`` (two or more ids) connected to ``primary_client`` (default the first).
    Idempotent."""
    body = await json_object(request)
    ids = _ids(body, "clients")
    if len(ids) < 2:
        raise RestError(
            400, "Connect at least two clients", errors={"clients": ["List at least two ids."]}
        )
    primary = body.get("primary_client")
    primary_id = None if primary is None else to_id(primary)
    if primary is not None and primary_id is None:
        raise RestError(
            422, "Unknown client id", errors={"primary_client": ["Must be a client id."]}
        )
    try:
        result = await use_cases.connect_clients(
            db, principal, use_cases.ConnectClients(client_ids=ids, primary_id=primary_id)
        )
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    primary_client = result.primary.id
    return json_response(
        {
            "data": {
                "primary_client": str(primary_client),
                "connected_clients": [
                    str(c.id) for c in result.connected if c.id != primary_client
                ],
            }
        }
    )


@router.post(
    "/client-merge",
    response_model=MergeEnvelope,
    responses=errors(409, 422),
    summary="Merge clients",
    openapi_extra=json_body(MergeInput),
)
async def merge_clients(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B1.6: ``source_clients`` merged into ``target_client``; the flags (default true) say
    whether transactions, orders and consignments/won items move."""
    body = await json_object(request)
    sources = _ids(body, "source_clients")
    target = to_id(required(body, "target_client"))
    if target is None:
        raise RestError(
            422, "Unknown client id", errors={"target_client": ["Must be a client id."]}
        )
    flags: dict[str, bool] = {}
    for name in ("merge_transactions", "merge_orders", "merge_items"):
        if body.get(name) is not None:
            flag = to_bool(body[name])
            if flag is None:
                raise RestError(
                    422, "Must be true or false", errors={name: ["Must be true or false."]}
                )
            flags[name] = flag
    cmd = use_cases.MergeClients(target_id=target, source_ids=sources, **flags)
    try:
        result = await use_cases.merge_clients(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    return json_response(
        {
            "data": {
                "merged_client_id": str(result.target.id),
                "merged_count": len(result.sources),
                "deleted_clients": [str(s.id) for s in result.sources],
            }
        }
    )
