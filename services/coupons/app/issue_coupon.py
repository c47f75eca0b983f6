"""IssueCoupon: one coupon from a campaign to a customer, within the limits, once per idempotency key.

Order of work: answer a known key; refuse a bad campaign or customer; take limit
slots atomically; store the coupon (a fresh code on collision) with its
CouponIssued event (held until the coupon exists); give the slots back if storing
fails or a concurrent request with the same key won.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from c360.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from c360.outbox import OutboxRelay
from services.coupons.adapters.mongo_coupon_changes import MongoCouponChanges
from services.coupons.adapters.mongo_coupons import DuplicateCoupon, MongoCouponRepository
from services.coupons.adapters.mongo_issue_keys import MongoIssueKeys
from services.coupons.adapters.mongo_limits import MongoLimitSlots, per_customer_key, total_key
from services.coupons.app.campaign_cache import CampaignCache
from services.coupons.app.customer_directory import CustomerDirectory
from services.coupons.app.customer_events import CustomerEvents
from services.coupons.app.events import coupon_issued, outbox_event
from services.coupons.domain.campaign import Campaign
from services.coupons.domain.coupon import Coupon, CouponStatus, new_code
from services.coupons.domain.customer_status import CustomerStatus, check_may_receive

CODE_ATTEMPTS = 5
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class IssueRequest:
    customer_id: str
    campaign_id: str
    idempotency_key: str
    actor: str


@dataclass
class IssueCoupon:
    campaigns: CampaignCache
    coupons: MongoCouponRepository
    keys: MongoIssueKeys
    limits: MongoLimitSlots
    customers: CustomerDirectory
    changes: MongoCouponChanges
    relay: OutboxRelay
    events_topic: str
    erasure: CustomerEvents

    async def __call__(self, request: IssueRequest) -> Coupon:
        key = request.idempotency_key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise InvalidInput(
                "INVALID_IDEMPOTENCY_KEY", "An idempotency key of 1 to 200 characters is required.", "idempotencyKey"
            )
        if (earlier := await self._issued_under(key)) is not None:
            return _same_request(earlier, request)
        campaign = await self.campaigns.get(request.campaign_id)
        if campaign is None:
            raise NotFound(f"No campaign with id {request.campaign_id}.", "CAMPAIGN_NOT_FOUND", "campaignId")
        now = _to_millisecond(datetime.now(UTC))  # what the database keeps, so every read says the same
        campaign.check_can_issue(now)
        check_may_receive(request.customer_id, await self.customers.status_of(request.customer_id))
        slots = await self._take_slots(campaign, request.customer_id)
        if slots is None:
            if (earlier := await self._issued_under(key)) is not None:
                return _same_request(earlier, request)  # a concurrent twin took the last slot
            raise PreconditionFailed(
                "COUPON_LIMIT_REACHED", f"No more coupons of campaign {campaign.id} may be issued.", "campaignId"
            )
        try:
            coupon, created = await self._store(campaign, request, key, now)
        except BaseException:
            await self._give_back(slots)
            raise
        if not created:
            await self._give_back(slots)  # a concurrent request with the same key won
            return _same_request(coupon, request)
        if await self.customers.projection.status_of(request.customer_id) is CustomerStatus.ERASED:
            await self.erasure.erased(request.customer_id)  # erased while we issued: anonymise this one too
        return coupon

    async def _store(self, campaign: Campaign, request: IssueRequest, key: str, now: datetime) -> tuple[Coupon, bool]:
        """The stored coupon and True, or the coupon an earlier request stored under the key and False."""
        for _ in range(CODE_ATTEMPTS):
            coupon = Coupon(
                code=new_code(campaign.code_prefix),
                customer_id=request.customer_id,
                campaign_id=campaign.id,
                status=CouponStatus.ACTIVE,
                issued_at=now,
                expires_at=campaign.expiry_for(now),
                issued_by=request.actor or None,
            )
            events = outbox_event(coupon.customer_id, coupon_issued(coupon, campaign), self.events_topic, request.actor)
            if not await self.changes.hold_issued(coupon.code, coupon.customer_id, events):
                continue  # the code collided with an existing coupon's: draw another
            try:
                await self.coupons.add(coupon, key)
            except DuplicateCoupon:
                await self.changes.drop_issued(coupon.code)
                if (earlier := await self.coupons.by_idempotency_key(key)) is not None:
                    return earlier, False
                continue  # the code collided: draw another
            except BaseException:
                await self.changes.drop_issued(coupon.code)
                raise
            self.relay.nudge(await self.changes.release_issued(coupon.code))
            await self.keys.remember(key, coupon.code)
            return coupon, True
        raise RuntimeError("could not draw a unique coupon code")

    async def _issued_under(self, key: str) -> Coupon | None:
        code = await self.keys.code_for(key)
        return await self.coupons.get(code) if code else None

    async def _take_slots(self, campaign: Campaign, customer_id: str) -> list[str] | None:
        """The slots taken, or None (with nothing held) when a limit is reached."""
        wanted: list[tuple[str, int, str]] = []
        if campaign.total_limit:
            wanted.append((total_key(campaign.id), campaign.total_limit, ""))
        if campaign.per_customer_limit:
            wanted.append((per_customer_key(campaign.id, customer_id), campaign.per_customer_limit, customer_id))
        taken: list[str] = []
        for counter, limit, owner in wanted:
            slot = await self.limits.take(counter, limit, owner)
            if slot is None:
                await self._give_back(taken)
                return None
            taken.append(slot)
        return taken

    async def _give_back(self, slots: list[str]) -> None:
        for slot in slots:
            await self.limits.give_back(slot)


def _to_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _same_request(coupon: Coupon, request: IssueRequest) -> Coupon:
    if coupon.customer_id != request.customer_id or coupon.campaign_id != request.campaign_id:
        raise Conflict(
            "IDEMPOTENCY_KEY_REUSED", "This idempotency key was used for another issuance.", "idempotencyKey"
        )
    return coupon
