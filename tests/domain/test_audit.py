"""The audit trail's JSON form and diffs, and its rows in the change's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from domain import audit
from domain.principal import Principal
from tests import factories


def test_json_value_keeps_money_and_times_exact() -> None:
    # given
    value = {
        "amount": Decimal("1250.10"),
        "at": datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        "on": date(2026, 1, 2),
        "status": models.ClientStatus.APPROVED,
        "rows": [{"fee": Decimal("0.125")}],
    }

    # when
    result = audit.json_value(value)

    # then
    assert result == {
        "amount": "1250.10",
        "at": "2026-01-02T03:04:00+00:00",
        "on": "2026-01-02",
        "status": "approved",
        "rows": [{"fee": "0.125"}],
    }


def test_diff_lists_only_changed_fields() -> None:
    assert audit.diff({"a": 1, "b": "x"}, {"a": 1, "b": "y", "c": None}) == {
        "b": {"before": "x", "after": "y"}
    }


async def test_update_is_recorded_with_before_and_after(session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session, first_name="Ada")
    before = audit.snapshot(client)
    principal = Principal(user_id=staff.id, role=models.Role.STAFF)

    # when
    client.first_name = "Grace"
    await audit.record_updated(session, principal, models.EntityType.CLIENT, client, before)
    unchanged = await audit.record_updated(
        session, principal, models.EntityType.CLIENT, client, audit.snapshot(client)
    )
    await session.flush()

    # then
    assert unchanged is None
    rows = (
        await session.scalars(
            sa.select(models.Activity).where(models.Activity.entity_id == client.id)
        )
    ).all()
    assert [(row.action, row.user_id, row.changes) for row in rows] == [
        ("update", staff.id, {"first_name": {"before": "Ada", "after": "Grace"}})
    ]
