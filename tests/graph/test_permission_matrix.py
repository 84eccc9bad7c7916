"""Who sees what: every restricted field and row scope, for each kind of caller.

One small world (a public sale with a lot, a bid with a maximum, an unpublished sale, an order
and a consignment per bidder, a staff note) is read by four callers: anonymous, the bidder who
placed the bid (and won the lot), another bidder, and staff. Each row of ``MATRIX`` names a
probe and what each caller must see; names in ``Ref`` stand for values of the world, filled in
per test.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import to_base64

from db import models
from tests import factories
from tests.graphql_client import GraphQLClient

VIEWERS = ("anonymous", "bidder", "other bidder", "staff")


class Ref(enum.Enum):
    """Placeholders for values that depend on the world."""

    CLIENT = "the bidder's client id"
    OTHER_CLIENT = "the other bidder's client id"
    PADDLE = "the bidder's paddle number"
    HIDDEN_SALE = "the unpublished sale's id"
    HIDDEN_ITEM = "the id of the lot in the unpublished sale"
    BIDDER_USER = "the bidder's user id"
    OTHER_USER = "the other bidder's user id"
    STAFF_USER = "the staff user's id"
    ORDER = "the bidder's order id"
    OTHER_ORDER = "the other bidder's order id"
    CONSIGNMENT = "the id of the bidder's consignment"
    OTHER_CONSIGNMENT = "the id of the other bidder's consignment"
    NOTE = "the id of the staff note on the bidder's client"
    UNAUTHENTICATED = "a GraphQL error with code UNAUTHENTICATED"
    FORBIDDEN = "a GraphQL error with code FORBIDDEN"


@dataclass(frozen=True)
class World:
    bidder: models.User
    other_bidder: models.User
    staff: models.User
    client: models.Client
    other_client: models.Client
    item: models.Item
    bid: models.Bid
    hidden_sale: models.Sale
    hidden_item: models.Item
    order: models.Order
    other_order: models.Order
    consignment: models.Consignment
    other_consignment: models.Consignment
    note: models.Note

    def viewer(self, name: str) -> models.User | None:
        return {
            "anonymous": None,
            "bidder": self.bidder,
            "other bidder": self.other_bidder,
            "staff": self.staff,
        }[name]

    def value(self, ref: Ref) -> Any:
        return {
            Ref.CLIENT: self.client.id,
            Ref.OTHER_CLIENT: self.other_client.id,
            Ref.PADDLE: self.client.bidder_number,
            Ref.HIDDEN_SALE: self.hidden_sale.id,
            Ref.HIDDEN_ITEM: self.hidden_item.id,
            Ref.BIDDER_USER: self.bidder.id,
            Ref.OTHER_USER: self.other_bidder.id,
            Ref.STAFF_USER: self.staff.id,
            Ref.ORDER: self.order.id,
            Ref.OTHER_ORDER: self.other_order.id,
            Ref.CONSIGNMENT: self.consignment.id,
            Ref.OTHER_CONSIGNMENT: self.other_consignment.id,
            Ref.NOTE: self.note.id,
            Ref.UNAUTHENTICATED: ("error", "UNAUTHENTICATED", "Sign in to do this."),
            Ref.FORBIDDEN: ("error", "FORBIDDEN", "Only staff may do this."),
        }[ref]

    def resolve(self, expected: Any) -> Any:
        if isinstance(expected, Ref):
            return self.value(expected)
        if isinstance(expected, list):
            return [self.resolve(value) for value in expected]
        if isinstance(expected, dict):
            return {key: self.resolve(value) for key, value in expected.items()}
        return expected


async def _build_world(session: AsyncSession) -> World:
    bidder = await factories.create_bidder(session)
    other_bidder = await factories.create_bidder(session)
    staff = await factories.create_staff(session)
    client = await session.get_one(models.Client, bidder.client_id)
    other_client = await session.get_one(models.Client, other_bidder.client_id)
    sale = await factories.create_sale(session)
    item = await factories.create_item(
        session,
        sale=sale,
        reserve_price=Decimal("500.00"),
        auctioneer_notes="Cracked frame; mention it.",
        winner_id=client.id,
    )
    await factories.create_bid(session, item=item, bidder=other_client, amount=Decimal("100.00"))
    bid = await factories.create_bid(
        session, item=item, bidder=client, amount=Decimal("110.00"), max_amount=Decimal("300.00")
    )
    hidden_sale = await factories.create_sale(session, published=False)
    hidden_item = await factories.create_item(session, sale=hidden_sale)
    order = await factories.create_order(session, client=client, sale=sale)
    other_order = await factories.create_order(session, client=other_client, sale=sale)
    consignment = await factories.create_consignment(session, consignor=client)
    other_consignment = await factories.create_consignment(session, consignor=other_client)
    note = await factories.create_note(session, on=client, author=staff)
    return World(
        bidder=bidder,
        other_bidder=other_bidder,
        staff=staff,
        client=client,
        other_client=other_client,
        item=item,
        bid=bid,
        hidden_sale=hidden_sale,
        hidden_item=hidden_item,
        order=order,
        other_order=other_order,
        consignment=consignment,
        other_consignment=other_consignment,
        note=note,
    )


def _id(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


def _database_id(node: dict[str, Any] | None) -> int | None:
    return None if node is None else node["databaseId"]


def _database_ids(connection: dict[str, Any]) -> list[int]:
    return sorted(edge["node"]["databaseId"] for edge in connection["edges"])


@dataclass(frozen=True)
class Probe:
    """A document, its variables for a world, and what of the answer a caller sees."""

    query: str
    variables: Callable[[World], dict[str, Any]]
    seen: Callable[[dict[str, Any], World], Any]


ITEM_QUERY = """
query($id: ID!) {
  node(id: $id) {
    ... on Item { reservePrice auctioneerNotes winner { databaseId } reserveMet }
  }
}
"""
BID_QUERY = """
query($id: ID!) {
  node(id: $id) { ... on Bid { amount paddle maxAmount bidder { databaseId } } }
}
"""
NODE_QUERY = """
query($id: ID!) {
  node(id: $id) {
    ... on Client { databaseId }
    ... on Sale { databaseId }
    ... on Item { databaseId }
    ... on User { databaseId }
    ... on Order { databaseId }
  }
}
"""
CLIENTS_QUERY = "query { clients(first: 100) { edges { node { databaseId } } } }"
SALES_QUERY = "query { sales(first: 100) { edges { node { databaseId } } } }"
ME_QUERY = "query { me { databaseId role client { databaseId } } }"
ORDERS_QUERY = "query { orders(first: 100) { edges { node { databaseId } } } }"
CONSIGNMENTS_QUERY = "query { consignments(first: 100) { edges { node { databaseId } } } }"
NOTES_QUERY = "query { notes(first: 100) { edges { node { databaseId } } } }"


def _item(world: World) -> dict[str, Any]:
    return {"id": _id("Item", world.item.id)}


def _bid(world: World) -> dict[str, Any]:
    return {"id": _id("Bid", world.bid.id)}


def _no_variables(world: World) -> dict[str, Any]:
    return {}


def _node_field(name: str) -> Callable[[dict[str, Any], World], Any]:
    return lambda data, world: data["node"][name]


def _node_relation(name: str) -> Callable[[dict[str, Any], World], Any]:
    return lambda data, world: _database_id(data["node"][name])


def _node_of(type_name: str, row: Callable[[World], Any]) -> Probe:
    return Probe(
        NODE_QUERY,
        lambda world: {"id": _id(type_name, row(world).id)},
        lambda data, world: _database_id(data["node"]),
    )


def _root_list(field: str, query: str) -> Probe:
    return Probe(query, _no_variables, lambda data, world: _database_ids(data[field]))


def _me(data: dict[str, Any], world: World) -> Any:
    me = data["me"]
    if me is None:
        return None
    return {"user": me["databaseId"], "role": me["role"], "client": me["client"]}


PROBES: dict[str, Probe] = {
    "Item.reservePrice": Probe(ITEM_QUERY, _item, _node_field("reservePrice")),
    "Item.auctioneerNotes": Probe(ITEM_QUERY, _item, _node_field("auctioneerNotes")),
    "Item.winner": Probe(ITEM_QUERY, _item, _node_relation("winner")),
    "Item.reserveMet": Probe(ITEM_QUERY, _item, _node_field("reserveMet")),
    "Bid.amount": Probe(BID_QUERY, _bid, _node_field("amount")),
    "Bid.paddle": Probe(BID_QUERY, _bid, _node_field("paddle")),
    "Bid.maxAmount": Probe(BID_QUERY, _bid, _node_field("maxAmount")),
    "Bid.bidder": Probe(BID_QUERY, _bid, _node_relation("bidder")),
    "clients": _root_list("clients", CLIENTS_QUERY),
    "orders": _root_list("orders", ORDERS_QUERY),
    "node(the other bidder's Order)": _node_of("Order", lambda world: world.other_order),
    "consignments": _root_list("consignments", CONSIGNMENTS_QUERY),
    "notes": _root_list("notes", NOTES_QUERY),
    "node(the bidder's Client)": _node_of("Client", lambda world: world.client),
    "node(the other bidder's Client)": _node_of("Client", lambda world: world.other_client),
    "node(unpublished Sale)": _node_of("Sale", lambda world: world.hidden_sale),
    "sales includes the unpublished sale": Probe(
        SALES_QUERY,
        _no_variables,
        lambda data, world: world.hidden_sale.id in _database_ids(data["sales"]),
    ),
    "node(Item of an unpublished sale)": _node_of("Item", lambda world: world.hidden_item),
    "node(the bidder's User)": _node_of("User", lambda world: world.bidder),
    "me": Probe(ME_QUERY, _no_variables, _me),
}

# probe: (anonymous, bidder, other bidder, staff)
MATRIX: list[tuple[str, tuple[Any, Any, Any, Any]]] = [
    ("Item.reservePrice", (None, None, None, "500.00")),
    ("Item.auctioneerNotes", (None, None, None, "Cracked frame; mention it.")),
    ("Item.winner", (None, None, None, Ref.CLIENT)),
    ("Item.reserveMet", (False, False, False, False)),
    ("Bid.amount", ("110.00", "110.00", "110.00", "110.00")),
    ("Bid.paddle", (Ref.PADDLE, Ref.PADDLE, Ref.PADDLE, Ref.PADDLE)),
    ("Bid.maxAmount", (None, "300.00", None, "300.00")),
    ("Bid.bidder", (None, Ref.CLIENT, None, Ref.CLIENT)),
    (
        "clients",
        (Ref.UNAUTHENTICATED, [Ref.CLIENT], [Ref.OTHER_CLIENT], [Ref.CLIENT, Ref.OTHER_CLIENT]),
    ),
    ("orders", (Ref.UNAUTHENTICATED, [Ref.ORDER], [Ref.OTHER_ORDER], [Ref.ORDER, Ref.OTHER_ORDER])),
    ("node(the other bidder's Order)", (None, None, Ref.OTHER_ORDER, Ref.OTHER_ORDER)),
    (
        "consignments",
        (
            Ref.UNAUTHENTICATED,
            [Ref.CONSIGNMENT],
            [Ref.OTHER_CONSIGNMENT],
            [Ref.CONSIGNMENT, Ref.OTHER_CONSIGNMENT],
        ),
    ),
    ("notes", (Ref.UNAUTHENTICATED, Ref.FORBIDDEN, Ref.FORBIDDEN, [Ref.NOTE])),
    ("node(the bidder's Client)", (None, Ref.CLIENT, None, Ref.CLIENT)),
    ("node(the other bidder's Client)", (None, None, Ref.OTHER_CLIENT, Ref.OTHER_CLIENT)),
    ("node(unpublished Sale)", (None, None, None, Ref.HIDDEN_SALE)),
    ("sales includes the unpublished sale", (False, False, False, True)),
    ("node(Item of an unpublished sale)", (None, None, None, Ref.HIDDEN_ITEM)),
    ("node(the bidder's User)", (None, Ref.BIDDER_USER, None, Ref.BIDDER_USER)),
    (
        "me",
        (
            None,
            {"user": Ref.BIDDER_USER, "role": "BIDDER", "client": {"databaseId": Ref.CLIENT}},
            {"user": Ref.OTHER_USER, "role": "BIDDER", "client": {"databaseId": Ref.OTHER_CLIENT}},
            {"user": Ref.STAFF_USER, "role": "STAFF", "client": None},
        ),
    ),
]

CASES = [
    pytest.param(f"{probe} as {viewer}", probe, viewer, expected, id=f"{probe} as {viewer}")
    for probe, row in MATRIX
    for viewer, expected in zip(VIEWERS, row, strict=True)
]


@pytest.mark.parametrize(("_case", "probe", "viewer", "expected"), CASES)
async def test_permission_matrix(
    graphql: GraphQLClient,
    session: AsyncSession,
    _case: str,
    probe: str,
    viewer: str,
    expected: Any,
) -> None:
    # given
    world = await _build_world(session)
    check = PROBES[probe]

    # when
    body = await graphql(check.query, check.variables(world), as_=world.viewer(viewer))

    # then
    if "errors" in body:
        [error] = body["errors"]
        seen: Any = ("error", error["extensions"]["code"], error["message"])
    else:
        seen = check.seen(body["data"], world)
    assert seen == world.resolve(expected)
