"""App inbox items: NEW until read, EXPIRED once past their expiry whatever else happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from c360.errors import PreconditionFailed

SHORT_DESCRIPTION_LENGTH = 140


class InboxStatus(Enum):
    NEW = "NEW"
    READ = "READ"
    EXPIRED = "EXPIRED"


@dataclass
class InboxItem:
    id: str
    customer_id: str
    title: str
    short_description: str
    distributed_at: datetime
    expires_at: datetime | None
    read_at: datetime | None = None

    def status(self, now: datetime) -> InboxStatus:
        if self.expires_at is not None and self.expires_at <= now:
            return InboxStatus.EXPIRED
        return InboxStatus.READ if self.read_at else InboxStatus.NEW

    def check_can_mark_read(self, now: datetime) -> None:
        if self.status(now) is InboxStatus.EXPIRED:
            raise PreconditionFailed("INBOX_EXPIRED", "This inbox message has expired.", "messageId")


def short_description(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SHORT_DESCRIPTION_LENGTH:
        return text
    return text[: SHORT_DESCRIPTION_LENGTH - 1].rstrip() + "…"
