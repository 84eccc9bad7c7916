"""Clients: list spec, batched reads, and the row-level writes of the client use cases."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from db import models
from db.base import metadata
from db.queries.batch import rows_by_ids, rows_by_parent_ids
from db.queries.listing import ListSpec, Sort
from db.queries.term import CLIENT_LINKS, filed_under
from db.queries.viewer import Viewer
from db.queries.visibility import readable_clients
from db.session import OperationDB

C = models.Client
A = models.Address


def _default_address_column(column: Any, name: str) -> Any:
    """One column of the client's default address, as a correlated subquery (REST B1.0)."""
    return (
        sa.select(column)
        .where(col(A.client_id) == col(C.id), col(A.is_default).is_(True))
        .correlate(C)
        .scalar_subquery()
        .label(name)
    )


LAST_NAME_COMPANY = sa.func.coalesce(sa.func.nullif(col(C.last_name), ""), col(C.company))

CLIENT_LIST = ListSpec(
    model=C,
    fields={
        "id": C.id,
        "status": C.status,
        "published": C.published,
        "first_name": C.first_name,
        "last_name": C.last_name,
        "company": C.company,
        "email": C.email,
        "phone": C.phone,
        "bidder_number": C.bidder_number,
        "customer_number": C.customer_number,
        "created_at": C.created_at,
        "updated_at": C.updated_at,
        "uuid": C.uuid,
        "default_payment_method": C.default_payment_method,
        "last_name_company": LAST_NAME_COMPANY,
        "country": _default_address_column(A.country, "country"),
        "city": _default_address_column(A.locality, "city"),
        "state": _default_address_column(A.administrative_area, "state"),
        "postal_code": _default_address_column(A.postal_code, "postal_code"),
    },
    sortable=frozenset(
        {
            "last_name_company",
            "country",
            "city",
            "id",
            "first_name",
            "last_name",
            "company",
            "email",
            "status",
            "bidder_number",
            "customer_number",
            "created_at",
            "updated_at",
        }
    ),
    extra_conditions={
        "source": filed_under(CLIENT_LINKS, "source", C.id),
        "interested_in": filed_under(CLIENT_LINKS, "interested_in", C.id),
        "categories": filed_under(CLIENT_LINKS, "categories", C.id, categories=True),
    },
    default_sort=(Sort("id"),),
    search=(
        C.first_name,
        C.last_name,
        C.company,
        C.email,
        C.secondary_email,
        C.phone,
        C.mobile,
        C.bidder_number,
        C.customer_number,
        # Not the uuid: a word such as "ada" is a substring of many random uuids (hex);
        # `filter[uuid]` / the exact id finds a client by uuid.
    ),
)


async def clients_by_ids(db: OperationDB, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    """Readable clients by id, aligned with ``ids``."""
    return await rows_by_ids(db, readable_clients(viewer), ids)


async def connected_clients_by_client_ids(
    db: OperationDB, viewer: Viewer, client_ids: Sequence[int]
) -> list[list[Any]]:
    """The readable clients connected to each client (either side of the row), by id."""
    CC = models.ClientConnection
    pairs = sa.union_all(
        sa.select(
            col(CC.primary_client_id).label("parent_id"), col(CC.client_id).label("other_id")
        ),
        sa.select(
            col(CC.client_id).label("parent_id"), col(CC.primary_client_id).label("other_id")
        ),
    ).subquery("pairs")
    statement = readable_clients(viewer).join(pairs, pairs.c.other_id == col(C.id))
    return await rows_by_parent_ids(
        db, statement, pairs.c.parent_id, client_ids, order_by=(col(C.id),)
    )


async def paddles_by_client_ids(db: OperationDB, ids: Sequence[int]) -> list[str | None]:
    """Bidder (paddle) numbers by client id; public, unlike the client record itself."""
    rows = await db.rows(sa.select(col(C.id), col(C.bidder_number)).where(col(C.id).in_(set(ids))))
    found = dict(rows)
    return [found.get(i) for i in ids]


# -- writes (called inside a use case's transaction, on its session) ----------------------

CUSTOMER_NUMBER_SEQUENCE = sa.Sequence("client_customer_number_seq")
CUSTOMER_NUMBER_WIDTH = 5


MERGE_LOCKS = 0x6D657267
"""First key of the transaction-level advisory locks a merge holds on its clients ("merg")."""


async def try_merge_locks(session: AsyncSession, ids: Iterable[int]) -> bool:
    """Take this transaction's merge locks on the clients; False if another merge holds one.

    Advisory locks conflict only with other merges: bids and edits, which lock client rows,
    are waited for as usual by ``lock_clients``. Locks taken are released at commit/rollback.
    """
    ids_array = sa.literal(sorted(set(ids)), ARRAY(sa.Integer))
    wanted = sa.func.unnest(ids_array).table_valued("id").render_derived(name="wanted")
    result = await session.execute(
        sa.select(sa.func.pg_try_advisory_xact_lock(MERGE_LOCKS, wanted.c.id))
    )
    return all(result.scalars().all())


async def lock_clients(session: AsyncSession, ids: Iterable[int]) -> list[models.Client]:
    """``SELECT … FOR UPDATE`` the clients, in id order, so concurrent callers never deadlock.

    Rows come back fresh (``populate_existing``) in ascending id order; missing ids are absent.
    """
    result = await session.execute(
        sa.select(C)
        .where(col(C.id).in_(set(ids)))
        .order_by(col(C.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(result.scalars().all())


async def client_by_uuid(session: AsyncSession, value: uuid.UUID) -> models.Client | None:
    """The client with this uuid, locked for update."""
    result = await session.execute(sa.select(C).where(col(C.uuid) == value).with_for_update())
    return result.scalar_one_or_none()


async def is_taken(
    session: AsyncSession, column: Any, value: str, except_id: int | None = None
) -> bool:
    """Whether another client already holds ``value`` in the unique ``column``."""
    stmt = sa.select(sa.exists().where(column == value))
    if except_id is not None:
        stmt = sa.select(sa.exists().where(column == value, col(C.id) != except_id))
    return bool(await session.scalar(stmt))


async def next_customer_number(session: AsyncSession) -> str:
    """The next free ``C`` + zero-padded number from the sequence.

    Numbers typed in by hand (or loaded in bulk) may already hold the sequence's next value;
    then the sequence jumps past the highest numeric ``C…`` number and tries again.
    """
    for _ in range(3):
        value = await session.scalar(CUSTOMER_NUMBER_SEQUENCE.next_value())
        number = f"C{int(value):0{CUSTOMER_NUMBER_WIDTH}d}"
        if not await is_taken(session, col(C.customer_number), number):
            return number
        highest = sa.func.max(
            sa.cast(sa.func.substring(col(C.customer_number), r"^C([0-9]{1,15})$"), sa.BigInteger)
        )
        await session.execute(
            sa.select(
                sa.func.setval(
                    CUSTOMER_NUMBER_SEQUENCE.name,
                    sa.func.greatest(sa.select(highest).scalar_subquery(), value),
                )
            )
        )
    raise RuntimeError("no free customer number")  # pragma: no cover


def client_references() -> list[sa.Column[Any]]:
    """Every column of every table with a foreign key to ``clients.id`` (from the metadata)."""
    clients = C.__table__  # type: ignore[attr-defined]
    return [
        fk.parent
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column is clients.c.id
    ]


async def count_references(
    session: AsyncSession, column: sa.Column[Any], client_ids: Iterable[int]
) -> int:
    """How many rows of ``column``'s table point at any of ``client_ids``."""
    return int(
        await session.scalar(
            sa.select(sa.func.count()).select_from(column.table).where(column.in_(set(client_ids)))
        )
        or 0
    )


async def repoint(
    session: AsyncSession, column: sa.Column[Any], source_ids: Iterable[int], target_id: int
) -> int:
    """Point every row of ``column`` at ``target_id`` instead of any source; the row count."""
    result = await session.execute(
        sa.update(column.table).where(column.in_(set(source_ids))).values({column.name: target_id})
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def connected_ids(session: AsyncSession, client_id: int) -> set[int]:
    """Clients connected to ``client_id``, whichever side of the connection row it is on."""
    CC = models.ClientConnection
    rows = await session.execute(
        sa.select(col(CC.primary_client_id), col(CC.client_id)).where(
            sa.or_(col(CC.primary_client_id) == client_id, col(CC.client_id) == client_id)
        )
    )
    return {a if b == client_id else b for a, b in rows.all()}


async def connections_of(session: AsyncSession, client_ids: Iterable[int]) -> list[tuple[int, int]]:
    """Connection rows (primary, client) touching any of ``client_ids``."""
    CC = models.ClientConnection
    ids = set(client_ids)
    rows = await session.execute(
        sa.select(col(CC.primary_client_id), col(CC.client_id)).where(
            sa.or_(col(CC.primary_client_id).in_(ids), col(CC.client_id).in_(ids))
        )
    )
    return [(a, b) for a, b in rows.all()]


async def delete_connections(session: AsyncSession, client_ids: Iterable[int]) -> int:
    """Remove every connection row touching any of ``client_ids``; the row count."""
    CC = models.ClientConnection
    ids = set(client_ids)
    result = await session.execute(
        sa.delete(CC).where(sa.or_(col(CC.primary_client_id).in_(ids), col(CC.client_id).in_(ids)))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def insert_connections(session: AsyncSession, pairs: Iterable[tuple[int, int]]) -> None:
    """Add connection rows (primary, client); existing ones are kept as they are."""
    values = [{"primary_client_id": a, "client_id": b} for a, b in pairs]
    if values:
        await session.execute(
            pg_insert(models.ClientConnection).values(values).on_conflict_do_nothing()
        )


async def repoint_attached(
    session: AsyncSession, model: Any, source_ids: Iterable[int], target_id: int
) -> int:
    """Move rows attached by ``(entity_type, entity_id)`` (notes, files) from sources to target."""
    result = await session.execute(
        sa.update(model)
        .where(
            model.entity_type == models.EntityType.CLIENT,
            model.entity_id.in_(set(source_ids)),
        )
        .values(entity_id=target_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
