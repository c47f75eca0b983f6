"""Keyset pagination, newest first: a cursor is the (time, id) of the last item seen."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Document = dict[str, Any]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool


def cursor_of(moment: datetime, doc_id: str) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{doc_id}".encode()).decode()


def parse_cursor(cursor: str) -> tuple[datetime, str] | None:
    try:
        moment, _, doc_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(moment), doc_id
    except (ValueError, UnicodeDecodeError):
        return None


def page_filter(query: Document, time_field: str, after: str) -> Document:
    """Narrows `query` to the items after the cursor (an unreadable cursor starts from the top)."""
    position = parse_cursor(after) if after else None
    if position is None:
        return query
    moment, doc_id = position
    return {
        **query,
        "$or": [{time_field: {"$lt": moment}}, {time_field: moment, "_id": {"$lt": doc_id}}],
    }


def page_of(items: list[T], docs: Sequence[Document], time_field: str, first: int) -> Page[T]:
    return Page(
        items=items[:first],
        cursors=[cursor_of(d[time_field], d["_id"]) for d in docs[:first]],
        has_next_page=len(docs) > first,
    )
