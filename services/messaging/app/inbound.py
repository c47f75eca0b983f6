"""What providers tell us: inbound WhatsApp messages (the 24-hour window) and delivery reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from customer360.events.v1 import messaging_events_pb2

from c360.events import new_envelope, to_outbox
from c360.outbox import OutboxRecord
from services.messaging.domain.channels import REPORTABLE, MessageStatus
from services.messaging.domain.recipient import Recipient, session_window_after


class WhatsappRecipients(Protocol):
    async def find_by_whatsapp_id(self, wa_id: str) -> Recipient | None: ...
    async def open_whatsapp_window(
        self, customer_id: str, until: datetime, link_id: str, events: list[OutboxRecord]
    ) -> bool: ...


class DeliveryReports(Protocol):
    async def record_report(self, provider_message_id: str, status: MessageStatus, reason: str) -> bool: ...


@dataclass
class InboundWhatsapp:
    recipients: WhatsappRecipients
    events_topic: str

    async def __call__(self, wa_id: str, received_at: datetime) -> tuple[str, datetime | None]:
        """The customer and their window end; ("", None) when the sender is no known customer.

        A first message from a number links the WhatsApp id (ChannelLinked, through the outbox)."""
        recipient = await self.recipients.find_by_whatsapp_id(wa_id)
        if recipient is None:
            return "", None
        until = session_window_after(received_at)
        events = []
        if not recipient.whatsapp_id:
            linked = messaging_events_pb2.ChannelLinked(channel="WHATSAPP", link_id=wa_id)
            envelope = new_envelope(recipient.customer_id, "messaging", linked, actor="system")
            events.append(to_outbox(envelope, self.events_topic))
        await self.recipients.open_whatsapp_window(recipient.customer_id, until, wa_id, events)
        latest = max(until, recipient.whatsapp_window_until or until)
        return recipient.customer_id, latest


@dataclass
class RecordDeliveryReport:
    reports: DeliveryReports

    async def __call__(self, provider_message_id: str, status: str, reason: str) -> bool:
        if status not in {s.value for s in REPORTABLE}:
            return False
        return await self.reports.record_report(provider_message_id, MessageStatus(status), reason[:500])
