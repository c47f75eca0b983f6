"""RemoveCoupon: an agent withdraws an ACTIVE coupon, with a remark; the change is recorded as CouponRemoved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from customer360.events.v1.coupons_events_pb2 import CouponRemoved

from c360.errors import NotFound, PreconditionFailed
from services.coupons.adapters.mongo_coupons import MongoCouponRepository
from services.coupons.app.change_coupon import ChangeCoupon
from services.coupons.domain.coupon import Coupon, CouponStatus, normalise_code

MAX_REMARK = 500
ATTEMPTS = 3


@dataclass
class RemoveCoupon:
    coupons: MongoCouponRepository
    change: ChangeCoupon

    async def __call__(self, code: str, remark: str, actor: str, customer_id: str = "") -> Coupon:
        code = normalise_code(code)
        remark = remark.strip()[:MAX_REMARK]
        for _ in range(ATTEMPTS):
            coupon = await self._removable(code, customer_id)
            fields = {
                "status": CouponStatus.REMOVED.value,
                "remark": remark or None,
                "removed_by": actor or None,
                "removed_at": datetime.now(UTC),
            }
            if await self.change(coupon, fields, CouponRemoved(code=code, remark=remark), actor):
                removed = await self.coupons.get(code)
                assert removed is not None  # coupons are never deleted
                return removed
        raise PreconditionFailed("COUPON_NOT_ACTIVE", f"Coupon {code} keeps changing; try again.", "code")

    async def _removable(self, code: str, customer_id: str) -> Coupon:
        coupon = await self.coupons.get(code)
        if coupon is None:
            raise NotFound(f"No coupon with code {code}.", "COUPON_NOT_FOUND", "code")
        if customer_id and coupon.customer_id != customer_id:
            raise PreconditionFailed(
                "COUPON_OF_ANOTHER_CUSTOMER", f"Coupon {code} belongs to another customer.", "code"
            )
        if coupon.status is not CouponStatus.ACTIVE:
            raise PreconditionFailed("COUPON_NOT_ACTIVE", f"Coupon {code} is {coupon.status.value}.", "code")
        return coupon
