"""A recorded purchase applies its coupon codes; a return of it may give them back.

Each code is applied once (one claimed change per coupon version), only for its own customer
and before expiry; any other code is recorded as a rejection with its reason,
and the purchase counts either way. Redelivered events change nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from customer360.events.v1.coupons_events_pb2 import CouponApplied, CouponReinstated, CouponRejected

from c360.outbox import OutboxRelay
from services.coupons.adapters.mongo_campaigns import MongoCampaignRepository
from services.coupons.adapters.mongo_coupons import MongoCouponRepository
from services.coupons.adapters.mongo_rejections import MongoRejectionLog
from services.coupons.app.change_coupon import ChangeCoupon
from services.coupons.app.events import outbox_event
from services.coupons.domain.coupon import CouponStatus, normalise_code, redemption_refusal

ATTEMPTS = 3


@dataclass(frozen=True)
class PurchaseSeen:
    customer_id: str
    transaction_id: str
    kind: str  # SALE or RETURN
    original_transaction_id: str
    coupon_codes: list[str]
    occurred_at: datetime | None
    actor: str = "system"


@dataclass
class ApplyPurchase:
    coupons: MongoCouponRepository
    campaigns: MongoCampaignRepository
    rejections: MongoRejectionLog
    change: ChangeCoupon
    rejection_relay: OutboxRelay
    events_topic: str

    async def __call__(self, purchase: PurchaseSeen) -> None:
        if purchase.kind.upper() == "RETURN":
            await self._reinstate(purchase)
        for code in dict.fromkeys(normalise_code(c) for c in purchase.coupon_codes if c.strip()):
            await self._apply(code, purchase)

    async def _apply(self, code: str, purchase: PurchaseSeen) -> None:
        now = datetime.now(UTC)
        applied_at = purchase.occurred_at or now
        for _ in range(ATTEMPTS):
            coupon = await self.coupons.get(code)
            # Expiry is judged at the purchase's time, but never later than now.
            refusal = redemption_refusal(coupon, purchase.customer_id, purchase.transaction_id, min(applied_at, now))
            if refusal is not None:
                event = CouponRejected(code=code, transaction_id=purchase.transaction_id, reason=refusal.value)
                records = outbox_event(purchase.customer_id, event, self.events_topic, purchase.actor)
                rejection_id = f"{purchase.transaction_id}:{code}"
                if await self.rejections.record(
                    purchase.customer_id, code, purchase.transaction_id, refusal, now, records
                ):
                    self.rejection_relay.nudge(rejection_id)
                return
            assert coupon is not None
            if coupon.status is CouponStatus.APPLIED:
                return  # this very purchase applied it before: a redelivery
            changes = {
                "status": CouponStatus.APPLIED.value,
                "applied_at": applied_at,
                "transaction_id": purchase.transaction_id,
            }
            event_applied = CouponApplied(
                code=code, transaction_id=purchase.transaction_id, campaign_id=coupon.campaign_id
            )
            if await self.change(coupon, changes, event_applied, purchase.actor):
                return
            # it changed under us (lapsed, removed, applied elsewhere): judge again

    async def _reinstate(self, purchase: PurchaseSeen) -> None:
        if not purchase.original_transaction_id:
            return
        for coupon in await self.coupons.applied_in(purchase.original_transaction_id):
            if coupon.customer_id != purchase.customer_id:
                continue
            campaign = await self.campaigns.get(coupon.campaign_id)
            if campaign is None or not campaign.reinstate_on_return:
                continue
            changes = {
                "status": CouponStatus.ACTIVE.value,
                "applied_at": None,
                "transaction_id": None,
                "reinstated_from": purchase.original_transaction_id,
            }
            event = CouponReinstated(code=coupon.code, transaction_id=purchase.transaction_id)
            await self.change(coupon, changes, event, purchase.actor)  # False: a redelivery, already done
