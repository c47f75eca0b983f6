"""The dispatcher: delivers queued messages in the background, with retries and backoff.

Never twice for one key: a message is claimed atomically before the provider is
called, and its outcome is written only by the claim that sent it. The hard case
is a crash after the provider accepted but before SENT was written: the lease runs
out and the next claim says `outcome_unknown`. Then the message is re-sent only
when its provider dedupes on our message id; otherwise it is marked FAILED with
OUTCOME_UNKNOWN (at most once beats twice for a customer's phone). A timeout
after the request left is the same unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from c360.clock import Clock, utc_now
from services.messaging.app.ports import Claim, Delivery, Provider, ProviderRefused, ProviderUnavailable
from services.messaging.domain.channels import Channel
from services.messaging.domain.message import MAX_ATTEMPTS, OutgoingMessage, retry_delay

log = logging.getLogger(__name__)
OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"


class DispatchQueue(Protocol):
    async def claim_due(self, now: datetime, lease_until: datetime) -> Claim | None: ...
    async def mark_sent(self, message: OutgoingMessage, provider_message_id: str, now: datetime) -> None: ...
    async def fail(self, message: OutgoingMessage, reason: str) -> None: ...
    async def retry_later(self, message: OutgoingMessage, not_before: datetime, reason: str) -> None: ...


@dataclass
class Dispatcher:
    queue: DispatchQueue
    providers: dict[Channel, Provider]
    lease_seconds: float
    retry_base_seconds: float
    poll_seconds: float
    workers: int = 1
    clock: Clock = utc_now

    def __post_init__(self) -> None:
        self._wakeup = asyncio.Event()

    def nudge(self) -> None:
        """A message was queued: look now rather than at the next poll."""
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        """One loop claims; up to `workers` deliveries run at once, so a slow provider holds up nobody.
        On stop, the deliveries in hand finish (and record their outcome) first."""
        slots = asyncio.Semaphore(self.workers)
        in_hand: set[asyncio.Task[None]] = set()
        while not stop.is_set():
            self._wakeup.clear()
            await slots.acquire()
            now = self.clock()
            claim = await self.queue.claim_due(now, now + timedelta(seconds=self.lease_seconds))
            if claim is None:
                slots.release()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self.poll_seconds)
                continue
            task = asyncio.create_task(self._deliver_then_release(claim, slots))
            in_hand.add(task)
            task.add_done_callback(in_hand.discard)
        await asyncio.gather(*in_hand, return_exceptions=True)

    async def _deliver_then_release(self, claim: Claim, slots: asyncio.Semaphore) -> None:
        try:
            await self._deliver(claim)
        except Exception:  # the store failed: the lease runs out and the next claim decides
            log.exception("delivery failed", extra={"fields": {"message_id": claim.message.id}})
        finally:
            slots.release()

    async def deliver_next(self) -> bool:
        """Delivers one due message; False when none is due."""
        now = self.clock()
        claim = await self.queue.claim_due(now, now + timedelta(seconds=self.lease_seconds))
        if claim is None:
            return False
        await self._deliver(claim)
        return True

    async def _deliver(self, claim: Claim) -> None:
        message, provider = claim.message, self.providers[claim.message.channel]
        if claim.outcome_unknown and not provider.dedupes_by_message_id:
            await self.queue.fail(message, OUTCOME_UNKNOWN)
            return
        delivery = Delivery(
            message.id,
            message.channel,
            message.address,
            message.title,
            claim.send_text,
            message.template_id,
            message.template_params,
        )
        try:
            provider_id = await provider.send(delivery)
        except ProviderRefused as refusal:
            await self.queue.fail(message, str(refusal) or "REFUSED")
        except ProviderUnavailable as unavailable:
            await self._retry_or_give_up(message, str(unavailable))
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning(
                "provider outcome unknown",
                extra={"fields": {"message_id": message.id, "provider": provider.name, "error": type(error).__name__}},
            )
            if provider.dedupes_by_message_id:
                await self._retry_or_give_up(message, type(error).__name__)
            else:
                await self.queue.fail(message, OUTCOME_UNKNOWN)
        else:
            await self.queue.mark_sent(message, provider_id, self.clock())

    async def _retry_or_give_up(self, message: OutgoingMessage, reason: str) -> None:
        if message.attempts >= MAX_ATTEMPTS:
            await self.queue.fail(message, f"RETRIES_EXHAUSTED: {reason}"[:500])
            return
        not_before = self.clock() + retry_delay(message.attempts, self.retry_base_seconds)
        await self.queue.retry_later(message, not_before, reason)
