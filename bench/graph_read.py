"""Read benchmark: the nested catalogue query through the real server vs hand-written SQL.

Run ``.venv/bin/python bench/graph_read.py`` (or ``make bench``). It

1. creates a fresh database on ``DATABASE_URL``'s server (the embedded PostgreSQL when unset),
   migrates it and bulk-loads 20 sales x 50 lots x 5 bids with their bidders;
2. starts the real server (uvicorn, ``server.main:app_factory``) on a free loopback port;
3. times ``sales(first: 20) { items(first: 50) { bids(first: 5) { … bidder … } } }`` as staff
   from 1 and 16 concurrent httpx clients, then the same data read by four asyncpg statements
   at the same concurrency in this process, and prints both with their ratio;
4. stops the server and drops the database, whatever happened.

Every run is bounded: per measurement at most ``--requests`` requests, none started after
``--seconds`` seconds; all traffic stays on 127.0.0.1. The client, the server and PostgreSQL
share this machine's cores, so read the figures as relative, not as capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import orjson

from bench.common import (
    TOKEN_POLICY,
    Run,
    asyncpg_kwargs,
    fresh_database,
    log,
    running_server,
)
from db import models
from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from domain.auth import hash_password, issue_token

SALES, LOTS, BIDS, BIDDERS = 20, 50, 5, 200

CATALOGUE_QUERY = """
query Catalogue {
  sales(first: 20) {
    nodes {
      title
      items(first: 50) {
        nodes {
          lot title currentBid
          bids(first: 5) { nodes { amount paddle bidder { displayName } } }
        }
      }
    }
  }
}
"""

SALES_SQL = """
SELECT id, title FROM sales
ORDER BY starts_at DESC NULLS FIRST, id DESC
LIMIT $1
"""
ITEMS_SQL = """
SELECT id, sale_id, lot_number, lot_letter, title, current_bid FROM (
  SELECT id, sale_id, lot_number, lot_letter, title, current_bid,
         row_number() OVER (PARTITION BY sale_id ORDER BY lot_number NULLS LAST, id) AS rank
  FROM items WHERE sale_id = ANY($1::int[])
) AS ranked
WHERE rank <= $2
ORDER BY sale_id, rank
"""
BIDS_SQL = """
SELECT item_id, client_id, amount FROM (
  SELECT item_id, client_id, amount,
         row_number() OVER (PARTITION BY item_id ORDER BY placed_at DESC, id DESC) AS rank
  FROM bids WHERE item_id = ANY($1::int[])
) AS ranked
WHERE rank <= $2
ORDER BY item_id, rank
"""
CLIENTS_SQL = """
SELECT id, first_name, last_name, company, bidder_number FROM clients WHERE id = ANY($1::int[])
"""


# -- data ----------------------------------------------------------------------------------------


async def seed(url: str) -> str:
    """Bulk-load the catalogue and a staff user; return the staff user's bearer token."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    db = OperationDB(create_sessionmaker(engine))
    now = datetime.now(UTC)
    tables = {name: getattr(models, name).__table__ for name in ("Client", "Sale", "Item", "Bid")}

    async def insert(session: Any, name: str, rows: list[dict[str, Any]]) -> list[int]:
        table = tables[name]
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list((await session.execute(stmt, rows)).scalars())

    try:
        async with db.transaction() as session:
            client_ids = await insert(
                session,
                "Client",
                [
                    {
                        "uuid": uuid.uuid4(),
                        "first_name": f"Bidder{n}",
                        "last_name": "Bench",
                        "bidder_number": f"B{n:04d}",
                        "status": models.ClientStatus.APPROVED,
                    }
                    for n in range(BIDDERS)
                ],
            )
            sale_ids = await insert(
                session,
                "Sale",
                [
                    {
                        "uuid": uuid.uuid4(),
                        "title": f"Bench sale {s + 1}",
                        "published": True,
                        "starts_at": now - timedelta(days=1, minutes=s),
                        "ends_at": now + timedelta(days=1),
                    }
                    for s in range(SALES)
                ],
            )
            item_ids = await insert(
                session,
                "Item",
                [
                    {
                        "uuid": uuid.uuid4(),
                        "sale_id": sale_id,
                        "lot_number": lot,
                        "title": f"Lot {lot} of sale {sale_id}",
                        "status": models.ItemStatus.ACTIVE,
                        "starting_price": Decimal("50.00"),
                        "estimate_low": Decimal("100.00"),
                        "current_bid": Decimal(50 + 10 * (BIDS - 1)),
                        "bid_count": BIDS,
                        "last_sequence": BIDS,
                        "closes_at": now + timedelta(days=1),
                    }
                    for sale_id in sale_ids
                    for lot in range(1, LOTS + 1)
                ],
            )
            await session.execute(
                tables["Bid"].insert(),
                [
                    {
                        "item_id": item_id,
                        "client_id": client_ids[(i * BIDS + k) % BIDDERS],
                        "sequence": k + 1,
                        "amount": Decimal(50 + 10 * k),
                        "placed_at": now - timedelta(hours=1) + timedelta(seconds=k),
                    }
                    for i, item_id in enumerate(item_ids)
                    for k in range(BIDS)
                ],
            )
            staff = models.User(
                email="bench-staff@example.com",
                password_hash=hash_password(secrets.token_urlsafe(16)),
                role=models.Role.STAFF,
            )
            session.add(staff)
            await session.flush()
            issued = await issue_token(db, staff, TOKEN_POLICY, now)
        await db.close()
        return issued.token
    finally:
        await engine.dispose()


# -- the two ways of reading ---------------------------------------------------------------------


def graphql_reader(client: httpx.AsyncClient, token: str) -> Callable[[], Awaitable[Any]]:
    body = orjson.dumps({"query": CATALOGUE_QUERY})
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/graphql-response+json",
    }

    async def read() -> Any:
        response = await client.post("/graphql", content=body, headers=headers)
        payload = orjson.loads(response.content)
        if response.status_code != 200 or "errors" in payload:
            raise RuntimeError(f"GraphQL answered {response.status_code}: {payload}")
        return payload["data"]

    return read


def _display_name(row: asyncpg.Record) -> str:
    name = " ".join(part for part in (row["first_name"], row["last_name"]) if part)
    return name or row["company"] or f"Client {row['id']}"


async def read_catalogue_sql(connection: asyncpg.Connection) -> bytes:
    """The catalogue in four statements, shaped and encoded like the GraphQL response."""
    sales = await connection.fetch(SALES_SQL, SALES)
    items = await connection.fetch(ITEMS_SQL, [s["id"] for s in sales], LOTS)
    bids = await connection.fetch(BIDS_SQL, [i["id"] for i in items], BIDS)
    clients = {
        c["id"]: c
        for c in await connection.fetch(CLIENTS_SQL, list({b["client_id"] for b in bids}))
    }
    bids_by_item: dict[int, list[dict[str, Any]]] = {}
    for bid in bids:
        bidder = clients[bid["client_id"]]
        bids_by_item.setdefault(bid["item_id"], []).append(
            {
                "amount": str(bid["amount"]),
                "paddle": bidder["bidder_number"],
                "bidder": {"displayName": _display_name(bidder)},
            }
        )
    items_by_sale: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        current = item["current_bid"]
        items_by_sale.setdefault(item["sale_id"], []).append(
            {
                "lot": f"{item['lot_number']}{item['lot_letter']}",
                "title": item["title"],
                "currentBid": None if current is None else str(current),
                "bids": {"nodes": bids_by_item.get(item["id"], [])},
            }
        )
    data = {
        "sales": {
            "nodes": [
                {"title": s["title"], "items": {"nodes": items_by_sale.get(s["id"], [])}}
                for s in sales
            ]
        }
    }
    return orjson.dumps({"data": data})


def sql_reader(pool: asyncpg.Pool) -> Callable[[], Awaitable[Any]]:
    async def read() -> Any:
        async with pool.acquire() as connection, connection.transaction(readonly=True):
            return await read_catalogue_sql(connection)

    return read


# -- measuring -----------------------------------------------------------------------------------


async def measure(
    read: Callable[[], Awaitable[Any]], concurrency: int, max_requests: int, max_seconds: float
) -> Run:
    """``concurrency`` loops sharing a budget of ``max_requests`` and a ``max_seconds`` cap."""
    await read()  # warm the parser cache and the connection pools
    latencies: list[float] = []
    started = 0
    deadline = time.perf_counter() + max_seconds

    async def loop() -> None:
        nonlocal started
        while started < max_requests and time.perf_counter() < deadline:
            started += 1
            begin = time.perf_counter()
            await read()
            latencies.append(time.perf_counter() - begin)

    begin = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return Run(len(latencies), time.perf_counter() - begin, latencies)


def check_same_data(graph_data: Any, sql_body: bytes) -> None:
    """Both readers must return the same catalogue, or the comparison means nothing."""
    sql_data = orjson.loads(sql_body)["data"]
    if graph_data != sql_data:
        raise RuntimeError("GraphQL and the SQL baseline returned different data")
    sales = graph_data["sales"]["nodes"]
    items = [item for sale in sales for item in sale["items"]["nodes"]]
    bids = [bid for item in items for bid in item["bids"]["nodes"]]
    expected = (SALES, SALES * LOTS, SALES * LOTS * BIDS)
    if (len(sales), len(items), len(bids)) != expected:
        raise RuntimeError(f"expected {expected} sales/items/bids, got {len(sales)}/…")
    if any(bid["bidder"] is None for bid in bids):
        raise RuntimeError("bidder did not resolve: the token is not a staff token")


def print_table(rows: list[tuple[int, Run, Run]], max_requests: int, max_seconds: float) -> None:
    print()
    print(
        f"Nested catalogue read: {SALES} sales x {LOTS} lots x {BIDS} bids "
        f"({SALES * LOTS} lots, {SALES * LOTS * BIDS} bids, bidder as staff) per request"
    )
    print(
        f"Each measurement: at most {max_requests} requests, none started after {max_seconds:g} s."
    )
    print()
    header = (
        f"{'clients':>7}  {'reader':<28} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for concurrency, graph, sql in rows:
        for name, run in (("GraphQL (HTTP, uvicorn)", graph), ("SQL (asyncpg, 4 statements)", sql)):
            print(
                f"{concurrency:>7}  {name:<28} {run.requests:>8} {run.rps:>8.1f} "
                f"{run.percentile(50):>8.1f} {run.percentile(99):>8.1f}"
            )
        print(
            f"{'':>7}  {'ratio SQL / GraphQL':<28} {'':>8} {sql.rps / graph.rps:>7.1f}x "
            f"{graph.percentile(50) / sql.percentile(50):>7.1f}x "
            f"{graph.percentile(99) / sql.percentile(99):>7.1f}x"
        )
    print()
    print("ratio: how many times more requests/s the SQL baseline serves, and how many times")
    print("longer GraphQL's p50/p99 latencies are. Client, server and PostgreSQL share the CPUs.")


# -- main ----------------------------------------------------------------------------------------


async def run_benchmark(concurrencies: list[int], max_requests: int, max_seconds: float) -> None:
    async with fresh_database("gavel_bench") as url:
        begin = time.perf_counter()
        token = await seed(url)
        log(f"loaded the catalogue in {time.perf_counter() - begin:.1f} s")
        async with running_server(url) as server:
            pool = await asyncpg.create_pool(
                **asyncpg_kwargs(url), min_size=max(concurrencies), max_size=max(concurrencies)
            )
            limits = httpx.Limits(max_connections=max(concurrencies))
            try:
                async with httpx.AsyncClient(
                    base_url=server.base_url, timeout=120, limits=limits
                ) as client:
                    read_graph, read_sql = graphql_reader(client, token), sql_reader(pool)
                    check_same_data(await read_graph(), await read_sql())
                    rows = []
                    for concurrency in concurrencies:
                        log(f"measuring {concurrency} concurrent client(s)…")
                        graph = await measure(read_graph, concurrency, max_requests, max_seconds)
                        sql = await measure(read_sql, concurrency, max_requests, max_seconds)
                        rows.append((concurrency, graph, sql))
            finally:
                await pool.close()
        print_table(rows, max_requests, max_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", default="1,16", help="comma-separated client counts")
    parser.add_argument("--requests", type=int, default=300, help="request budget per run")
    parser.add_argument("--seconds", type=float, default=30.0, help="time cap per run")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    asyncio.run(run_benchmark(concurrencies, args.requests, args.seconds))


if __name__ == "__main__":
    main()
