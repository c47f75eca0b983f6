"""Loyalty service settings (`C360_LOYALTY_*`)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LoyaltySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_LOYALTY_", extra="ignore")

    grpc_address: str = "127.0.0.1:50052"
    profile_address: str = "127.0.0.1:50051"
    default_region: str = "ID"  # for partner mobiles written without a country code
    # Earn rule: one point per this much spend, rounded down; per-currency overrides as JSON,
    # e.g. C360_LOYALTY_SPEND_PER_POINT_BY_CURRENCY='{"USD": "1"}'.
    spend_per_point: Decimal = Decimal(1000)
    spend_per_point_by_currency: dict[str, Decimal] = {}
    # How far a purchase's total may differ from its items less its discounts before it is refused.
    total_tolerance: Decimal = Decimal("1.00")
    # never | days:<N> | end_of_month | end_of_year
    points_expiry: str = "days:365"
    tier_thresholds: dict[str, int] = {"BRONZE": 0, "SILVER": 1000, "GOLD": 5000}
    tier_window_days: int = Field(default=365, ge=1)
    referral_points: int = Field(default=100, ge=0)
    max_adjustment: int = Field(default=1_000_000, ge=1)
    # Keys the OTP hashes; set a real secret outside local runs.
    otp_pepper: str = "local-otp-pepper"
    # Background jobs.
    expiry_interval_seconds: float = Field(default=60.0, gt=0)
    rfm_interval_seconds: float = Field(default=300.0, gt=0)
    reconcile_interval_seconds: float = Field(default=30.0, gt=0)
    reconcile_after_seconds: float = Field(default=30.0, ge=0)
