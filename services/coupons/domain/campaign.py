"""Coupon campaigns: the definitions coupons are issued from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class DiscountType(Enum):
    PERCENT = "PERCENT"
    AMOUNT = "AMOUNT"
    FREE_ITEM = "FREE_ITEM"


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    discount_type: DiscountType
    discount_value: Decimal
    code_prefix: str
    description: str | None = None
    valid_days: int | None = None
    per_customer_limit: int | None = None
    total_limit: int | None = None
    active: bool = True


# Created on first start, so a fresh system can issue coupons at once.
SEED_CAMPAIGNS = (
    Campaign(
        id="welcome",
        name="Welcome 10%",
        description="10% off the next purchase for new members",
        discount_type=DiscountType.PERCENT,
        discount_value=Decimal(10),
        code_prefix="WELCOME",
        valid_days=30,
        per_customer_limit=1,
    ),
    Campaign(
        id="birthday",
        name="Birthday treat",
        description="A free item in the birthday month",
        discount_type=DiscountType.FREE_ITEM,
        discount_value=Decimal(0),
        code_prefix="BDAY",
        valid_days=31,
        per_customer_limit=1,
    ),
    Campaign(
        id="service-recovery",
        name="Service recovery 50k",
        description="A fixed amount off, issued by agents after a bad experience",
        discount_type=DiscountType.AMOUNT,
        discount_value=Decimal(50000),
        code_prefix="SORRY",
        valid_days=60,
        per_customer_limit=3,
    ),
)
