"""Address use cases: one default per client, country codes, and the audit rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.session import OperationDB
from domain import addresses
from domain.errors import RuleViolation, RuleViolations, UserErrorCode
from domain.principal import Principal
from tests import factories


def _staff(user: models.User) -> Principal:
    return Principal(user_id=user.id, role=user.role)


async def _defaults(session: AsyncSession, client: models.Client) -> list[int]:
    rows = await session.scalars(
        sa.select(models.Address.id).where(
            models.Address.client_id == client.id, models.Address.is_default.is_(True)
        )
    )
    return list(rows.all())


async def test_the_first_address_becomes_the_default_whatever_the_flag(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)

    # when
    result = await addresses.create_address(
        db,
        _staff(staff),
        addresses.CreateAddress(
            client_id=client.id, fields={"country": "UK", "locality": "London"}, is_default=False
        ),
    )

    # then
    assert result.address.is_default is True
    assert result.address.country == "GB"
    assert result.address.address_types == []
    assert await _defaults(session, client) == [result.address.id]


async def test_a_new_default_takes_the_flag_from_the_previous_one(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    old = await factories.create_address(session, client=client, is_default=True)

    result = await addresses.create_address(
        db,
        _staff(staff),
        addresses.CreateAddress(
            client_id=client.id,
            fields={"country": "fr"},
            address_types=["shipping", "billing", "shipping"],
            is_default=True,
        ),
    )

    assert await _defaults(session, client) == [result.address.id]
    assert result.address.address_types == ["billing", "shipping"]
    assert (
        await session.get_one(models.Address, old.id, populate_existing=True)
    ).is_default is False


async def test_invalid_fields_are_all_reported_and_nothing_is_written(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)

    with pytest.raises(RuleViolations) as raised:
        await addresses.create_address(
            db,
            _staff(staff),
            addresses.CreateAddress(
                client_id=987654, fields={"country": "XX"}, address_types=["home"]
            ),
        )

    assert [(v.field, v.code, v.message) for v in raised.value.violations] == [
        ("clientId", UserErrorCode.NOT_FOUND, "Unknown client."),
        (
            "address.country",
            UserErrorCode.INVALID,
            "'XX' is not an ISO 3166-1 alpha-2 country code.",
        ),
        (
            "addressTypes",
            UserErrorCode.INVALID,
            "Unknown address type 'home'; use billing and/or shipping.",
        ),
    ]
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Address)) == 0
    assert await session.scalar(sa.select(sa.func.count()).select_from(models.Activity)) == 0


async def test_update_merges_fields_and_clears_validation(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    address = await factories.create_address(
        session, client=client, is_default=True, validated=True, locality="Paris"
    )

    result = await addresses.update_address(
        db,
        _staff(staff),
        addresses.UpdateAddress(address_id=address.id, fields={"thoroughfare": "1 Rue"}),
    )

    assert (result.address.locality, result.address.thoroughfare) == ("Paris", "1 Rue")
    assert result.address.validated is False


async def test_unsetting_the_default_hands_it_to_the_newest_other_address(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    default = await factories.create_address(session, client=client, is_default=True)
    await factories.create_address(session, client=client)
    newest = await factories.create_address(session, client=client)

    result = await addresses.update_address(
        db, _staff(staff), addresses.UpdateAddress(address_id=default.id, is_default=False)
    )

    assert result.default is not None
    assert result.default.id == newest.id
    assert await _defaults(session, client) == [newest.id]


async def test_the_only_address_stays_the_default(db: OperationDB, session: AsyncSession) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    only = await factories.create_address(session, client=client, is_default=True)

    with pytest.raises(RuleViolations) as raised:
        await addresses.update_address(
            db, _staff(staff), addresses.UpdateAddress(address_id=only.id, is_default=False)
        )
    with pytest.raises(RuleViolation) as deleting:
        await addresses.delete_address(db, _staff(staff), addresses.DeleteAddress(only.id))

    assert [(v.field, v.code) for v in raised.value.violations] == [
        ("isDefault", UserErrorCode.ONLY_DEFAULT_ADDRESS)
    ]
    assert (deleting.value.code, deleting.value.message) == (
        UserErrorCode.ONLY_DEFAULT_ADDRESS,
        "Cannot delete the only default address",
    )
    assert await _defaults(session, client) == [only.id]


async def test_deleting_the_default_promotes_the_newest_remaining_address(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    client = await factories.create_client(session)
    default = await factories.create_address(session, client=client, is_default=True)
    await factories.create_address(session, client=client)
    newest = await factories.create_address(session, client=client)

    result = await addresses.delete_address(db, _staff(staff), addresses.DeleteAddress(default.id))

    assert result.deleted_id == default.id
    assert await _defaults(session, client) == [newest.id]
    actions = (
        await session.execute(
            sa.select(models.Activity.action, models.Activity.entity_id).order_by(
                models.Activity.id
            )
        )
    ).all()
    assert [tuple(a) for a in actions] == [("delete", default.id), ("update", newest.id)]
