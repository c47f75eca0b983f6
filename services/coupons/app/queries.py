"""Read side: a customer's coupon lists, newest first, in pages with opaque cursors."""

from __future__ import annotations

from dataclasses import dataclass

from c360.errors import InvalidInput
from services.coupons.adapters.mongo_coupons import MongoCouponRepository, sort_key
from services.coupons.domain.coupon import Coupon, CouponSection

MAX_PAGE = 200


@dataclass(frozen=True)
class CouponListQuery:
    customer_id: str
    section: str
    page_size: int
    page_token: str


@dataclass
class CouponQueries:
    coupons: MongoCouponRepository

    async def page(self, query: CouponListQuery) -> tuple[list[Coupon], str]:
        """One page and the next page's token ("" when this is the last)."""
        try:
            section = CouponSection[query.section.upper()]
        except KeyError as error:
            raise InvalidInput(
                "INVALID_SECTION", "The section must be ACTIVE, APPLIED or LAPSED.", "section"
            ) from error
        size = query.page_size or 20
        if not 0 < size <= MAX_PAGE:
            raise InvalidInput("INVALID_PAGE_SIZE", f"Page size must be 1 to {MAX_PAGE}.", "first")
        statuses = [status.value for status in section.value]
        rows = await self.coupons.page(query.customer_id, statuses, query.page_token, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        return rows, sort_key(rows[-1]) if more and rows else ""
