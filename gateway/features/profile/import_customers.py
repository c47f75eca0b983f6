"""importCustomers: streams the uploaded CSV to the profile service in chunks (never whole in memory).

The service answers with the job as soon as the file is in; importJob(id) shows its progress.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from customer360.profile.v1 import profile_pb2
from strawberry.file_uploads import Upload

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.profile.catalog_types import ImportJob, ImportPayload
from gateway.mutations import call_backend

CHUNK_BYTES = 256 * 1024


async def upload_chunks(file: Any, dry_run: bool) -> AsyncIterator[profile_pb2.ImportChunk]:
    name = str(getattr(file, "filename", "") or "")
    first = True
    while True:
        data = await file.read(CHUNK_BYTES)
        if not data and not first:
            return
        yield profile_pb2.ImportChunk(data=data, dry_run=dry_run, file_name=name if first else "")
        first = False
        if not data:
            return


async def import_customers(info: GatewayInfo, file: Upload, dry_run: bool | None = False) -> ImportPayload:
    c = info.context
    # Uploads can be large: the file's transfer gets a generous deadline of its own.
    call = c.backends.profile.ImportCustomers(upload_chunks(file, bool(dry_run)), timeout=max(c.timeout(), 300.0))
    reply = await call_backend(call, "profile", [])
    if isinstance(reply, UserError):
        return ImportPayload(user_errors=[reply])
    return ImportPayload(job=ImportJob(job=reply))
