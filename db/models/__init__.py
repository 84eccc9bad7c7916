"""Every table, importable as ``from db import models`` → ``models.Item``."""

from db.models.bid import Bid
from db.models.client import Address, Client, ClientConnection
from db.models.enums import (
    CLOSED_ITEM_STATUSES,
    AddressType,
    BidSource,
    BidStatus,
    ClientStatus,
    EntityType,
    ItemStatus,
    OrderLineKind,
    OrderStatus,
    OrderType,
    Role,
    SaleKind,
    SaleStatus,
    TransactionType,
)
from db.models.item import Consignment, Item, ItemHistory, ItemImage
from db.models.job import JobNote
from db.models.order import Order, OrderLine, OrderNumberCounter, Transaction
from db.models.rate_limit import RateLimitCounter
from db.models.record import Activity, File, Note
from db.models.responsible import (
    ClientResponsibleUser,
    ConsignmentResponsibleUser,
    ItemResponsibleUser,
)
from db.models.sale import DEFAULT_INCREMENTS, Category, Sale
from db.models.term import ClientTerm, ItemTerm, SaleTerm, Term
from db.models.user import AccessToken, User

__all__ = [
    "CLOSED_ITEM_STATUSES",
    "DEFAULT_INCREMENTS",
    "AccessToken",
    "Activity",
    "Address",
    "AddressType",
    "Bid",
    "BidSource",
    "BidStatus",
    "Category",
    "Client",
    "ClientConnection",
    "ClientResponsibleUser",
    "ClientStatus",
    "ClientTerm",
    "Consignment",
    "ConsignmentResponsibleUser",
    "EntityType",
    "File",
    "Item",
    "ItemHistory",
    "ItemImage",
    "ItemResponsibleUser",
    "ItemStatus",
    "ItemTerm",
    "JobNote",
    "Note",
    "Order",
    "OrderLine",
    "OrderLineKind",
    "OrderNumberCounter",
    "OrderStatus",
    "OrderType",
    "RateLimitCounter",
    "Role",
    "Sale",
    "SaleKind",
    "SaleStatus",
    "SaleTerm",
    "Term",
    "Transaction",
    "TransactionType",
    "User",
]
