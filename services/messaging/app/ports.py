"""What the use cases need from storage and from delivery providers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from services.messaging.domain.channels import Channel
from services.messaging.domain.inbox import InboxItem
from services.messaging.domain.message import OutgoingMessage
from services.messaging.domain.recipient import Recipient


class RecipientStore(Protocol):
    async def get(self, customer_id: str) -> Recipient | None: ...


class MessageStore(Protocol):
    async def add(self, message: OutgoingMessage) -> OutgoingMessage:
        """Stores a new message; when its idempotency key exists, returns the stored one instead."""
        ...

    async def find_by_key(self, idempotency_key: str) -> OutgoingMessage | None: ...


class InboxStore(Protocol):
    async def add(self, item: InboxItem) -> None: ...

    async def get(self, customer_id: str, item_id: str) -> InboxItem | None: ...

    async def mark_read(self, customer_id: str, item_id: str, now: datetime) -> InboxItem | None: ...


@dataclass(frozen=True)
class Claim:
    """A message the dispatcher now owns; `outcome_unknown` when an earlier attempt may have reached the provider."""

    message: OutgoingMessage
    send_text: str
    outcome_unknown: bool


@dataclass(frozen=True)
class Delivery:
    message_id: str
    channel: Channel
    address: str
    title: str
    text: str
    template_id: str = ""
    template_params: list[str] = field(default_factory=list)


class ProviderRefused(Exception):
    """The provider answered and said no for good (bad number, unsubscribed): FAILED with its reason."""


class ProviderUnavailable(Exception):
    """The provider surely did not take the message (refused connection, 429, 5xx): retry later."""


class Provider(Protocol):
    name: str
    # True when re-sending with the same message id cannot reach the customer twice (the provider
    # dedupes on our id): only then is a send whose outcome is unknown retried.
    dedupes_by_message_id: bool

    async def send(self, delivery: Delivery) -> str:
        """Hands over one message; returns the provider's message id."""
        ...
