"""Each customer's newest purchases and ledger entries, in one document of `newest` (c360/newest_index.py),
so a purchase batch lists a customer's purchases and their ledger entries in one write."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from c360.newest_index import Entry, NewestLists
from services.loyalty.domain.ledger import LedgerEntry

PURCHASES = "purchases"
LEDGER = "ledger"


def newest_lists(database: AsyncDatabase[dict[str, Any]]) -> NewestLists:
    return NewestLists(database["newest"])


def ledger_listing(entry: LedgerEntry) -> tuple[str, Entry]:
    """The customer a ledger entry is listed under, and its place there (the ledger's page order)."""
    return entry.customer_id, (entry.created_at, entry.id)
