"""The embedded PostgreSQL: initialised once, reused, stopped when its last user exits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

START = """
import sys
from pathlib import Path
from server.embedded import start_embedded_postgres
url, handle = start_embedded_postgres(Path(sys.argv[1]))
print(handle.psql("select 1 as ok;").split()[2])
"""


def _start(data_dir: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", START, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.skipif(sys.platform != "linux", reason="checks /proc-free postmaster.pid on Linux")
def test_embedded_server_is_reused_and_stopped_on_exit(tmp_path: Path) -> None:
    # given / when
    first = _start(tmp_path)
    pgdata = tmp_path / "pg"
    version_file = pgdata / "PG_VERSION"
    created = version_file.stat().st_mtime_ns
    stopped_after_first = not (pgdata / "postmaster.pid").exists()
    second = _start(tmp_path)

    # then
    assert first == second == "1"
    assert stopped_after_first  # the last (only) user exited: the server stopped
    assert version_file.stat().st_mtime_ns == created  # reused, not initialised again
    assert not (pgdata / "postmaster.pid").exists()
