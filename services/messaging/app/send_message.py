"""Queues one message: validated, consented and addressed now, delivered later by the dispatcher.

The gRPC call returns as soon as the message is stored QUEUED; the provider is
never called on the request path. One idempotency key stores one message, and a
policy refusal (no consent, no address, closed WhatsApp window) is stored as
REJECTED under its key, so a retry with the key gets the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from c360.clock import Clock, utc_now
from c360.errors import NotFound, PreconditionFailed
from services.messaging.app.ports import InboxStore, MessageStore, RecipientStore
from services.messaging.domain.channels import Channel, MessageStatus
from services.messaging.domain.compose import Composed, MessageRequest, check_idempotency_key, check_input, compose
from services.messaging.domain.inbox import InboxItem, short_description
from services.messaging.domain.message import OutgoingMessage, message_id_for
from services.messaging.domain.quiet_hours import QuietHours
from services.messaging.domain.recipient import Recipient


@dataclass
class SendMessage:
    recipients: RecipientStore
    messages: MessageStore
    inbox: InboxStore
    quiet_hours: QuietHours | None
    default_zone: ZoneInfo
    inbox_days: int
    on_queued: Callable[[], None] = lambda: None
    clock: Clock = utc_now

    async def __call__(
        self,
        customer_id: str,
        request: MessageRequest,
        idempotency_key: str,
        sent_by: str,
        urgent: bool = False,
        logged_body: str | None = None,
    ) -> OutgoingMessage:
        """`logged_body` replaces the text in the log when the text is secret (an OTP)."""
        key = f"{customer_id}:{check_idempotency_key(idempotency_key)}"
        check_input(request)
        existing = await self.messages.find_by_key(key)
        if existing is not None:
            return _same_answer(existing)
        recipient = await self.recipients.get(customer_id)
        if recipient is None or not (recipient.mobile or recipient.erased):
            raise NotFound(f"No customer with id {customer_id[:64]}.", "UNKNOWN_CUSTOMER", "customerId")
        if recipient.erased:  # refused without a trace: nothing personal is written again
            raise PreconditionFailed("CUSTOMER_ERASED", "This customer was erased and is never messaged.", "customerId")
        now = self.clock()
        try:
            composed = compose(request, recipient, now)
        except PreconditionFailed as refusal:
            await self.messages.add(self._rejected(customer_id, key, request, sent_by, refusal, now))
            raise
        message = self._queued(recipient, key, composed, sent_by, urgent, now, logged_body)
        stored = await self.messages.add(message)
        if stored.id == message.id:
            if composed.channel is Channel.PUSH:
                await self.inbox.add(self._inbox_item(message, now))
            self.on_queued()
        return _same_answer(stored)

    def _queued(
        self,
        recipient: Recipient,
        key: str,
        composed: Composed,
        sent_by: str,
        urgent: bool,
        now: datetime,
        logged_body: str | None,
    ) -> OutgoingMessage:
        not_before = now
        if not urgent and self.quiet_hours is not None:
            not_before = self.quiet_hours.earliest_send(now, recipient.time_zone(self.default_zone))
        return OutgoingMessage(
            id=message_id_for(key),
            customer_id=recipient.customer_id,
            idempotency_key=key,
            channel=composed.channel,
            address=composed.address,
            body=logged_body if logged_body is not None else composed.text,
            send_text=composed.text,
            template_params=composed.template_params,
            title=composed.title,
            template_id=composed.template_id,
            campaign=composed.campaign,
            sent_by=sent_by,
            urgent=urgent,
            created_at=now,
            not_before=not_before,
        )

    @staticmethod
    def _rejected(
        customer_id: str, key: str, request: MessageRequest, sent_by: str, refusal: PreconditionFailed, now: datetime
    ) -> OutgoingMessage:
        return OutgoingMessage(
            id=message_id_for(key),
            customer_id=customer_id,
            idempotency_key=key,
            channel=request.channel,
            address="",
            body=request.body.strip() or f"[template {request.template_id}]",
            send_text="",
            title="",
            template_id=request.template_id,
            campaign=request.campaign,
            sent_by=sent_by,
            urgent=False,
            created_at=now,
            not_before=now,
            status=MessageStatus.REJECTED,
            failure_reason=refusal.code,
        )

    def _inbox_item(self, message: OutgoingMessage, now: datetime) -> InboxItem:
        return InboxItem(
            id=f"msg-{message.id}",
            customer_id=message.customer_id,
            title=message.title or "New message",
            short_description=short_description(message.body),
            distributed_at=now,
            expires_at=now + timedelta(days=self.inbox_days),
        )


def _same_answer(message: OutgoingMessage) -> OutgoingMessage:
    """A stored rejection is refused again with its reason; anything else is the message itself."""
    if message.status is MessageStatus.REJECTED:
        raise PreconditionFailed(message.failure_reason, f"This message was refused: {message.failure_reason}.")
    return message
