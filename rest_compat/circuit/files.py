"""B9 Files: ``GET /get-file/{fid}``, ``POST /files`` and ``POST /private-files``.

Uploads are staff only (token-mode callers: 403, A2.4). Both upload endpoints stream the
``file`` part through ``domain.files.store_upload``; a ``Content-Length`` beyond the limit is
refused with 413 before the body is read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from db import models
from db.session import OperationDB
from domain.files import StoreUpload, file_url, readable_file, store_upload
from domain.principal import Principal
from rest_compat.deps import RestState, caller, operation_db, rest_state
from rest_compat.errors import RestError
from rest_compat.query import path_id

router = APIRouter()

MULTIPART_SLACK = 64 * 1024
"""Room for the multipart envelope and small fields on top of the file itself."""


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


def _absolute(request: Request, path: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{path}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _url(request: Request, state: RestState, file: models.File) -> str:
    return _absolute(request, file_url(state.file_store, file, datetime.now(UTC)))


@router.get("/get-file/{fid}")
async def get_file(
    fid: str,
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B9.1: metadata and a download URL (signed for private files)."""
    file_id = path_id(fid)
    if file_id is None:
        raise RestError(404, "Resource not found", f"File with ID {fid} does not exist")
    file = await readable_file(db, principal, file_id)
    return _json(
        {
            "data": [
                {
                    "id": str(file.id),
                    "filename": file.filename,
                    "url": _url(request, state, file),
                    "filesize": str(file.size),
                    "size": file.size,
                    "filemime": file.mime_type,
                    "mime": file.mime_type,
                    "created": _iso(file.created_at),
                }
            ]
        }
    )


async def _upload(
    request: Request, db: OperationDB, principal: Principal, state: RestState, *, private: bool
) -> models.File:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "multipart/form-data":
        raise RestError(415, "Unsupported Media Type", "Send the file as multipart/form-data.")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > state.file_store.max_bytes + MULTIPART_SLACK:
        raise RestError(413, "Payload Too Large", "The file is larger than the configured maximum.")
    try:
        form = await request.form(max_files=1, max_fields=10)
    except MultiPartException as exc:
        raise RestError(400, "Bad Request", str(exc)) from exc
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise RestError(400, "The field 'file' is required", errors={"file": ["Required."]})
        name = form.get("filename") if private else None
        cmd = StoreUpload(
            filename=name if isinstance(name, str) and name else upload.filename,
            content_type=upload.content_type,
            private=private,
        )
        return await store_upload(db, principal, state.file_store, upload, cmd)
    finally:
        await form.close()


@router.post("/files", status_code=201)
async def upload_file(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B9.2: store a public file (an item image, say)."""
    file = await _upload(request, db, principal, state, private=False)
    body = {
        "id": str(file.id),
        "fid": str(file.id),
        "url": _url(request, state, file),
        "filename": file.filename,
        "filesize": str(file.size),
        "filemime": file.mime_type,
    }
    location = _absolute(request, f"/api/v1.0/get-file/{file.id}")
    return _json({"data": [body]}, 201, {"Location": location})


@router.post("/private-files", status_code=201)
async def upload_private_file(
    request: Request,
    db: OperationDB = Depends(operation_db),
    principal: Principal = Depends(caller),
    state: RestState = Depends(rest_state),
) -> Response:
    """B9.3: store a private file; its ``url`` is signed and short-lived."""
    file = await _upload(request, db, principal, state, private=True)
    body = {
        "id": str(file.id),
        "filename": file.filename,
        "url": _url(request, state, file),
        "size": file.size,
    }
    location = _absolute(request, f"/api/v1.0/get-file/{file.id}")
    return _json({"data": body}, 201, {"Location": location})
