"""Normalising contact details, so one customer is found whatever format a clerk typed."""

from __future__ import annotations

import re

import phonenumbers

from c360.errors import InvalidInput

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the mail server's call.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254


def normalise_mobile(raw: str, default_region: str, field: str = "mobile") -> str:
    """Returns E.164 (`+6281234567890`) or raises INVALID_MOBILE."""
    text = (raw or "").strip()
    if not text:
        raise InvalidInput("INVALID_MOBILE", "Mobile is required.", field)
    if len(text) > 32:
        raise InvalidInput("INVALID_MOBILE", "Mobile is too long.", field)
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as error:
        raise InvalidInput("INVALID_MOBILE", f"Mobile '{text}' is not a phone number.", field) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("INVALID_MOBILE", f"Mobile '{text}' is not a valid phone number.", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str | None, field: str = "email") -> str | None:
    """Lower-cases and checks the shape; an empty value means no email."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > MAX_EMAIL_LENGTH or not _EMAIL.match(text):
        raise InvalidInput("INVALID_EMAIL", f"Email '{text[:64]}' is not a valid address.", field)
    return text.lower()
