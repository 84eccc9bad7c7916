"""Response shapes of the e-commerce API (rest-api.md C2-C6), for OpenAPI and for building.

Amounts are JSON numbers rounded half-up to cents (the seed types them ``number``); they are
computed as ``Decimal`` and converted only here, at the edge, so ``1250.5`` means exactly
1250.50. Auction dates are Unix seconds; other times ISO-8601 UTC with microseconds and ``Z``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, Field

CENT = Decimal("0.01")


def number(amount: Decimal | None) -> float:
    """A money amount as the JSON number the seed expects (0 for none)."""
    if amount is None:
        return 0.0
    return float(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def unix(moment: datetime | None) -> int:
    """Unix seconds (0 when unset)."""
    return int(moment.timestamp()) if moment is not None else 0


def iso(moment: datetime) -> str:
    """ISO-8601 UTC the way Laravel serializes it: ``2025-10-15T14:30:00.000000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Product(BaseModel):
    id: int = Field(description="The lot's database id.")
    name: str = Field(description="The lot's title.")
    thumbnail_image: str | None = Field(description="URL of the lot's first image.")
    unit_price: float = Field(description="Starting price.")
    currency: str = Field(description="ISO 4217 currency of the sale.")
    lot: str = Field(description="Lot number (and letter).")
    auction_product: Literal[1] = 1
    auction_start_date: int = Field(description="Opening time, Unix seconds.")
    auction_end_date: int = Field(description="Closing time after soft-close extensions.")
    current_bid: float = Field(description="Highest bid; 0 without bids (see total_bids).")
    total_bids: int = Field(description="Accepted bid rows, proxy bids included.")
    min_bid_increment: float = Field(description="Increment at the current price.")
    next_minimum_bid: float = Field(description="Lowest amount place-bid accepts now.")


class Bid(BaseModel):
    id: int
    product_id: int
    user_id: int | None = Field(description="The bidder's user: your own bids or staff only.")
    paddle: str | None = Field(description="The bidder's paddle number.")
    amount: float
    created_at: str = Field(description="ISO-8601 UTC.")


AuctionStatus = Literal["upcoming", "active", "ended"]


class ProductDetail(Product):
    description: str
    photos: list[str] = Field(description="Image URLs in display order.")
    auction_status: AuctionStatus
    highest_bid: Bid | None
    bids: list[Bid] = Field(description="Bid history, newest first (at most 50).")
    estimate_low: float | None
    estimate_high: float | None


class ProductBidOn(Product):
    my_highest_bid: float
    my_last_bid_at: str
    is_highest_bidder: bool
    auction_status: AuctionStatus
    won: bool


class PurchasedProduct(BaseModel):
    product_id: int
    name: str
    thumbnail_image: str | None
    price: float = Field(description="Hammer price.")
    quantity: Literal[1] = 1


class Purchase(BaseModel):
    id: int = Field(description="Order id.")
    code: str = Field(description="Invoice number.")
    created_at: str
    payment_status: Literal["paid", "unpaid"]
    delivery_status: str
    grand_total: float
    currency: str
    products: list[PurchasedProduct]


class Links(BaseModel):
    first: str
    last: str
    prev: str | None
    next: str | None


class Meta(BaseModel):
    current_page: int
    from_: int | None = Field(alias="from")
    last_page: int
    path: str
    per_page: int
    to: int | None
    total: int


class ProductPage(BaseModel):
    data: list[Product]
    links: Links
    meta: Meta
    success: bool = True
    status: int = 200


class ProductBidOnPage(BaseModel):
    data: list[ProductBidOn]
    links: Links
    meta: Meta
    success: bool = True
    status: int = 200


class PurchasePage(BaseModel):
    data: list[Purchase]
    links: Links
    meta: Meta
    success: bool = True
    status: int = 200


class ProductDetailEnvelope(BaseModel):
    data: ProductDetail
    success: bool = True
    status: int = 200


class PlaceBidResult(BaseModel):
    result: Literal[True] = True
    message: str = "Bid placed successfully"
    bid_id: int
    current_bid: float
    is_highest_bidder: bool
    auction_end_date: int


class AuctionErrorBody(BaseModel):
    result: Literal[False] = False
    message: str
    errors: dict[str, list[str]] | None = None
    code: str | None = None
