"""Receives an uploaded CSV chunk by chunk onto disk, refusing a wrong encoding or header up front.

Nothing is held in memory but the chunk in hand, and a refused file is refused
before any row is written, so nothing partial is ever stored.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from c360.errors import InvalidInput
from services.profile.domain.csv_format import checked_header

MAX_FILE_BYTES = 200 * 1024 * 1024


async def spool(chunks: AsyncIterator[bytes]) -> Path:
    """The spooled file (UTF-8, BOM allowed); INVALID_ENCODING, INVALID_HEADER or EMPTY_FILE otherwise."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    handle, name = tempfile.mkstemp(prefix="c360-import-", suffix=".csv")
    path, size, head = Path(name), 0, ""
    try:
        with os.fdopen(handle, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise InvalidInput("FILE_TOO_LARGE", f"At most {MAX_FILE_BYTES // 2**20} MB per file.", "file")
                text = _decoded(decoder, chunk, final=False)
                if "\n" not in head:
                    head += text
                out.write(chunk)
            _decoded(decoder, b"", final=True)
        first_line = head.lstrip("\r\n").split("\n", 1)[0]
        if not first_line.strip():
            raise InvalidInput("EMPTY_FILE", "The file has no header row.", "file")
        checked_header(next(csv.reader([first_line])))
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(path)
        raise
    return path


def _decoded(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool) -> str:
    try:
        return decoder.decode(chunk, final=final)
    except UnicodeDecodeError as error:
        raise InvalidInput("INVALID_ENCODING", "The file is not UTF-8 text.", "file") from error
