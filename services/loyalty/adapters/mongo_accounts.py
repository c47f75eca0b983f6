"""Points accounts in MongoDB, changed by compare-and-set on a version number.

Each apply reads the account (or starts from the copy this process last wrote, see
c360/known_documents.py), computes the new state in Python (domain/account.py),
and writes it only if the version is unchanged; the last applied change ids ride
along with the balance they left, so a retried change is recognised and answered
with its original result. One document, one atomic write: no transaction needed.
A tier change rides in the same write as a TierChanged event in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import UTC, datetime
from typing import Any

from customer360.events.v1 import loyalty_events_pb2
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.by_id import find_by_ids
from c360.events import new_envelope, to_outbox
from c360.known_documents import KnownDocuments, after_update
from c360.mongo import insert_new
from c360.outbox import OutboxRecord, OutboxRelay, outbox_push
from services.loyalty.adapters.account_documents import (
    LEGACY_FIELDS,
    NOT_READ,
    OPERATIONS,
    new_account,
    operations_text,
    remembered_operations,
    state_fields,
    to_state,
)
from services.loyalty.adapters.document_locks import DocumentLocks
from services.loyalty.app.ports import AppliedOperation
from services.loyalty.domain.account import AccountState, TierMove, apply, review_tier, set_tier
from services.loyalty.domain.ledger import Change, InsufficientPoints
from services.loyalty.domain.tiers import TierPolicy

Document = dict[str, Any]
# Enough for the largest batch of changes one caller applies before marking them posted.
REMEMBERED_OPERATIONS = 120


class MongoAccountRepository:
    def __init__(self, database: AsyncDatabase[Document], tiers: TierPolicy, events_topic: str) -> None:
        self.collection: AsyncCollection[Document] = database["accounts"]
        self._tiers = tiers
        self._events_topic = events_topic
        self.relay: OutboxRelay | None = None
        self.locks = DocumentLocks()
        self._known = KnownDocuments()

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("next_lot_expiry", ASCENDING)], name="by_next_lot_expiry")
        await self.collection.create_index([("tier_review_at", ASCENDING)], name="by_tier_review")
        await self.collection.create_index([("rfm_orders", ASCENDING)], name="by_rfm_orders")
        await OutboxRelay.ensure_indexes(self.collection)

    async def open(self, customer_id: str) -> None:
        """Creates the account unless it exists (checked first: on FerretDB even a no-op upsert rewrites)."""
        if await self.collection.find_one({"_id": customer_id}, {"_id": 1}) is not None:
            return
        with contextlib.suppress(DuplicateKeyError):  # a concurrent open or apply created it first
            await self.collection.insert_one({"_id": customer_id, **new_account()})

    async def open_many(self, customer_ids: list[str]) -> None:
        """`open` for many at once: one bulk insert; accounts that exist stay as they are."""
        now = datetime.now(UTC)
        await insert_new(self.collection, [{"_id": i, **new_account(now)} for i in dict.fromkeys(customer_ids)])

    async def get(self, customer_id: str) -> AccountState | None:
        doc = await self.collection.find_one({"_id": customer_id}, NOT_READ)
        return to_state(doc, self._tiers.lowest) if doc else None

    async def get_many(self, customer_ids: list[str]) -> list[AccountState]:
        docs = await find_by_ids(self.collection, customer_ids, NOT_READ)
        return [to_state(doc, self._tiers.lowest) for doc in docs]

    async def apply(self, change: Change) -> AppliedOperation:
        return (await self.apply_many(change.customer_id, [change]))[0]

    async def apply_many(self, customer_id: str, changes: list[Change]) -> list[AppliedOperation]:
        """Applies each change once (in order) in one write; refusals are not expected here and raise."""
        results = await self.apply_each(customer_id, changes)
        for result in results:
            if isinstance(result, InsufficientPoints):
                raise result
        return [r for r in results if isinstance(r, AppliedOperation)]

    async def apply_each(self, customer_id: str, changes: list[Change]) -> list[AppliedOperation | InsufficientPoints]:
        """Applies each change once (in order) in one write; a refused change is reported and not applied."""
        return await self._update(
            customer_id, lambda state, now, ops: _apply_all(state, changes, now, ops, self._tiers)
        )

    async def set_tier(self, customer_id: str, tier: str, remark: str, actor: str) -> AccountState:
        def change(state: AccountState, now: datetime, ops: dict[str, Document]) -> Outcome:
            moved = set_tier(state, tier, self._tiers, now)
            move = TierMove(state.tier, tier, f"manual: {remark}") if tier != state.tier else None
            return moved, [], [], move

        await self._update(customer_id, change, actor)
        account = await self.get(customer_id)
        assert account is not None
        return account

    async def review_tier(self, customer_id: str) -> None:
        await self._update(customer_id, lambda state, now, ops: (state, [], [], None))

    async def due_for_expiry(self, now: datetime, limit: int) -> list[str]:
        cursor = self.collection.find({"next_lot_expiry": {"$lte": now}}, {"_id": 1}).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def due_for_tier_review(self, now: datetime, limit: int) -> list[str]:
        cursor = self.collection.find({"tier_review_at": {"$lte": now}}, {"_id": 1}).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def _update(
        self, customer_id: str, change: Any, actor: str = "system"
    ) -> list[AppliedOperation | InsufficientPoints]:
        while True:
            async with self.locks.of(customer_id):
                outcome = await self._try_update(customer_id, change, actor)
            if outcome is not None:
                return outcome
            await asyncio.sleep(random.uniform(0, 0.005))  # lost a race: let the winner's write land

    async def _try_update(
        self, customer_id: str, change: Any, actor: str
    ) -> list[AppliedOperation | InsufficientPoints] | None:
        """One read-compute-write round; None when another writer changed the account meanwhile. The round
        starts from the account as this process last wrote it, if it is known (c360/known_documents.py)."""
        doc = known = self._known.get(customer_id)
        if doc is None:
            doc = await self.collection.find_one({"_id": customer_id}, {"outbox": 0})
        if doc is None:
            await self.open(customer_id)
            return None
        now = datetime.now(UTC)
        remembered = remembered_operations(doc)
        state, results, new_ops, move = change(to_state(doc, self._tiers.lowest), now, dict(remembered))
        state, review = review_tier(state, self._tiers, now)
        move = move or review
        if not new_ops and move is None and not _review_moved(doc, state):
            if known is not None:  # nothing to write means no guard: decide on the stored account instead
                self._known.forget(customer_id)
                return None
            return list(results)
        update: Document = {"$set": {**state_fields(state), "version": doc["version"] + 1}}
        update["$set"][OPERATIONS] = operations_text([*remembered.values(), *new_ops][-REMEMBERED_OPERATIONS:])
        if legacy := [f for f in LEGACY_FIELDS if f in doc]:
            update["$unset"] = dict.fromkeys(legacy, "")
        if move is not None:
            pushed = outbox_push([self._tier_event(customer_id, move, actor)])
            update["$push"] = pushed["$push"]
            update["$set"].update(pushed["$set"])
        result = await self.collection.update_one({"_id": customer_id, "version": doc["version"]}, update)
        if result.modified_count != 1:
            self._known.forget(customer_id)
            return None
        self._known.remember(customer_id, after_update(doc, update))
        if move is not None and self.relay is not None:
            self.relay.nudge(customer_id)
        return list(results)

    def _tier_event(self, customer_id: str, move: TierMove, actor: str) -> OutboxRecord:
        payload = loyalty_events_pb2.TierChanged(from_tier=move.from_tier, to_tier=move.to_tier, reason=move.reason)
        return to_outbox(new_envelope(customer_id, "loyalty", payload, actor=actor), self._events_topic)


Outcome = tuple[AccountState, list[AppliedOperation | InsufficientPoints], list[Document], TierMove | None]


def _apply_all(
    state: AccountState, changes: list[Change], now: datetime, remembered: dict[str, Document], tiers: TierPolicy
) -> Outcome:
    results: list[AppliedOperation | InsufficientPoints] = []
    new_ops: list[Document] = []
    for change in changes:
        op = remembered.get(change.id)
        if op is None:
            try:
                state, points = apply(state, change, tiers, now)
            except InsufficientPoints as refused:
                results.append(refused)
                continue
            op = {"id": change.id, "balance_after": state.points_balance, "points": points}
            remembered[change.id] = op
            new_ops.append(op)
        results.append(AppliedOperation(change.id, op["balance_after"], op.get("points", 0)))
    return state, results, new_ops, None


def _review_moved(doc: Document, state: AccountState) -> bool:
    return bool(doc.get("tier_review_at") != state.tier_review_at)
