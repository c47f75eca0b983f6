"""An entry of the activity timeline: what happened to a customer, when, in one line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TimelineEntry:
    id: str  # the id of the event it was built from: a redelivered event adds nothing
    customer_id: str
    type: str
    occurred_at: datetime
    summary: str
