"""Messages other services' events ask for: coupon notifications and redemption OTPs.

Each is keyed by the event id, so a redelivered event queues nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from c360.errors import DomainError
from services.messaging.app.ports import InboxStore, RecipientStore
from services.messaging.app.send_message import SendMessage
from services.messaging.domain.channels import Channel
from services.messaging.domain.compose import MessageRequest
from services.messaging.domain.inbox import InboxItem, short_description
from services.messaging.domain.message import OTP_MASK

COUPONS_CAMPAIGN = "coupons"


@dataclass(frozen=True)
class CouponIssuedNotice:
    event_id: str
    customer_id: str
    code: str
    campaign_name: str
    expires_at: datetime | None
    occurred_at: datetime


@dataclass
class Notifications:
    recipients: RecipientStore
    send: SendMessage
    inbox: InboxStore

    async def coupon_issued(self, notice: CouponIssuedNotice) -> bool:
        """Notifies on the preferred channel when the customer opted in to coupons; False when not."""
        recipient = await self.recipients.get(notice.customer_id)
        if recipient is None or recipient.erased or not recipient.opt_ins.get(COUPONS_CAMPAIGN, False):
            return False
        variables = {"campaign_name": notice.campaign_name or "a coupon", "code": notice.code}
        request = MessageRequest(
            recipient.preferred_channel(), template_id="coupon_issued", variables=variables, campaign=COUPONS_CAMPAIGN
        )
        try:
            message = await self.send(notice.customer_id, request, f"event:{notice.event_id}", "system")
        except DomainError:
            return False  # refused (stored as REJECTED with its reason); nothing to retry
        await self.inbox.add(
            InboxItem(
                id=f"coupon-{notice.event_id}",
                customer_id=notice.customer_id,
                title=f"New coupon: {notice.campaign_name}"[:120],
                short_description=short_description(message.body),
                distributed_at=notice.occurred_at,
                expires_at=notice.expires_at,
            )
        )
        return True

    async def redemption_otp(self, event_id: str, customer_id: str, code: str, points: int) -> bool:
        """Sends the code by SMS at once (quiet hours do not apply); the log only ever shows it masked."""
        request = MessageRequest(
            Channel.SMS, template_id="redemption_otp", variables={"code": code, "points": str(points)}
        )
        masked = f"Your code to redeem {points} points is {OTP_MASK}."
        try:
            await self.send(customer_id, request, f"event:{event_id}", "system", urgent=True, logged_body=masked)
        except DomainError:
            return False
        return True
