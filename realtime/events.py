"""Event payloads sent through PostgreSQL NOTIFY (one channel, a ``type`` per event)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

CHANNEL = "gavel_events"
"""The single NOTIFY channel every process LISTENs on."""


class BidPlaced(BaseModel):
    """Bids ``first_sequence``..``last_sequence`` were accepted on an item (one transaction)."""

    type: Literal["bid_placed"] = "bid_placed"
    item_id: int
    sale_id: int
    first_sequence: int
    last_sequence: int


class ItemUpdated(BaseModel):
    """An item changed: price, status, closing time (soft close), …"""

    type: Literal["item_updated"] = "item_updated"
    item_id: int
    sale_id: int
    reason: str = "changed"


class SaleUpdated(BaseModel):
    type: Literal["sale_updated"] = "sale_updated"
    sale_id: int


class Outbid(BaseModel):
    """``client_id`` lost the lead on ``item_id`` (to a bid or to a proxy)."""

    type: Literal["outbid"] = "outbid"
    client_id: int
    item_id: int
    sale_id: int
    sequence: int


class EntityUpdated(BaseModel):
    """A back-office write changed an entity (REST ``entity_update``, GraphQL ``entityUpdated``).

    ``bundle`` is the entity type's REST id (``item``, ``client``, ``sale``, ``order``,
    ``consignment``, ``task``); ``user_id`` made the change (null for the system);
    ``force_reload`` asks every viewer to reload, not only the author (bulk and system changes).
    """

    type: Literal["entity_updated"] = "entity_updated"
    bundle: str
    entity_id: int
    user_id: int | None = None
    force_reload: bool = False


Event = Annotated[
    BidPlaced | ItemUpdated | SaleUpdated | Outbid | EntityUpdated, Field(discriminator="type")
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(payload: str) -> Event:
    """The event in a NOTIFY payload."""
    return EVENT_ADAPTER.validate_json(payload)
