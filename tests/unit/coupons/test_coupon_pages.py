from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from c360.errors import InvalidInput
from services.coupons.adapters.mongo_coupons import sort_key
from services.coupons.app.queries import CouponListQuery, CouponQueries
from services.coupons.domain.coupon import Coupon, CouponStatus

START = datetime(2026, 11, 22, tzinfo=UTC)


class FakeCoupons:
    def __init__(self, coupons: list[Coupon]) -> None:
        self.coupons = coupons
        self.reads = 0

    async def listed(self, customer_ids: list[str]) -> list[tuple[str, Coupon]]:
        self.reads += 1
        return [(sort_key(c), c) for c in self.coupons if c.customer_id in customer_ids]


def coupon(n: int, customer: str = "ana", status: CouponStatus = CouponStatus.ACTIVE) -> Coupon:
    return Coupon(f"C-{n}", customer, "welcome", status, START + timedelta(minutes=n))


def queries(fake: FakeCoupons) -> CouponQueries:
    return CouponQueries(fake)  # type: ignore[arg-type]


async def test_lists_are_newest_first_in_pages_that_follow_their_cursors() -> None:
    fake = FakeCoupons([coupon(n) for n in range(5)])
    [first] = await queries(fake).pages([CouponListQuery("ana", "ACTIVE", 2, "")])
    assert [c.code for c in first.coupons] == ["C-4", "C-3"]
    assert first.next_page_token == first.cursors[-1]
    [second] = await queries(fake).pages([CouponListQuery("ana", "active", 2, first.next_page_token)])
    [last] = await queries(fake).pages([CouponListQuery("ana", "ACTIVE", 2, second.next_page_token)])
    assert [c.code for c in second.coupons + last.coupons] == ["C-2", "C-1", "C-0"]
    assert last.next_page_token == ""


async def test_many_customers_and_sections_come_from_one_read() -> None:
    held: list[Any] = [
        coupon(1),
        coupon(2, status=CouponStatus.LAPSED),
        coupon(3, status=CouponStatus.REMOVED),
        coupon(4, "bob", CouponStatus.APPLIED),
    ]
    fake = FakeCoupons(held)
    pages = await queries(fake).pages(
        [CouponListQuery(c, s, 10, "") for c in ("ana", "bob") for s in ("ACTIVE", "APPLIED", "LAPSED")]
    )
    assert [[c.code for c in page.coupons] for page in pages] == [["C-1"], [], ["C-3", "C-2"], [], ["C-4"], []]
    assert fake.reads == 1


@pytest.mark.parametrize(
    ("section", "size", "code"), [("REMOVED", 5, "INVALID_SECTION"), ("ACTIVE", 500, "INVALID_PAGE_SIZE")]
)
async def test_bad_sections_and_page_sizes_are_refused(section: str, size: int, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await queries(FakeCoupons([])).pages([CouponListQuery("ana", section, size, "")])
    assert refused.value.code == code
