"""``GET /files/{id}/content``: the bytes of a file, for the caller or a signed URL's holder.

Public files are served to anyone; private ones to a caller who may read them (bearer token or
``?access_token=``) or with a valid ``expires`` + ``signature`` pair (``domain.files``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from db.session import OperationDB
from domain.files import IMAGE_TYPES, open_download
from domain.principal import Principal
from rest_compat.deps import RestState, operation_db, optional_caller, rest_state
from rest_compat.errors import RestError
from rest_compat.query import path_id

router = APIRouter()

_INLINE_TYPES = IMAGE_TYPES | {"application/pdf"}


@router.get("/files/{file_id}/content", include_in_schema=False)
async def file_content(
    file_id: str,
    expires: int | None = None,
    signature: str | None = None,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(optional_caller),
    state: RestState = Depends(rest_state),
) -> FileResponse:
    if path_id(file_id) is None:
        raise RestError(404, "Resource not found", f"File with ID {file_id} does not exist")
    download = await open_download(
        db,
        principal,
        state.file_store,
        int(file_id),
        datetime.now(UTC),
        expires=expires,
        signature=signature,
    )
    file = download.file
    return FileResponse(
        download.path,
        media_type=file.mime_type,
        filename=file.filename,
        content_disposition_type="inline" if file.mime_type in _INLINE_TYPES else "attachment",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, max-age=3600"
            if file.is_private
            else "public, max-age=86400",
        },
    )
