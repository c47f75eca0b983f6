"""The loyalty events, with event ids derived from what they describe.

A purchase batch publishes its events directly (before its offsets are committed)
instead of through an outbox: a retry after a crash publishes them again with the
same event ids, which every consumer already dedupes on. FerretDB makes each
document update costly, and an outbox costs two per event.
"""

from __future__ import annotations

import asyncio
import uuid

from customer360.events.v1 import loyalty_events_pb2

from c360.events import new_envelope, to_outbox
from c360.kafka.publisher import KafkaPublisher
from c360.outbox import OutboxRecord
from services.loyalty.app.ports import AppliedOperation
from services.loyalty.domain.ledger import LedgerEntry
from services.loyalty.domain.stored_purchase import StoredPurchase

Posting = tuple[LedgerEntry, AppliedOperation]
NAMESPACE = uuid.UUID("6f1e0c52-2b1a-4f57-9d59-1c2f3a0b7e11")


def _stable_id(kind: str, subject: str) -> str:
    return uuid.uuid5(NAMESPACE, f"{kind}:{subject}").hex


def points_changed(entry: LedgerEntry, applied: AppliedOperation, topic: str) -> OutboxRecord:
    payload = loyalty_events_pb2.PointsChanged(
        entry_id=entry.id,
        type=entry.type.value,
        points=applied.points,
        balance_after=applied.balance_after,
        transaction_id=entry.transaction_id or "",
        remark=entry.remark or "",
    )
    envelope = new_envelope(entry.customer_id, "loyalty", payload, actor=entry.actor or "")
    envelope.event_id = _stable_id("PointsChanged", entry.id)
    return to_outbox(envelope, topic)


def purchase_recorded(stored: StoredPurchase, topic: str) -> OutboxRecord:
    purchase = stored.event
    recorded = loyalty_events_pb2.PurchaseRecorded(
        transaction_id=purchase.transaction_id,
        partner_id=purchase.partner_id,
        receipt_id=purchase.receipt_id or "",
        kind=purchase.kind,
        original_transaction_id=purchase.original_transaction_id or "",
        total=str(purchase.total),
        currency=purchase.currency,
        store_id=purchase.store_id or "",
        coupon_codes=list(purchase.coupon_codes),
        points_earned=stored.points_earned - stored.points_reversed,
    )
    recorded.occurred_at.FromDatetime(purchase.occurred_at)
    envelope = new_envelope(
        stored.customer_id,
        "loyalty",
        recorded,
        actor=f"partner:{purchase.partner_id}",
        occurred_at=purchase.occurred_at,
    )
    envelope.event_id = _stable_id("PurchaseRecorded", stored.purchase_id)
    return to_outbox(envelope, topic)


class DirectEvents:
    """Publishes many events at once: one customer's in order, different customers concurrently."""

    def __init__(self, publisher: KafkaPublisher, topic: str) -> None:
        self._publisher = publisher
        self.topic = topic

    async def publish(
        self, purchases: list[StoredPurchase], postings: list[tuple[LedgerEntry, AppliedOperation]]
    ) -> None:
        records = [purchase_recorded(p, self.topic) for p in purchases]
        records += [points_changed(entry, applied, self.topic) for entry, applied in postings]
        by_key: dict[str, list[OutboxRecord]] = {}
        for record in records:
            by_key.setdefault(record.key, []).append(record)
        await asyncio.gather(*(self._in_order(chain) for chain in by_key.values()))

    async def _in_order(self, records: list[OutboxRecord]) -> None:
        await self._publisher.publish_in_order([(r.topic, r.key, r.value, r.correlation_headers()) for r in records])
