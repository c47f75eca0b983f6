"""One change of one coupon, with its event: applied by exactly one caller however many race for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message

from c360.outbox import OutboxRelay
from services.coupons.adapters.mongo_coupon_changes import MongoCouponChanges
from services.coupons.app.events import outbox_event
from services.coupons.domain.coupon import Coupon


@dataclass
class ChangeCoupon:
    changes: MongoCouponChanges
    relay: OutboxRelay
    events_topic: str

    async def __call__(self, coupon: Coupon, fields: dict[str, Any], event: Message, actor: str = "system") -> bool:
        """True when this call changed `coupon` (as read); False when another change got there first."""
        records = outbox_event(coupon.customer_id, event, self.events_topic, actor)
        change_id = await self.changes.claim(coupon.code, coupon.customer_id, coupon.version, fields, records)
        if change_id is None:
            return False
        self.relay.nudge(change_id)
        return True
