"""Builds the provider of each channel from the settings."""

from __future__ import annotations

from services.messaging.adapters.providers.http_channels import (
    FcmPushProvider,
    TwilioSmsProvider,
    WhatsappCloudProvider,
)
from services.messaging.adapters.providers.http_provider import HttpProvider
from services.messaging.adapters.providers.log_provider import LogProvider
from services.messaging.adapters.providers.smtp_provider import SmtpProvider
from services.messaging.app.ports import Provider
from services.messaging.domain.channels import Channel
from services.messaging.settings import MessagingSettings


def build_providers(s: MessagingSettings) -> dict[Channel, Provider]:
    timeout = s.provider_timeout_seconds
    providers: dict[Channel, Provider] = {channel: LogProvider() for channel in Channel}
    if s.sms_provider == "twilio":
        providers[Channel.SMS] = TwilioSmsProvider(
            s.twilio_base_url, s.twilio_account_sid, s.twilio_auth_token, s.twilio_from, timeout
        )
    if s.whatsapp_provider == "meta":
        providers[Channel.WHATSAPP] = WhatsappCloudProvider(
            s.whatsapp_base_url, s.whatsapp_phone_number_id, s.whatsapp_token, s.whatsapp_template_language, timeout
        )
    if s.push_provider == "fcm":
        providers[Channel.PUSH] = FcmPushProvider(s.fcm_base_url, s.fcm_project_id, s.fcm_token, timeout)
    if s.email_provider == "smtp":
        providers[Channel.EMAIL] = SmtpProvider(
            s.smtp_host,
            s.smtp_port,
            s.smtp_sender,
            s.email_subject,
            timeout,
            s.smtp_username,
            s.smtp_password,
            s.smtp_start_tls,
        )
    return providers


def http_providers(providers: dict[Channel, Provider]) -> list[HttpProvider]:
    """The providers holding an HTTP client to open at start-up and close at shutdown."""
    return [p for p in providers.values() if isinstance(p, HttpProvider)]
