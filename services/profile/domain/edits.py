"""Editing the record: any subset of fields, each re-validated by the same rules as registration."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from c360.errors import InvalidInput
from services.profile.domain.contact import normalise_email, normalise_mobile
from services.profile.domain.customer import (
    MAX_NAME_LENGTH,
    Address,
    Customer,
    ProfileRules,
    capped,
    checked_address,
    checked_birth_date,
)

EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "mobile",
    "email",
    "customer_type",
    "ext_ref",
    "date_of_birth",
    "gender",
    "marital_status",
    "address",
)


@dataclass(frozen=True)
class CustomerEdit:
    """`fields` names what changes; a named field with no value is cleared."""

    fields: frozenset[str]
    first_name: str | None = None
    last_name: str | None = None
    mobile: str | None = None
    email: str | None = None
    customer_type: str | None = None
    ext_ref: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    marital_status: str | None = None
    address: Address | None = None


def checked_customer_type(raw: str | None, rules: ProfileRules) -> str:
    customer_type = (raw or rules.default_customer_type).strip().upper()
    if customer_type not in rules.customer_types:
        raise InvalidInput(
            "UNKNOWN_CUSTOMER_TYPE",
            f"Customer type '{customer_type[:32]}' is not one of {', '.join(rules.customer_types)}.",
            "customerType",
        )
    return customer_type


def _new_value(edit: CustomerEdit, name: str, rules: ProfileRules, today: date) -> Any:
    if name == "first_name":
        first_name = capped(edit.first_name, "firstName", MAX_NAME_LENGTH)
        if not first_name:
            raise InvalidInput("REQUIRED", "First name is required.", "firstName")
        return first_name
    if name == "last_name":
        return capped(edit.last_name, "lastName", MAX_NAME_LENGTH)
    if name == "mobile":
        return normalise_mobile(edit.mobile or "", rules.default_region)
    if name == "email":
        return normalise_email(edit.email)
    if name == "customer_type":
        return checked_customer_type(edit.customer_type, rules)
    if name == "ext_ref":
        return capped(edit.ext_ref, "extRef", 64)
    if name == "date_of_birth":
        return checked_birth_date(edit.date_of_birth, today)
    if name in ("gender", "marital_status"):
        return capped(getattr(edit, name), "gender" if name == "gender" else "maritalStatus", 32)
    return checked_address(edit.address)


def apply_edit(customer: Customer, edit: CustomerEdit, rules: ProfileRules, today: date) -> tuple[Customer, list[str]]:
    """The edited record and the names of the fields that really changed (in a stable order)."""
    unknown = edit.fields - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput("UNKNOWN_FIELD", f"Cannot edit {', '.join(sorted(unknown))}.", "fields")
    changes: dict[str, Any] = {
        name: _new_value(edit, name, rules, today) for name in EDITABLE_FIELDS if name in edit.fields
    }
    changed = [name for name, value in changes.items() if getattr(customer, name) != value]
    return dataclasses.replace(customer, **{name: changes[name] for name in changed}), changed
