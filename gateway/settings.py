"""Gateway settings (`C360_GATEWAY_*`, and the shared `C360_JWT_SECRET`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_DEV_SECRET = "local-development-secret-not-for-production"


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_GATEWAY_", extra="ignore")

    env: Literal["local", "test", "production"] = Field(default="local", validation_alias="C360_ENV")
    jwt_secret: str = Field(
        default=LOCAL_DEV_SECRET, validation_alias="C360_JWT_SECRET", min_length=32
    )  # RFC 7518: HS256 keys of 256 bits or more
    host: str = "127.0.0.1"
    port: int = 8000
    profile_address: str = "127.0.0.1:50051"
    loyalty_address: str = "127.0.0.1:50052"
    coupons_address: str = "127.0.0.1:50053"
    messaging_address: str = "127.0.0.1:50054"
    # Total time one GraphQL request may spend on backend calls; each call gets what is left.
    request_budget_seconds: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def _refuse_default_secret_outside_local(self) -> GatewaySettings:
        if self.env != "local" and self.jwt_secret == LOCAL_DEV_SECRET:
            raise ValueError("C360_JWT_SECRET must be set to a real secret when C360_ENV is not 'local'")
        return self
