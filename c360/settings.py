"""Settings every process shares, read from `C360_*` environment variables at start-up.

Each service adds its own class with its own prefix (`C360_PROFILE_*`, ...); the
two are passed to `bootstrap()` explicitly, never imported as globals.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class InfraSettings(BaseSettings):
    """Where the shared infrastructure is and how this deployment names things on it."""

    model_config = SettingsConfigDict(env_prefix="C360_", extra="ignore")

    env: Literal["local", "test", "production"] = "local"
    kafka_bootstrap: str = "127.0.0.1:9092"
    mongodb_uri: str = "mongodb://127.0.0.1:27017/"
    # Prefixes let several deployments (or test runs) share one Kafka and one MongoDB.
    topic_prefix: str = ""
    database_prefix: str = "c360_"
    topic_partitions: int = Field(default=6, ge=1)
    # Customers whose events a consumer handles side by side (each customer's in order).
    consumer_key_parallelism: int = Field(default=16, ge=1, le=256)
    log_level: str = "INFO"

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def database(self, service: str) -> str:
        return f"{self.database_prefix}{service}"

    def consumer_group(self, service: str) -> str:
        return f"{self.topic_prefix}{service}"
