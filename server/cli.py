"""The `gavel` command line: serve, migrate, demo data, users, schema export."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from typing import Annotated

import typer

from server.settings import Settings

app = typer.Typer(
    help="Gavel auction-house server.", no_args_is_help=True, pretty_exceptions_enable=False
)
log = logging.getLogger("gavel")


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError: a bad environment variable
        raise _fail(f"invalid settings: {exc}") from exc


def _database(settings: Settings) -> object:
    from server.database import resolve_database

    try:
        handle = resolve_database(settings)
    except Exception as exc:
        raise _fail(f"cannot start or reach PostgreSQL: {exc}") from exc
    return handle


def _migrate(url: str) -> None:
    from server.database import migrate

    typer.echo("Applying migrations…", err=True)
    try:
        asyncio.run(migrate(url))
    except OSError as exc:
        raise _fail(f"cannot connect to PostgreSQL: {exc}") from exc
    except Exception as exc:
        raise _fail(f"migration failed: {exc}") from exc
    typer.echo("Database schema is up to date.", err=True)


@app.command()
def migrate() -> None:
    """Apply all pending database migrations."""
    settings = _settings()
    handle = _database(settings)
    _migrate(handle.url)  # type: ignore[attr-defined]


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL SDL (what schema.graphql must equal)."""
    from graph.schema import schema

    sys.stdout.write(schema.as_str() + "\n")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (GAVEL_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (GAVEL_PORT).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (GAVEL_WORKERS).")] = None,
    demo: Annotated[bool, typer.Option(help="Load the demo data set into an empty database.")] = (
        False
    ),
) -> None:
    """Run the HTTP/WebSocket server (migrating the database first)."""
    import uvicorn

    settings = _settings()
    handle = _database(settings)
    url: str = handle.url  # type: ignore[attr-defined]
    _migrate(url)
    if demo:
        from server.demo import ensure_demo_data

        try:
            asyncio.run(ensure_demo_data(url, echo=lambda line: typer.echo(line, err=True)))
        except Exception as exc:
            raise _fail(f"loading demo data failed: {exc}") from exc
    if handle.is_embedded:  # type: ignore[attr-defined]
        from server.embedded import exit_cleanly_on_sigterm

        exit_cleanly_on_sigterm()
    bind_host = host or settings.host
    bind_port = port or settings.port
    typer.echo(f"Gavel GraphQL API on http://{bind_host}:{bind_port}/graphql", err=True)
    uvicorn.run(
        "server.main:app_factory",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers or settings.workers,
        log_level=settings.log_level,
    )


@app.command("demo-data")
def demo_data(
    sales: Annotated[int, typer.Option(min=1, help="Number of sales.")] = 4,
    lots_per_sale: Annotated[int, typer.Option(min=1, help="Lots in each sale.")] = 75,
    clients: Annotated[int, typer.Option(min=10, help="Number of clients.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 1,
    reset: Annotated[
        bool, typer.Option(help="Delete ALL existing data first (else the database must be empty).")
    ] = False,
) -> None:
    """Load a generated demo data set (migrating the database first)."""
    from domain.demo import DatabaseNotEmpty
    from server.demo import demo_data_command

    settings = _settings()
    handle = _database(settings)
    url: str = handle.url  # type: ignore[attr-defined]
    _migrate(url)
    try:
        summary = asyncio.run(
            demo_data_command(
                url,
                sales=sales,
                lots_per_sale=lots_per_sale,
                clients=clients,
                seed=seed,
                reset=reset,
                echo=lambda line: typer.echo(line, err=True),
            )
        )
    except DatabaseNotEmpty as exc:
        raise _fail(f"{exc}; nothing loaded. Use --reset to delete everything first.") from exc
    except OSError as exc:
        raise _fail(f"cannot connect to PostgreSQL: {exc}") from exc
    for line in summary.lines():
        typer.echo(line)


@app.command()
def worker(
    interval: Annotated[float, typer.Option(help="Seconds between closing rounds.")] = 1.0,
) -> None:
    """Run the background work apart from the web server: jobs and the timed-lot closer."""
    from db.engine import create_engine, create_sessionmaker
    from server.closer import run_closer
    from server.jobs import create_job_app, worker_running

    settings = _settings()
    handle = _database(settings)
    url: str = handle.url  # type: ignore[attr-defined]
    _migrate(url)
    if handle.is_embedded:  # type: ignore[attr-defined]
        from server.embedded import exit_cleanly_on_sigterm

        exit_cleanly_on_sigterm()

    async def main() -> None:
        engine = create_engine(url, pool_size=4, max_overflow=0)
        sessionmaker = create_sessionmaker(engine)
        jobs = create_job_app(
            url, sessionmaker, settings.files_dir, retry_wait=settings.job_retry_seconds
        )
        try:
            async with worker_running(jobs) as job_worker:
                closer = asyncio.create_task(run_closer(sessionmaker, interval))
                try:
                    await _until_stopped(job_worker, closer)
                finally:
                    closer.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await closer
        finally:
            await engine.dispose()

    typer.echo(
        "Gavel worker: running background jobs and closing timed lots (Ctrl-C to stop).",
        err=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    typer.echo("Gavel worker stopped.", err=True)


async def _until_stopped(*tasks: asyncio.Task[None]) -> None:
    """Wait for SIGTERM/SIGINT (or for a task to end, which is a failure)."""
    import signal

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    stopped = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait({stopped, *tasks}, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not stopped:
                task.result()  # raise what ended it
                raise RuntimeError("a background loop stopped unexpectedly")
    finally:
        stopped.cancel()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Login e-mail.")],
    password: Annotated[str, typer.Option(help="Password (at least 8 characters).")],
    role: Annotated[str, typer.Option(help="ADMIN, STAFF or BIDDER.")] = "BIDDER",
    client_id: Annotated[int | None, typer.Option(help="Client record a BIDDER acts for.")] = None,
) -> None:
    """Create a user who can log in."""
    from server.users import create_user_command

    settings = _settings()
    handle = _database(settings)
    try:
        user_id = asyncio.run(
            create_user_command(handle.url, email, password, role, client_id)  # type: ignore[attr-defined]
        )
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    except OSError as exc:
        raise _fail(f"cannot connect to PostgreSQL: {exc}") from exc
    typer.echo(f"Created user {user_id} ({email}, {role.upper()}).")


def main() -> None:  # pragma: no cover
    app()
