"""Page sizes and in-memory slicing for the loyalty connections."""

from __future__ import annotations

import base64
from typing import TypeVar

from gateway.errors import CodedError

T = TypeVar("T")
MAX_FIRST = 100
DEFAULT_FIRST = 20


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_FIRST
    if not 0 < first <= MAX_FIRST:
        raise CodedError("BAD_USER_INPUT", f"`first` must be 1 to {MAX_FIRST}.")
    return first


def slice_after(items: list[tuple[str, T]], first: int, after: str | None) -> tuple[list[tuple[str, T]], bool]:
    """The page after the cursor (an opaque encoding of the last id seen), and whether more follow."""
    cursors = [(base64.urlsafe_b64encode(key.encode()).decode(), item) for key, item in items]
    start = 0
    if after:
        start = next((i + 1 for i, (cursor, _) in enumerate(cursors) if cursor == after), len(cursors))
    chosen = cursors[start : start + first]
    return chosen, start + first < len(cursors)
