"""The procrastinate app reaches the database from either URL form the project accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from db.engine import create_engine, create_sessionmaker
from server.jobs import create_job_app


@pytest.mark.parametrize("driver", ["postgresql", "postgresql+asyncpg", "postgres"])
async def test_the_job_app_connects_with_any_url_form(
    database_url: str, tmp_path: Path, driver: str
) -> None:
    # given
    url = make_url(database_url).set(drivername=driver).render_as_string(hide_password=False)
    engine = create_engine(database_url, pool_size=1)
    app = create_job_app(url, create_sessionmaker(engine), tmp_path)

    # when
    try:
        async with app.open_async():
            reachable = await app.check_connection_async()
    finally:
        await engine.dispose()

    # then
    assert reachable is True
