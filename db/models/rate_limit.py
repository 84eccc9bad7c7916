"""Request counters of the REST rate limiter (an UNLOGGED table: counters need no WAL)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class RateLimitCounter(SQLModel, table=True):
    """Requests one caller (``key``: a token digest or an IP) made in one fixed window."""

    __tablename__ = "rate_limit_counters"
    __table_args__ = {"prefixes": ["UNLOGGED"]}

    key: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    window_start: datetime = Field(
        sa_column=sa.Column(sa.DateTime(timezone=True), primary_key=True, index=True)
    )
    count: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
