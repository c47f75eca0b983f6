"""MongoDB access through PyMongo's async API, kept to what FerretDB 1.24 also supports."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

Document = dict[str, Any]


def connect(uri: str, app_name: str) -> AsyncMongoClient[Document]:
    """Lazily connecting client: nothing touches the network until the first command."""
    return AsyncMongoClient(uri, appname=app_name, tz_aware=True, connect=False)


def duplicate_key_fields(error: DuplicateKeyError) -> set[str]:
    """The fields of the unique index that refused a write, from the server's error details."""
    details = error.details or {}
    pattern = details.get("keyPattern") or details.get("keyValue") or {}
    if pattern:
        return set(pattern)
    message = str(details.get("errmsg", error))
    # FerretDB names the index rather than the key pattern; our index names are "<field>_unique".
    return {word.removesuffix("_unique") for word in message.replace('"', " ").split() if word.endswith("_unique")}
