"""`gavel export-schema` and `gavel migrate`."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.schema import schema
from server.cli import app

runner = CliRunner()


def test_export_schema_prints_the_sdl() -> None:
    # when
    result = runner.invoke(app, ["export-schema"])

    # then
    assert result.exit_code == 0
    assert result.stdout == schema.as_str() + "\n"
    assert result.stdout == (Path(__file__).parents[2] / "schema.graphql").read_text()


def test_migrate_reports_an_unreachable_database_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: nothing listens on port 1
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/nowhere")

    # when
    result = runner.invoke(app, ["migrate"])

    # then
    assert result.exit_code == 1
    assert "cannot connect to PostgreSQL" in result.stderr
    assert "Traceback" not in result.output


def test_migrate_rejects_a_url_that_is_not_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@127.0.0.1/x")

    result = runner.invoke(app, ["migrate"])

    assert result.exit_code == 1
    assert "not a PostgreSQL URL" in result.stderr


def test_migrate_brings_a_fresh_database_to_head(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    import asyncio

    from db.admin import create_database, drop_database

    name = f"gavel_cli_{secrets.token_hex(3)}"
    url = asyncio.run(create_database(server_url, name))
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        # when
        first = runner.invoke(app, ["migrate"])
        again = runner.invoke(app, ["migrate"])
    finally:
        asyncio.run(drop_database(server_url, name))

    # then
    assert first.exit_code == 0, first.output
    assert "up to date" in first.stderr
    assert again.exit_code == 0
