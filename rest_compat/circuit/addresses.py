"""B2 Client addresses: list, get, create, update and delete, over ``domain.addresses``.

Staff reach every address; a token-mode caller only their own client's (``readable_addresses``
for reads, the use cases for writes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from db import models
from db.queries.address import ADDRESS_LIST, addresses_by_ids
from db.queries.visibility import readable_addresses
from db.session import OperationDB
from domain import addresses as use_cases
from domain.address_format import name_line, render
from domain.errors import DomainError
from domain.principal import Principal
from rest_compat.circuit.bodies import json_object, required, to_bool, to_id
from rest_compat.deps import caller, operation_db
from rest_compat.errors import RestError, from_domain, not_found
from rest_compat.openapi import fields_parameter, list_openapi, parameters
from rest_compat.query import (
    FilterField,
    Kind,
    Resource,
    entity_id,
    parse_fields,
    parse_list,
    run_list,
)
from rest_compat.shapes import (
    Flag,
    Id,
    ListEnvelope,
    Ref,
    SingleEnvelope,
    absolute,
    errors,
    iso,
    json_body,
    listing,
    select,
    single,
)

router = APIRouter(tags=["Client addresses"])

FIELDS = (
    "id",
    "label",
    "client",
    "address",
    "address_types",
    "default_address",
    "validated",
    "rendered",
    "created",
    "updated",
)
TYPES = tuple(t.value for t in models.AddressType)
ADDRESSES = Resource(
    filters={
        "client": FilterField("client_id", Kind.ID),
        "default_address": FilterField("is_default", Kind.BOOL),
        "address_types": FilterField("address_types", Kind.ENUM, choices=TYPES),
    },
    sorts={
        "id": ("id",),
        "created": ("created_at",),
        "updated": ("updated_at",),
        "default_address": ("is_default",),
    },
    fields=FIELDS,
)
RENAMES = {"clientId": "client", "isDefault": "default_address"}


def represent(address: models.Address) -> dict[str, Any]:
    """The B2.0 representation."""
    kind = "Default address" if address.is_default else "Address"
    place = " - ".join(p for p in (address.country, address.postal_code) if p)
    return {
        "id": str(address.id),
        "label": f"{kind} - {place}",
        "client": str(address.client_id),
        "address": {
            "country": address.country,
            "administrative_area": address.administrative_area,
            "locality": address.locality,
            "postal_code": address.postal_code,
            "thoroughfare": address.thoroughfare,
            "premise": address.premise,
            "first_name": address.first_name,
            "last_name": address.last_name,
            "organisation_name": address.organisation_name,
            "name_line": name_line(address),
        },
        "address_types": [{"id": t, "label": t.capitalize()} for t in address.address_types],
        "default_address": address.is_default,
        "validated": address.validated,
        "rendered": render(address),
        "created": iso(address.created_at),
        "updated": iso(address.updated_at),
    }


class AddressFields(BaseModel):
    country: str = Field(description="ISO 3166-1 alpha-2.", examples=["US"])
    administrative_area: str | None
    locality: str | None
    postal_code: str | None
    thoroughfare: str | None
    premise: str | None
    first_name: str | None
    last_name: str | None
    organisation_name: str | None
    name_line: str | None


class Address(BaseModel):
    """B2.0. With ``fields=`` only the named fields (and ``id``) are present."""

    id: str = Field(examples=["501"])
    label: str | None = None
    client: str | None = Field(default=None, description="Owning client id (a bare id).")
    address: AddressFields | None = None
    address_types: list[Ref] | None = None
    default_address: bool | None = None
    validated: bool | None = None
    rendered: str | None = None
    created: str | None = None
    updated: str | None = None


class AddressInput(BaseModel):
    """B2.3/B2.4 body."""

    client: Id | None = Field(default=None, description="Client id (required on create).")
    address: dict[str, str | None] | None = Field(
        default=None,
        description="Sub-fields of B2.0 (country required on create; merged on update).",
    )
    address_types: list[str] | None = Field(default=None, description="billing and/or shipping.")
    default_address: Flag | None = Field(default=None, description="Make this the default.")


def _not_found(value: str) -> RestError:
    return not_found("Address", value)


def _path_id(value: str) -> int:
    return entity_id(value, "Address")


async def _fresh(db: OperationDB, principal: Principal, address_id: int) -> dict[str, Any]:
    db.session.expunge_all()
    (address,) = await addresses_by_ids(db, principal, [address_id])
    return represent(address)


def _sub_fields(body: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    value = required(body, "address") if creating else body.get("address", {})
    if not isinstance(value, dict):
        raise RestError(422, "Invalid address", errors={"address": ["Must be an object."]})
    if creating and not value.get("country"):
        raise RestError(
            400,
            "The field 'address.country' is required",
            errors={"address.country": ["This field is required."]},
        )
    return {k: v for k, v in value.items() if k != "name_line"}


def _types(body: Mapping[str, Any]) -> list[str] | None:
    value = body.get("address_types")
    if value is None:
        return None
    if not isinstance(value, list):
        raise RestError(422, "Invalid address types", errors={"address_types": ["Must be a list."]})
    return [str(v.get("id") if isinstance(v, dict) else v) for v in value]


def _flag(body: Mapping[str, Any]) -> bool | None:
    if body.get("default_address") is None:
        return None
    flag = to_bool(body["default_address"])
    if flag is None:
        raise RestError(
            422, "Must be true or false", errors={"default_address": ["Must be true or false."]}
        )
    return flag


@router.get(
    "/client-address",
    response_model=ListEnvelope[Address],
    responses=errors(),
    openapi_extra=list_openapi(ADDRESSES),
    summary="List addresses",
    description="B2.1. Common list parameters (A3-A7). Filters: client (id, IN), "
    "default_address (bool), address_types (billing/shipping). Sorts: id, created, updated, "
    "default_address.",
)
async def list_addresses(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    params = parse_list(request.query_params.multi_items(), ADDRESSES)
    rows, count = await run_list(
        db, readable_addresses(principal), ADDRESS_LIST, params, is_staff=principal.is_staff
    )
    return listing(request, [represent(a) for a in rows], count, params)


@router.get(
    "/client-address/{id}",
    response_model=SingleEnvelope[Address],
    responses=errors(404),
    openapi_extra=parameters(fields_parameter(ADDRESSES)),
    summary="Get an address",
)
async def get_address(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B2.2."""
    raw = request.query_params.get("fields") or ""
    fields = parse_fields(ADDRESSES, [p.strip() for p in raw.split(",") if p.strip()])
    (address,) = await addresses_by_ids(db, principal, [_path_id(id)])
    if address is None:
        raise _not_found(id)
    return single(select(represent(address), fields))


@router.post(
    "/client-address",
    status_code=201,
    response_model=SingleEnvelope[Address],
    responses=errors(422),
    summary="Create an address",
    openapi_extra=json_body(AddressInput),
)
async def create_address(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B2.3: ``client``, ``address`` (``country`` required), ``address_types``,
    ``default_address``. The client's first address is always its default."""
    body = await json_object(request)
    client_id = to_id(required(body, "client"))
    fields = _sub_fields(body, creating=True)
    if client_id is None:
        raise RestError(422, "Unknown client.", errors={"client": ["Unknown client."]})
    cmd = use_cases.CreateAddress(
        client_id=client_id,
        fields=fields,
        address_types=_types(body) or (),
        is_default=bool(_flag(body)),
    )
    try:
        result = await use_cases.create_address(db, principal, cmd)
    except DomainError as exc:
        raise from_domain(exc, RENAMES) from exc
    address_id = result.address.id
    location = absolute(request, f"/api/v1.0/client-address/{address_id}")
    return single(await _fresh(db, principal, address_id), 201, location)


@router.patch(
    "/client-address/{id}",
    response_model=SingleEnvelope[Address],
    responses=errors(404, 422),
    summary="Update an address",
    openapi_extra=json_body(AddressInput),
)
async def update_address(
    id: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B2.4: ``address`` merged sub-field by sub-field, ``address_types`` replaced,
    ``default_address`` moves the default flag; ``client`` is ignored."""
    address_id = _path_id(id)
    body = await json_object(request)
    cmd = use_cases.UpdateAddress(
        address_id=address_id,
        fields=_sub_fields(body, creating=False),
        address_types=_types(body),
        is_default=_flag(body),
    )
    try:
        await use_cases.update_address(db, principal, cmd)
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(id) if error.status == 404 else error) from exc
    return single(await _fresh(db, principal, address_id))


@router.delete(
    "/client-address/{id}",
    status_code=204,
    response_class=Response,
    responses=errors(404, 422),
    summary="Delete an address",
)
async def delete_address(
    id: str,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
) -> Response:
    """B2.5: 204 without a body. The client's only (default) address cannot be deleted (422);
    deleting the default hands the flag to the most recently created other address."""
    address_id = _path_id(id)
    try:
        await use_cases.delete_address(db, principal, use_cases.DeleteAddress(address_id))
    except DomainError as exc:
        error = from_domain(exc, RENAMES)
        raise (_not_found(id) if error.status == 404 else error) from exc
    return Response(status_code=204)
