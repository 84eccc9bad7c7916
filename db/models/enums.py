"""Enumerations stored in the database. Values are the REST ids; GraphQL uses the names."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    BIDDER = "bidder"


class ClientStatus(enum.StrEnum):
    NEW = "new"
    PENDING = "pending"
    APPROVED = "approved"
    UNAPPROVED = "unapproved"
    DELETED = "deleted"


class AddressType(enum.StrEnum):
    BILLING = "billing"
    SHIPPING = "shipping"


class SaleKind(enum.StrEnum):
    TIMED = "timed"
    LIVE = "live"


class SaleStatus(enum.StrEnum):
    """Computed from ``published``, the dates and ``closed_at`` (REST Decision D17)."""

    DRAFT = "draft"
    UPCOMING = "upcoming"
    PUBLISHED = "published"
    CLOSED = "closed"


class ItemStatus(enum.StrEnum):
    NEW = "new"
    AVAILABLE = "available"
    ACTIVE = "active"
    SOLD = "sold"
    UNSOLD = "unsold"
    PASSED = "passed"
    WITHDRAWN = "withdrawn"


CLOSED_ITEM_STATUSES = frozenset(
    {ItemStatus.SOLD, ItemStatus.UNSOLD, ItemStatus.PASSED, ItemStatus.WITHDRAWN}
)


class BidStatus(enum.StrEnum):
    ACCEPTED = "accepted"
    RETRACTED = "retracted"


class BidSource(enum.StrEnum):
    ONLINE = "online"
    ABSENTEE = "absentee"
    FLOOR = "floor"
    PHONE = "phone"


class OrderType(enum.StrEnum):
    BIDDER = "bidder"
    CONSIGNOR = "consignor"
    CREDIT_NOTE = "credit_note"
    TRANSPORT_INVOICE = "transport_invoice"


class OrderStatus(enum.StrEnum):
    NEW = "new"
    IN_PROCESS = "in_process"
    FINISHED = "finished"
    LOCKED = "locked"
    CANCELED = "canceled"


class OrderLineKind(enum.StrEnum):
    ITEM = "item"
    CHARGE = "charge"


class TransactionType(enum.StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    CHEQUE = "cheque"
    WIRE_TRANSFER = "wire_transfer"
    CREDIT_CARD = "credit_card"


class EntityType(enum.StrEnum):
    """What a note, file or activity row is attached to."""

    CLIENT = "client"
    ADDRESS = "address"
    SALE = "sale"
    ITEM = "item"
    BID = "bid"
    ORDER = "order"
    CONSIGNMENT = "consignment"
    TRANSACTION = "transaction"
    NOTE = "note"
    FILE = "file"
    USER = "user"
    TERM = "term"
