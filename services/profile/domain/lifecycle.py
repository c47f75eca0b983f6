"""Suspension, reactivation and erasure: the status rules of the record."""

from __future__ import annotations

import dataclasses

from c360.errors import InvalidInput, NotFound, PreconditionFailed
from services.profile.domain.customer import Customer, CustomerStatus, capped

MAX_REASON_LENGTH = 500


def checked_reason(raw: str) -> str:
    reason = capped(raw, "reason", MAX_REASON_LENGTH)
    if not reason:
        raise InvalidInput("REQUIRED", "A reason is required.", "reason")
    return reason


def live(customer: Customer | None, customer_id: str) -> Customer:
    """The customer, unless unknown or erased (both look the same to callers)."""
    if customer is None or customer.status is CustomerStatus.DELETED:
        raise NotFound(f"No customer with id {customer_id[:64]}.", field="id")
    return customer


def suspended(customer: Customer) -> Customer:
    if customer.status is CustomerStatus.SUSPENDED:
        raise PreconditionFailed("ALREADY_SUSPENDED", "The customer is already suspended.", "id")
    return dataclasses.replace(customer, status=CustomerStatus.SUSPENDED)


def reactivated(customer: Customer) -> Customer:
    if customer.status is not CustomerStatus.SUSPENDED:
        raise PreconditionFailed("NOT_SUSPENDED", "Only a suspended customer can be reactivated.", "id")
    return dataclasses.replace(customer, status=CustomerStatus.ACTIVE)


def erased(customer: Customer) -> Customer:
    """The anonymous tombstone: the id, status, membership date and referral code stay, nothing personal.

    The mobile becomes `~<id>` so the unique index keeps admitting a new customer with the old number.
    """
    return Customer(
        id=customer.id,
        first_name="",
        mobile=f"~{customer.id}",
        customer_type=customer.customer_type,
        status=CustomerStatus.DELETED,
        member_since=customer.member_since,
        referral_code=customer.referral_code,
        version=customer.version,
    )
