"""Coupon campaigns: the definitions coupons are issued from, and when one may issue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum

from c360.errors import PreconditionFailed


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
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    reinstate_on_return: bool = False

    def check_can_issue(self, now: datetime) -> None:
        """Refuses issuance from an inactive campaign or outside its fixed window."""
        if not self.active:
            raise PreconditionFailed("CAMPAIGN_INACTIVE", f"Campaign {self.id} is not active.", "campaignId")
        if self.valid_until is not None and now >= self.valid_until:
            raise PreconditionFailed("CAMPAIGN_EXPIRED", f"Campaign {self.id} has ended.", "campaignId")
        if self.valid_from is not None and now < self.valid_from:
            raise PreconditionFailed("CAMPAIGN_NOT_STARTED", f"Campaign {self.id} has not started.", "campaignId")

    def expiry_for(self, issued_at: datetime) -> datetime | None:
        """The earlier of N days from issue and the window's end; None when neither applies."""
        ends = [issued_at + timedelta(days=self.valid_days)] if self.valid_days else []
        if self.valid_until is not None:
            ends.append(self.valid_until)
        return min(ends) if ends else None


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
        reinstate_on_return=True,
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
