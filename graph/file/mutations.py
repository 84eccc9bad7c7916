"""File mutations: ``uploadFile`` (GraphQL multipart request spec), ``deleteFile`` and
``setItemImages``. Staff only: bidders do not upload (REST token mode allows no such write)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from starlette.datastructures import UploadFile
from strawberry import relay
from strawberry.file_uploads import Upload

from db import models
from domain import errors
from domain.files import (
    AttachFile,
    Attachment,
    FileStore,
    SetItemImages,
    StoreUpload,
    attach_file,
    delete_file,
    set_item_images,
    store_upload,
)
from graph.context import Info
from graph.errors import BadUserInputError, GavelError, from_domain
from graph.file.types import File
from graph.filtering import database_id, decode_id, decode_ids
from graph.payloads import UserError, user_errors
from graph.permissions import STAFF

if TYPE_CHECKING:
    from graph.item.types import Item

ATTACHABLE_TYPES: dict[str, models.EntityType] = {
    "Client": models.EntityType.CLIENT,
    "Address": models.EntityType.ADDRESS,
    "Sale": models.EntityType.SALE,
    "Item": models.EntityType.ITEM,
    "Bid": models.EntityType.BID,
    "Order": models.EntityType.ORDER,
    "Consignment": models.EntityType.CONSIGNMENT,
    "Transaction": models.EntityType.TRANSACTION,
    "Note": models.EntityType.NOTE,
    "User": models.EntityType.USER,
}


@strawberry.input(description="A file to upload, sent as a multipart request part.")
class UploadFileInput:
    file: Upload = strawberry.field(
        description="The file (GraphQL multipart request spec). Its type is detected from its "
        "content for images and PDF; the declared type is a hint only."
    )
    private: bool = strawberry.field(
        default=False,
        description="Private files are served only to staff and to the client the entity "
        "belongs to (or through a signed URL).",
    )
    entity_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The entity to attach the file to (any node: item, client, order, …). A "
        "public image attached to an item is appended to the item's images.",
    )


@strawberry.type(description="The result of `uploadFile`.")
class UploadFilePayload:
    file: File | None = strawberry.field(
        default=None, description="The stored file; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the upload was refused (FILE_TOO_LARGE, FILE_TYPE_NOT_ALLOWED, "
        "UPLOADS_DISABLED, INVALID for an empty file, NOT_FOUND for an unknown entity); "
        "nothing was stored.",
    )


@strawberry.input(description="The file to delete.")
class DeleteFileInput:
    file_id: strawberry.ID = strawberry.field(description="The file.")


@strawberry.type(description="The result of `deleteFile`.")
class DeleteFilePayload:
    deleted_file_id: strawberry.ID | None = strawberry.field(
        default=None, description="The global ID of the deleted file."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Always empty: deleting a file breaks no rule."
    )


@strawberry.input(description="Where a file belongs.")
class AttachFileInput:
    file_id: strawberry.ID = strawberry.field(description="The file.")
    entity_id: strawberry.ID | None = strawberry.field(
        description="The entity to attach it to (any node: item, client, order, …); null "
        "detaches it. An image that leaves an item also leaves the item's images."
    )


@strawberry.type(description="The result of `attachFile`.")
class AttachFilePayload:
    file: File | None = strawberry.field(default=None, description="The file; null if refused.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the file was not moved (NOT_FOUND: unknown entity); nothing changed.",
    )


@strawberry.input(description="An item's images, in display order.")
class SetItemImagesInput:
    item_id: strawberry.ID = strawberry.field(description="The item.")
    file_ids: list[strawberry.ID] = strawberry.field(
        description="Public image files, first shown first; replaces the current list (an "
        "empty list removes every image)."
    )


@strawberry.type(description="The result of `setItemImages`.")
class SetItemImagesPayload:
    _item: strawberry.Private[models.Item | None] = None
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Files that cannot be images of the item (NOT_FOUND, INVALID: listed "
        "twice, private, not an image, attached elsewhere); nothing changed.",
    )

    @strawberry.field(description="The item with its images in the new order.")
    def item(self) -> Annotated[Item, strawberry.lazy("graph.item.types")] | None:
        return self._item


def _store(info: Info) -> FileStore:
    store = info.context.file_store
    if store is None:
        raise GavelError("File storage is not configured.")
    return store


def _attachment(entity_id: strawberry.ID | None) -> Attachment | None:
    if entity_id is None:
        return None
    try:
        gid = relay.GlobalID.from_id(entity_id)
        entity_type = ATTACHABLE_TYPES[gid.type_name]
        return Attachment(entity_type, database_id(gid.node_id))
    except (ValueError, KeyError):
        raise BadUserInputError(
            "`entityId` must be the ID of an entity files attach to", field="entityId"
        ) from None


@strawberry.type
class FileMutations:
    @strawberry.mutation(
        description="Upload a file (multipart request with a `GraphQL-Require-Preflight` or "
        "`Authorization` header). Size and type are limited by the server. Staff only.",
        permission_classes=STAFF,
    )
    async def upload_file(self, info: Info, input: UploadFileInput) -> UploadFilePayload:
        context = info.context
        upload = input.file
        if not isinstance(upload, UploadFile):  # Strawberry on FastAPI hands Starlette's class
            raise BadUserInputError("`file` must be a multipart file part", field="file")
        cmd = StoreUpload(
            filename=upload.filename,
            content_type=upload.content_type,
            private=input.private,
            attach_to=_attachment(input.entity_id),
        )
        try:
            row = await store_upload(context.db, context.principal, _store(info), upload, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return UploadFilePayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        context.loaders.file_by_id.clear(row.id).prime(row.id, row)
        if cmd.attach_to is not None and cmd.attach_to.entity_type is models.EntityType.ITEM:
            context.loaders.images_by_item_id.clear(cmd.attach_to.entity_id)
        return UploadFilePayload(file=row)  # type: ignore[arg-type]  # rows resolve as nodes

    @strawberry.mutation(
        description="Delete a file, its content and its place among item images. Staff only.",
        permission_classes=STAFF,
    )
    async def delete_file(self, info: Info, input: DeleteFileInput) -> DeleteFilePayload:
        context = info.context
        file_id = decode_id(input.file_id, "File", "fileId")
        try:
            await delete_file(context.db, context.principal, _store(info), file_id)
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        context.loaders.file_by_id.clear(file_id)
        return DeleteFilePayload(deleted_file_id=input.file_id)

    @strawberry.mutation(
        description="Attach a file to an entity, or detach it. Staff only.",
        permission_classes=STAFF,
    )
    async def attach_file(self, info: Info, input: AttachFileInput) -> AttachFilePayload:
        context = info.context
        cmd = AttachFile(
            file_id=decode_id(input.file_id, "File", "fileId"),
            attach_to=_attachment(input.entity_id),
        )
        try:
            row = await attach_file(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return AttachFilePayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        context.loaders.file_by_id.clear(row.id).prime(row.id, row)
        return AttachFilePayload(file=row)  # type: ignore[arg-type]  # rows resolve as nodes

    @strawberry.mutation(
        description="Set an item's images and their order. Staff only.",
        permission_classes=STAFF,
    )
    async def set_item_images(self, info: Info, input: SetItemImagesInput) -> SetItemImagesPayload:
        context = info.context
        cmd = SetItemImages(
            item_id=decode_id(input.item_id, "Item", "itemId"),
            file_ids=tuple(decode_ids(input.file_ids, "File", "fileIds")),
        )
        try:
            result = await set_item_images(context.db, context.principal, cmd)
        except (errors.RuleViolation, errors.RuleViolations) as exc:
            return SetItemImagesPayload(errors=user_errors(errors.violations_of(exc)))
        except (errors.Forbidden, errors.NotFound, errors.Unauthenticated) as exc:
            raise from_domain(exc) from exc
        loaders = context.loaders
        loaders.item_by_id.clear(result.item.id).prime(result.item.id, result.item)
        loaders.images_by_item_id.clear(result.item.id)
        for row in result.files:
            loaders.file_by_id.clear(row.id).prime(row.id, row)
        return SetItemImagesPayload(_item=result.item)
