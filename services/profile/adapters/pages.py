"""Newest-first pages over (time, id), with opaque cursors: stable under concurrent inserts."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from c360.errors import InvalidInput

Document = dict[str, Any]


def cursor_of(moment: datetime, item_id: str) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{item_id}".encode()).decode()


def cursor_position(cursor: str) -> tuple[datetime, str]:
    """The (time, id) a cursor stands for."""
    try:
        moment_text, _, item_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(moment_text), item_id
    except ValueError as error:
        raise InvalidInput("INVALID_CURSOR", "The cursor is not one this service gave out.", "after") from error


def before_cursor(time_field: str, cursor: str) -> Document:
    """The filter for items after `cursor` in newest-first order."""
    moment, item_id = cursor_position(cursor)
    return {"$or": [{time_field: {"$lt": moment}}, {time_field: moment, "_id": {"$lt": item_id}}]}
