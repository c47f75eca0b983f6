import re
from datetime import UTC, datetime, timedelta

import pytest

from c360.errors import NotFound, PreconditionFailed
from services.coupons.domain.coupon import (
    CODE_ALPHABET,
    Coupon,
    CouponStatus,
    RejectionReason,
    new_code,
    normalise_code,
    redemption_refusal,
)
from services.coupons.domain.customer_status import CustomerStatus, check_may_receive

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def coupon(**changes: object) -> Coupon:
    fields: dict[str, object] = {
        "code": "W-1",
        "customer_id": "ana",
        "campaign_id": "welcome",
        "status": CouponStatus.ACTIVE,
        "issued_at": NOW - timedelta(days=1),
        "expires_at": NOW + timedelta(days=1),
        **changes,
    }
    return Coupon(**fields)  # type: ignore[arg-type]


def test_codes_are_the_prefix_and_ten_unambiguous_random_characters() -> None:
    drawn = {new_code("WELCOME") for _ in range(200)}
    assert len(drawn) == 200
    assert all(re.fullmatch(r"WELCOME-[23456789A-HJ-NP-Z]{10}", code) for code in drawn)
    assert not set("0O1I") & set(CODE_ALPHABET)


def test_codes_match_whatever_the_case_and_blanks() -> None:
    assert normalise_code("  welcome-abc ") == "WELCOME-ABC"


def test_an_active_unexpired_coupon_of_the_buyer_applies() -> None:
    assert redemption_refusal(coupon(), "ana", "TX-1", NOW) is None


@pytest.mark.parametrize(
    ("held", "reason"),
    [
        (None, RejectionReason.UNKNOWN_CODE),
        (coupon(customer_id="bob"), RejectionReason.OTHER_CUSTOMER),
        (coupon(status=CouponStatus.APPLIED, transaction_id="TX-0"), RejectionReason.ALREADY_APPLIED),
        (coupon(status=CouponStatus.LAPSED), RejectionReason.LAPSED),
        (coupon(status=CouponStatus.REMOVED), RejectionReason.REMOVED),
        (coupon(expires_at=NOW), RejectionReason.EXPIRED),
    ],
)
def test_every_other_case_is_rejected_with_its_reason(held: Coupon | None, reason: RejectionReason) -> None:
    assert redemption_refusal(held, "ana", "TX-1", NOW) is reason


def test_the_same_purchase_seen_again_is_not_a_rejection() -> None:
    applied = coupon(status=CouponStatus.APPLIED, transaction_id="TX-1")
    assert redemption_refusal(applied, "ana", "TX-1", NOW + timedelta(days=9)) is None


def test_only_known_active_customers_may_receive_coupons() -> None:
    check_may_receive("ana", CustomerStatus.ACTIVE)
    with pytest.raises(NotFound) as unknown:
        check_may_receive("ana", None)
    assert (unknown.value.code, unknown.value.field) == ("CUSTOMER_NOT_FOUND", "customerId")
    for status, code in ((CustomerStatus.SUSPENDED, "CUSTOMER_SUSPENDED"), (CustomerStatus.ERASED, "CUSTOMER_ERASED")):
        with pytest.raises(PreconditionFailed) as refused:
            check_may_receive("ana", status)
        assert refused.value.code == code
