"""Notes in their own collection; NoteAdded rides in the new note's outbox."""

from __future__ import annotations

from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from c360.outbox import OutboxRecord, OutboxRelay, outbox_fields
from services.profile.adapters.document_locks import DocumentLocks
from services.profile.adapters.pages import before_cursor, cursor_of
from services.profile.domain.notes import Note

Document = dict[str, Any]


class MongoNotes:
    def __init__(self, database: AsyncDatabase[Document], locks: DocumentLocks) -> None:
        self.collection = database["notes"]
        self.locks = locks

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customer_id", 1), ("created_at", DESCENDING)], name="customer_notes")
        await OutboxRelay.ensure_indexes(self.collection)

    async def add(self, note: Note, events: list[OutboxRecord]) -> None:
        await self.collection.insert_one({**_document(note), **outbox_fields(events)})

    async def get(self, note_id: str) -> Note | None:
        doc = await self.collection.find_one({"_id": note_id}, {"outbox": 0})
        return _note(doc) if doc else None

    async def update_body(self, note: Note) -> bool:
        """Only the author's own note changes (the filter guards it even against a racing edit)."""
        async with self.locks.holding([note.id]):
            result = await self.collection.update_one(
                {"_id": note.id, "author_id": note.author_id},
                {"$set": {"body": note.body, "updated_at": note.updated_at}},
            )
        return result.matched_count == 1

    async def delete(self, note_id: str, author_id: str) -> bool:
        result = await self.collection.delete_one({"_id": note_id, "author_id": author_id})
        return result.deleted_count == 1

    async def delete_all_of(self, customer_id: str) -> None:
        await self.collection.delete_many({"customer_id": customer_id})

    async def page(self, customer_id: str, size: int, after: str) -> tuple[list[Note], str]:
        query: Document = {"customer_id": customer_id}
        if after:
            query = {"$and": [query, before_cursor("created_at", after)]}
        cursor = self.collection.find(query, {"outbox": 0}).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
        docs = [doc async for doc in cursor.limit(size + 1)]
        notes = [_note(doc) for doc in docs[:size]]
        more = len(docs) > size
        return notes, cursor_of(notes[-1].created_at, notes[-1].id) if more else ""


def _document(note: Note) -> Document:
    return {
        "_id": note.id,
        "customer_id": note.customer_id,
        "body": note.body,
        "author_id": note.author_id,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def _note(doc: Document) -> Note:
    return Note(doc["_id"], doc["customer_id"], doc["body"], doc["author_id"], doc["created_at"], doc["updated_at"])
