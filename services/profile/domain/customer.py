"""The customer master record and the rules for creating one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from c360.errors import InvalidInput
from services.profile.domain.contact import normalise_email, normalise_mobile

MAX_NAME_LENGTH = 100
MAX_TEXT_LENGTH = 200
# No 0/O, 1/I/L: a referral code is read aloud and typed from a receipt.
REFERRAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERRAL_CODE_LENGTH = 7
PARTNER_SOURCE_PREFIX = "partner:"


class CustomerStatus(Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    DELETED = "DELETED"


@dataclass(frozen=True)
class Address:
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    state: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Customer:
    id: str
    first_name: str
    mobile: str
    customer_type: str
    status: CustomerStatus
    member_since: datetime
    referral_code: str
    last_name: str | None = None
    email: str | None = None
    ext_ref: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    marital_status: str | None = None
    address: Address | None = None
    referred_by_code: str | None = None
    source: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    lists: dict[str, str] = field(default_factory=dict)  # list id -> list name
    opt_ins: dict[str, OptIn] = field(default_factory=dict)  # campaign -> consent
    channel_links: dict[str, str] = field(default_factory=dict)  # channel -> link id
    version: int = 0  # bumped by every write; edits compare-and-set on it


@dataclass(frozen=True)
class OptIn:
    opted_in: bool
    updated_at: datetime


@dataclass(frozen=True)
class Registration:
    """What a caller asks for; validated into a Customer by `new_customer`."""

    first_name: str
    mobile: str
    last_name: str | None = None
    email: str | None = None
    customer_type: str | None = None
    ext_ref: str | None = None
    referred_by_code: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    address: Address | None = None
    source: str | None = None


@dataclass(frozen=True)
class ProfileRules:
    default_region: str = "ID"
    customer_types: tuple[str, ...] = ("REGULAR",)
    default_customer_type: str = "REGULAR"


def new_referral_code() -> str:
    """One draw of the whole code, written in the alphabet's digits: uniform, and one system call, not
    one per character (an import draws a code per row)."""
    draw, base = secrets.randbelow(len(REFERRAL_ALPHABET) ** REFERRAL_CODE_LENGTH), len(REFERRAL_ALPHABET)
    digits = []
    for _ in range(REFERRAL_CODE_LENGTH):
        draw, digit = divmod(draw, base)
        digits.append(REFERRAL_ALPHABET[digit])
    return "".join(digits)


def capped(value: str | None, field_name: str, limit: int = MAX_TEXT_LENGTH) -> str | None:
    """Trims, treats blank as absent, and refuses oversized text instead of truncating it silently."""
    if value is None:
        return None
    text = value.strip()
    if len(text) > limit:
        raise InvalidInput("TOO_LONG", f"{field_name} is longer than {limit} characters.", field_name)
    return text or None


def checked_address(address: Address | None) -> Address | None:
    if address is None:
        return None
    parts = {name: capped(getattr(address, name), f"address.{name}", 120) for name in Address.__dataclass_fields__}
    return Address(**parts) if any(parts.values()) else None


def checked_birth_date(value: date | None, today: date) -> date | None:
    if value is not None and not date(1900, 1, 1) <= value <= today:
        raise InvalidInput("INVALID_DATE_OF_BIRTH", "Date of birth must be between 1900 and today.", "dateOfBirth")
    return value


def new_customer(
    request: Registration, rules: ProfileRules, customer_id: str, now: datetime, referral_code: str
) -> Customer:
    first_name = capped(request.first_name, "firstName", MAX_NAME_LENGTH)
    # A till enrolling a customer by mobile knows no name yet; people registering one must give it.
    if not first_name and not (request.source or "").startswith(PARTNER_SOURCE_PREFIX):
        raise InvalidInput("REQUIRED", "First name is required.", "firstName")
    customer_type = (request.customer_type or rules.default_customer_type).strip().upper()
    if customer_type not in rules.customer_types:
        raise InvalidInput(
            "UNKNOWN_CUSTOMER_TYPE",
            f"Customer type '{customer_type[:32]}' is not one of {', '.join(rules.customer_types)}.",
            "customerType",
        )
    return Customer(
        id=customer_id,
        first_name=first_name or "",
        last_name=capped(request.last_name, "lastName", MAX_NAME_LENGTH),
        mobile=normalise_mobile(request.mobile, rules.default_region),
        email=normalise_email(request.email),
        customer_type=customer_type,
        status=CustomerStatus.ACTIVE,
        member_since=now,
        ext_ref=capped(request.ext_ref, "extRef", 64),
        referral_code=referral_code,
        referred_by_code=capped(request.referred_by_code, "referredByCode", 32),
        date_of_birth=checked_birth_date(request.date_of_birth, now.date()),
        gender=capped(request.gender, "gender", 32),
        address=checked_address(request.address),
        source=capped(request.source, "source", 64),
    )
