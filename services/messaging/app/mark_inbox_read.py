"""markInboxRead: NEW -> READ once; reading again changes nothing; an expired item cannot be read."""

from __future__ import annotations

from dataclasses import dataclass

from c360.clock import Clock, utc_now
from c360.errors import NotFound
from services.messaging.app.ports import InboxStore
from services.messaging.domain.inbox import InboxItem


@dataclass
class MarkInboxRead:
    inbox: InboxStore
    clock: Clock = utc_now

    async def __call__(self, customer_id: str, item_id: str) -> InboxItem:
        item = await self.inbox.get(customer_id, item_id)
        if item is None:
            raise NotFound("No such inbox message for this customer.", field="messageId")
        now = self.clock()
        item.check_can_mark_read(now)
        updated = await self.inbox.mark_read(customer_id, item_id, now)
        assert updated is not None  # inbox items are never deleted
        return updated
