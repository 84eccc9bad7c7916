"""Client use cases: create, update, delete and connect, with their validation and audit rows."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from domain import clients
from domain.errors import Forbidden, RuleViolations, UserErrorCode
from domain.principal import Principal
from tests import factories


def _staff(user: models.User) -> Principal:
    return Principal(user_id=user.id, role=user.role, client_id=user.client_id)


async def _activities(session: AsyncSession, entity_type: models.EntityType) -> list[Any]:
    rows = await session.execute(
        sa.select(models.Activity.action, models.Activity.entity_id, models.Activity.changes)
        .where(models.Activity.entity_type == entity_type)
        .order_by(models.Activity.id)
    )
    return list(rows.all())


async def _client_count(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(models.Client)) or 0)


async def test_create_assigns_a_customer_number_and_records_the_activity(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    result = await clients.create_client(
        db, _staff(staff), clients.CreateClient(values={"first_name": "Ada", "email": "a@b.io"})
    )

    # then
    client = result.client
    assert result.created is True
    assert client.customer_number is not None
    assert client.customer_number.startswith("C")
    assert len(client.customer_number) >= 6
    assert client.status is models.ClientStatus.NEW
    activity = await _activities(session, models.EntityType.CLIENT)
    assert [(a.action, a.entity_id) for a in activity] == [("create", client.id)]
    assert activity[0].changes["first_name"] == {"before": None, "after": "Ada"}


async def test_customer_numbers_skip_numbers_already_taken(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: numbers typed in by hand where the sequence would go next
    staff = await factories.create_staff(session)
    first = await clients.create_client(db, _staff(staff), clients.CreateClient())
    assert first.client.customer_number is not None
    following = int(first.client.customer_number[1:]) + 1
    await factories.create_client(session, customer_number=f"C{following:05d}")
    await factories.create_client(session, customer_number=f"C{following + 5:05d}")

    # when
    second = await clients.create_client(db, _staff(staff), clients.CreateClient())

    # then
    assert second.client.customer_number == f"C{following + 6:05d}"


async def test_every_invalid_field_is_reported_and_nothing_is_written(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    taken = await factories.create_client(session)
    before = await _client_count(session)
    values = {
        "email": "not-an-email",
        "status": "sleeping",
        "subscription_type": "fax",
        "consignor_commissions": [{"step_from": "-1", "consignor_commission": "120"}],
        "additional_charges": [{"term": "", "amount": "1.005"}],
        "bank_details": [{"iban": "DE00 1234", "bic": "nope"}],
        "customer_number": taken.customer_number,
    }

    # when
    with pytest.raises(RuleViolations) as raised:
        await clients.create_client(
            db, _staff(staff), clients.CreateClient(values=values, address={"locality": "Oslo"})
        )

    # then
    found = [(v.field, v.code, v.message) for v in raised.value.violations]
    assert found == [
        ("email", UserErrorCode.INVALID, "Invalid email format"),
        (
            "status",
            UserErrorCode.INVALID,
            "Status must be one of new, pending, approved, unapproved, deleted.",
        ),
        (
            "subscriptionType",
            UserErrorCode.INVALID,
            "Subscription type must be email, print or both.",
        ),
        (
            "consignorCommissions[0].stepFrom",
            UserErrorCode.INVALID,
            "The threshold must be an amount of 0 or more with at most two decimals.",
        ),
        (
            "consignorCommissions[0].consignorCommission",
            UserErrorCode.INVALID,
            "The commission must be a percentage from 0 to 100.",
        ),
        ("additionalCharges[0].term", UserErrorCode.REQUIRED, "The charge needs a term."),
        (
            "additionalCharges[0].amount",
            UserErrorCode.INVALID_AMOUNT,
            "The amount must be zero or more, with at most two decimals.",
        ),
        ("bankDetails[0].iban", UserErrorCode.INVALID, "Not a valid IBAN."),
        ("bankDetails[0].bic", UserErrorCode.INVALID, "Not a valid BIC."),
        (
            "customerNumber",
            UserErrorCode.UNIQUE,
            f"Another client has customer number {taken.customer_number}.",
        ),
        ("address.country", UserErrorCode.REQUIRED, "The country is required."),
    ]
    assert await _client_count(session) == before
    assert await _activities(session, models.EntityType.CLIENT) == []


async def test_rows_are_stored_normalized(db: OperationDB, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    values = {
        "consignor_commissions": [
            {"step_from": Decimal("1000"), "consignor_commission": Decimal("10")},
            {"step_from": Decimal("0"), "consignor_commission": Decimal("15.5")},
        ],
        "additional_charges": [{"term": "Shipping", "amount": Decimal("12.5")}],
        "bank_details": [
            {"owner": "Ada", "iban": "gb82 west 1234 5698 7654 32", "bic": "NWBKGB2L"}
        ],
    }

    # when
    result = await clients.create_client(db, _staff(staff), clients.CreateClient(values=values))

    # then
    client = result.client
    assert client.consignor_commissions == [
        {"step_from": "0.00", "consignor_commission": "15.50"},
        {"step_from": "1000.00", "consignor_commission": "10.00"},
    ]
    assert client.additional_charges == [
        {
            "term": "Shipping",
            "amount": "12.50",
            "tax": "0.00",
            "description": "",
            "attached_to": None,
        }
    ]
    assert client.bank_details[0]["iban"] == "GB82WEST12345698765432"


async def test_create_with_an_address_makes_it_the_default_billing_and_shipping_address(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)

    # when
    result = await clients.create_client(
        db,
        _staff(staff),
        clients.CreateClient(values={"last_name": "Smith"}, address={"country": "uk"}),
    )

    # then
    assert result.address is not None
    assert result.address.country == "GB"
    assert result.address.is_default is True
    assert result.address.address_types == ["billing", "shipping"]
    assert [a.action for a in await _activities(session, models.EntityType.ADDRESS)] == ["create"]


async def test_create_with_a_known_uuid_updates_that_client(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    key = uuid.uuid4()
    existing = await factories.create_client(session, uuid=key, first_name="Ada", company="AE")

    # when
    result = await clients.create_client(
        db, _staff(staff), clients.CreateClient(values={"first_name": "Grace"}, uuid=key)
    )

    # then
    assert result.created is False
    assert result.client.id == existing.id
    assert (result.client.first_name, result.client.company) == ("Grace", "AE")


async def test_update_changes_only_the_given_fields(db: OperationDB, session: AsyncSession) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session, first_name="Ada", phone="123", warning="x")

    # when
    result = await clients.update_client(
        db,
        _staff(staff),
        clients.UpdateClient(client_id=client.id, values={"phone": "456", "warning": None}),
    )

    # then
    assert (result.client.first_name, result.client.phone, result.client.warning) == (
        "Ada",
        "456",
        None,
    )
    activity = await _activities(session, models.EntityType.CLIENT)
    assert [(a.action, a.changes) for a in activity] == [
        (
            "update",
            {
                "phone": {"before": "123", "after": "456"},
                "warning": {"before": "x", "after": None},
            },
        )
    ]


async def test_update_refuses_dates_in_the_wrong_order(
    db: OperationDB, session: AsyncSession
) -> None:
    from datetime import date

    staff = await factories.create_staff(session)
    client = await factories.create_client(session, temp_si_dates_from=date(2026, 5, 1))

    with pytest.raises(RuleViolations) as raised:
        await clients.update_client(
            db,
            _staff(staff),
            clients.UpdateClient(
                client_id=client.id, values={"temp_si_dates_to": date(2026, 4, 1)}
            ),
        )

    assert [(v.field, v.code) for v in raised.value.violations] == [
        ("tempSiDatesTo", UserErrorCode.INVALID)
    ]


async def test_a_bidder_changes_their_own_contact_fields_only(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    bidder = await factories.create_bidder(session)
    me = Principal(user_id=bidder.id, role=models.Role.BIDDER, client_id=bidder.client_id)
    assert bidder.client_id is not None
    other = await factories.create_client(session)

    # when
    result = await clients.update_client(
        db,
        me,
        clients.UpdateClient(
            client_id=bidder.client_id, values={"mobile": "+44 1"}, address={"country": "FR"}
        ),
    )

    # then
    assert result.client.mobile == "+44 1"
    assert result.address is not None
    assert result.address.country == "FR"
    with pytest.raises(Forbidden, match="Only staff may change status"):
        await clients.update_client(
            db, me, clients.UpdateClient(client_id=bidder.client_id, values={"status": "approved"})
        )
    with pytest.raises(Forbidden):
        await clients.update_client(
            db, me, clients.UpdateClient(client_id=other.id, values={"mobile": "1"})
        )


async def test_delete_is_a_soft_delete_recorded_once(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)

    # when
    await clients.delete_client(db, _staff(staff), clients.DeleteClient(client.id))
    again = await clients.delete_client(db, _staff(staff), clients.DeleteClient(client.id))

    # then
    assert again.client.status is models.ClientStatus.DELETED
    activity = await _activities(session, models.EntityType.CLIENT)
    assert [(a.action, a.changes) for a in activity] == [
        ("delete", {"status": {"before": "approved", "after": "deleted"}})
    ]


async def test_connect_is_idempotent_in_either_direction(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    a, b, c = [await factories.create_client(session) for _ in range(3)]
    await clients.connect_clients(db, _staff(staff), clients.ConnectClients([a.id, b.id]))

    # when
    again = await clients.connect_clients(db, _staff(staff), clients.ConnectClients([b.id, a.id]))
    more = await clients.connect_clients(
        db, _staff(staff), clients.ConnectClients([a.id, b.id, c.id], primary_id=a.id)
    )

    # then
    assert [x.id for x in again.connected] == [a.id]
    assert [x.id for x in more.connected] == sorted([b.id, c.id])
    rows = await session.execute(sa.select(sa.func.count()).select_from(models.ClientConnection))
    assert rows.scalar() == 2
    activity = await _activities(session, models.EntityType.CLIENT)
    assert [(a_.action, a_.entity_id) for a_ in activity] == [("connect", a.id), ("connect", a.id)]


async def test_connect_refuses_bad_input_all_at_once(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    a = await factories.create_client(session)

    with pytest.raises(RuleViolations) as raised:
        await clients.connect_clients(
            db, _staff(staff), clients.ConnectClients([a.id, 999999], primary_id=424242)
        )

    assert [(v.field, v.code, v.message) for v in raised.value.violations] == [
        (
            "primaryClientId",
            UserErrorCode.INVALID,
            "The primary client must be one of the clients.",
        ),
        ("clientIds", UserErrorCode.NOT_FOUND, "Unknown client id: 999999."),
    ]
