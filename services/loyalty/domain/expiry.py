"""When earned points expire: never, after N days, at the end of the month, or at the end of the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ExpiryPolicy:
    """`never`, `days:<N>`, `end_of_month` or `end_of_year` (configuration text)."""

    kind: str = "days"
    days: int = 365

    @classmethod
    def parse(cls, text: str) -> ExpiryPolicy:
        value = text.strip().lower()
        if value in ("never", "end_of_month", "end_of_year"):
            return cls(kind=value, days=0)
        if value.startswith("days:") and value[5:].isdigit() and int(value[5:]) > 0:
            return cls(kind="days", days=int(value[5:]))
        raise ValueError(f"unknown points expiry policy {text!r}")

    def expires_at(self, earned_at: datetime) -> datetime | None:
        """The expiry of points earned at `earned_at` (lots expire at the first instant after their period)."""
        if self.kind == "never":
            return None
        if self.kind == "days":
            return earned_at + timedelta(days=self.days)
        start = earned_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if self.kind == "end_of_year":
            return start.replace(year=start.year + 1, month=1)
        return (
            start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
        )
