"""Notes in their own collection; each note's events (NoteAdded, NoteEdited, NoteDeleted) ride in its outbox.

A deleted note stays as a bodiless tombstone only until its NoteDeleted is
published (NotesOutboxRelay then removes it), so the event survives a crash.
Every write reads and writes the note by `_id` alone, under the note's lock:
FerretDB pushes down no other filter and does not isolate a guarded update.
"""

from __future__ import annotations

from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from c360.outbox import OutboxRecord, OutboxRelay, outbox_fields, outbox_push
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
        return _note(doc) if doc and not doc.get("deleted") else None

    async def update_body(self, note: Note, events: list[OutboxRecord]) -> bool:
        """Rewrites the author's own note with its event; False when it is gone (or not theirs)."""
        async with self.locks.holding([note.id]):
            if not await self._live_note_of(note.id, note.author_id):
                return False
            changes: Document = {"body": note.body, "updated_at": note.updated_at}
            await self.collection.update_one({"_id": note.id}, _with_events(changes, events))
        return True

    async def delete(self, note_id: str, author_id: str, events: list[OutboxRecord]) -> bool:
        """Leaves a bodiless tombstone carrying the NoteDeleted event; False when it is gone (or not theirs)."""
        async with self.locks.holding([note_id]):
            if not await self._live_note_of(note_id, author_id):
                return False
            await self.collection.update_one({"_id": note_id}, _with_events({"deleted": True, "body": ""}, events))
        return True

    async def _live_note_of(self, note_id: str, author_id: str) -> bool:
        doc = await self.collection.find_one({"_id": note_id}, {"author_id": 1, "deleted": 1})
        return doc is not None and not doc.get("deleted") and doc["author_id"] == author_id

    async def delete_all_of(self, customer_id: str) -> None:
        await self.collection.delete_many({"customer_id": customer_id})

    async def page(self, customer_id: str, size: int, after: str) -> tuple[list[Note], str]:
        query: Document = {"customer_id": customer_id, "deleted": {"$ne": True}}
        if after:
            query = {"$and": [query, before_cursor("created_at", after)]}
        cursor = self.collection.find(query, {"outbox": 0}).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
        docs = [doc async for doc in cursor.limit(size + 1)]
        notes = [_note(doc) for doc in docs[:size]]
        more = len(docs) > size
        return notes, cursor_of(notes[-1].created_at, notes[-1].id) if more else ""


def _with_events(changes: Document, events: list[OutboxRecord]) -> Document:
    push = outbox_push(events)
    return {"$set": {**changes, **push["$set"]}, "$push": push["$push"]}


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
