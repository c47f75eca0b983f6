"""Redemption one-time codes: 6 digits, stored only as a keyed hash, 5 minutes, at most 5 attempts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(pepper: str, otp_id: str, code: str) -> str:
    """Keyed by a server secret and salted by the OTP id, so a leaked table does not reveal codes cheaply."""
    return hmac.new(pepper.encode(), f"{otp_id}:{code}".encode(), hashlib.sha256).hexdigest()


def matches(pepper: str, otp_id: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(code_hash(pepper, otp_id, code.strip()), stored_hash)


def masked(code: str) -> str:
    return "****" + code[-2:]


@dataclass(frozen=True)
class Otp:
    id: str
    customer_id: str
    masked_code: str
    points: int
    status: str  # PENDING, USED, BLOCKED (EXPIRED is derived from the time)
    attempts: int
    created_at: datetime
    expires_at: datetime
    code_hash: str
    entry_id: str | None = None

    def status_at(self, now: datetime) -> str:
        if self.status == "PENDING" and now >= self.expires_at:
            return "EXPIRED"
        return self.status

    def usable_at(self, now: datetime) -> bool:
        """Only a pending code inside its lifetime and under the attempt limit may redeem points."""
        return self.status_at(now) == "PENDING" and self.attempts < MAX_ATTEMPTS


def issue(otp_id: str, customer_id: str, points: int, code: str, pepper: str, now: datetime) -> Otp:
    """A fresh code for `points`, valid for LIFETIME from `now`."""
    return Otp(
        id=otp_id,
        customer_id=customer_id,
        masked_code=masked(code),
        points=points,
        status="PENDING",
        attempts=0,
        created_at=now,
        expires_at=now + LIFETIME,
        code_hash=code_hash(pepper, otp_id, code),
    )
