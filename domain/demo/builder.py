"""Generating the demo data set in memory: pure, and the same for the same seed and ``now``.

Rows refer to each other by 1-based *position* in their table's list (see ``db.demo``); the
loader turns positions into ids. Bids follow the auction rules: per item the sequence runs
1, 2, 3… and every amount is at least ``next_minimum`` of the one before.
"""

from __future__ import annotations

import math
import random
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from faker import Faker

from db import models
from domain.bidding.rules import IncrementBand, increment_for, increment_table, next_minimum
from domain.demo.catalogue import CATEGORIES, SALE_THEMES, LotWriter

_CATEGORY_POSITIONS = {name: position for position, (name, _, _) in enumerate(CATEGORIES, 1)}

Plan = Literal[
    "open", "upcoming", "live", "closed", "closed_live", "prebid_live", "upcoming_live", "draft"
]
# The default set, in this order; larger sets add a weighted mix.
DEFAULT_PLANS: tuple[Plan, ...] = ("open", "upcoming", "live", "closed")
_EXTRA_PLANS: tuple[tuple[Plan, int], ...] = (
    ("closed", 30),
    ("closed_live", 15),
    ("open", 20),
    ("upcoming", 12),
    ("prebid_live", 10),
    ("upcoming_live", 8),
    ("draft", 5),
)

# (locale, weight, website language)
_LOCALES: tuple[tuple[str, int, str], ...] = (
    ("de_DE", 30, "de"),
    ("en_GB", 20, "en"),
    ("fr_FR", 12, "fr"),
    ("nl_NL", 10, "nl"),
    ("de_AT", 8, "de"),
    ("de_CH", 8, "de"),
    ("it_IT", 6, "it"),
    ("en_US", 6, "en"),
)
_STATUSES = (
    (models.ClientStatus.APPROVED, 88),
    (models.ClientStatus.PENDING, 6),
    (models.ClientStatus.NEW, 4),
    (models.ClientStatus.UNAPPROVED, 2),
)
DEMO_CLIENT = 1  # position of the client the demo BIDDER acts for
HOUSE_CLIENT = 2  # position of the house's own client record (consignor of house stock)
ALWAYS_APPROVED = 4  # so that even a tiny set has consignors and two other bidders
ADMIN_USER = 1
BIDDER_USER = 2
FIRST_BIDDER_NUMBER = 1001
FIRST_CUSTOMER_NUMBER = 10001
MIN_CLIENTS = 10
LIVE_LOT_SECONDS = 75


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo account: what to type on the login form."""

    email: str
    password: str
    role: models.Role


ADMIN_LOGIN = DemoLogin("admin@gavel.test", "gavel-admin", models.Role.ADMIN)
BIDDER_LOGIN = DemoLogin("bidder@gavel.test", "gavel-bidder", models.Role.BIDDER)
DEMO_LOGINS = (ADMIN_LOGIN, BIDDER_LOGIN)


@dataclass(slots=True)
class DemoData:
    """All demo rows, by table, with references as positions (``categories`` → CATEGORIES)."""

    clients: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)
    consignments: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    bids: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Times:
    """When a sale runs; which of these apply depends on its plan."""

    starts_at: datetime
    first_close: datetime | None = None
    stagger: int = 0
    live_starts_at: datetime | None = None


def _city_picker(fake: Faker, locale: str) -> Callable[[], str]:
    """``fake.city``, except for it_IT whose city list is built from a set: its order, and so
    the pick, would change with PYTHONHASHSEED. A sorted copy keeps the seed's promise."""
    if locale != "it_IT":
        return fake.city
    from faker.providers.address.it_IT import Provider

    cities = sorted(Provider.cities)
    return lambda: fake.random_element(cities)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _round_down(amount: Decimal, table: tuple[IncrementBand, ...]) -> Decimal:
    """``amount`` rounded down to a whole increment (what an auctioneer would call)."""
    step = increment_for(amount, table)
    return max((amount // step) * step, table[0].increment).quantize(Decimal("0.01"))


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


class _Builder:
    def __init__(self, *, sales: int, lots_per_sale: int, clients: int, seed: int, now: datetime):
        self.n_sales = sales
        self.n_lots = lots_per_sale
        self.n_clients = clients
        self.now = now.replace(second=0, microsecond=0)
        self.rng = random.Random(f"gavel-demo:{seed}")
        self.fakers: list[Faker] = []
        self.cities: list[Callable[[], str]] = []
        for n, (locale, _, _) in enumerate(_LOCALES):
            fake = Faker(locale)
            fake.seed_instance(seed * 101 + n)
            self.fakers.append(fake)
            self.cities.append(_city_picker(fake, locale))
        self.fake = self.fakers[1]  # en_GB for sale texts
        self.writer = LotWriter(random.Random(f"gavel-demo-lots:{seed}"), seed)
        self.table = increment_table(None)
        self.data = DemoData()
        self.bidders: list[int] = []  # approved client positions that bid
        self.keenness: list[float] = []  # cumulative weights: how keen each of them is
        self.consignors: list[int] = []

    # -- clients -------------------------------------------------------------------------

    def clients(self) -> None:
        rng = self.rng
        locale_weights = [weight for _, weight, _ in _LOCALES]
        next_bidder = FIRST_BIDDER_NUMBER
        for position in range(1, self.n_clients + 1):
            index = rng.choices(range(len(_LOCALES)), weights=locale_weights)[0]
            fake, language = self.fakers[index], _LOCALES[index][2]
            house = position == HOUSE_CLIENT
            status = (
                models.ClientStatus.APPROVED
                if position <= ALWAYS_APPROVED
                else rng.choices([s for s, _ in _STATUSES], weights=[w for _, w in _STATUSES])[0]
            )
            first, last = fake.first_name(), fake.last_name()
            company = "Gavel Auctions Ltd" if house else None
            if not house and rng.random() < 0.1:
                company = fake.company()
            domain = rng.choice(("example.com", "example.net", "example.org"))
            suffix = "" if rng.random() < 0.6 else str(rng.randint(1, 99))
            email = (
                "consignments@gavel.test"
                if house
                else f"{_slug(first)}.{_slug(last)}{suffix}@{domain}"
            )
            tags: list[str] = ["house"] if house else []
            if not house and rng.random() < 0.15:
                tags.append(rng.choice(("vip", "dealer", "museum", "trade", "newsletter")))
            bidder_number = None
            if status is models.ClientStatus.APPROVED and not house:
                bidder_number = f"P{next_bidder}"
                next_bidder += 1
                self.bidders.append(position)
                total = self.keenness[-1] if self.keenness else 0.0
                self.keenness.append(total + rng.paretovariate(1.5))
                if position != DEMO_CLIENT:
                    self.consignors.append(position)
            created = self.now - timedelta(days=rng.randint(1, 2500), minutes=rng.randint(0, 1439))
            birthdate = None
            if not house and rng.random() < 0.6:
                birthdate = date(rng.randint(1940, 2001), rng.randint(1, 12), rng.randint(1, 28))
            self.data.clients.append(
                {
                    "uuid": _uuid(rng),
                    "first_name": first,
                    "last_name": last,
                    "company": company,
                    "email": email,
                    "phone": fake.phone_number(),
                    "mobile": fake.phone_number() if rng.random() < 0.4 else None,
                    "birthdate": birthdate,
                    "website_language": language,
                    "published": True,
                    "status": status.value,
                    "bidder_number": bidder_number,
                    "customer_number": f"C{FIRST_CUSTOMER_NUMBER + position - 1}",
                    "tags": tags,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            self.data.addresses.append(
                {
                    "client_id": position,
                    "country": fake.current_country_code(),
                    "administrative_area": fake.administrative_unit(),
                    "locality": self.cities[index](),
                    "postal_code": fake.postcode(),
                    "thoroughfare": fake.street_address(),
                    "premise": None,
                    "first_name": first,
                    "last_name": last,
                    "organisation_name": company,
                    "address_types": [
                        models.AddressType.BILLING.value,
                        models.AddressType.SHIPPING.value,
                    ],
                    "is_default": True,
                    "validated": rng.random() < 0.7,
                    "created_at": created,
                    "updated_at": created,
                }
            )

    def users(self, hash_password: Callable[[str], str]) -> None:
        demo = self.data.clients[DEMO_CLIENT - 1]
        for login, client, name in (
            (ADMIN_LOGIN, None, "Demo Administrator"),
            (BIDDER_LOGIN, DEMO_CLIENT, f"{demo['first_name']} {demo['last_name']}"),
        ):
            self.data.users.append(
                {
                    "email": login.email,
                    "password_hash": hash_password(login.password),
                    "full_name": name,
                    "role": login.role.value,
                    "client_id": client,
                    "is_active": True,
                }
            )

    # -- sales ---------------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        plans = list(DEFAULT_PLANS[: self.n_sales])
        extra = self.n_sales - len(plans)
        if extra > 0:
            kinds = [plan for plan, _ in _EXTRA_PLANS]
            weights = [weight for _, weight in _EXTRA_PLANS]
            plans += self.rng.choices(kinds, weights=weights, k=extra)
        return plans

    def _times(self, plan: Plan) -> _Times:
        rng, now = self.rng, self.now
        # The open sale's first lot closes on a round quarter hour, an hour or more from now.
        quarter = now - timedelta(minutes=now.minute % 15)
        days = timedelta(days=1)
        match plan:
            case "open":
                hours = 1 if not self.data.sales else rng.randint(2, 96)
                return _Times(
                    starts_at=now - rng.randint(3, 10) * days,
                    first_close=quarter + timedelta(hours=hours, minutes=15),
                    stagger=120 if self.n_lots <= 100 else 60,
                )
            case "upcoming" | "draft":
                starts = now.replace(hour=9, minute=0) + rng.randint(3, 30) * days
                return _Times(
                    starts_at=starts,
                    first_close=starts + rng.randint(7, 14) * days + timedelta(hours=9),
                    stagger=60,
                )
            case "closed":
                closes = now.replace(hour=18, minute=0) - rng.randint(14, 365) * days
                return _Times(
                    starts_at=closes - rng.randint(7, 14) * days, first_close=closes, stagger=60
                )
            case "live":
                # In progress: a third of the lots are hammered, the next one is on the block.
                on_block = self.n_lots // 3
                live = now - timedelta(seconds=on_block * LIVE_LOT_SECONDS + 30)
                return _Times(starts_at=now - rng.randint(5, 10) * days, live_starts_at=live)
            case "closed_live":
                live = now.replace(hour=10, minute=0) - rng.randint(14, 365) * days
                return _Times(starts_at=live - rng.randint(7, 21) * days, live_starts_at=live)
            case "prebid_live":
                live = now.replace(hour=10, minute=0) + rng.randint(1, 10) * days
                return _Times(starts_at=now - rng.randint(3, 10) * days, live_starts_at=live)
            case "upcoming_live":
                live = now.replace(hour=10, minute=0) + rng.randint(14, 60) * days
                return _Times(starts_at=live - rng.randint(7, 10) * days, live_starts_at=live)

    def sales(self) -> None:
        themes = list(range(len(SALE_THEMES)))
        for index, plan in enumerate(self.plans()):
            theme = index if index < len(DEFAULT_PLANS) else self.rng.choice(themes)
            self._sale(index + 1, plan, *SALE_THEMES[theme])

    def _sale(self, position: int, plan: Plan, theme: str, categories: tuple[str, ...]) -> None:
        rng, fake = self.rng, self.fake
        times = self._times(plan)
        live = times.live_starts_at is not None
        n = self.n_lots
        if live:
            assert times.live_starts_at is not None
            main_date = times.live_starts_at
            live_ends = times.live_starts_at + timedelta(seconds=n * LIVE_LOT_SECONDS + 1800)
            ends_at: datetime = live_ends
            title = f"{theme}, {main_date:%B %Y}"
            subtitle = f"Live auction, {main_date:%d %B %Y} at {main_date:%H:%M} UTC, and online"
        else:
            assert times.first_close is not None
            main_date = times.first_close
            ends_at = times.first_close + timedelta(seconds=(n - 1) * times.stagger)
            title = f"{theme}: Timed Online Auction, {main_date:%B %Y}"
            subtitle = (
                f"Lots close from {main_date:%d %B %Y, %H:%M} UTC, "
                f"one every {times.stagger // 60} minute{'s' if times.stagger > 60 else ''}"
            )
        closed = plan in ("closed", "closed_live")
        created = min(times.starts_at, self.now) - timedelta(days=rng.randint(30, 60))
        self.data.sales.append(
            {
                "uuid": _uuid(rng),
                "title": title,
                "subtitle": subtitle,
                "description": (
                    f"Including property from the collection of {fake.name()}, {fake.city()}, "
                    f"and from other private collections. Viewing by appointment."
                ),
                "sale_number": f"GAV-{main_date.year}-{position:03d}",
                "kind": (models.SaleKind.LIVE if live else models.SaleKind.TIMED).value,
                "published": plan != "draft",
                "starts_at": times.starts_at,
                "ends_at": ends_at,
                "live_starts_at": times.live_starts_at,
                "live_ends_at": ends_at if live else None,
                "last_date_for_consignment": times.starts_at - timedelta(days=30),
                "closed_at": ends_at + timedelta(minutes=30) if closed else None,
                "currency": "EUR",
                "soft_close_seconds": 120,
                "stagger_seconds": times.stagger,
                "lots_locked": plan not in ("upcoming", "draft", "upcoming_live"),
                "auctioneer_name": fake.name() if live else None,
                "venue": f"The Saleroom, {fake.street_address()}, {fake.city()}" if live else None,
                "created_at": created,
                "updated_at": created,
            }
        )
        consignments = self._consignments(position, main_date.year, created)
        weights = [0.3 if self.data.consignments[c - 1]["is_house"] else 1.0 for c in consignments]
        estimated = dict.fromkeys(consignments, Decimal(0))
        for lot in range(n):
            consignment = rng.choices(consignments, weights=weights)[0]
            low = self._item(position, plan, times, lot, consignment, rng.choice(categories))
            estimated[consignment] += low
        for consignment, total in estimated.items():
            self.data.consignments[consignment - 1]["estimated"] = _money(total)

    def _consignments(self, sale: int, year: int, sale_created: datetime) -> list[int]:
        rng = self.rng
        count = max(1, min(self.n_lots // 3, round(self.n_lots / rng.uniform(6, 12))))
        chosen: list[tuple[int, bool]] = [
            (rng.choice(self.consignors), False) for _ in range(count)
        ]
        if sale == 1:  # the one house consignment, in the first sale
            chosen.append((HOUSE_CLIENT, True))
        positions = []
        for consignor, house in chosen:
            client = self.data.clients[consignor - 1]
            first, last = client["first_name"], client["last_name"]
            number = len(self.data.consignments) + 1
            created = sale_created + timedelta(days=rng.randint(1, 20), hours=rng.randint(8, 17))
            title = (
                "House stock"
                if house
                else rng.choice(
                    (
                        f"Property from the {last} collection",
                        f"The estate of the late {self.fake.name()}",
                        f"{first} {last}",
                        "Property of a lady",
                        "Property of a gentleman",
                        f"{last} family heirlooms",
                    )
                )
            )
            self.data.consignments.append(
                {
                    "number": f"CON-{year}-{number:05d}",
                    "title": title,
                    "symbol": "GAV" if house else f"{first[:1]}{last[:2]}".upper(),
                    "consignor_id": consignor,
                    "sale_id": sale,
                    "is_house": house,
                    "estimated": Decimal(0),
                    "created_at": created,
                    "updated_at": created,
                }
            )
            positions.append(number)
        return positions

    # -- lots and bids -------------------------------------------------------------------

    def _item(
        self, sale: int, plan: Plan, times: _Times, lot: int, consignment: int, category: str
    ) -> Decimal:
        """Append one lot and its bids; return its low estimate."""
        rng, table = self.rng, self.table
        text = self.writer.lot(category)
        low = text.estimate_low
        starting = _round_down(low * Decimal(rng.choice(("0.2", "0.3", "0.4", "0.5"))), table)
        reserve = None
        if rng.random() < 0.4:
            reserve = max(starting, _round_down(low * Decimal(rng.uniform(0.7, 1.0)), table))
        consignor = self.data.consignments[consignment - 1]["consignor_id"]
        created = self.data.consignments[consignment - 1]["created_at"]

        status = models.ItemStatus.AVAILABLE
        starts_at = closes_at = closed_at = None
        # Each phase: (bids wanted, time window, sources, log-target mean, log-target spread, cap)
        phases: list[tuple[datetime, datetime, tuple[models.BidSource, ...], float, float, int]]
        phases = []
        closing = False
        # Every closing sale shows both outcomes: lot 1 sells, lot 5 (or a short sale's last) not.
        forced_unsold = lot % 9 == 4 or (0 < lot == self.n_lots - 1 < 4)
        forced_sold = lot % 9 == 0
        online = (models.BidSource.ONLINE,)
        absentee = (models.BidSource.ABSENTEE, models.BidSource.ONLINE)
        room = (models.BidSource.FLOOR, models.BidSource.ONLINE, models.BidSource.PHONE)
        if times.first_close is not None:  # timed
            starts_at = times.starts_at
            closes_at = times.first_close + timedelta(seconds=lot * times.stagger)
            if plan == "open":
                status = models.ItemStatus.ACTIVE
                end = self.now - timedelta(minutes=1)
                phases.append((starts_at, end, online, -0.1, 0.4, 60))
            elif plan == "closed":
                closing = True
                end = closes_at - timedelta(seconds=180)
                phases.append((starts_at, end, online, 0.2, 0.5, 60))
        else:
            assert times.live_starts_at is not None
            live = times.live_starts_at
            slot = live + timedelta(seconds=lot * LIVE_LOT_SECONDS)
            pre_end = min(live, self.now) - timedelta(hours=1)
            on_block = self.n_lots // 3 if plan == "live" else -1
            hammered = plan == "closed_live" or (plan == "live" and lot < on_block)
            if hammered:
                closing = True
                phases.append((times.starts_at, pre_end, absentee, -0.5, 0.3, 3))
                phases.append((slot, slot + timedelta(seconds=60), room, 0.2, 0.5, 60))
                closed_at = slot + timedelta(seconds=65)
            elif plan == "live" and lot == on_block:
                status = models.ItemStatus.ACTIVE
                phases.append((times.starts_at, pre_end, absentee, -0.5, 0.3, 3))
                phases.append((slot, self.now - timedelta(seconds=5), room, -0.2, 0.2, 60))
            elif plan in ("live", "prebid_live"):
                phases.append((times.starts_at, pre_end, absentee, -0.5, 0.3, 4))

        item_position = len(self.data.items) + 1
        amounts: list[Decimal] = []
        bids: list[tuple[Decimal, datetime, models.BidSource]] = []
        chance = 0.85 if closing else 0.8
        if phases and not forced_unsold and (forced_sold or rng.random() < chance):
            floor = starting
            if forced_sold and closing and reserve is not None:
                # One increment above the reserve: the climb cannot stop below it.
                floor = reserve + increment_for(reserve, table)
            for begin, end, sources, mu, sigma, cap in phases:
                target = max(low * Decimal(math.exp(rng.gauss(mu, sigma))), floor)
                more = self._amounts(amounts[-1] if amounts else None, starting, target, cap)
                for amount, when in zip(
                    more, self._times_between(begin, end, len(more)), strict=True
                ):
                    bids.append((amount, when, rng.choice(sources)))
                amounts.extend(more)

        bidders = self._bidders(len(bids), consignor, plan in ("open", "live"))
        first_bid = len(self.data.bids) + 1
        for sequence, ((amount, when, source), client) in enumerate(
            zip(bids, bidders, strict=True), 1
        ):
            self.data.bids.append(
                {
                    "item_id": item_position,
                    "client_id": client,
                    "user_id": BIDDER_USER if client == DEMO_CLIENT else None,
                    "sequence": sequence,
                    "amount": amount,
                    "is_proxy": False,
                    "status": models.BidStatus.ACCEPTED.value,
                    "source": source.value,
                    "placed_at": when,
                }
            )
        current = bids[-1][0] if bids else None
        hammer = winner = None
        if closing:
            closed_at = closed_at or closes_at
            sold = current is not None and (reserve is None or current >= reserve)
            status = models.ItemStatus.SOLD if sold else models.ItemStatus.UNSOLD
            if sold:
                hammer, winner = current, bidders[-1]
        self.data.items.append(
            {
                "uuid": _uuid(rng),
                "sale_id": sale,
                "consignment_id": consignment,
                "category_id": _CATEGORY_POSITIONS[category],
                "lot_number": lot + 1,
                "lot_letter": "",
                "title": text.title,
                "description": text.description,
                "provenance": text.provenance,
                "published": True,
                "status": status.value,
                "estimate_low": _money(low),
                "estimate_high": _money(text.estimate_high),
                "starting_price": starting,
                "reserve_price": reserve,
                "current_bid": current,
                "bid_count": len(bids),
                "last_sequence": len(bids),
                "leading_bid_id": first_bid + len(bids) - 1 if bids else None,
                "starts_at": starts_at,
                "closes_at": closes_at,
                "closed_at": closed_at,
                "hammer_price": hammer,
                "winner_id": winner,
                "created_at": created,
                "updated_at": closed_at or created,
            }
        )
        return low

    def _amounts(
        self, current: Decimal | None, starting: Decimal, target: Decimal, cap: int
    ) -> list[Decimal]:
        """Bids climbing from ``current`` by (mostly) one increment while they stay <= target."""
        rng, table = self.rng, self.table
        amounts: list[Decimal] = []
        while len(amounts) < cap:
            amount = next_minimum(current, starting, table)
            if amount > target:
                break
            if current is not None and rng.random() < 0.05:  # a jump bid
                for _ in range(rng.randint(1, 3)):
                    amount += increment_for(amount, table)
            amounts.append(_money(amount))
            current = amount
        return amounts

    def _times_between(self, begin: datetime, end: datetime, count: int) -> list[datetime]:
        """``count`` strictly increasing moments in [begin, end], crowding towards the end."""
        span = max((end - begin).total_seconds(), 1.0)
        offsets = sorted(span * (1 - self.rng.random() ** 2) for _ in range(count))
        moments: list[datetime] = []
        for offset in offsets:
            moment = begin + timedelta(seconds=round(offset, 3))
            if moments and moment <= moments[-1]:
                moment = moments[-1] + timedelta(milliseconds=1)
            moments.append(moment)
        return moments

    def _bidders(self, count: int, consignor: int, demo_welcome: bool) -> list[int]:
        """Who placed each of ``count`` bids: a few keen clients, never twice in a row."""
        if count == 0:
            return []
        rng = self.rng
        wanted = rng.randint(2, 6)
        interested: list[int] = []
        for client in rng.choices(self.bidders, cum_weights=self.keenness, k=wanted * 3):
            if client != consignor and client not in interested:
                interested.append(client)
            if len(interested) == wanted:
                break
        if demo_welcome and DEMO_CLIENT not in interested and rng.random() < 0.3:
            interested.append(DEMO_CLIENT)
        while len(interested) < 2:  # tiny client lists
            interested.append(next(c for c in self.bidders if c not in (consignor, *interested)))
        order: list[int] = []
        for _ in range(count):
            order.append(rng.choice([c for c in interested if not order or c != order[-1]]))
        return order


def build_demo_data(
    *,
    sales: int,
    lots_per_sale: int,
    clients: int,
    seed: int,
    now: datetime,
    hash_password: Callable[[str], str],
) -> DemoData:
    """Every demo row, generated in memory from ``seed``; times are relative to ``now``."""
    builder = _Builder(
        sales=sales, lots_per_sale=lots_per_sale, clients=clients, seed=seed, now=now
    )
    builder.clients()
    builder.users(hash_password)
    builder.sales()
    return builder.data
