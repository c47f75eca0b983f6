"""One outgoing message as the log keeps it, and the dispatcher's retry schedule."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.messaging.domain.channels import Channel, MessageStatus

MAX_ATTEMPTS = 6
OTP_MASK = "••••••"


@dataclass
class OutgoingMessage:
    id: str
    customer_id: str
    idempotency_key: str
    channel: Channel
    address: str
    body: str  # what the log shows (an OTP's code is masked)
    send_text: str  # what the provider gets; dropped from the store once the message left
    title: str
    template_id: str
    campaign: str
    sent_by: str
    urgent: bool
    created_at: datetime
    not_before: datetime
    status: MessageStatus = MessageStatus.QUEUED
    failure_reason: str = ""
    attempts: int = 0
    sent_at: datetime | None = None
    provider_message_id: str = ""
    template_params: list[str] = field(default_factory=list)  # secret like send_text: dropped once sent


def message_id_for(idempotency_key: str) -> str:
    """The message id follows from its key, so finding a repeat is a primary-key lookup."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


def retry_delay(attempts: int, base_seconds: float) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2*base, 4*base, ... capped at 5 minutes."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), 300.0))
