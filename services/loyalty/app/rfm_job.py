"""Recomputes the RFM quintile breaks periodically; scores are read against the latest breaks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from services.loyalty.adapters.mongo_rfm import MongoRfmBreaks
from services.loyalty.app.reconcile import periodically


@dataclass
class RecomputeRfm:
    breaks: MongoRfmBreaks
    interval_seconds: float

    _last: tuple[object, ...] | None = field(default=None, init=False)

    async def run_once(self) -> bool:
        """Whether the breaks moved; while they stay put the job runs less often."""
        breaks = await self.breaks.recompute()
        now = (breaks.recency, breaks.frequency, breaks.monetary)
        moved, self._last = now != self._last, now
        return moved

    async def run(self, stop: asyncio.Event) -> None:
        await periodically(self.run_once, self.interval_seconds, stop)
