"""Mobile numbers in E.164, the form the profile service stores them in."""

from __future__ import annotations

import phonenumbers


def to_e164(raw: str, default_region: str) -> str | None:
    try:
        number = phonenumbers.parse(raw.strip(), default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
