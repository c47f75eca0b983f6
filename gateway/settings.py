"""Gateway settings (`C360_GATEWAY_*`, and the shared `C360_JWT_SECRET`, `C360_MONGODB_URI`, `C360_DATABASE_PREFIX`)."""

from __future__ import annotations

from pathlib import Path
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
    # RS256 tokens are verified against this JWKS (an identity provider's); HS256 ones against the secret.
    jwks_url: str | None = None
    # A backend failing this many calls in a row (down, or reads too slow) is not called for `breaker_pause_seconds`.
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_pause_seconds: float = Field(default=5.0, gt=0)
    # Those failures in a row must span this long: a burst of calls timing out together is overload, not an outage.
    breaker_min_streak_seconds: float = Field(default=1.0, ge=0)
    # Estimated cost (selected fields times list sizes) above which a query is refused before it runs.
    max_query_cost: int = Field(default=25_000, ge=1)
    # Deepest nesting of fields a query may select (introspection fields exempt); refused at validation.
    max_query_depth: int = Field(default=12, ge=1)
    # Lexical tokens a query document may have; the parser stops at the first one over.
    max_query_tokens: int = Field(default=4000, ge=1)
    # Aliased fields a query may have, so one request cannot repeat an expensive field many times.
    max_query_aliases: int = Field(default=30, ge=0)
    # Per token subject, in this gateway instance; 0 switches rate limiting off.
    rate_limit_per_second: float = Field(default=100.0, ge=0)
    rate_limit_burst: int = Field(default=200, ge=1)
    # When set, only the documents of this JSON file (sha256 hex -> query text) are executed.
    trusted_documents_file: Path | None = None
    # The audit log of mutations lives in `<database_prefix>gateway`.
    mongodb_uri: str = Field(default="mongodb://127.0.0.1:27017/", validation_alias="C360_MONGODB_URI")
    database_prefix: str = Field(default="c360_", validation_alias="C360_DATABASE_PREFIX")

    @model_validator(mode="after")
    def _refuse_default_secret_outside_local(self) -> GatewaySettings:
        if self.env != "local" and self.jwt_secret == LOCAL_DEV_SECRET:
            raise ValueError("C360_JWT_SECRET must be set to a real secret when C360_ENV is not 'local'")
        return self
