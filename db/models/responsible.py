"""The staff users responsible for a client, a consignment or a lot, in the order given."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.models.columns import integer


def _owner(target: str) -> Any:
    return Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), primary_key=True)
    )


def _user() -> Any:
    return Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        )
    )


class ClientResponsibleUser(SQLModel, table=True):
    __tablename__ = "client_responsible_users"

    client_id: int = _owner("clients.id")
    user_id: int = _user()
    position: int = integer(default=0)


class ConsignmentResponsibleUser(SQLModel, table=True):
    __tablename__ = "consignment_responsible_users"

    consignment_id: int = _owner("consignments.id")
    user_id: int = _user()
    position: int = integer(default=0)


class ItemResponsibleUser(SQLModel, table=True):
    __tablename__ = "item_responsible_users"

    item_id: int = _owner("items.id")
    user_id: int = _user()
    position: int = integer(default=0)
