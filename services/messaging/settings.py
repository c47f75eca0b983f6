"""Messaging service settings (`C360_MESSAGING_*`): providers per channel, quiet hours, dispatch timing."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.messaging.domain.quiet_hours import QuietHours


class MessagingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_MESSAGING_", extra="ignore")

    grpc_address: str = "127.0.0.1:50054"

    # One provider per channel; `log` (the default) only writes a log line.
    sms_provider: Literal["log", "twilio"] = "log"
    whatsapp_provider: Literal["log", "meta"] = "log"
    email_provider: Literal["log", "smtp"] = "log"
    push_provider: Literal["log", "fcm"] = "log"
    provider_timeout_seconds: float = Field(default=10.0, gt=0)

    twilio_base_url: str = "https://api.twilio.com"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    whatsapp_base_url: str = "https://graph.facebook.com"
    whatsapp_phone_number_id: str = ""
    whatsapp_token: str = ""
    whatsapp_template_language: str = "en"
    fcm_base_url: str = "https://fcm.googleapis.com"
    fcm_project_id: str = ""
    fcm_token: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "Customer 360 <no-reply@customer360.local>"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_start_tls: bool = False
    email_subject: str = "A message for you"

    # Non-urgent messages wait out these hours in the customer's zone (from the mobile number, else the default).
    quiet_hours: str = "21:00-08:00"
    default_time_zone: str = "UTC"
    inbox_days: int = Field(default=30, ge=1)

    # Concurrent senders: claims are atomic, so one slow provider does not hold up the others.
    dispatch_workers: int = Field(default=4, ge=1)
    dispatch_poll_seconds: float = Field(default=0.5, gt=0)
    dispatch_lease_seconds: float = Field(default=60.0, gt=0)
    retry_base_seconds: float = Field(default=5.0, gt=0)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_parse(cls, value: str) -> str:
        QuietHours.parse(value)
        return value

    def quiet(self) -> QuietHours | None:
        return QuietHours.parse(self.quiet_hours)
