"""Notes agents leave on a customer: anyone reads them, only the author changes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from c360.errors import Forbidden, InvalidInput
from services.profile.domain.customer import capped

MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class Note:
    id: str
    customer_id: str
    body: str
    author_id: str
    created_at: datetime
    updated_at: datetime


def checked_body(raw: str) -> str:
    body = capped(raw, "body", MAX_NOTE_LENGTH)
    if not body:
        raise InvalidInput("REQUIRED", "A note needs a body.", "body")
    return body


def checked_author(author_id: str) -> str:
    if not author_id:
        raise Forbidden("Notes need an authenticated author.", field="noteId")
    return author_id


def ensure_author(note: Note, author_id: str) -> None:
    if note.author_id != author_id:
        raise Forbidden("Only the author may change or delete this note.", field="noteId")
