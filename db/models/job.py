"""What Gavel keeps about a background job beside procrastinate's own rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from db.base import updated_at_field
from db.models.columns import fk


class JobNote(SQLModel, table=True):
    """A job's progress or result message, its result and who queued it.

    Keyed by procrastinate's job id (``procrastinate_jobs.id``, no foreign key: procrastinate
    owns its tables). The job rewrites ``message`` in short transactions of its own while it
    runs, so the message is visible before the job ends.
    """

    __tablename__ = "job_notes"

    job_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    message: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    result: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(JSONB, nullable=True))
    queued_by_id: int | None = fk("users.id", ondelete="SET NULL")
    updated_at: datetime = updated_at_field()
