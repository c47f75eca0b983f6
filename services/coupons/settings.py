"""Coupons service settings (`C360_COUPONS_*`)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class CouponsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_COUPONS_", extra="ignore")

    grpc_address: str = "127.0.0.1:50053"
