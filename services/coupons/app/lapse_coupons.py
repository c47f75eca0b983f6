"""The lapse job: ACTIVE coupons past their expiry become LAPSED, each with a CouponLapsed event.

Safe to run repeatedly and concurrently (on several instances too): each coupon's
change is claimed once per version, so only one run lapses it and publishes once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from customer360.events.v1.coupons_events_pb2 import CouponLapsed

from c360.idle_backoff import IdleBackoff
from services.coupons.adapters.mongo_coupon_changes import MongoCouponChanges
from services.coupons.adapters.mongo_coupons import MongoCouponRepository
from services.coupons.app.change_coupon import ChangeCoupon
from services.coupons.domain.coupon import CouponStatus

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class LapseCoupons:
    coupons: MongoCouponRepository
    change: ChangeCoupon

    async def __call__(self) -> int:
        """Lapses every coupon expired by now; returns how many this run lapsed."""
        now = datetime.now(UTC)
        lapsed = 0
        while True:
            batch = await self.coupons.expired_active(now, BATCH)
            if not batch:
                return lapsed
            changed = 0
            for coupon in batch:
                fields = {"status": CouponStatus.LAPSED.value, "lapsed_at": now}
                if await self.change(coupon, fields, CouponLapsed(code=coupon.code)):
                    changed += 1
            lapsed += changed
            if changed == 0 or len(batch) < BATCH:
                return lapsed  # the rest is being changed by someone else


@dataclass
class LapseSchedule:
    """Runs the lapse job (and finishes changes whose writer died) every `interval_seconds`."""

    lapse: LapseCoupons
    changes: MongoCouponChanges
    interval_seconds: float

    async def run(self, stop: asyncio.Event) -> None:
        backoff = IdleBackoff(self.interval_seconds)  # idle runs scan for nothing: run them less often
        while not stop.is_set():
            recovered = await self.changes.recover()
            count = await self.lapse()
            if count:
                log.info("lapsed coupons", extra={"fields": {"count": count}})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=backoff.next_wait(bool(recovered or count)))
