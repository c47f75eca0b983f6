"""Names used as keys inside the record (tag keys, campaigns, attribute names, channels).

They become MongoDB field names, so they are restricted to a safe alphabet:
no dots, no `$`, bounded length.
"""

from __future__ import annotations

import re

from c360.errors import InvalidInput

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
CHANNELS = ("SMS", "WHATSAPP", "EMAIL", "PUSH")


def checked_key(raw: str, field: str, code: str = "INVALID_KEY") -> str:
    text = (raw or "").strip()
    if not _KEY.match(text):
        raise InvalidInput(
            code, f"'{text[:40]}' must start with a letter and use only letters, digits, _ or - (max 40).", field
        )
    return text


def checked_channel(raw: str, field: str = "channel") -> str:
    channel = (raw or "").strip().upper()
    if channel not in CHANNELS:
        raise InvalidInput("UNKNOWN_CHANNEL", f"Channel '{channel[:20]}' is not one of {', '.join(CHANNELS)}.", field)
    return channel
