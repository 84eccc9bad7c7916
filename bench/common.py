"""What the benchmarks share: a throwaway database, a real server process, timing helpers.

Imported as ``bench.common`` (the editable install puts the repository root on ``sys.path``);
nothing here imports ``tests/``.
"""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from db.admin import create_database, drop_database
from db.url import async_url
from domain.auth import TokenPolicy
from server.database import migrate, resolve_database
from server.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "gavel-bench-secret"
STARTUP_SECONDS = 60
TOKEN_POLICY = TokenPolicy(secret_key=SECRET_KEY.encode(), ttl=timedelta(hours=1))
"""Tokens issued by a benchmark's seed are valid on the servers ``spawn_server`` starts."""


def log(message: str) -> None:
    """Progress goes to stderr; the results table alone goes to stdout."""
    print(message, file=sys.stderr, flush=True)


# -- the database --------------------------------------------------------------------------------


@asynccontextmanager
async def fresh_database(prefix: str) -> AsyncIterator[str]:
    """A new, migrated database on ``DATABASE_URL``'s server (the embedded one when unset).

    Yields its URL; the database is dropped on the way out, whatever happened.
    """
    handle = resolve_database(Settings())  # keeps an embedded server alive while referenced
    name = f"{prefix}_{secrets.token_hex(4)}"
    where = "embedded PostgreSQL" if handle.is_embedded else "DATABASE_URL's server"
    log(f"creating database {name} on the {where}…")
    url = await create_database(handle.url, name)
    try:
        await migrate(url)
        yield url
    finally:
        await drop_database(handle.url, name)
        log(f"dropped database {name}")
        del handle


def asyncpg_kwargs(url: str) -> dict[str, Any]:
    """``asyncpg.connect`` / ``create_pool`` keyword arguments for a database URL."""
    parsed = async_url(url)
    kwargs = {
        "user": parsed.username,
        "password": parsed.password,
        "database": parsed.database,
        "host": parsed.host or parsed.query.get("host"),
        "port": parsed.port,
    }
    return {key: value for key, value in kwargs.items() if value}


# -- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Any

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/graphql"

    def output(self) -> str:
        self.log.seek(0)
        return str(self.log.read().decode(errors="replace"))


def spawn_server(database_url: str, env: Mapping[str, str] | None = None) -> Server:
    """uvicorn with the app factory, in a subprocess on a free loopback port.

    ``env`` adds ``GAVEL_*`` settings (e.g. ``GAVEL_CLOSER=false``) to the inherited environment.
    """
    port = free_port()
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GAVEL_SECRET_KEY": SECRET_KEY,
        "GAVEL_LOG_LEVEL": "warning",
        # The rate limiter runs (its upsert per request is part of every figure) but never
        # refuses: a benchmark sends far more than a client's budget.
        "GAVEL_RATE_LIMIT_PER_TOKEN": str(10**9),
        "GAVEL_RATE_LIMIT_PER_IP": str(10**9),
        **(env or {}),
    }
    log_file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server; stop_server closes it
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "server.main:app_factory",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=full_env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    return Server(process, f"http://127.0.0.1:{port}", log_file)


async def wait_until_ready(server: Server) -> None:
    """Poll /healthz until the server answers (or fail with its output)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=server.base_url, timeout=2) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{server.output()}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"no answer within {STARTUP_SECONDS} s; server output:\n{server.output()}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)
    server.log.close()


@asynccontextmanager
async def running_server(
    database_url: str, env: Mapping[str, str] | None = None
) -> AsyncIterator[Server]:
    """``spawn_server`` + ``wait_until_ready``; stopped on the way out."""
    server = spawn_server(database_url, env)
    try:
        await wait_until_ready(server)
        log(f"server on {server.base_url}")
        yield server
    except BaseException:
        output = server.output()
        if output.strip():
            log(f"server output (last 3000 characters):\n{output[-3000:]}")
        raise
    finally:
        stop_server(server)


# -- the process ---------------------------------------------------------------------------------


def raise_open_files_limit(needed: int) -> int:
    """Raise this process's soft ``RLIMIT_NOFILE`` to at least ``needed`` (up to the hard limit).

    Returns the soft limit now in force; the caller decides what to do when it is too low.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


# -- measuring -----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile of ``values`` (nan when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Run:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile latency in milliseconds."""
        return percentile(self.latencies, p) * 1000
