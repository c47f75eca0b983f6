"""In-memory fakes of the dispatcher's queue and of providers (unit tests only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.messaging.app.ports import Claim, Delivery
from services.messaging.domain.channels import MessageStatus
from services.messaging.domain.message import OutgoingMessage


@dataclass
class FakeQueue:
    """Holds claims to hand out and records each outcome the dispatcher writes."""

    claims: list[Claim] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)
    retried_at: list[datetime] = field(default_factory=list)

    async def claim_due(self, now: datetime, lease_until: datetime) -> Claim | None:
        return self.claims.pop(0) if self.claims else None

    async def mark_sent(self, message: OutgoingMessage, provider_message_id: str, now: datetime) -> None:
        self.outcomes.append((MessageStatus.SENT.value, provider_message_id))

    async def fail(self, message: OutgoingMessage, reason: str) -> None:
        self.outcomes.append((MessageStatus.FAILED.value, reason))

    async def retry_later(self, message: OutgoingMessage, not_before: datetime, reason: str) -> None:
        self.outcomes.append((MessageStatus.QUEUED.value, reason))
        self.retried_at.append(not_before)


@dataclass
class ScriptedProvider:
    """Answers each send with the next scripted outcome: an id, or an exception to raise."""

    script: list[str | Exception]
    dedupes_by_message_id: bool = False
    name: str = "scripted"
    sent: list[Delivery] = field(default_factory=list)

    async def send(self, delivery: Delivery) -> str:
        self.sent.append(delivery)
        outcome = self.script.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
