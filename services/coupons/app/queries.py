"""Read side: customers' coupon lists, newest first, in pages with opaque cursors."""

from __future__ import annotations

from dataclasses import dataclass

from c360.errors import InvalidInput
from services.coupons.adapters.mongo_coupons import MongoCouponRepository
from services.coupons.domain.coupon import Coupon, CouponSection

MAX_PAGE = 200


@dataclass(frozen=True)
class CouponListQuery:
    customer_id: str
    section: str
    page_size: int
    page_token: str


@dataclass(frozen=True)
class CouponPage:
    coupons: list[Coupon]
    cursors: list[str]  # one per coupon: the token to list after it
    next_page_token: str  # "" when this is the last page


@dataclass
class CouponQueries:
    coupons: MongoCouponRepository

    async def pages(self, queries: list[CouponListQuery]) -> list[CouponPage]:
        """One page per query, newest first, from a single read of the customers' coupons."""
        wanted = [(_section(q.section), _page_size(q.page_size)) for q in queries]
        listed = await self.coupons.listed(list({q.customer_id for q in queries}))
        by_customer: dict[str, list[tuple[str, Coupon]]] = {}
        for key, coupon in sorted(listed, key=lambda row: row[0], reverse=True):
            by_customer.setdefault(coupon.customer_id, []).append((key, coupon))
        pages = []
        for query, (section, size) in zip(queries, wanted, strict=True):
            rows = [
                (key, coupon)
                for key, coupon in by_customer.get(query.customer_id, [])
                if coupon.status in section.value and (not query.page_token or key < query.page_token)
            ]
            shown = rows[:size]
            more = len(rows) > size
            pages.append(CouponPage([c for _, c in shown], [k for k, _ in shown], shown[-1][0] if more else ""))
        return pages


def _section(name: str) -> CouponSection:
    try:
        return CouponSection[name.upper()]
    except KeyError as error:
        raise InvalidInput("INVALID_SECTION", "The section must be ACTIVE, APPLIED or LAPSED.", "section") from error


def _page_size(requested: int) -> int:
    size = requested or 20
    if not 0 < size <= MAX_PAGE:
        raise InvalidInput("INVALID_PAGE_SIZE", f"Page size must be 1 to {MAX_PAGE}.", "first")
    return size
