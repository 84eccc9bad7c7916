"""Shared set-up for background-job tests: an app with its in-process worker, staff tokens."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from server.app import create_app
from server.settings import Settings
from tests import factories
from tests.committed import Committed

LOGIN_MUTATION = """
mutation ($email: String!) {
  login(input: {email: $email, password: "correct horse battery staple"}) { token }
}
"""
BULK_DISPATCH_MUTATION = """
mutation ($input: BulkDispatchInput!) {
  bulkDispatch(input: $input) {
    success message jobId
    job { id name state message retries }
    errors { field code message }
  }
}
"""
JOB_QUERY = """
query ($id: ID!) {
  job(id: $id) {
    id name state message retries createdAt availableAt startedAt finishedAt
  }
}
"""
WAIT_SECONDS = 60.0


@contextmanager
def running_app(
    committed: Committed, files_dir: Path, *, worker: bool = True
) -> Iterator[TestClient]:
    """The app on the committed database with its own job worker (stopped on exit)."""
    settings = Settings(files_dir=files_dir, job_retry_seconds=0, closer=False)
    app = create_app(settings, database_url=committed.url, closer=False, worker=worker)
    with TestClient(app) as client:
        yield client


def staff_and_items(committed: Committed, count: int = 2) -> dict[str, Any]:
    async def build(session: AsyncSession) -> dict[str, Any]:
        staff = await factories.create_staff(session)
        bidder = await factories.create_bidder(session)
        sale = await factories.create_sale(session)
        items = [await factories.create_item(session, sale=sale) for _ in range(count)]
        return {
            "staff": staff.email,
            "staff_id": staff.id,
            "bidder": bidder.email,
            "sale": sale.id,
            "items": [item.id for item in items],
        }

    return committed.run(build)


def token(client: TestClient, email: str) -> str:
    response = client.post(
        "/graphql", json={"query": LOGIN_MUTATION, "variables": {"email": email}}
    )
    value: str = response.json()["data"]["login"]["token"]
    return value


def graphql(
    client: TestClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


def item_ids(ids: list[int]) -> list[str]:
    return [to_base64("Item", i) for i in ids]


def dispatch(client: TestClient, staff: str, **input: Any) -> dict[str, Any]:
    body = graphql(client, BULK_DISPATCH_MUTATION, {"input": input}, staff)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["bulkDispatch"]
    return payload


def wait_for_job(
    client: TestClient, staff: str, job_id: str, until: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Poll ``job(id)`` until ``until`` holds (bounded: fails after WAIT_SECONDS)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        body = graphql(client, JOB_QUERY, {"id": job_id}, staff)
        job: dict[str, Any] = body["data"]["job"]
        if until(job):
            return job
        assert time.monotonic() < deadline, f"job never reached the expected state: {job}"
        time.sleep(0.05)
