"""The committed SDL matches the code."""

from __future__ import annotations

from pathlib import Path

from graph.schema import schema

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_graphql_is_current() -> None:
    expected = schema.as_str() + "\n"
    actual = SDL.read_text() if SDL.exists() else ""
    assert actual == expected, (
        "schema.graphql is out of date; run: gavel export-schema > schema.graphql"
    )
