"""Taxonomy term fields in Circuit shapes: refs out (A12.4), ids or labels in (A12.8).

Resolving the labels and ids is ``domain.terms``'s; this module only reads the wire forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db.queries.term import TermRow


def refs(terms: Sequence[TermRow]) -> list[dict[str, str]]:
    """Terms as ``[{id, label}]`` in their order."""
    return [{"id": str(term.id), "label": term.name} for term in terms]


def single(terms: Sequence[TermRow]) -> dict[str, str] | None:
    """A single-valued term field as a ref, or null."""
    return refs(terms[:1])[0] if terms else None


def _entry(value: Any) -> Any:
    """A ref sent back (``{id, label}``) is its id, else its label."""
    if isinstance(value, dict):
        return value.get("id", value.get("label"))
    return value


def term_input(value: Any) -> Any:
    """A term field's input as the domain reads it: entries as ids or labels, refs unwrapped.

    Anything else (a number in a list field, an object without id) is left for the domain to
    report.
    """
    if isinstance(value, list):
        return [_entry(entry) for entry in value]
    return _entry(value)
