"""Coupons service settings (`C360_COUPONS_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CouponsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_COUPONS_", extra="ignore")

    grpc_address: str = "127.0.0.1:50053"
    profile_address: str = "127.0.0.1:50051"
    # How often the lapse job looks for ACTIVE coupons past their expiry.
    lapse_interval_seconds: float = Field(default=60.0, gt=0)
    # A bulk issuance job whose worker died is taken over by another once this lease has run out.
    bulk_lease_seconds: float = Field(default=30.0, gt=0)
