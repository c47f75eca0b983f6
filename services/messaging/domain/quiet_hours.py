"""Quiet hours: non-urgent messages wait until the customer's local morning; urgent ones (OTPs) never wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class QuietHours:
    start: time  # e.g. 21:00
    end: time  # e.g. 08:00 (the next morning when earlier than start)

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """`"21:00-08:00"`; an empty text means no quiet hours."""
        if not text.strip():
            return None
        start, _, end = text.partition("-")
        return cls(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))

    def contains(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def earliest_send(self, now: datetime, zone: ZoneInfo) -> datetime:
        """`now` when outside quiet hours, else the moment they end in `zone` (returned in now's zone)."""
        local = now.astimezone(zone)
        if not self.contains(local.time().replace(tzinfo=None)):
            return now
        opening = datetime.combine(local.date(), self.end, tzinfo=zone)
        if opening <= local:
            opening += timedelta(days=1)
        return opening.astimezone(now.tzinfo)
