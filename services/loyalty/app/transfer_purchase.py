"""TransferPurchase: a purchase, its spend and the points it earned move to another customer.

1. The purchase is claimed for transfer number n (compare-and-set on its owner);
2. TRANSFER entries `transfer-out:<purchase>:<n>` and `transfer-in:<purchase>:<n>` post on both sides;
3. the purchase changes owner. A crash at any step is finished by a retry or the reconciler.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from c360.errors import Conflict, InvalidInput, NotFound
from services.loyalty.app.apply_changes import ApplyChanges
from services.loyalty.app.customer_checks import CustomerChecks, require_remark
from services.loyalty.app.ports import PurchaseRepository
from services.loyalty.domain.expiry import ExpiryPolicy
from services.loyalty.domain.ledger import Change, EntryType, LedgerEntry
from services.loyalty.domain.purchase import spend_delta
from services.loyalty.domain.spend import SpendDelta
from services.loyalty.domain.stored_purchase import StoredPurchase, Transfer


@dataclass
class TransferPurchase:
    checks: CustomerChecks
    purchases: PurchaseRepository
    apply_changes: ApplyChanges
    expiry: ExpiryPolicy

    async def __call__(self, transaction_id: str, to_customer: str, remark: str, actor: str) -> StoredPurchase:
        remark = require_remark(remark)
        found = [p for p in await self.purchases.by_transaction(transaction_id.strip()) if p.event.kind == "SALE"]
        if not found:
            raise NotFound(f"No sale with transaction id {transaction_id[:64]}.", field="transactionId")
        if len(found) > 1:
            raise Conflict("AMBIGUOUS_TRANSACTION", "Several partners used this transaction id.", "transactionId")
        purchase = found[0]
        transfer = purchase.transfer
        if transfer is None:
            if purchase.customer_id == to_customer:
                raise InvalidInput("SAME_CUSTOMER", "The purchase already belongs to this customer.", "toCustomerId")
            await self.checks.account(to_customer, field="toCustomerId")
            transfer = Transfer(purchase.transfers + 1, purchase.customer_id, to_customer, remark, actor)
            if not await self.purchases.begin_transfer(purchase, transfer):
                raise Conflict("TRANSFER_IN_PROGRESS", "The purchase changed hands meanwhile.", "transactionId")
        elif transfer.to_customer != to_customer:
            raise Conflict("TRANSFER_IN_PROGRESS", "Another transfer of this purchase is in progress.", "transactionId")
        await self.complete(purchase, transfer)
        return replace(purchase, customer_id=to_customer, transfer=None, transfers=transfer.number)

    async def complete(self, purchase: StoredPurchase, transfer: Transfer) -> None:
        """Posts both sides (each once) and hands the purchase over; safe to repeat."""
        event = purchase.event
        points = purchase.points_earned - await self.purchases.points_reversed_for(
            event.partner_id, event.transaction_id
        )
        spend = spend_delta(event)
        out_id = f"transfer-out:{purchase.purchase_id}:{transfer.number}"
        in_id = f"transfer-in:{purchase.purchase_id}:{transfer.number}"
        if points <= 0:
            changes = [
                Change(out_id, transfer.from_customer, spend=spend.negated()),
                Change(in_id, transfer.to_customer, spend=spend),
            ]
        else:
            now = datetime.now(UTC)
            expires_at = self.expiry.expires_at(event.occurred_at)
            out = _entry(out_id, transfer.from_customer, -points, now, purchase, transfer, spend.negated(), None)
            into = _entry(in_id, transfer.to_customer, points, now, purchase, transfer, spend, expires_at)
            changes = [Change.of(out), Change.of(into)]
        await self.apply_changes(changes)
        await self.purchases.finish_transfer(purchase, transfer)


def _entry(
    entry_id: str,
    customer_id: str,
    points: int,
    now: datetime,
    purchase: StoredPurchase,
    transfer: Transfer,
    spend: SpendDelta,
    expires_at: datetime | None,
) -> LedgerEntry:
    return LedgerEntry(
        id=entry_id,
        customer_id=customer_id,
        type=EntryType.TRANSFER,
        points=points,
        created_at=now,
        remark=transfer.remark,
        actor=transfer.actor,
        transaction_id=purchase.event.transaction_id,
        store_id=purchase.event.store_id,
        terminal_id=purchase.event.terminal_id,
        expires_at=expires_at,
        spend=spend,
    )
