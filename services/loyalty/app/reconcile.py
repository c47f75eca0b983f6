"""Finishes work a crash left half done when no client retries it: PENDING entries and transfers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from c360.idle_backoff import IdleBackoff
from services.loyalty.app.ports import LedgerRepository, PurchaseRepository
from services.loyalty.app.post_points import PostPoints
from services.loyalty.app.transfer_purchase import TransferPurchase
from services.loyalty.domain.ledger import InsufficientPoints

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class Reconciler:
    ledger: LedgerRepository
    purchases: PurchaseRepository
    post_points: PostPoints
    transfer: TransferPurchase
    older_than: timedelta
    interval_seconds: float

    async def run_once(self) -> int:
        before = datetime.now(UTC) - self.older_than
        finished = 0
        for purchase in await self.purchases.stalled_transfers(before, BATCH):
            if purchase.transfer is not None:
                await self.transfer.complete(purchase, purchase.transfer)
                finished += 1
        for entry in await self.ledger.pending_before(before, BATCH):
            with contextlib.suppress(InsufficientPoints):  # marked REJECTED: it never counts
                await self.post_points.finish(entry)
            finished += 1
        if finished:
            log.info("reconciled unfinished work", extra={"fields": {"finished": finished}})
        return finished

    async def run(self, stop: asyncio.Event) -> None:
        await periodically(self.run_once, self.interval_seconds, stop)


async def periodically(job: Callable[[], Awaitable[object]], interval_seconds: float, stop: asyncio.Event) -> None:
    """Runs `job` every interval until stop, less often while it finds nothing (a truthy result is work);
    a failed run is logged and tried again next time."""
    backoff = IdleBackoff(interval_seconds)
    while not stop.is_set():
        found_work = True
        try:
            found_work = bool(await job())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background job failed; will retry")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=backoff.next_wait(found_work))
