"""Storing uploads: limits, types, safe names, one transaction with the activity row."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.datastructures import Headers, UploadFile

from db import models
from db.session import OperationDB
from domain import files
from domain.auth import principal_for
from domain.errors import Forbidden, RuleViolation, RuleViolations, UserErrorCode
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"x" * 200


@pytest.fixture
def store(tmp_path: Path) -> files.FileStore:
    return files.FileStore(root=tmp_path / "files", secret_key=b"test-secret", max_bytes=1024)


def upload(data: bytes, filename: str = "photo.png", content_type: str = "image/png") -> UploadFile:
    return UploadFile(
        io.BytesIO(data), filename=filename, headers=Headers({"content-type": content_type})
    )


def stored(store: files.FileStore) -> list[Path]:
    return sorted(store.root.iterdir()) if store.root.exists() else []


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\x", "x"),
        ("C:\\Users\\me\\photo.jpg", "photo.jpg"),
        ("..", "file"),
        ("", "file"),
        (None, "file"),
        (".hidden", "hidden"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("x" * 300 + ".jpg", "x" * 251 + ".jpg"),
    ],
)
def test_display_names_lose_directories_and_control_characters(
    raw: str | None, expected: str
) -> None:
    assert files.display_name(raw) == expected


@pytest.mark.parametrize(
    ("head", "declared", "expected"),
    [
        (PNG, "text/plain", "image/png"),
        (JPEG, None, "image/jpeg"),
        (PDF, "application/octet-stream", "application/pdf"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/png", "image/webp"),
        (b"<html><script>", "image/png", "application/octet-stream"),
        (b"lot,title\n1,Vase\n", "text/csv; charset=utf-8", "text/csv"),
        (b"MZ\x00\x00binary", "text/plain", "application/octet-stream"),
    ],
)
def test_types_are_detected_from_content_for_images_and_pdf(
    head: bytes, declared: str | None, expected: str
) -> None:
    assert files.detect_type(head, declared) == expected


async def test_an_upload_is_stored_under_a_generated_name_with_its_activity_row(
    db: OperationDB, session: AsyncSession, store: files.FileStore
) -> None:
    # given
    staff = await factories.create_staff(session)
    cmd = files.StoreUpload(filename="../../etc/passwd", content_type="image/png")

    # when
    row = await files.store_upload(db, principal_for(staff), store, upload(PNG), cmd)

    # then
    assert row.filename == "passwd"
    assert row.mime_type == "image/png"
    assert row.size == len(PNG)
    assert row.stored_name.endswith(".png")
    assert "passwd" not in row.stored_name
    assert stored(store) == [store.root / row.stored_name]
    assert (store.root / row.stored_name).read_bytes() == PNG
    assert not (store.root.parent.parent / "etc").exists()
    activities = (await session.execute(sa.select(models.Activity))).scalars().all()
    assert [(a.action, a.entity_type, a.entity_id, a.user_id) for a in activities] == [
        ("create", models.EntityType.FILE, row.id, staff.id)
    ]


async def test_a_file_over_the_limit_is_refused_and_nothing_is_left(
    db: OperationDB, session: AsyncSession, store: files.FileStore
) -> None:
    # given
    staff = await factories.create_staff(session)
    cmd = files.StoreUpload(filename="big.png")

    # when
    with pytest.raises(RuleViolation) as refused:
        await files.store_upload(db, principal_for(staff), store, upload(PNG * 10), cmd)

    # then
    assert refused.value.code is UserErrorCode.FILE_TOO_LARGE
    assert refused.value.message == "The file is larger than the maximum of 1024 bytes."
    assert stored(store) == []
    assert await count(session, models.File) == 0
    assert await count(session, models.Activity) == 0


async def test_a_type_not_allowed_is_refused(
    db: OperationDB, session: AsyncSession, tmp_path: Path
) -> None:
    # given
    staff = await factories.create_staff(session)
    store = files.FileStore(
        root=tmp_path / "files", secret_key=b"k", allowed_types=frozenset({"image/png"})
    )
    cmd = files.StoreUpload(filename="contract.pdf", content_type="image/png")

    # when
    with pytest.raises(RuleViolation) as refused:
        await files.store_upload(db, principal_for(staff), store, upload(PDF), cmd)

    # then
    assert refused.value.code is UserErrorCode.FILE_TYPE_NOT_ALLOWED
    assert refused.value.message == (
        "Files of type application/pdf are not accepted (allowed: image/png)."
    )
    assert stored(store) == []
    assert await count(session, models.File) == 0


async def test_a_failed_transaction_removes_the_stored_bytes_and_writes_no_activity(
    db: OperationDB, session: AsyncSession, store: files.FileStore
) -> None:
    # given
    staff = await factories.create_staff(session)
    cmd = files.StoreUpload(
        filename="photo.png", attach_to=files.Attachment(models.EntityType.ITEM, 999_999)
    )

    # when
    with pytest.raises(RuleViolation) as refused:
        await files.store_upload(db, principal_for(staff), store, upload(PNG), cmd)

    # then
    assert refused.value.code is UserErrorCode.NOT_FOUND
    assert refused.value.field == "entityId"
    assert stored(store) == []
    assert await count(session, models.File) == 0
    assert await count(session, models.Activity) == 0


async def test_bidders_may_not_upload(
    db: OperationDB, session: AsyncSession, store: files.FileStore
) -> None:
    # given
    bidder = await factories.create_bidder(session)

    # when
    with pytest.raises(Forbidden):
        await files.store_upload(
            db, principal_for(bidder), store, upload(PNG), files.StoreUpload("a.png")
        )

    # then
    assert stored(store) == []


async def test_an_image_attached_to_an_item_joins_its_images_last(
    db: OperationDB, session: AsyncSession, store: files.FileStore
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    first = await factories.create_file(session, item=item, position=0)
    cmd = files.StoreUpload(
        filename="back.png", attach_to=files.Attachment(models.EntityType.ITEM, item.id)
    )

    # when
    row = await files.store_upload(db, principal_for(staff), store, upload(PNG), cmd)

    # then
    images = (
        await session.execute(
            sa.select(models.ItemImage.file_id)
            .where(models.ItemImage.item_id == item.id)
            .order_by(models.ItemImage.position)
        )
    ).scalars()
    assert list(images) == [first.id, row.id]
    assert (row.entity_type, row.entity_id) == (models.EntityType.ITEM, item.id)


async def test_set_item_images_reports_every_unfit_file_and_changes_nothing(
    db: OperationDB, session: AsyncSession
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    shown = await factories.create_file(session, item=item)
    private = await factories.create_file(session, is_private=True)
    document = await factories.create_file(session, mime_type="application/pdf")
    cmd = files.SetItemImages(item.id, (private.id, document.id, 999_999, private.id))

    # when
    with pytest.raises(RuleViolations) as refused:
        await files.set_item_images(db, principal_for(staff), cmd)

    # then
    assert [(v.code, v.field) for v in refused.value.violations] == [
        (UserErrorCode.INVALID, "fileIds"),
        (UserErrorCode.INVALID, "fileIds"),
        (UserErrorCode.NOT_FOUND, "fileIds"),
        (UserErrorCode.INVALID, "fileIds"),
    ]
    images = (await session.execute(sa.select(models.ItemImage.file_id))).scalars().all()
    assert images == [shown.id]
    assert await count(session, models.Activity) == 0


def test_signed_urls_expire_and_cannot_be_forged(store: files.FileStore) -> None:
    # given
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 1, 1, tzinfo=UTC)
    row = models.File(id=7, filename="a.pdf", stored_name="x.pdf", size=1, is_private=True)

    # when
    url = files.file_url(store, row, now)

    # then
    query = dict(part.split("=") for part in url.split("?")[1].split("&"))
    expires, signature = int(query["expires"]), query["signature"]
    assert url.startswith("/files/7/content?")
    assert expires == int((now + timedelta(hours=1)).timestamp())
    assert files.signature_valid(store, 7, expires, signature, now)
    assert not files.signature_valid(store, 8, expires, signature, now)
    assert not files.signature_valid(store, 7, expires + 1, signature, now)
    assert not files.signature_valid(store, 7, expires, signature, now + timedelta(hours=2))


async def test_changed_images_are_announced_to_the_back_office(
    db: OperationDB, session: AsyncSession, engine: AsyncEngine
) -> None:
    # given
    staff = await factories.create_staff(session)
    item = await factories.create_item(session)
    image = await factories.create_file(session)
    notified: list[dict[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "pg_notify" in statement:
            notified.extend(orjson.loads(p) for p in parameters if str(p).startswith("{"))

    sa.event.listen(engine.sync_engine, "before_cursor_execute", capture)

    # when
    try:
        await files.set_item_images(
            db, principal_for(staff), files.SetItemImages(item.id, (image.id,))
        )
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", capture)

    # then
    assert notified == [
        {
            "type": "entity_updated",
            "bundle": "item",
            "entity_id": item.id,
            "user_id": staff.id,
            "force_reload": False,
        }
    ]
