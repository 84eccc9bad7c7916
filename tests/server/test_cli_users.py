"""`gavel create-user` against a real database.

The command commits (it runs ``asyncio.run`` itself, so these tests are sync, outside the
test-transaction fixtures); the ``cli_database`` fixture deletes what each test created.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from db import models
from db.engine import create_engine, create_sessionmaker
from domain.auth import verify_password
from server.cli import app

runner = CliRunner()
PASSWORD = "a long enough password"


def _sql(url: str, statement: str, **params: Any) -> list[Any]:
    """Run one statement in its own committed transaction; return its rows."""

    async def run() -> list[Any]:
        engine = create_engine(url, pool_size=1, max_overflow=0)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(sa.text(statement), params)
                return list(result.all()) if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(run())


class CliDatabase:
    """The test database as the CLI sees it, with a per-test e-mail domain to clean up."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.domain = f"cli-{secrets.token_hex(4)}.example.com"
        self.client_ids: list[int] = []

    def email(self, local: str) -> str:
        return f"{local}@{self.domain}"

    def users(self) -> list[Any]:
        return _sql(
            self.url,
            "SELECT id, email, role, client_id, password_hash, is_active FROM users "
            "WHERE email LIKE :pattern ORDER BY id",
            pattern=f"%@{self.domain}",
        )

    def create_client(self) -> int:
        """A committed client (through the model, so its Python-side defaults apply)."""

        async def run() -> int:
            engine = create_engine(self.url, pool_size=1, max_overflow=0)
            try:
                async with create_sessionmaker(engine)() as session:
                    client = models.Client(first_name="Cli", last_name="Client")
                    session.add(client)
                    await session.commit()
                    return client.id
            finally:
                await engine.dispose()

        client_id = asyncio.run(run())
        self.client_ids.append(client_id)
        return client_id

    def clean_up(self) -> None:
        _sql(self.url, "DELETE FROM users WHERE email LIKE :pattern", pattern=f"%@{self.domain}")
        if self.client_ids:
            _sql(self.url, "DELETE FROM clients WHERE id = ANY(:ids)", ids=self.client_ids)


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliDatabase]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    database = CliDatabase(database_url)
    yield database
    database.clean_up()


def _create_user(*args: str) -> Any:
    return runner.invoke(app, ["create-user", *args])


def test_create_user_creates_a_staff_user_who_can_log_in(cli_database: CliDatabase) -> None:
    # given
    email = cli_database.email("staff")

    # when
    result = _create_user("--email", email, "--password", PASSWORD, "--role", "staff")

    # then
    assert result.exit_code == 0, result.output
    [user] = cli_database.users()
    assert result.stdout == f"Created user {user.id} ({email}, STAFF).\n"
    assert user.email == email
    assert user.role == "staff"
    assert user.client_id is None
    assert user.is_active is True
    assert user.password_hash != PASSWORD
    assert verify_password(user.password_hash, PASSWORD)


def test_create_user_links_a_bidder_to_a_client(cli_database: CliDatabase) -> None:
    # given
    client_id = cli_database.create_client()
    email = cli_database.email("bidder")

    # when
    result = _create_user("--email", email, "--password", PASSWORD, "--client-id", str(client_id))

    # then
    assert result.exit_code == 0, result.output
    [user] = cli_database.users()
    assert (user.role, user.client_id) == ("bidder", client_id)


def test_create_user_with_a_taken_email_fails_without_a_traceback(
    cli_database: CliDatabase,
) -> None:
    # given
    email = cli_database.email("taken")
    first = _create_user("--email", email, "--password", PASSWORD, "--role", "STAFF")
    assert first.exit_code == 0, first.output

    # when: the same address, differently cased
    result = _create_user("--email", email.upper(), "--password", PASSWORD, "--role", "STAFF")

    # then
    assert result.exit_code == 1
    assert result.stderr == f"error: {email.upper()} is already registered\n"
    assert "Traceback" not in result.output
    assert len(cli_database.users()) == 1


@pytest.mark.parametrize(
    ("_case", "arguments", "message"),
    [
        (
            "unknown role",
            ["--role", "auctioneer"],
            "error: unknown role 'auctioneer'; use ADMIN, STAFF or BIDDER\n",
        ),
        ("BIDDER without a client id", ["--role", "BIDDER"], "error: a BIDDER needs a client id\n"),
        (
            "short password",
            ["--role", "STAFF", "--password", "short"],
            "error: the password needs at least 8 characters\n",
        ),
        (
            "client that does not exist",
            ["--role", "BIDDER", "--client-id", "987654321"],
            "error: there is no client 987654321\n",
        ),
    ],
)
def test_create_user_rejects_bad_arguments(
    cli_database: CliDatabase, _case: str, arguments: list[str], message: str
) -> None:
    # given
    email = cli_database.email("rejected")

    # when
    result = _create_user("--email", email, "--password", PASSWORD, *arguments)

    # then
    assert result.exit_code == 1
    assert result.stderr == message
    assert "Traceback" not in result.output
    assert cli_database.users() == []


def test_create_user_rejects_an_address_that_is_not_an_email(cli_database: CliDatabase) -> None:
    # when
    result = _create_user("--email", "not-an-address", "--password", PASSWORD, "--role", "STAFF")

    # then
    assert result.exit_code == 1
    assert result.stderr == "error: 'not-an-address' is not an e-mail address\n"
