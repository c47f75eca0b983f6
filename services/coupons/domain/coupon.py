"""Coupons a customer holds, their codes, and the rules of applying and reinstating them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

# No 0/O/1/I: codes are read aloud and typed at tills.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_RANDOM_LENGTH = 10  # 32**10 ~ 1e15: unguessable, and collisions are retried anyway


class CouponStatus(Enum):
    ACTIVE = "ACTIVE"
    APPLIED = "APPLIED"
    LAPSED = "LAPSED"
    REMOVED = "REMOVED"


class CouponSection(Enum):
    """The lists of the customer360 coupons section; REMOVED coupons are listed with the lapsed ones."""

    ACTIVE = (CouponStatus.ACTIVE,)
    APPLIED = (CouponStatus.APPLIED,)
    LAPSED = (CouponStatus.LAPSED, CouponStatus.REMOVED)


class RejectionReason(Enum):
    UNKNOWN_CODE = "UNKNOWN_CODE"
    OTHER_CUSTOMER = "OTHER_CUSTOMER"
    EXPIRED = "EXPIRED"
    ALREADY_APPLIED = "ALREADY_APPLIED"
    LAPSED = "LAPSED"
    REMOVED = "REMOVED"


@dataclass(frozen=True)
class Coupon:
    code: str
    customer_id: str
    campaign_id: str
    status: CouponStatus
    issued_at: datetime
    expires_at: datetime | None = None
    issued_by: str | None = None
    applied_at: datetime | None = None
    transaction_id: str | None = None
    remark: str | None = None
    removed_by: str | None = None
    version: int = 0  # moves on with every change, so each change is claimed once


def new_code(prefix: str) -> str:
    random_part = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_RANDOM_LENGTH))
    return f"{prefix}-{random_part}"


def normalise_code(code: str) -> str:
    """Codes are matched case-insensitively and without surrounding blanks."""
    return code.strip().upper()


def redemption_refusal(
    coupon: Coupon | None, customer_id: str, transaction_id: str, now: datetime
) -> RejectionReason | None:
    """Why a purchase cannot apply this coupon, or None when it can (or already did, for this purchase)."""
    if coupon is None:
        return RejectionReason.UNKNOWN_CODE
    if coupon.customer_id != customer_id:
        return RejectionReason.OTHER_CUSTOMER
    if coupon.status is CouponStatus.APPLIED:
        return None if coupon.transaction_id == transaction_id else RejectionReason.ALREADY_APPLIED
    if coupon.status is CouponStatus.LAPSED:
        return RejectionReason.LAPSED
    if coupon.status is CouponStatus.REMOVED:
        return RejectionReason.REMOVED
    if coupon.expires_at is not None and now >= coupon.expires_at:
        return RejectionReason.EXPIRED
    return None
