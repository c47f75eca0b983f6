"""Messaging service settings (`C360_MESSAGING_*`)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class MessagingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_MESSAGING_", extra="ignore")

    grpc_address: str = "127.0.0.1:50054"
