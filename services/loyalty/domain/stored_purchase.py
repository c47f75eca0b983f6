"""A purchase as stored: the partner's event, the customer it belongs to, and its points."""

from __future__ import annotations

from dataclasses import dataclass

from services.loyalty.domain.purchase import PurchaseEvent


@dataclass(frozen=True)
class Transfer:
    """A move to another customer in progress; `number` names its ledger entries."""

    number: int
    from_customer: str
    to_customer: str
    remark: str
    actor: str


@dataclass(frozen=True)
class StoredPurchase:
    event: PurchaseEvent
    customer_id: str
    points_earned: int = 0  # SALE: points it earned
    points_reversed: int = 0  # RETURN: points it took back from the original
    transfers: int = 0
    transfer: Transfer | None = None

    @property
    def purchase_id(self) -> str:
        return self.event.purchase_id

    @property
    def change_id(self) -> str:
        """The account change that applies it: its ledger entry when it moves points, else its metrics alone."""
        if self.points_earned:
            return f"earn:{self.purchase_id}"
        if self.points_reversed:
            return f"reverse:{self.purchase_id}"
        return f"purchase:{self.purchase_id}"
