"""Keeps the recipients projection in step with profile events; erasure anonymises every copy.

All writes are idempotent `$set`s, so replays after a crash change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from services.messaging.domain.channels import Channel

LINK_FIELDS = {Channel.PUSH: "push_token", Channel.WHATSAPP: "whatsapp_id"}


class RecipientWriter(Protocol):
    async def save_contact(self, customer_id: str, first_name: str, mobile: str, email: str) -> None: ...
    async def create_many(self, contacts: list[tuple[str, str, str, str]]) -> set[str]: ...
    async def set_opt_in(self, customer_id: str, campaign: str, opted_in: bool) -> None: ...
    async def set_channel_link(self, customer_id: str, field: str, link_id: str) -> None: ...
    async def erase(self, customer_id: str) -> None: ...


class Anonymiser(Protocol):
    async def anonymise(self, customer_id: str) -> None: ...


@dataclass
class ProfileProjection:
    recipients: RecipientWriter
    logs: list[Anonymiser]

    async def contact_changed(self, customer_id: str, first_name: str, mobile: str, email: str) -> None:
        await self.recipients.save_contact(customer_id, first_name, mobile, email)

    async def registered_many(self, contacts: list[tuple[str, str, str, str]]) -> set[str]:
        """(customer id, first name, mobile, e-mail) of new customers, in one write; returns those created."""
        return await self.recipients.create_many(contacts)

    async def opt_in_changed(self, customer_id: str, campaign: str, opted_in: bool) -> None:
        if campaign:
            await self.recipients.set_opt_in(customer_id, campaign, opted_in)

    async def channel_link_changed(self, customer_id: str, channel: str, link_id: str) -> None:
        """Push tokens and WhatsApp ids; SMS and e-mail addresses come with the customer record."""
        field = LINK_FIELDS.get(Channel(channel)) if channel in Channel.__members__ else None
        if field is not None:
            await self.recipients.set_channel_link(customer_id, field, link_id)

    async def erased(self, customer_id: str) -> None:
        """The projection first (so nothing new is queued), then the logs."""
        await self.recipients.erase(customer_id)
        for log in self.logs:
            await log.anonymise(customer_id)
