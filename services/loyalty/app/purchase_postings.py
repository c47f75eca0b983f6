"""The account changes a stored purchase makes: its points and its spend, and a referrer's reward."""

from __future__ import annotations

from datetime import UTC, datetime

from services.loyalty.app.ports import CustomerProjection
from services.loyalty.domain.customer import CustomerFacts
from services.loyalty.domain.expiry import ExpiryPolicy
from services.loyalty.domain.ledger import Change, EntryType, LedgerEntry
from services.loyalty.domain.purchase import spend_delta
from services.loyalty.domain.stored_purchase import StoredPurchase


def purchase_change(stored: StoredPurchase, expiry: ExpiryPolicy) -> Change:
    purchase = stored.event
    spend = spend_delta(purchase)
    if not stored.points_earned and not stored.points_reversed:
        return Change(stored.change_id, stored.customer_id, spend=spend)
    earn = bool(stored.points_earned)
    entry = LedgerEntry(
        id=stored.change_id,
        customer_id=stored.customer_id,
        type=EntryType.EARN if earn else EntryType.REVERSAL,
        points=stored.points_earned if earn else -stored.points_reversed,
        created_at=datetime.now(UTC),
        remark=None if earn else f"return of {purchase.original_transaction_id}",
        actor=f"partner:{purchase.partner_id}",
        transaction_id=purchase.transaction_id,
        store_id=purchase.store_id,
        terminal_id=purchase.terminal_id,
        expires_at=expiry.expires_at(purchase.occurred_at) if earn else None,
        spend=spend,
    )
    return Change.of(entry)


async def referral_changes(
    stored: list[StoredPurchase],
    customers: dict[str, CustomerFacts],
    projection: CustomerProjection,
    points: int,
    expiry: ExpiryPolicy,
) -> list[tuple[Change, str]]:
    """A referred customer's first sale earns the referrer `points`, once (the entry id names the referred)."""
    rewards: dict[str, Change] = {}
    for purchase in stored:
        facts = customers.get(purchase.customer_id)
        if points <= 0 or purchase.event.kind != "SALE" or facts is None or facts.id in rewards:
            continue
        if not facts.referred_by_code or facts.referral_rewarded or not facts.earns:
            continue
        referrer = await projection.by_referral_code(facts.referred_by_code)
        if referrer is None or referrer.id == facts.id or not referrer.earns:
            continue
        now = datetime.now(UTC)
        entry = LedgerEntry(
            id=f"referral:{facts.id}",
            customer_id=referrer.id,
            type=EntryType.REFERRAL,
            points=points,
            created_at=now,
            remark=f"referral of {facts.id}",
            actor="system",
            transaction_id=purchase.event.transaction_id,
            expires_at=expiry.expires_at(now),
        )
        rewards[facts.id] = Change.of(entry)
    return [(change, referred) for referred, change in rewards.items()]
