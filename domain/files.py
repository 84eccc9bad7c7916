"""Uploaded files: storage with limits, item images, attachments and signed download URLs.

Storage. An upload is streamed in chunks to ``FileStore.root`` under a generated name (a UUID
plus an extension chosen from the *detected* type), never under anything the client sent; the
client's file name is only kept, sanitized, as the display ``filename``. Reading stops as soon as
the size limit is passed, and the partial file is deleted.

Types. For images (JPEG, PNG, GIF, WebP) and PDF the type is detected from the content's magic
bytes and the declared ``Content-Type`` is ignored: a file that claims ``image/png`` but does not
start like one is refused, and a PNG sent as ``text/plain`` is stored as ``image/png``. Other
allowed types (plain text, CSV) have no signature; they are accepted on their declared type only
if they contain no NUL byte in their first chunk. Downloads are served with
``X-Content-Type-Options: nosniff``, so a browser never reinterprets a stored file as HTML.

Transactions. The ``File`` row and its activity row are written in one transaction after the
bytes are on disk; if that transaction fails, the stored file is removed. A deleted file's bytes
are removed only after its row's deletion has committed.

Private files. Readable by staff, and by a bidder when attached to one of their own client's
entities (``db.queries.visibility.readable_files``). A browser cannot send a bearer header on a
plain link, so ``url`` fields of private files carry a signature instead:
``?expires=<unix seconds>&signature=<HMAC-SHA256>``, valid for ``FileStore.url_ttl`` (an hour by
default) and keyed by a key derived from the server's secret key.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.queries.file import (
    entity_exists,
    file_by_id,
    files_by_ids,
    image_ids_of_item,
    item_ids_showing_file,
    lock_files,
    replace_item_images,
)
from db.queries.item import lock_item
from db.session import OperationDB
from domain.audit import record, record_created, record_deleted, record_updated, snapshot
from domain.errors import Forbidden, NotFound, RuleViolation, RuleViolations, UserErrorCode
from domain.principal import Principal
from realtime.events import EntityUpdated
from realtime.publish import publish

CHUNK_SIZE = 64 * 1024
MAX_FILENAME_LENGTH = 255
OCTET_STREAM = "application/octet-stream"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
SNIFFED_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})
"""Types recognised by their content; a declared one of these is never trusted."""

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/csv": ".csv",
}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


class Upload(Protocol):
    """An uploaded stream: Starlette's ``UploadFile`` (REST and Strawberry on FastAPI)."""

    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True, slots=True)
class FileStore:
    """Where files go and what is accepted (built from settings by the server)."""

    root: Path
    secret_key: bytes
    max_bytes: int = 50 * 1024 * 1024
    allowed_types: frozenset[str] = frozenset(EXTENSIONS)
    enabled: bool = True
    url_ttl: timedelta = timedelta(hours=1)

    def path_of(self, file: models.File) -> Path:
        """Where the file's bytes are (its generated name, inside the root)."""
        return self.root / Path(file.stored_name).name


@dataclass(frozen=True, slots=True)
class Attachment:
    """The entity a file belongs to."""

    entity_type: models.EntityType
    entity_id: int


@dataclass(frozen=True, slots=True)
class StoreUpload:
    """An upload: the client's file name and type are hints only."""

    filename: str | None
    content_type: str | None = None
    private: bool = False
    attach_to: Attachment | None = None


@dataclass(frozen=True, slots=True)
class SetItemImages:
    """The item's images, in display order (replaces the previous list)."""

    item_id: int
    file_ids: tuple[int, ...]


@dataclass(slots=True)
class ItemImages:
    """The item and its image files after ``set_item_images``."""

    item: models.Item
    files: list[models.File] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Download:
    """A readable file and where its bytes are."""

    file: models.File
    path: Path


@dataclass(frozen=True, slots=True)
class _Received:
    stored_name: str
    mime_type: str
    size: int


def display_name(raw: str | None) -> str:
    """The client's file name reduced to a safe display name.

    Directory parts (``/`` and ``\\``), control and format characters, leading dots and
    trailing dots and spaces are dropped: ``../../etc/passwd`` becomes ``passwd``. It is only
    ever shown, never used as a path.
    """
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.lstrip(". ").rstrip(". ")
    if not name:
        return "file"
    if len(name) > MAX_FILENAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        suffix = f".{ext}" if dot and len(ext) <= 16 else ""
        name = (stem if suffix else name)[: MAX_FILENAME_LENGTH - len(suffix)] + suffix
    return name


def detect_type(head: bytes, declared: str | None) -> str:
    """The file's MIME type from its first bytes; the declared type only for unsniffable ones."""
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    claimed = (declared or "").split(";", 1)[0].strip().lower()
    if not claimed or claimed in SNIFFED_TYPES or b"\x00" in head:
        return OCTET_STREAM
    return claimed


def _size_text(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{size} bytes"


async def _read_head(upload: Upload) -> bytes:
    """At least 16 bytes (enough for every signature) unless the stream is shorter."""
    head = b""
    while len(head) < 16:
        chunk = await upload.read(CHUNK_SIZE)
        if not chunk:
            break
        head += chunk
    return head


async def _receive(store: FileStore, upload: Upload, declared: str | None) -> _Received:
    """Stream the upload to a new file under a generated name; nothing is left on refusal."""
    head = await _read_head(upload)
    if not head:
        raise RuleViolation(UserErrorCode.INVALID, "The file is empty.", "file")
    mime = detect_type(head, declared)
    if mime not in store.allowed_types:
        allowed = ", ".join(sorted(store.allowed_types))
        raise RuleViolation(
            UserErrorCode.FILE_TYPE_NOT_ALLOWED,
            f"Files of type {mime} are not accepted (allowed: {allowed}).",
            "file",
        )
    await asyncio.to_thread(store.root.mkdir, parents=True, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}{EXTENSIONS.get(mime, '.bin')}"
    path = store.root / stored_name
    out: BinaryIO = await asyncio.to_thread(path.open, "xb")  # "x": never overwrite
    size = 0
    try:
        try:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > store.max_bytes:
                    raise RuleViolation(
                        UserErrorCode.FILE_TOO_LARGE,
                        f"The file is larger than the maximum of {_size_text(store.max_bytes)}.",
                        "file",
                    )
                await asyncio.to_thread(out.write, chunk)
                chunk = await upload.read(CHUNK_SIZE)
        finally:
            await asyncio.to_thread(out.close)
    except BaseException:
        await _remove(path)
        raise
    return _Received(stored_name=stored_name, mime_type=mime, size=size)


async def _remove(path: Path) -> None:
    await asyncio.to_thread(path.unlink, missing_ok=True)


def _require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("Only staff may manage files.")


async def store_upload(
    db: OperationDB, principal: Principal, store: FileStore, upload: Upload, cmd: StoreUpload
) -> models.File:
    """Store an upload and its ``File`` row (and activity row); staff only.

    Refusals are ``RuleViolation``s: ``UPLOADS_DISABLED``, ``FILE_TYPE_NOT_ALLOWED``,
    ``FILE_TOO_LARGE``, an empty file, or an unknown entity to attach to (``NOT_FOUND``). An
    image uploaded public and attached to an item is appended to the item's images.
    """
    _require_staff(principal)
    if not store.enabled:
        raise RuleViolation(
            UserErrorCode.UPLOADS_DISABLED, "File uploads are disabled on this server.", "file"
        )
    filename = display_name(cmd.filename)
    received = await _receive(store, upload, cmd.content_type)
    try:
        async with db.transaction() as session:
            target = cmd.attach_to
            if target is not None and not await entity_exists(
                db, target.entity_type, target.entity_id
            ):
                raise RuleViolation(
                    UserErrorCode.NOT_FOUND,
                    f"No {target.entity_type.value} with ID {target.entity_id} to attach to.",
                    "entityId",
                )
            row = models.File(
                filename=filename,
                stored_name=received.stored_name,
                mime_type=received.mime_type,
                size=received.size,
                is_private=cmd.private,
                entity_type=target.entity_type if target is not None else None,
                entity_id=target.entity_id if target is not None else None,
                uploaded_by_id=principal.user_id,
            )
            session.add(row)
            await session.flush()
            await record_created(session, principal, models.EntityType.FILE, row)
            if (
                target is not None
                and target.entity_type is models.EntityType.ITEM
                and not cmd.private
                and row.mime_type in IMAGE_TYPES
            ):
                before = await image_ids_of_item(db, target.entity_id)
                await _show_images(db, principal, target.entity_id, before, [*before, row.id])
            await _announce(session, principal, _attachment_of(row))
    except BaseException:
        await _remove(store.root / received.stored_name)
        raise
    return row


async def _show_images(
    db: OperationDB, principal: Principal, item_id: int, before: list[int], after: list[int]
) -> None:
    await replace_item_images(db, item_id, after)
    session = db.session
    await record(
        session,
        principal,
        "set_images",
        models.EntityType.ITEM,
        item_id,
        {"images": {"before": before, "after": after}},
    )


ANNOUNCED_TYPES = frozenset(
    {
        models.EntityType.ITEM,
        models.EntityType.CLIENT,
        models.EntityType.SALE,
        models.EntityType.ORDER,
        models.EntityType.CONSIGNMENT,
    }
)
"""Entities whose back-office views hear of their files changing (``EntityUpdated``)."""


async def _announce(
    session: AsyncSession, principal: Principal, touched: set[tuple[models.EntityType, int]]
) -> None:
    """Publish ``EntityUpdated`` once per touched entity that back-office views follow."""
    for entity_type, entity_id in sorted(touched):
        if entity_type in ANNOUNCED_TYPES:
            event = EntityUpdated(
                bundle=entity_type.value, entity_id=entity_id, user_id=principal.user_id
            )
            await publish(session, event)


def _attachment_of(row: models.File) -> set[tuple[models.EntityType, int]]:
    if row.entity_type is None or row.entity_id is None:
        return set()
    return {(row.entity_type, row.entity_id)}


async def delete_file(
    db: OperationDB, principal: Principal, store: FileStore, file_id: int
) -> models.File:
    """Delete a file (and its place among item images); staff only.

    The bytes are removed after the row's deletion commits, so a rollback never loses content.
    """
    _require_staff(principal)
    async with db.transaction() as session:
        found = await lock_files(db, [file_id])
        if not found:
            raise NotFound(f"File with ID {file_id} does not exist")
        row = found[0]
        touched = _attachment_of(row)
        for item_id in await item_ids_showing_file(db, file_id):
            before = await image_ids_of_item(db, item_id)
            await _show_images(db, principal, item_id, before, [i for i in before if i != file_id])
            touched.add((models.EntityType.ITEM, item_id))
        await record_deleted(session, principal, models.EntityType.FILE, row)
        await session.delete(row)
        await _announce(session, principal, touched)
    await _remove(store.path_of(row))
    return row


async def set_item_images(db: OperationDB, principal: Principal, cmd: SetItemImages) -> ItemImages:
    """Make ``cmd.file_ids`` the item's images in that order; staff only.

    Each file must exist, be a public image, and be unattached or attached to this item;
    unattached files become attached to it. Every broken rule is reported at once.
    """
    _require_staff(principal)
    async with db.transaction() as session:
        item = await lock_item(db, cmd.item_id)
        if item is None:
            raise NotFound(f"Item with ID {cmd.item_id} does not exist")
        files = {row.id: row for row in await lock_files(db, cmd.file_ids)}
        violations = _image_violations(cmd, files)
        if violations:
            raise RuleViolations(violations)
        for file_id in cmd.file_ids:
            row = files[file_id]
            if row.entity_type is None:
                before_row = snapshot(row, ("entity_type", "entity_id"))
                row.entity_type, row.entity_id = models.EntityType.ITEM, item.id
                await record_updated(session, principal, models.EntityType.FILE, row, before_row)
        await session.flush()
        before = await image_ids_of_item(db, item.id)
        after = list(cmd.file_ids)
        if before != after:
            await _show_images(db, principal, item.id, before, after)
            await _announce(session, principal, {(models.EntityType.ITEM, item.id)})
    return ItemImages(item=item, files=[files[file_id] for file_id in cmd.file_ids])


@dataclass(frozen=True, slots=True)
class AttachFile:
    """Attach a file to an entity, or detach it (``attach_to`` None)."""

    file_id: int
    attach_to: Attachment | None


async def attach_file(db: OperationDB, principal: Principal, cmd: AttachFile) -> models.File:
    """Move a file to another entity (any kind); staff only.

    An image that leaves an item also leaves that item's images.
    """
    _require_staff(principal)
    async with db.transaction() as session:
        found = await lock_files(db, [cmd.file_id])
        if not found:
            raise NotFound(f"File with ID {cmd.file_id} does not exist")
        row = found[0]
        target = cmd.attach_to
        if target is not None and not await entity_exists(db, target.entity_type, target.entity_id):
            raise RuleViolation(
                UserErrorCode.NOT_FOUND,
                f"No {target.entity_type.value} with ID {target.entity_id} to attach to.",
                "entityId",
            )
        before_row = snapshot(row, ("entity_type", "entity_id"))
        touched = _attachment_of(row)
        row.entity_type = target.entity_type if target is not None else None
        row.entity_id = target.entity_id if target is not None else None
        for item_id in await item_ids_showing_file(db, row.id):
            if target is None or target != Attachment(models.EntityType.ITEM, item_id):
                before = await image_ids_of_item(db, item_id)
                after = [i for i in before if i != row.id]
                await _show_images(db, principal, item_id, before, after)
                touched.add((models.EntityType.ITEM, item_id))
        changed = await record_updated(session, principal, models.EntityType.FILE, row, before_row)
        await session.flush()
        if changed is not None:
            await _announce(session, principal, touched | _attachment_of(row))
    return row


def _image_violations(cmd: SetItemImages, files: dict[int, models.File]) -> list[RuleViolation]:
    violations: list[RuleViolation] = []

    def refuse(code: UserErrorCode, message: str) -> None:
        violations.append(RuleViolation(code, message, "fileIds"))

    seen: set[int] = set()
    for file_id in cmd.file_ids:
        if file_id in seen:
            refuse(UserErrorCode.INVALID, f"File {file_id} is listed twice.")
            continue
        seen.add(file_id)
        row = files.get(file_id)
        if row is None:
            refuse(UserErrorCode.NOT_FOUND, f"File with ID {file_id} does not exist.")
        elif row.is_private:
            refuse(UserErrorCode.INVALID, f"File {file_id} is private; images are public.")
        elif row.mime_type not in IMAGE_TYPES:
            refuse(UserErrorCode.INVALID, f"File {file_id} is not an image ({row.mime_type}).")
        elif row.entity_type is not None and (
            row.entity_type is not models.EntityType.ITEM or row.entity_id != cmd.item_id
        ):
            refuse(UserErrorCode.INVALID, f"File {file_id} belongs to another entity.")
    return violations


async def readable_file(db: OperationDB, principal: Principal, file_id: int) -> models.File:
    """The file if the caller may read it: ``NotFound`` if unknown, ``Forbidden`` if private."""
    rows = await files_by_ids(db, principal, [file_id])
    if rows[0] is not None:
        found: models.File = rows[0]
        return found
    if await file_by_id(db, file_id) is None:
        raise NotFound(f"File with ID {file_id} does not exist")
    raise Forbidden("You may not read this file.")


async def open_download(
    db: OperationDB,
    principal: Principal,
    store: FileStore,
    file_id: int,
    now: datetime,
    *,
    expires: int | None = None,
    signature: str | None = None,
) -> Download:
    """The file's bytes for the caller, or for anyone holding a valid signed URL."""
    if (
        expires is not None
        and signature is not None
        and signature_valid(store, file_id, expires, signature, now)
    ):
        row = await file_by_id(db, file_id)
        if row is None:
            raise NotFound(f"File with ID {file_id} does not exist")
    else:
        row = await readable_file(db, principal, file_id)
    path = store.path_of(row)
    if not await asyncio.to_thread(path.is_file):
        raise NotFound(f"The content of file {file_id} is missing")
    return Download(file=row, path=path)


def content_path(file_id: int) -> str:
    """Where a file's content is served, relative to the API host."""
    return f"/files/{file_id}/content"


def _url_key(store: FileStore) -> bytes:
    # A key of its own, so a URL signature can never stand in for an access token.
    return hmac.new(store.secret_key, b"gavel-file-urls", hashlib.sha256).digest()


def _signature(store: FileStore, file_id: int, expires: int) -> str:
    message = f"{file_id}:{expires}".encode()
    return hmac.new(_url_key(store), message, hashlib.sha256).hexdigest()


def signature_valid(
    store: FileStore, file_id: int, expires: int, signature: str, now: datetime
) -> bool:
    """Whether ``signature`` signs this file and ``expires`` has not passed."""
    if expires < int(now.timestamp()):
        return False
    return hmac.compare_digest(_signature(store, file_id, expires), signature)


def file_url(store: FileStore, file: models.File, now: datetime) -> str:
    """The content URL to hand out: stable for public files, signed and short-lived otherwise."""
    path = content_path(file.id)
    if not file.is_private:
        return path
    expires = int((now + store.url_ttl).timestamp())
    return f"{path}?expires={expires}&signature={_signature(store, file.id, expires)}"
