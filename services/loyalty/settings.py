"""Loyalty service settings (`C360_LOYALTY_*`)."""

from __future__ import annotations

from decimal import Decimal

from pydantic_settings import BaseSettings, SettingsConfigDict


class LoyaltySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_LOYALTY_", extra="ignore")

    grpc_address: str = "127.0.0.1:50052"
    profile_address: str = "127.0.0.1:50051"
    # Earn rule: one point per this much spend, rounded down; per-currency overrides as JSON,
    # e.g. C360_LOYALTY_SPEND_PER_POINT_BY_CURRENCY='{"USD": "1"}'.
    spend_per_point: Decimal = Decimal(1000)
    spend_per_point_by_currency: dict[str, Decimal] = {}
