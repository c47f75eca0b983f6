from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from c360.errors import InvalidInput, PreconditionFailed
from services.coupons.domain.campaign import Campaign, DiscountType
from services.coupons.domain.campaign_definition import CampaignDefinition, new_campaign

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def campaign(**changes: object) -> Campaign:
    fields: dict[str, object] = {
        "id": "c",
        "name": "C",
        "discount_type": DiscountType.PERCENT,
        "discount_value": Decimal(10),
        "code_prefix": "C",
        **changes,
    }
    return Campaign(**fields)  # type: ignore[arg-type]


def test_a_coupon_expires_after_its_days_or_at_the_window_end_whichever_is_first() -> None:
    assert campaign(valid_days=30).expiry_for(NOW) == NOW + timedelta(days=30)
    assert campaign(valid_days=30, valid_until=NOW + timedelta(days=2)).expiry_for(NOW) == NOW + timedelta(days=2)
    assert campaign(valid_days=1, valid_until=NOW + timedelta(days=2)).expiry_for(NOW) == NOW + timedelta(days=1)
    assert campaign().expiry_for(NOW) is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"active": False}, "CAMPAIGN_INACTIVE"),
        ({"valid_until": NOW}, "CAMPAIGN_EXPIRED"),
        ({"valid_from": NOW + timedelta(seconds=1)}, "CAMPAIGN_NOT_STARTED"),
    ],
)
def test_a_campaign_issues_only_while_active_and_inside_its_window(changes: dict[str, object], code: str) -> None:
    with pytest.raises(PreconditionFailed) as refused:
        campaign(**changes).check_can_issue(NOW)
    assert (refused.value.code, refused.value.field) == (code, "campaignId")
    campaign(valid_from=NOW, valid_until=NOW + timedelta(seconds=1)).check_can_issue(NOW)


GOOD = CampaignDefinition(
    name=" Rainy day ", discount_type="percent", discount_value="12.5", code_prefix="rain", valid_days=7
)


def test_a_valid_definition_is_normalised() -> None:
    made = new_campaign(GOOD, "id-1")
    assert (made.id, made.name, made.discount_type, made.discount_value) == (
        "id-1",
        "Rainy day",
        DiscountType.PERCENT,
        Decimal("12.5"),
    )
    assert (made.code_prefix, made.valid_days, made.total_limit, made.active) == ("RAIN", 7, None, True)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"name": ""}, "INVALID_NAME", "name"),
        ({"discount_type": "BOGOF"}, "INVALID_DISCOUNT_TYPE", "discountType"),
        ({"discount_value": "ten"}, "INVALID_DISCOUNT_VALUE", "discountValue"),
        ({"discount_value": "-1"}, "INVALID_DISCOUNT_VALUE", "discountValue"),
        ({"discount_value": "100.01"}, "INVALID_DISCOUNT_VALUE", "discountValue"),
        ({"discount_value": "NaN"}, "INVALID_DISCOUNT_VALUE", "discountValue"),
        ({"discount_type": "AMOUNT", "discount_value": "0"}, "INVALID_DISCOUNT_VALUE", "discountValue"),
        ({"code_prefix": "A"}, "INVALID_CODE_PREFIX", "codePrefix"),
        ({"code_prefix": "WAY-TOO-LONG-PREFIX"}, "INVALID_CODE_PREFIX", "codePrefix"),
        ({"valid_days": None}, "INVALID_VALIDITY", "validDays"),
        ({"valid_days": 0}, "INVALID_VALIDITY", "validDays"),
        ({"valid_from": NOW, "valid_until": NOW}, "INVALID_VALIDITY", "validUntil"),
        ({"total_limit": 0}, "INVALID_LIMIT", "totalLimit"),
        ({"per_customer_limit": -2}, "INVALID_LIMIT", "perCustomerLimit"),
    ],
)
def test_each_bad_value_is_refused_with_its_code_and_field(changes: dict[str, object], code: str, field: str) -> None:
    definition = CampaignDefinition(**{**vars(GOOD), **changes})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as refused:
        new_campaign(definition, "id")
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_free_item_may_have_no_value_and_a_window_alone_is_enough_validity() -> None:
    definition = CampaignDefinition(
        name="Gift", discount_type="FREE_ITEM", discount_value="", code_prefix="GIFT", valid_until=NOW
    )
    made = new_campaign(definition, "g")
    assert (made.discount_value, made.valid_days, made.valid_until) == (Decimal(0), None, NOW)
