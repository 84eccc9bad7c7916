"""Bidding benchmark: placeBid on one hot lot, and live-event latency to many subscribers.

Run ``.venv/bin/python bench/bids.py`` (or ``make bench-bids``). It

1. creates a fresh database on ``DATABASE_URL``'s server (the embedded PostgreSQL when unset),
   migrates it and seeds one timed sale (flat increment of 1.00), a few lots and 64 approved
   bidders, each with a user and its own bearer token;
2. starts the real server (uvicorn, ``server.main:app_factory``, default settings) on a free
   loopback port;
3. **throughput**: for 1, 8, 32 and 64 concurrent bidders, each bidder loops on ``placeBid`` over
   HTTP on a fresh lot, bidding the lot's next minimum as last seen by any bidder plus 0-3
   increments (so racing bids are refused by the rules, as in a real hot lot); then the same
   bidding issued as one hand-written asyncpg transaction per bid (``FOR UPDATE`` on the item,
   bidders' maxima, insert, update, ``pg_notify``, commit) on another fresh lot, at the same
   concurrency over no more connections than the server's pool; prints both and the ratio;
4. **latency**: 1,000 anonymous WebSocket subscribers (graphql-transport-ws,
   ``bidPlaced(itemId:)``, no permessage-deflate) on a fresh lot while bids are placed one at a
   time at 10 and at 100 bids/s (or as fast as placeBid answers, when slower); latency runs from
   the bid's ``placedAt`` (taken by the server when placeBid starts, so it includes the bid's
   own transaction) to the moment each subscriber's socket read returns it. Then the same
   1,000 clients against a tiny ``websockets`` server in this process broadcasting the same
   JSON message at the same rates; prints both and the ratio;
5. stops the server and drops the database, whatever happened.

Every measurement is bounded (``--seconds`` per run, ``--bids`` per throughput run, ``--drain``
to collect late events) and all traffic stays on 127.0.0.1. The clients, the server and
PostgreSQL share this machine's cores: read the figures as relative, not as capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import orjson
from strawberry.relay import to_base64
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.typing import Subprotocol

from bench.common import (
    TOKEN_POLICY,
    Server,
    asyncpg_kwargs,
    free_port,
    fresh_database,
    log,
    percentile,
    raise_open_files_limit,
    running_server,
)
from db import models
from db.engine import create_engine, create_sessionmaker
from db.session import OperationDB
from domain.auth import hash_password, issue_token
from realtime.events import CHANNEL
from server.settings import Settings

INCREMENT = Decimal("1.00")
STARTING_PRICE = Decimal("10.00")
STEPS = (0, 0, 1, 2, 3)
"""How many increments above the known next minimum a throughput bidder bids."""
_SETTINGS = Settings()
SERVER_POOL = _SETTINGS.db_pool_size + _SETTINGS.db_max_overflow
"""Connections the server's pool may open (it inherits this environment)."""
PROTOCOL = Subprotocol("graphql-transport-ws")
CONNECT_BATCH = 50
READY_SECONDS = 60.0
CONNECTION_INIT = orjson.dumps({"type": "connection_init", "payload": {}}).decode()
CONNECTION_ACK = orjson.dumps({"type": "connection_ack"}).decode()

PLACE_BID = """
mutation PlaceBid($input: PlaceBidInput!) {
  placeBid(input: $input) {
    bid { sequence placedAt }
    item { nextMinimumBid }
    errors { code }
  }
}
"""
BID_PLACED = """
subscription BidPlaced($itemId: ID!) {
  bidPlaced(itemId: $itemId) { sequence bid { amount placedAt } }
}
"""

LOCK_ITEM_SQL = """
SELECT current_bid, starting_price, last_sequence, sale_id
FROM items WHERE id = $1 FOR UPDATE
"""
MAXIMA_SQL = """
SELECT client_id, max(GREATEST(amount, COALESCE(max_amount, amount))) AS max_amount
FROM bids WHERE item_id = $1 AND status = 'accepted'
GROUP BY client_id
"""
INSERT_BID_SQL = """
INSERT INTO bids (item_id, client_id, user_id, sequence, amount, is_proxy, status, source,
                  placed_at)
VALUES ($1, $2, $3, $4, $5, false, 'accepted', 'online', $6)
RETURNING id
"""
UPDATE_ITEM_SQL = """
UPDATE items
SET current_bid = $2, bid_count = bid_count + 1, last_sequence = $3, leading_bid_id = $4,
    updated_at = $5
WHERE id = $1
"""
NOTIFY_SQL = "SELECT pg_notify($1, x) FROM unnest($2::text[]) AS x"


# -- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bidder:
    client_id: int
    user_id: int
    token: str


@dataclass
class Catalogue:
    bidders: list[Bidder]
    lots: list[int]

    def take_lot(self) -> int:
        """A lot nobody has bid on yet, so every run starts from the same state."""
        return self.lots.pop(0)


async def seed(url: str, bidders: int, lots: int) -> Catalogue:
    """One open timed sale with ``lots`` untouched lots, and ``bidders`` bidders with tokens."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    db = OperationDB(create_sessionmaker(engine))
    now = datetime.now(UTC)
    password_hash = hash_password("bench-not-a-secret")  # one hash: argon2 is slow on purpose

    async def insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        table = model.__table__
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list((await session.execute(stmt, rows)).scalars())

    try:
        async with db.transaction() as session:
            (sale_id,) = await insert(
                session,
                models.Sale,
                [
                    {
                        "uuid": uuid.uuid4(),
                        "title": "Bench sale",
                        "kind": models.SaleKind.TIMED,
                        "published": True,
                        "starts_at": now - timedelta(hours=1),
                        "ends_at": now + timedelta(days=1),
                        "increments": [{"from": "0", "increment": str(INCREMENT)}],
                        "soft_close_seconds": 0,
                    }
                ],
            )
            lot_ids = await insert(
                session,
                models.Item,
                [
                    {
                        "uuid": uuid.uuid4(),
                        "sale_id": sale_id,
                        "lot_number": lot,
                        "title": f"Hot lot {lot}",
                        "status": models.ItemStatus.ACTIVE,
                        "published": True,
                        "starting_price": STARTING_PRICE,
                        "closes_at": now + timedelta(days=1),
                    }
                    for lot in range(1, lots + 1)
                ],
            )
            client_ids = await insert(
                session,
                models.Client,
                [
                    {
                        "uuid": uuid.uuid4(),
                        "first_name": f"Bidder{n}",
                        "last_name": "Bench",
                        "bidder_number": f"B{n:04d}",
                        "status": models.ClientStatus.APPROVED,
                    }
                    for n in range(bidders)
                ],
            )
            user_ids = await insert(
                session,
                models.User,
                [
                    {
                        "email": f"bidder{n}@bench.example",
                        "password_hash": password_hash,
                        "role": models.Role.BIDDER,
                        "client_id": client_id,
                    }
                    for n, client_id in enumerate(client_ids)
                ],
            )
            result = []
            for client_id, user_id in zip(client_ids, user_ids, strict=True):
                user = await session.get(models.User, user_id)
                assert user is not None
                issued = await issue_token(db, user, TOKEN_POLICY, now)
                result.append(Bidder(client_id, user_id, issued.token))
        await db.close()
        return Catalogue(result, lot_ids)
    finally:
        await engine.dispose()


# -- placing bids: the two ways ------------------------------------------------------------------


@dataclass
class Answer:
    """What a bidder learns from one attempt."""

    accepted: bool
    next_minimum: Decimal | None = None
    sequence: int | None = None
    placed_at: float | None = None
    """The accepted bid's ``placedAt`` as a POSIX timestamp."""


PlaceFn = Callable[[Bidder, Decimal], Awaitable[Answer]]


def graphql_placer(client: httpx.AsyncClient, item_id: int) -> PlaceFn:
    gid = to_base64("Item", item_id)

    async def place(bidder: Bidder, amount: Decimal) -> Answer:
        body = orjson.dumps(
            {"query": PLACE_BID, "variables": {"input": {"itemId": gid, "amount": str(amount)}}}
        )
        response = await client.post(
            "/graphql",
            content=body,
            headers={
                "Authorization": f"Bearer {bidder.token}",
                "Content-Type": "application/json",
            },
        )
        if response.status_code != 200:
            raise RuntimeError(f"placeBid answered {response.status_code}: {response.text[:120]}")
        payload = orjson.loads(response.content)
        if payload.get("errors"):
            raise RuntimeError(f"placeBid answered errors: {str(payload['errors'])[:120]}")
        result = payload["data"]["placeBid"]
        item = result["item"]
        minimum = Decimal(item["nextMinimumBid"]) if item else None
        bid = result["bid"]
        if bid is None:
            return Answer(False, minimum)
        placed_at = datetime.fromisoformat(bid["placedAt"]).timestamp()
        return Answer(True, minimum, bid["sequence"], placed_at)

    return place


def sql_placer(pool: asyncpg.Pool, item_id: int) -> PlaceFn:
    """The bid as one hand-written transaction: what placeBid must do, and nothing else."""

    async def place(bidder: Bidder, amount: Decimal) -> Answer:
        async with pool.acquire() as connection, connection.transaction():
            item = await connection.fetchrow(LOCK_ITEM_SQL, item_id)
            maxima = await connection.fetch(MAXIMA_SQL, item_id)
            current = item["current_bid"]
            minimum = item["starting_price"] if current is None else current + INCREMENT
            if amount < minimum:
                return Answer(False, minimum)
            # Amounts only rise on a lot, so maxima never tie: the leader is the highest one.
            leader = max(maxima, key=lambda m: m["max_amount"], default=None)
            now = datetime.now(UTC)
            sequence = item["last_sequence"] + 1
            bid_id = await connection.fetchval(
                INSERT_BID_SQL,
                item_id,
                bidder.client_id,
                bidder.user_id,
                sequence,
                amount,
                now,
            )
            await connection.execute(UPDATE_ITEM_SQL, item_id, amount, sequence, bid_id, now)
            sale_id = item["sale_id"]
            events = [
                {
                    "type": "bid_placed",
                    "item_id": item_id,
                    "sale_id": sale_id,
                    "first_sequence": sequence,
                    "last_sequence": sequence,
                }
            ]
            if leader is not None and leader["client_id"] != bidder.client_id:
                events.append(
                    {
                        "type": "outbid",
                        "client_id": leader["client_id"],
                        "item_id": item_id,
                        "sale_id": sale_id,
                        "sequence": sequence,
                    }
                )
            events.append(
                {"type": "item_updated", "item_id": item_id, "sale_id": sale_id, "reason": "bid"}
            )
            await connection.execute(
                NOTIFY_SQL, CHANNEL, [orjson.dumps(e).decode() for e in events]
            )
            return Answer(True, amount + INCREMENT, sequence, now.timestamp())

    return place


def ratio(numerator: float, denominator: float) -> str:
    """``numerator / denominator`` as ``12.3x``; ``n/a`` when either side has no figure."""
    if not (math.isfinite(numerator) and math.isfinite(denominator)) or denominator == 0:
        return "n/a"
    return f"{numerator / denominator:.1f}x"


# -- 1. throughput -------------------------------------------------------------------------------


@dataclass
class Throughput:
    attempts: int
    accepted: int
    seconds: float
    latencies: list[float]
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.attempts / self.seconds

    def ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000


async def measure_throughput(
    place: PlaceFn, bidders: list[Bidder], max_bids: int, max_seconds: float, seed: int
) -> Throughput:
    """Every bidder loops: bid the best next minimum anyone has seen plus a random step."""
    rng = random.Random(seed)
    known_minimum = STARTING_PRICE
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    accepted = 0
    started = 0
    deadline = time.perf_counter() + max_seconds

    async def loop(bidder: Bidder) -> None:
        nonlocal known_minimum, accepted, started
        while started < max_bids and time.perf_counter() < deadline:
            started += 1
            amount = known_minimum + INCREMENT * rng.choice(STEPS)
            begin = time.perf_counter()
            try:
                answer = await place(bidder, amount)
            except (httpx.TransportError, RuntimeError) as exc:
                errors[f"{type(exc).__name__}: {exc}"[:160]] += 1
                continue
            latencies.append(time.perf_counter() - begin)
            accepted += answer.accepted
            if answer.next_minimum is not None:
                known_minimum = max(known_minimum, answer.next_minimum)

    begin = time.perf_counter()
    await asyncio.gather(*(loop(b) for b in bidders))
    return Throughput(len(latencies), accepted, time.perf_counter() - begin, latencies, errors)


async def run_throughput(
    server: Server,
    url: str,
    catalogue: Catalogue,
    concurrencies: list[int],
    max_bids: int,
    max_seconds: float,
) -> None:
    """Each concurrency through placeBid, then through asyncpg; prints each row when done."""
    for concurrency in concurrencies:
        bidders = catalogue.bidders[:concurrency]
        log(f"throughput: {concurrency} bidder(s) through placeBid…")
        # A fresh client per run: no keep-alive connection the server may be closing.
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=120, limits=limits) as http:
            graph = await measure_throughput(
                graphql_placer(http, catalogue.take_lot()),
                bidders,
                max_bids,
                max_seconds,
                seed=concurrency,
            )
        if graph.errors:
            log(f"server output (last 2000 characters):\n{server.output()[-2000:]}")
        log(f"throughput: {concurrency} bidder(s) through asyncpg…")
        # As many connections as the server's pool may open, and only for this run:
        # PostgreSQL's max_connections is shared with the server (and whoever else).
        size = min(concurrency, SERVER_POOL)
        pool = await asyncpg.create_pool(**asyncpg_kwargs(url), min_size=size, max_size=size)
        try:
            sql = await measure_throughput(
                sql_placer(pool, catalogue.take_lot()),
                bidders,
                max_bids,
                max_seconds,
                seed=concurrency,
            )
        finally:
            await pool.close()
        print_throughput_row(concurrency, graph, sql)


def print_throughput_header(max_bids: int, max_seconds: float) -> None:
    print()
    print("1. Bids on one hot lot: every bidder bids the best next minimum seen so far")
    print(f"   plus 0-3 increments of {INCREMENT}; racing bids are refused by the rules.")
    print(f"   Each measurement: a fresh lot, at most {max_bids} bids, none started after")
    print(f"   {max_seconds:g} s. bids/s counts every answered attempt, accepted or refused.")
    print(
        f"   The asyncpg pool has min(bidders, {SERVER_POOL}) connections, like the server's pool."
    )
    print()
    header = (
        f"{'bidders':>7}  {'path':<30} {'bids':>6} {'accepted':>8} {'bids/s':>8} "
        f"{'p50 ms':>7} {'p99 ms':>7}"
    )
    print(header)
    print("-" * len(header), flush=True)


def print_throughput_row(concurrency: int, graph: Throughput, sql: Throughput) -> None:
    """One concurrency's two lines and their ratio, printed as soon as they are measured."""
    for name, run in (
        ("placeBid (GraphQL over HTTP)", graph),
        ("SQL transaction (asyncpg)", sql),
    ):
        print(
            f"{concurrency:>7}  {name:<30} {run.attempts:>6} {run.accepted:>8} "
            f"{run.rate:>8.1f} {run.ms(50):>7.1f} {run.ms(99):>7.1f}"
        )
    print(
        f"{'':>7}  {'ratio SQL / placeBid':<30} {'':>6} {'':>8} "
        f"{ratio(sql.rate, graph.rate):>8} {ratio(graph.ms(50), sql.ms(50)):>7} "
        f"{ratio(graph.ms(99), sql.ms(99)):>7}"
    )
    for name, run in (("placeBid", graph), ("SQL", sql)):
        for error, times in run.errors.most_common(3):
            print(f"        {name}: {times} x {error} (not counted)")
    sys.stdout.flush()


# -- 2. event latency ----------------------------------------------------------------------------


@dataclass
class Receipts:
    """What the subscriber sockets saw. Sequences above ``boundary`` are the measured ones."""

    count: int
    boundary: int = 2**62
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    ready: list[bool] = field(default_factory=list)
    ended: list[bool] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.ready = [False] * self.count
        self.ended = [False] * self.count

    @property
    def live(self) -> int:
        return sum(r and not e for r, e in zip(self.ready, self.ended, strict=True))


async def subscriber(index: int, ws_url: str, subscribe: str, receipts: Receipts) -> None:
    """One socket: connection_init, subscribe, then timestamp every ``next`` message read."""
    try:
        async with connect(
            ws_url, subprotocols=[PROTOCOL], ping_interval=None, open_timeout=60, compression=None
        ) as ws:
            await ws.send(CONNECTION_INIT)
            ack = orjson.loads(await ws.recv())
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no connection_ack but {ack}")
            await ws.send(subscribe)
            async for raw in ws:
                arrived = time.time()
                message = orjson.loads(raw)
                kind = message.get("type")
                if kind != "next" or message["payload"].get("errors"):
                    receipts.problems[f"{kind}: {str(message.get('payload'))[:160]}"] += 1
                    if kind in ("complete", "error"):
                        break
                    continue
                sequence = message["payload"]["data"]["bidPlaced"]["sequence"]
                receipts.ready[index] = True
                if sequence > receipts.boundary:
                    receipts.arrivals.append((arrived, sequence))
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        receipts.problems[f"{type(exc).__name__}: {exc}"[:160]] += 1
    receipts.ended[index] = True


@contextlib.asynccontextmanager
async def subscribers(
    ws_url: str, subscribe: dict[str, Any], receipts: Receipts
) -> AsyncIterator[None]:
    """``receipts.count`` sockets, opened ``CONNECT_BATCH`` at a time; closed on the way out."""
    message = orjson.dumps(subscribe).decode()
    tasks: list[asyncio.Task[None]] = []
    try:
        for index in range(receipts.count):
            tasks.append(asyncio.create_task(subscriber(index, ws_url, message, receipts)))
            if index % CONNECT_BATCH == CONNECT_BATCH - 1:
                await asyncio.sleep(0.05)
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class Feed:
    """Where the events come from: warm-up events, then paced measured ones."""

    async def warmup(self) -> int:
        """Send one warm-up event; return its sequence."""
        raise NotImplementedError

    def start(self) -> None:
        """The warm-up is over; measured events follow."""

    async def fire(self, k: int) -> None:
        """Send measured event number ``k``."""
        raise NotImplementedError

    def commit_times(self) -> dict[int, float]:
        """Commit time (POSIX seconds) of each measured sequence that was committed."""
        raise NotImplementedError


class GavelFeed(Feed):
    """Bids through placeBid; commit time is the bid's ``placedAt``."""

    def __init__(self, place: PlaceFn, bidders: list[Bidder]) -> None:
        self.place = place
        self.bidders = bidders
        self.minimum = STARTING_PRICE
        self.warmups = 0
        self.commits: dict[int, tuple[float, float]] = {}
        self.refused = 0
        self.failures: Counter[str] = Counter()

    async def warmup(self) -> int:
        answer = await self.place(self.bidders[self.warmups % len(self.bidders)], self.minimum)
        self.warmups += 1
        if not answer.accepted or answer.next_minimum is None or answer.sequence is None:
            raise RuntimeError(f"a warm-up bid was refused: {answer}")
        self.minimum = answer.next_minimum
        return answer.sequence

    async def fire(self, k: int) -> None:
        try:
            answer = await self.place(self.bidders[k % len(self.bidders)], self.minimum)
        except Exception as exc:
            self.failures[str(exc)[:160]] += 1
            return
        arrived = time.time()
        if answer.next_minimum is not None:
            self.minimum = max(self.minimum, answer.next_minimum)
        if answer.accepted:
            assert answer.sequence is not None
            assert answer.placed_at is not None
            self.commits[answer.sequence] = (answer.placed_at, arrived)
        else:
            self.refused += 1

    def commit_times(self) -> dict[int, float]:
        return {sequence: placed for sequence, (placed, _) in self.commits.items()}

    def answer_times(self) -> dict[int, float]:
        """When each measured bid's placeBid answer reached the bench (after its commit)."""
        return {sequence: answered for sequence, (_, answered) in self.commits.items()}


class BroadcastFeed(Feed):
    """The baseline: one JSON message, stamped and handed to ``websockets.broadcast``."""

    def __init__(self) -> None:
        self.connections: set[ServerConnection] = set()
        self.sequence = 0
        self.sent_at: dict[int, float] = {}
        self.first_measured = 0

    async def handler(self, ws: ServerConnection) -> None:
        """Just enough graphql-transport-ws for the client: ack, take the subscribe, then send."""
        init = orjson.loads(await ws.recv())
        if init.get("type") != "connection_init":
            return
        await ws.send(CONNECTION_ACK)
        await ws.recv()  # the subscribe message
        self.connections.add(ws)
        try:
            await ws.wait_closed()
        finally:
            self.connections.discard(ws)

    def send(self) -> int:
        self.sequence += 1
        now = time.time()
        message = orjson.dumps(
            {
                "id": "1",
                "type": "next",
                "payload": {
                    "data": {
                        "bidPlaced": {
                            "sequence": self.sequence,
                            "bid": {
                                "amount": str(STARTING_PRICE + INCREMENT * self.sequence),
                                "placedAt": datetime.fromtimestamp(now, UTC).isoformat(),
                            },
                        }
                    }
                },
            }
        ).decode()
        self.sent_at[self.sequence] = now
        broadcast(self.connections, message)
        return self.sequence

    async def warmup(self) -> int:
        return self.send()

    def start(self) -> None:
        self.first_measured = self.sequence + 1

    async def fire(self, k: int) -> None:
        self.send()

    def commit_times(self) -> dict[int, float]:
        return {s: t for s, t in self.sent_at.items() if s >= self.first_measured}


@dataclass
class Delivery:
    """One latency run: how many events, how many reached how many sockets, and how fast."""

    subscribers: int
    live: int
    events: int
    seconds: float
    latencies: list[float]
    expected: int
    problems: Counter[str]
    unanswered: int = 0
    answer_latencies: list[float] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        return len(self.latencies)

    @property
    def achieved(self) -> float:
        """Events per second actually sent."""
        return self.events / self.seconds if self.seconds else 0.0

    def ms(self, p: float, after_answer: bool = False) -> float:
        return percentile(self.answer_latencies if after_answer else self.latencies, p) * 1000


async def wait_ready(receipts: Receipts, feed: Feed) -> int:
    """Send warm-up events until every socket has read one (or ``READY_SECONDS`` pass).

    Returns the last warm-up sequence: every later one is measured.
    """
    deadline = time.monotonic() + READY_SECONDS
    last = 0
    while time.monotonic() < deadline:
        try:
            last = await feed.warmup()
        except Exception as exc:
            receipts.problems[f"warm-up event failed: {exc}"[:160]] += 1
        for _ in range(10):
            await asyncio.sleep(0.2)
            if sum(receipts.ready) >= receipts.count:
                return last
    await asyncio.sleep(1)  # the last warm-up's own receipts
    log(f"  only {sum(receipts.ready)} of {receipts.count} sockets live after {READY_SECONDS:g} s")
    return last


async def paced(
    rate: int, seconds: float, fire: Callable[[int], Awaitable[None]], patience: float
) -> tuple[float, int]:
    """Call ``fire(k)`` ``rate`` times a second for ``seconds``, one call at a time.

    A call starts at its slot, or as soon as the previous one returns when running late: bids
    on one lot are serialized by its lock anyway, and overlapping ones would overtake each other
    and be refused. No call starts after ``seconds``; one that takes longer than ``patience`` is
    abandoned and ends the run. Returns the elapsed time and whether a call was abandoned.
    """
    begin = time.perf_counter()
    for k in range(round(rate * seconds)):
        slot = begin + k / rate
        now = time.perf_counter()
        if now - begin >= seconds:
            break
        if slot > now:
            await asyncio.sleep(slot - now)
        try:
            await asyncio.wait_for(fire(k), timeout=patience)
        except TimeoutError:
            return time.perf_counter() - begin, 1
    return time.perf_counter() - begin, 0


async def delivery_run(
    ws_url: str,
    subscribe: dict[str, Any],
    feed: Feed,
    count: int,
    rate: int,
    seconds: float,
    drain_seconds: float,
) -> tuple[Delivery, Receipts]:
    receipts = Receipts(count)
    async with subscribers(ws_url, subscribe, receipts):
        receipts.boundary = await wait_ready(receipts, feed)
        live = receipts.live
        if live == 0:
            return Delivery(count, 0, 0, 0.0, [], 0, receipts.problems), receipts
        feed.start()
        elapsed, unanswered = await paced(rate, seconds, feed.fire, patience=drain_seconds)
        commits = feed.commit_times()
        expected = len(commits) * live
        deadline = time.monotonic() + drain_seconds
        while len(receipts.arrivals) < expected and time.monotonic() < deadline:  # noqa: ASYNC110 - polling a counter
            await asyncio.sleep(0.1)
        arrivals = list(receipts.arrivals)
    latencies = [t - commits[s] for t, s in arrivals if s in commits]
    delivery = Delivery(
        count, live, len(commits), elapsed, latencies, expected, receipts.problems, unanswered
    )
    return delivery, receipts


async def gavel_delivery(
    server: Server,
    catalogue: Catalogue,
    count: int,
    rate: int,
    seconds: float,
    drain_seconds: float,
) -> Delivery:
    """``count`` bidPlaced subscribers on a fresh lot while bids arrive at ``rate`` per second."""
    item_id = catalogue.take_lot()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=120, limits=limits) as http:
        feed = GavelFeed(graphql_placer(http, item_id), catalogue.bidders)
        subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": BID_PLACED, "variables": {"itemId": to_base64("Item", item_id)}},
        }
        delivery, receipts = await delivery_run(
            server.ws_url, subscribe, feed, count, rate, seconds, drain_seconds
        )
    answers = feed.answer_times()
    delivery.answer_latencies = [t - answers[s] for t, s in receipts.arrivals if s in answers]
    for failure, times in feed.failures.items():
        delivery.problems[f"placeBid failed: {failure}"] += times
    if feed.refused:
        delivery.problems["paced bids refused"] += feed.refused
    return delivery


async def broadcast_delivery(
    count: int, rate: int, seconds: float, drain_seconds: float
) -> Delivery:
    """The same clients and messages against a bare ``websockets`` broadcast in this process."""
    feed = BroadcastFeed()
    port = free_port()
    async with serve(feed.handler, "127.0.0.1", port, subprotocols=[PROTOCOL], ping_interval=None):
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": BID_PLACED}}
        delivery, _ = await delivery_run(
            f"ws://127.0.0.1:{port}", subscribe, feed, count, rate, seconds, drain_seconds
        )
    return delivery


async def run_latency(
    server: Server,
    catalogue: Catalogue,
    count: int,
    rates: list[int],
    seconds: float,
    drain_seconds: float,
) -> list[tuple[int, Delivery, Delivery]]:
    rows = []
    for rate in rates:
        log(f"latency: {count} subscribers, {rate} bids/s through Gavel…")
        gavel = await gavel_delivery(server, catalogue, count, rate, seconds, drain_seconds)
        log(f"latency: {count} subscribers, {rate} messages/s through websockets.broadcast…")
        plain = await broadcast_delivery(count, rate, seconds, drain_seconds)
        rows.append((rate, gavel, plain))
    return rows


def print_latency(rows: list[tuple[int, Delivery, Delivery]], seconds: float, drain: float) -> None:
    print()
    count = rows[0][1].subscribers if rows else 0
    print(f"2. Event delivery to {count} WebSocket subscribers of one lot, commit -> receipt")
    print("   (graphql-transport-ws `bidPlaced(itemId:)`, anonymous, all sockets in this process).")
    print("   Gavel: commit time is the bid's placedAt (server clock, taken when placeBid starts,")
    print("   so it includes the bid's own transaction); 'after answer' measures from the arrival")
    print("   of placeBid's HTTP answer at the bench instead (negative: the event came first).")
    print("   Bids go one at a time at the target rate, or as fast as placeBid answers when it")
    print("   cannot keep up (ev/s). Baseline: the same JSON message stamped and handed to")
    print("   websockets.broadcast by a tiny server in this process (sharing the clients' loop).")
    print("   Clients do not offer permessage-deflate, so neither server compresses.")
    print(f"   Events paced for {seconds:g} s; late ones collected for up to {drain:g} s more.")
    print()
    header = (
        f"{'rate/s':>6}  {'server':<22} {'live':>5} {'events':>6} {'ev/s':>6} {'delivered':>9} "
        f"{'missing':>8} {'p50 ms':>8} {'p99 ms':>8} {'after answer p50/p99':>21}"
    )
    print(header)
    print("-" * len(header))
    for rate, gavel, plain in rows:
        for name, run in (("Gavel bidPlaced", gavel), ("websockets broadcast", plain)):
            after = (
                f"{run.ms(50, True):>9.1f} / {run.ms(99, True):>7.1f}"
                if run.answer_latencies
                else ""
            )
            print(
                f"{rate:>6}  {name:<22} {run.live:>5} {run.events:>6} {run.achieved:>6.1f} "
                f"{run.delivered:>9} {run.expected - run.delivered:>8} {run.ms(50):>8.1f} "
                f"{run.ms(99):>8.1f} {after:>21}"
            )
        print(
            f"{'':>6}  {'ratio Gavel / broadcast':<22} {'':>5} {'':>6} {'':>6} {'':>9} {'':>8} "
            f"{ratio(gavel.ms(50), plain.ms(50)):>8} {ratio(gavel.ms(99), plain.ms(99)):>8}"
        )
    for rate, gavel, plain in rows:
        for name, run in (("Gavel", gavel), ("broadcast", plain)):
            if run.unanswered:
                print(
                    f"   {rate}/s {name}: a placeBid call took longer than {drain:g} s; run ended"
                )
            for problem, times in run.problems.most_common(5):
                print(f"   {rate}/s {name}: {times} x {problem}")
    sys.stdout.flush()


# -- main ----------------------------------------------------------------------------------------


async def run_benchmark(args: argparse.Namespace) -> None:
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    rates = [int(r) for r in args.rates.split(",") if r.strip()]
    parts = {p.strip() for p in args.parts.split(",")}
    limit = raise_open_files_limit(2 * args.subscribers + 1024)
    if "latency" in parts and limit < 2 * args.subscribers + 256:
        raise SystemExit(
            f"open files limit {limit} is too low for {args.subscribers} subscribers; "
            "lower --subscribers or raise the hard limit"
        )
    bidders = max([*concurrencies, 64])
    lots = 2 * len(concurrencies) + len(rates) + 1
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs; 1-minute load average before the run: {load:.2f}", flush=True)
    async with fresh_database("gavel_bench_bids") as url:
        catalogue = await seed(url, bidders, lots)
        log(f"seeded {bidders} bidders and {lots} lots")
        async with running_server(url) as server:
            if "throughput" in parts:
                print_throughput_header(args.bids, args.seconds)
                await run_throughput(server, url, catalogue, concurrencies, args.bids, args.seconds)
            if "latency" in parts:
                latency = await run_latency(
                    server, catalogue, args.subscribers, rates, args.seconds, args.drain
                )
                print_latency(latency, args.seconds, args.drain)
    print()
    print("Client, server and PostgreSQL share this machine's CPUs: the figures are relative.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", default="1,8,32,64", help="comma-separated bidders")
    parser.add_argument("--bids", type=int, default=20000, help="bid budget per throughput run")
    parser.add_argument("--seconds", type=float, default=10.0, help="time per run")
    parser.add_argument("--subscribers", type=int, default=1000, help="WebSocket subscribers")
    parser.add_argument("--rates", default="10,100", help="comma-separated bids/s for latency")
    parser.add_argument("--drain", type=float, default=15.0, help="seconds to wait for late events")
    parser.add_argument("--parts", default="throughput,latency", help="which parts to run")
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(run_benchmark(args))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (uvicorn's ``standard`` extra brings it; the server uses it too)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


if __name__ == "__main__":
    main()
