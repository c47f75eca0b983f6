"""What messaging knows of a customer, from profile events: addresses, consent, the WhatsApp window.

Messaging never asks the profile service at send time; it keeps this projection instead,
so sending works while profile is down and an erased customer stays unreachable for good.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as phone_timezones

from c360.errors import PreconditionFailed
from services.messaging.domain.channels import Channel

WHATSAPP_WINDOW = timedelta(hours=24)
# Which channel a notification goes to, when the customer can be reached on several.
PREFERENCE = (Channel.PUSH, Channel.WHATSAPP, Channel.EMAIL, Channel.SMS)


@dataclass
class Recipient:
    customer_id: str
    first_name: str = ""
    mobile: str = ""
    email: str = ""
    push_token: str = ""
    whatsapp_id: str = ""
    opt_ins: dict[str, bool] = field(default_factory=dict)
    whatsapp_window_until: datetime | None = None
    erased: bool = False

    def address(self, channel: Channel) -> str:
        """The address on `channel`, or NO_ADDRESS. WhatsApp falls back to the mobile number."""
        if self.erased:
            raise PreconditionFailed("CUSTOMER_ERASED", "This customer was erased and is never messaged.", "customerId")
        address = {
            Channel.SMS: self.mobile,
            Channel.EMAIL: self.email,
            Channel.PUSH: self.push_token,
            Channel.WHATSAPP: self.whatsapp_id or self.mobile.removeprefix("+"),
        }[channel]
        if not address:
            raise PreconditionFailed("NO_ADDRESS", f"The customer has no {channel.value.lower()} address.", "channel")
        return address

    def require_consent(self, campaign: str) -> None:
        if campaign and not self.opt_ins.get(campaign, False):
            raise PreconditionFailed(
                "CONSENT_REQUIRED", f"The customer is not opted in to '{campaign}' messages.", "campaign"
            )

    def whatsapp_session_open(self, now: datetime) -> bool:
        return self.whatsapp_window_until is not None and self.whatsapp_window_until > now

    def preferred_channel(self) -> Channel:
        """The first channel of PREFERENCE the customer has an explicit address on (SMS always works)."""
        explicit = {Channel.PUSH: self.push_token, Channel.WHATSAPP: self.whatsapp_id, Channel.EMAIL: self.email}
        return next((c for c in PREFERENCE if explicit.get(c)), Channel.SMS)

    def time_zone(self, default: ZoneInfo) -> ZoneInfo:
        """The zone of the mobile number when it has exactly one (e.g. +81 -> Asia/Tokyo), else `default`."""
        try:
            zones = phone_timezones.time_zones_for_number(phonenumbers.parse(self.mobile))
        except phonenumbers.NumberParseException:
            return default
        if len(zones) != 1 or zones[0] == phone_timezones.UNKNOWN_TIMEZONE:
            return default
        try:
            return ZoneInfo(zones[0])
        except (KeyError, ValueError):
            return default


def session_window_after(inbound_at: datetime) -> datetime:
    """Meta's customer service window: 24 hours from the customer's last inbound message."""
    return inbound_at + WHATSAPP_WINDOW
