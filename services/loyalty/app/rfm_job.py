"""Recomputes the RFM quintile breaks periodically; scores are read against the latest breaks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from services.loyalty.adapters.mongo_rfm import MongoRfmBreaks
from services.loyalty.app.reconcile import periodically


@dataclass
class RecomputeRfm:
    breaks: MongoRfmBreaks
    interval_seconds: float

    async def run_once(self) -> None:
        await self.breaks.recompute()

    async def run(self, stop: asyncio.Event) -> None:
        await periodically(self.run_once, self.interval_seconds, stop)
