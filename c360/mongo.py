"""MongoDB access through PyMongo's async API, kept to what FerretDB 1.24 also supports."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

Document = dict[str, Any]
DUPLICATE_KEY = 11000


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


async def insert_new(collection: AsyncCollection[Document], docs: list[Document]) -> list[int]:
    """Inserts every document whose `_id` is not taken yet, in one bulk write; returns the positions of those
    refused as duplicates. Any other failure raises."""
    if not docs:
        return []
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as error:
        errors = error.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        return sorted(int(e["index"]) for e in errors)
    return []
