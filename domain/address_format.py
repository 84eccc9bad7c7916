"""How an address reads: its name line, country name and multi-line rendering (REST B2.0).

Pure functions over the stored fields, shared by GraphQL and REST.
"""

from __future__ import annotations

from typing import Protocol

import pycountry


class AddressFields(Protocol):
    """The stored address fields the rendering reads (``db.models.Address`` fits)."""

    @property
    def country(self) -> str: ...

    @property
    def administrative_area(self) -> str | None: ...

    @property
    def locality(self) -> str | None: ...

    @property
    def postal_code(self) -> str | None: ...

    @property
    def thoroughfare(self) -> str | None: ...

    @property
    def premise(self) -> str | None: ...

    @property
    def first_name(self) -> str | None: ...

    @property
    def last_name(self) -> str | None: ...

    @property
    def organisation_name(self) -> str | None: ...


def _join(separator: str, *parts: str | None) -> str:
    return separator.join(p.strip() for p in parts if p and p.strip())


def name_line(address: AddressFields) -> str | None:
    """``first_name + " " + last_name`` when either is set, else None."""
    return _join(" ", address.first_name, address.last_name) or None


def country_name(code: str) -> str:
    """The English short name of an ISO 3166-1 alpha-2 code (``UK`` reads as ``GB``)."""
    normalized = code.strip().upper()
    if normalized == "UK":
        normalized = "GB"
    country = pycountry.countries.get(alpha_2=normalized)
    return country.name if country is not None else normalized


def render(address: AddressFields) -> str:
    """Multi-line text: name (or organisation), organisation, street and premise,
    ``"<locality>, <administrative_area> <postal_code>"``, country name; empty lines skipped.
    """
    person = name_line(address)
    organisation = address.organisation_name
    region = _join(" ", address.administrative_area, address.postal_code)
    lines = [
        person or organisation,
        organisation if person else None,
        _join(", ", address.thoroughfare, address.premise),
        _join(", ", address.locality, region),
        country_name(address.country),
    ]
    return "\n".join(line for line in lines if line)
