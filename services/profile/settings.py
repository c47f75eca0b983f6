"""Profile service settings (`C360_PROFILE_*`)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class ProfileSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_PROFILE_", extra="ignore")

    grpc_address: str = "127.0.0.1:50051"
    default_region: str = "ID"
    customer_types: list[str] = ["REGULAR"]
    default_customer_type: str = "REGULAR"
