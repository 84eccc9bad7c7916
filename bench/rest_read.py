"""REST read benchmark: a page of full Circuit item rows through the real server vs plain SQL.

Run ``.venv/bin/python bench/rest_read.py`` (or ``make bench-rest``). It

1. creates a fresh database on ``DATABASE_URL``'s server (the embedded PostgreSQL when unset)
   and loads the same catalogue as ``bench/graph_read.py`` (20 sales x 50 lots x 5 bids);
2. starts the real server (uvicorn; rate limiting on with a limit no run reaches, so its one
   upsert per request is part of the figure) on a free loopback port;
3. times ``GET /api/v1.0/datatable-items?range=<rows>`` (the B5.0 representation: every field,
   refs, enums, neighbours, images) and ``GET /api/v1.0/items-list?range=<rows>`` (D20 minimal
   rows) as staff, from 1 and 16 concurrent httpx clients; then the same page of item rows read
   in this process by two asyncpg statements (the joined rows and the count), encoded with
   orjson, at the same concurrency; prints all three with the ratios;
4. stops the server and drops the database, whatever happened.

The SQL baseline is a floor, not the same document: it returns the raw columns of the rows,
not the ~110 shaped fields of B5.0. Every run is bounded (``--requests``, ``--seconds``); all
traffic stays on 127.0.0.1. Client, server and PostgreSQL share this machine's cores, so read
the figures as relative, not as capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import orjson

from bench.common import Run, asyncpg_kwargs, fresh_database, log, running_server
from bench.graph_read import measure, seed

ROWS_SQL = """
SELECT i.*, s.title AS sale_title, c.number AS consignment_number, c.symbol,
       o.first_name AS consignor_first_name, o.last_name AS consignor_last_name
FROM items AS i
JOIN sales AS s ON s.id = i.sale_id
LEFT JOIN consignments AS c ON c.id = i.consignment_id
LEFT JOIN clients AS o ON o.id = c.consignor_id
ORDER BY i.lot_number NULLS LAST, i.lot_letter, i.id
LIMIT $1
"""
COUNT_SQL = "SELECT count(*) FROM items"


def rest_reader(client: httpx.AsyncClient, token: str, path: str) -> Callable[[], Awaitable[Any]]:
    headers = {"Authorization": f"Bearer {token}"}

    async def read() -> Any:
        response = await client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
        return orjson.loads(response.content)

    return read


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def sql_reader(pool: asyncpg.Pool, rows: int) -> Callable[[], Awaitable[Any]]:
    async def read() -> Any:
        async with pool.acquire() as connection, connection.transaction(readonly=True):
            found = await connection.fetch(ROWS_SQL, rows)
            count = await connection.fetchval(COUNT_SQL)
        data = [{key: _plain(value) for key, value in row.items()} for row in found]
        return orjson.dumps({"data": data, "count": count}, default=str)

    return read


def print_table(rows: list[tuple[int, Run, Run, Run]], page: int, budget: str) -> None:
    print()
    print(f"REST list read: {page} item rows per request, as staff. {budget}")
    print()
    header = (
        f"{'clients':>7}  {'reader':<34} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for concurrency, full, minimal, sql in rows:
        for name, run in (
            ("datatable-items (full B5.0 rows)", full),
            ("items-list (display_id, lot, status)", minimal),
            ("SQL (asyncpg, 2 statements)", sql),
        ):
            print(
                f"{concurrency:>7}  {name:<34} {run.requests:>8} {run.rps:>8.1f} "
                f"{run.percentile(50):>8.1f} {run.percentile(99):>8.1f}"
            )
        for name, run in (
            ("ratio SQL / datatable-items", full),
            ("ratio SQL / items-list", minimal),
        ):
            print(
                f"{'':>7}  {name:<34} {'':>8} {sql.rps / run.rps:>7.1f}x "
                f"{run.percentile(50) / sql.percentile(50):>7.1f}x "
                f"{run.percentile(99) / sql.percentile(99):>7.1f}x"
            )
    print()
    print("ratio: how many times more requests/s the SQL floor serves, and how many times longer")
    print("the REST p50/p99 latencies are.")


async def run_benchmark(
    concurrencies: list[int], page: int, max_requests: int, max_seconds: float
) -> None:
    env = {"GAVEL_CLOSER": "false"}
    async with fresh_database("gavel_bench_rest") as url:
        begin = time.perf_counter()
        token = await seed(url)
        log(f"loaded the catalogue in {time.perf_counter() - begin:.1f} s")
        async with running_server(url, env) as server:
            pool = await asyncpg.create_pool(
                **asyncpg_kwargs(url), min_size=max(concurrencies), max_size=max(concurrencies)
            )
            limits = httpx.Limits(max_connections=max(concurrencies))
            try:
                async with httpx.AsyncClient(
                    base_url=server.base_url, timeout=120, limits=limits
                ) as client:
                    full = rest_reader(client, token, f"/api/v1.0/datatable-items?range={page}")
                    minimal = rest_reader(client, token, f"/api/v1.0/items-list?range={page}")
                    sql = sql_reader(pool, page)
                    first = await full()
                    if len(first["data"]) != page or first["count"] < page:
                        raise RuntimeError(f"expected {page} rows, got {len(first['data'])}")
                    results = []
                    for concurrency in concurrencies:
                        log(f"measuring {concurrency} concurrent client(s)…")
                        results.append(
                            (
                                concurrency,
                                await measure(full, concurrency, max_requests, max_seconds),
                                await measure(minimal, concurrency, max_requests, max_seconds),
                                await measure(sql, concurrency, max_requests, max_seconds),
                            )
                        )
            finally:
                await pool.close()
        budget = f"Each measurement: at most {max_requests} requests, none after {max_seconds:g} s."
        print_table(results, page, budget)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", default="1,16", help="comma-separated client counts")
    parser.add_argument("--rows", type=int, default=500, help="rows per page (range, max 500)")
    parser.add_argument("--requests", type=int, default=200, help="request budget per run")
    parser.add_argument("--seconds", type=float, default=30.0, help="time cap per run")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    asyncio.run(run_benchmark(concurrencies, args.rows, args.requests, args.seconds))


if __name__ == "__main__":
    main()
