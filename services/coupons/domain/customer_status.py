"""What coupons knows of a customer: enough to refuse issuance, fed by profile events."""

from __future__ import annotations

from enum import Enum

from c360.errors import NotFound, PreconditionFailed


class CustomerStatus(Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    ERASED = "ERASED"


def check_may_receive(customer_id: str, status: CustomerStatus | None) -> None:
    """Only registered customers who are neither suspended nor erased may receive coupons."""
    if status is None:
        raise NotFound(f"No customer with id {customer_id}.", "CUSTOMER_NOT_FOUND", "customerId")
    if status is CustomerStatus.SUSPENDED:
        raise PreconditionFailed("CUSTOMER_SUSPENDED", f"Customer {customer_id} is suspended.", "customerId")
    if status is CustomerStatus.ERASED:
        raise PreconditionFailed("CUSTOMER_ERASED", f"Customer {customer_id} has been erased.", "customerId")
