"""Validating a new campaign definition: every bad value is refused with its own code and field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from c360.errors import InvalidInput
from services.coupons.domain.campaign import Campaign, DiscountType

PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{2,12}$")
MAX_NAME = 120


@dataclass(frozen=True)
class CampaignDefinition:
    """A campaign as an operator typed it, before validation."""

    name: str
    discount_type: str
    discount_value: str
    code_prefix: str
    description: str | None = None
    valid_days: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    total_limit: int | None = None
    per_customer_limit: int | None = None
    active: bool = True
    reinstate_on_return: bool = False


def new_campaign(definition: CampaignDefinition, campaign_id: str) -> Campaign:
    name = definition.name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput("INVALID_NAME", f"A campaign needs a name of 1 to {MAX_NAME} characters.", "name")
    try:
        discount_type = DiscountType(definition.discount_type.strip().upper())
    except ValueError as error:
        raise InvalidInput(
            "INVALID_DISCOUNT_TYPE", "The discount type must be PERCENT, AMOUNT or FREE_ITEM.", "discountType"
        ) from error
    value = _discount_value(discount_type, definition.discount_value)
    prefix = definition.code_prefix.strip().upper()
    if not PREFIX_PATTERN.match(prefix):
        raise InvalidInput("INVALID_CODE_PREFIX", "The code prefix must be 2 to 12 letters or digits.", "codePrefix")
    if definition.valid_days is not None and definition.valid_days <= 0:
        raise InvalidInput("INVALID_VALIDITY", "Valid days must be positive.", "validDays")
    if definition.valid_days is None and definition.valid_until is None:
        raise InvalidInput("INVALID_VALIDITY", "Give valid days, a window end, or both.", "validDays")
    if definition.valid_from and definition.valid_until and definition.valid_until <= definition.valid_from:
        raise InvalidInput("INVALID_VALIDITY", "The window must end after it starts.", "validUntil")
    for field, limit in (("totalLimit", definition.total_limit), ("perCustomerLimit", definition.per_customer_limit)):
        if limit is not None and limit <= 0:
            raise InvalidInput("INVALID_LIMIT", "A limit must be positive (or absent for none).", field)
    return Campaign(
        id=campaign_id,
        name=name,
        discount_type=discount_type,
        discount_value=value,
        code_prefix=prefix,
        description=(definition.description or "").strip() or None,
        valid_days=definition.valid_days,
        per_customer_limit=definition.per_customer_limit,
        total_limit=definition.total_limit,
        active=definition.active,
        valid_from=definition.valid_from,
        valid_until=definition.valid_until,
        reinstate_on_return=definition.reinstate_on_return,
    )


def _discount_value(discount_type: DiscountType, text: str) -> Decimal:
    try:
        value = Decimal(text.strip() or "0")
    except InvalidOperation as error:
        raise InvalidInput("INVALID_DISCOUNT_VALUE", "The discount value is not a number.", "discountValue") from error
    if not value.is_finite() or value < 0:
        raise InvalidInput("INVALID_DISCOUNT_VALUE", "The discount value must not be negative.", "discountValue")
    if discount_type is DiscountType.PERCENT and not 0 < value <= 100:
        raise InvalidInput("INVALID_DISCOUNT_VALUE", "A percentage must be above 0 and at most 100.", "discountValue")
    if discount_type is DiscountType.AMOUNT and value == 0:
        raise InvalidInput("INVALID_DISCOUNT_VALUE", "An amount off must be above 0.", "discountValue")
    return value
