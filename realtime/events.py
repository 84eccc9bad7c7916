"""Event payloads sent through PostgreSQL NOTIFY (one channel, a ``type`` per event)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

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


class QueueTask(BaseModel):
    """A background job was created, changed state, started or finished.

    REST/Pusher ``advanced_queue__create`` / ``__update`` / ``__pre_execute`` /
    ``__post_execute``; GraphQL ``queueTaskCreated`` / ``Updated`` / ``Started`` / ``Completed``.
    ``state`` is the REST queue state (``queued``, ``processing``, ``success``, ``failure``);
    ``label`` tracks one entity of a bulk job (``via_bulk_<id>``), ``result_nid`` its id.
    """

    type: Literal["queue_task"] = "queue_task"
    phase: Literal["created", "updated", "started", "completed"]
    job_id: int
    name: str
    state: str
    label: str | None = None
    message: str | None = None
    result_nid: int | None = None
    result: dict[str, Any] | None = None


class ItemBulk(BaseModel):
    """A bulk operation on items finished (REST ``item_bulk``, GraphQL ``itemBulkCompleted``).

    ``name`` is ``bulk_update``, ``item_lot_bulk`` or ``item_bulk_retry``; ``status`` is
    ``success``, ``error`` or ``warning``.
    """

    type: Literal["item_bulk"] = "item_bulk"
    name: str
    bulk_type: str = "bulk"
    count: int
    status: str = "success"
    message: str | None = None


class KnockDownProgress(BaseModel):
    """Progress of knocking down a sale's lots in bulk (``Knocked down 10 of 100 items...``)."""

    type: Literal["knock_down_progress"] = "knock_down_progress"
    sale_id: int
    done: int
    total: int

    @property
    def result(self) -> str:
        return f"Knocked down {self.done} of {self.total} items..."


Event = Annotated[
    BidPlaced
    | ItemUpdated
    | SaleUpdated
    | Outbid
    | EntityUpdated
    | QueueTask
    | ItemBulk
    | KnockDownProgress,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(payload: str) -> Event:
    """The event in a NOTIFY payload."""
    return EVENT_ADAPTER.validate_json(payload)
