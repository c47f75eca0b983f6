"""The coupons fields of Customer360: the coupons section (active, applied, lapsed)."""

from __future__ import annotations

import strawberry

from gateway.context import GatewayInfo
from gateway.features.coupons.loaders import coupon_pages
from gateway.features.coupons.types import CouponConnection

DEFAULT_PAGE = 20


SECTIONS = {"active": "ACTIVE", "applied": "APPLIED", "lapsed": "LAPSED"}  # field -> the backend's section


def page_key(customer_id: str, section: str, first: int | None, after: str | None) -> tuple[str, str, int, str]:
    return (customer_id, section, first if first is not None else DEFAULT_PAGE, after or "")


@strawberry.type
class Coupons:
    """One customer's coupons, newest first; every list of every customer in a response is one batch call."""

    customer_id: strawberry.Private[str]

    async def _page(self, info: GatewayInfo, section: str, first: int | None, after: str | None) -> CouponConnection:
        page = await info.context.loaders.get(coupon_pages).load(page_key(self.customer_id, section, first, after))
        return CouponConnection.of(page)

    @strawberry.field(description="Coupons the customer can still use.")
    async def active(self, info: GatewayInfo, first: int | None = 20, after: str | None = None) -> CouponConnection:
        return await self._page(info, "ACTIVE", first, after)

    @strawberry.field(description="Coupons a purchase used.")
    async def applied(self, info: GatewayInfo, first: int | None = 20, after: str | None = None) -> CouponConnection:
        return await self._page(info, "APPLIED", first, after)

    @strawberry.field(description="Coupons that expired unused, and coupons an agent removed.")
    async def lapsed(self, info: GatewayInfo, first: int | None = 20, after: str | None = None) -> CouponConnection:
        return await self._page(info, "LAPSED", first, after)


@strawberry.type
class CouponsSection:
    id: strawberry.ID

    @strawberry.field
    def coupons(self) -> Coupons | None:
        return Coupons(customer_id=str(self.id))
