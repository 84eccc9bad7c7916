"""Merging clients: everything moves to the target and no row points at a source afterwards."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db import models
from db.base import metadata
from db.engine import create_engine, create_sessionmaker
from db.queries.client import MERGE_LOCKS
from db.session import OperationDB
from domain import clients
from domain.errors import RuleViolations, UserErrorCode
from domain.principal import Principal
from tests import factories
from tests.committed import Committed


def _staff(user: models.User) -> Principal:
    return Principal(user_id=user.id, role=user.role)


def _client_foreign_keys() -> list[sa.Column[object]]:
    clients_id = metadata.tables["clients"].c.id
    return [
        fk.parent
        for t in metadata.sorted_tables
        for fk in t.foreign_keys
        if fk.column is clients_id
    ]


async def _rows_pointing_at(session: AsyncSession, ids: list[int]) -> dict[str, int]:
    """Rows of every table whose foreign key to clients.id names one of ``ids``."""
    found = {}
    for column in _client_foreign_keys():
        count = await session.scalar(
            sa.select(sa.func.count()).select_from(column.table).where(column.in_(ids))
        )
        if count:
            found[f"{column.table.name}.{column.name}"] = count
    attached = await session.scalar(
        sa.select(sa.func.count())
        .select_from(models.Note)
        .where(models.Note.entity_type == models.EntityType.CLIENT, models.Note.entity_id.in_(ids))
    )
    if attached:
        found["notes.entity_id"] = attached
    return found


async def test_merge_moves_everything_and_leaves_no_row_pointing_at_a_source(
    db: OperationDB, session: AsyncSession
) -> None:
    # given: a source with a row in every table that references clients
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)
    target_address = await factories.create_address(session, client=target, is_default=True)
    target_address_id = target_address.id
    source = await factories.create_client(session)
    other_source = await factories.create_client(session)
    friend = await factories.create_client(session)
    earlier = await factories.create_client(
        session, status=models.ClientStatus.DELETED, merged_into_id=source.id
    )
    await factories.create_address(session, client=source, is_default=True)
    await factories.create_address(session, client=other_source, is_default=True)
    sale = await factories.create_sale(session)
    consignment = await factories.create_consignment(session, consignor=source, sale=sale)
    item = await factories.create_item(session, sale=sale, consignment=consignment)
    won = await factories.create_item(session, sale=sale, winner_id=other_source.id)
    await factories.create_bid(session, item=item, bidder=source, amount=Decimal("100"))
    order = await factories.create_order(session, client=source, sale=sale)
    await factories.create_transaction(session, order=order, amount=Decimal("10"))
    await factories.create_user(session, client=source)
    await factories.create_note(session, on=source)
    session.add_all(
        [
            models.ClientConnection(primary_client_id=source.id, client_id=friend.id),
            models.ClientConnection(primary_client_id=other_source.id, client_id=source.id),
            models.ClientConnection(primary_client_id=target.id, client_id=other_source.id),
            models.ItemHistory(item_id=won.id, winner_client_id=other_source.id),
        ]
    )
    interest = await factories.create_term(session, vocabulary="interests")
    session.add(
        models.ClientTerm(
            client_id=source.id, field="interested_in", position=0, term_id=interest.id
        )
    )
    colleague = await factories.create_staff(session)
    session.add_all(
        [
            models.ClientResponsibleUser(client_id=target.id, user_id=staff.id, position=0),
            models.ClientResponsibleUser(client_id=source.id, user_id=colleague.id, position=0),
            models.ClientResponsibleUser(client_id=source.id, user_id=staff.id, position=1),
        ]
    )
    await session.flush()
    staff_id, colleague_id = staff.id, colleague.id
    sources = [source.id, other_source.id]
    earlier_id, won_id = earlier.id, won.id
    covered = {f"{c.table.name}.{c.name}" for c in _client_foreign_keys()}
    present = set(await _rows_pointing_at(session, sources))
    assert covered <= present, f"give the sources a row in {covered - present} too"

    # when
    result = await clients.merge_clients(
        db, _staff(staff), clients.MergeClients(target_id=target.id, source_ids=sources)
    )

    # then
    assert await _rows_pointing_at(session, sources) == {}
    target_id, friend_id = target.id, friend.id
    session.expire_all()
    for source_id in sources:
        merged = await session.get_one(models.Client, source_id)
        assert (merged.status, merged.merged_into_id) == (models.ClientStatus.DELETED, target_id)
    assert (await session.get_one(models.Client, earlier_id)).merged_into_id == target_id
    assert (await session.get_one(models.Item, won_id)).winner_id == target_id
    addresses = (
        await session.scalars(
            sa.select(models.Address).where(models.Address.client_id == target_id)
        )
    ).all()
    assert len(addresses) == 3
    assert [a.id for a in addresses if a.is_default] == [target_address_id]
    connections = (await session.execute(sa.select(models.ClientConnection))).all()
    assert [(c[0].primary_client_id, c[0].client_id) for c in connections] == [
        (target_id, friend_id)
    ]
    assert result.moved["bids"] == 1
    assert result.moved["responsible_users"] == 1
    responsible = await session.execute(
        sa.select(models.ClientResponsibleUser.user_id)
        .where(models.ClientResponsibleUser.client_id == target_id)
        .order_by(models.ClientResponsibleUser.position)
    )
    assert list(responsible.scalars()) == [staff_id, colleague_id]
    activity = (
        await session.execute(
            sa.select(models.Activity.action, models.Activity.entity_id).where(
                models.Activity.entity_type == models.EntityType.CLIENT
            )
        )
    ).all()
    assert sorted(activity) == sorted(
        [("merge", sources[0]), ("merge", sources[1]), ("merge", target_id)]
    )


async def test_a_source_default_address_becomes_the_default_of_a_target_without_one(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)
    source = await factories.create_client(session)
    address = await factories.create_address(session, client=source, is_default=True)

    await clients.merge_clients(
        db, _staff(staff), clients.MergeClients(target_id=target.id, source_ids=[source.id])
    )

    moved = await session.get_one(models.Address, address.id, populate_existing=True)
    assert (moved.client_id, moved.is_default) == (target.id, True)


async def test_data_a_flag_leaves_behind_blocks_the_merge(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)
    source = await factories.create_client(session)
    order = await factories.create_order(session, client=source)
    await factories.create_transaction(session, order=order, amount=Decimal("5"))

    # when
    with pytest.raises(RuleViolations) as raised:
        await clients.merge_clients(
            db,
            _staff(staff),
            clients.MergeClients(
                target_id=target.id,
                source_ids=[source.id],
                merge_orders=False,
                merge_transactions=False,
            ),
        )

    # then
    assert [(v.field, v.code, v.message) for v in raised.value.violations] == [
        (
            "mergeOrders",
            UserErrorCode.MERGE_BLOCKED,
            "The source clients have 1 orders; merge them too (mergeOrders) or move them first.",
        ),
        (
            "mergeTransactions",
            UserErrorCode.MERGE_BLOCKED,
            "The source clients have 1 transactions; merge them too (mergeTransactions) or "
            "move them first.",
        ),
    ]
    refreshed = await session.get_one(models.Client, source.id, populate_existing=True)
    assert refreshed.status is models.ClientStatus.APPROVED
    assert (await session.get_one(models.Order, order.id, populate_existing=True)).client_id == (
        source.id
    )
    activities = await session.scalar(sa.select(sa.func.count()).select_from(models.Activity))
    assert activities == 0


async def test_merge_refuses_the_target_among_the_sources_and_unknown_clients(
    db: OperationDB, session: AsyncSession
) -> None:
    staff = await factories.create_staff(session)
    target = await factories.create_client(session)

    with pytest.raises(RuleViolations) as raised:
        await clients.merge_clients(
            db,
            _staff(staff),
            clients.MergeClients(target_id=target.id, source_ids=[target.id, 987654]),
        )

    assert [(v.field, v.code) for v in raised.value.violations] == [
        ("targetClientId", UserErrorCode.INVALID),
        ("sourceClientIds", UserErrorCode.NOT_FOUND),
    ]


@pytest.mark.concurrency
def test_crossing_merges_of_the_same_clients_never_both_merge(
    committed: Committed,
) -> None:
    # given: two staff merges crossing each other (a <- b and b <- a)
    async def build(session: AsyncSession) -> tuple[int, int, int]:
        staff = await factories.create_staff(session)
        a = await factories.create_client(session)
        b = await factories.create_client(session)
        await factories.create_address(session, client=a, is_default=True)
        await factories.create_address(session, client=b, is_default=True)
        return staff.id, a.id, b.id

    staff_id, a, b = committed.run(build)
    principal = Principal(user_id=staff_id, role=models.Role.STAFF)

    async def race() -> list[object]:
        engine = create_engine(committed.url, pool_size=2)
        maker = create_sessionmaker(engine)

        async def merge(target: int, source: int) -> object:
            db = OperationDB(maker)
            try:
                return await clients.merge_clients(
                    db, principal, clients.MergeClients(target_id=target, source_ids=[source])
                )
            except RuleViolations as exc:
                return exc
            finally:
                await db.close()

        try:
            return list(await asyncio.gather(merge(a, b), merge(b, a)))
        finally:
            await engine.dispose()

    # when
    outcomes = asyncio.run(race())

    # then: one merged; the other was refused while it ran (CONFLICT) or found its clients
    # already merged (CLIENT_DELETED), depending on which came second
    merged = [o for o in outcomes if isinstance(o, clients.MergeResult)]
    refused = [o for o in outcomes if isinstance(o, RuleViolations)]
    assert len(merged) == 1
    assert len(refused) == 1
    codes = {v.code for v in refused[0].violations}
    assert codes in ({UserErrorCode.CONFLICT}, {UserErrorCode.CLIENT_DELETED})


async def _until_merge_lock_held(engine: AsyncEngine, client_id: int) -> None:
    """Wait (bounded) until some transaction holds the client's merge lock."""
    held = sa.text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
        "AND classid = :space AND objid = :id AND granted"
    )
    async with engine.connect() as probe:
        for _ in range(1000):
            if await probe.scalar(held, {"space": MERGE_LOCKS, "id": client_id}):
                return
            await asyncio.sleep(0.01)
    raise AssertionError("the first merge never took its lock")


@pytest.mark.concurrency
def test_a_merge_of_clients_another_merge_is_working_on_is_refused_at_once(
    committed: Committed,
) -> None:
    # given: a merge of b into a held up by a third transaction locking a's row
    async def build(session: AsyncSession) -> tuple[int, int, int, int]:
        staff = await factories.create_staff(session)
        a = await factories.create_client(session)
        b = await factories.create_client(session)
        c = await factories.create_client(session)
        return staff.id, a.id, b.id, c.id

    staff_id, a, b, c = committed.run(build)
    principal = Principal(user_id=staff_id, role=models.Role.STAFF)

    async def scenario() -> tuple[object, object]:
        engine = create_engine(committed.url, pool_size=3)
        maker = create_sessionmaker(engine)

        async def merge(target: int, source: int) -> object:
            db = OperationDB(maker)
            try:
                return await clients.merge_clients(
                    db, principal, clients.MergeClients(target_id=target, source_ids=[source])
                )
            except RuleViolations as exc:
                return exc
            finally:
                await db.close()

        try:
            async with engine.connect() as blocker:
                await blocker.execute(
                    sa.text("SELECT 1 FROM clients WHERE id = :id FOR UPDATE"), {"id": a}
                )
                first = asyncio.create_task(merge(a, b))
                await _until_merge_lock_held(engine, a)
                # when: a second merge touching a starts while the first waits
                second = await merge(c, a)
                await blocker.rollback()
            return await first, second
        finally:
            await engine.dispose()

    first, second = asyncio.run(scenario())

    # then: the second was refused without waiting; the first merged once the lock went
    assert isinstance(first, clients.MergeResult)
    assert isinstance(second, RuleViolations)
    assert [(v.code, v.field) for v in second.violations] == [(UserErrorCode.CONFLICT, None)]

    async def statuses(session: AsyncSession) -> dict[int, models.ClientStatus]:
        rows = await session.execute(
            sa.select(models.Client.id, models.Client.status).where(
                models.Client.id.in_([a, b, c])  # type: ignore[attr-defined]
            )
        )
        return {row[0]: row[1] for row in rows}

    found = committed.run(statuses)
    assert found[b] == models.ClientStatus.DELETED
    assert found[a] != models.ClientStatus.DELETED
    assert found[c] != models.ClientStatus.DELETED
