"""What loyalty knows about a customer, projected from the profile service's events."""

from __future__ import annotations

from dataclasses import dataclass

ACTIVE = "ACTIVE"
SUSPENDED = "SUSPENDED"
ERASED = "ERASED"


@dataclass(frozen=True)
class CustomerFacts:
    id: str
    status: str = ACTIVE
    referral_code: str = ""
    referred_by_code: str = ""
    referral_rewarded: bool = False

    @property
    def earns(self) -> bool:
        """Suspended (and erased) customers' purchases are recorded but earn nothing."""
        return self.status == ACTIVE
