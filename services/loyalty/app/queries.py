"""Reads: accounts with their metrics, referral and RFM; pages of purchases and ledger; OTPs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from c360.errors import InvalidInput, NotFound
from services.loyalty.adapters.mongo_customers import MongoCustomerProjection
from services.loyalty.adapters.mongo_ledger import MongoLedgerRepository
from services.loyalty.adapters.mongo_otps import MongoOtpRepository
from services.loyalty.adapters.mongo_purchases import MongoPurchaseRepository
from services.loyalty.adapters.mongo_rfm import MongoRfmBreaks
from services.loyalty.adapters.paging import Page
from services.loyalty.app.ports import AccountRepository
from services.loyalty.domain.account import AccountState
from services.loyalty.domain.customer import CustomerFacts
from services.loyalty.domain.ledger import LedgerEntry
from services.loyalty.domain.otp import Otp
from services.loyalty.domain.rfm import RfmScore, score_customer
from services.loyalty.domain.stored_purchase import StoredPurchase

MAX_BATCH = 500
MAX_PAGE = 100


@dataclass(frozen=True)
class AccountView:
    state: AccountState
    facts: CustomerFacts
    referred_count: int
    rfm: RfmScore | None


@dataclass
class LoyaltyQueries:
    accounts: AccountRepository
    customers: MongoCustomerProjection
    purchases: MongoPurchaseRepository
    ledger: MongoLedgerRepository
    otps: MongoOtpRepository
    rfm: MongoRfmBreaks

    async def account(self, customer_id: str) -> AccountView:
        views = await self.accounts_of([customer_id])
        if not views:
            raise NotFound(f"No points account for customer {customer_id[:64]}.", field="customerId")
        return views[0]

    async def accounts_of(self, customer_ids: list[str]) -> list[AccountView]:
        _check_batch(customer_ids, "customerIds")
        ids = list(dict.fromkeys(customer_ids))
        states, facts, breaks = await asyncio.gather(
            self.accounts.get_many(ids), self.customers.get_many(ids), self.rfm.current()
        )
        views = []
        for state in states:
            known = facts.get(state.customer_id, CustomerFacts(state.customer_id))
            spend = state.spend
            score = None
            if breaks is not None and spend.orders > 0 and spend.last_at is not None:
                score = score_customer(breaks, spend.last_at, spend.orders, float(spend.lifetime_spend))
            referred = await self.customers.referred_count(known.referral_code)
            views.append(AccountView(state, known, referred, score))
        return views

    async def purchase_pages(self, queries: list[tuple[str, int, str, str]]) -> list[Page[StoredPurchase]]:
        _check_batch(queries, "queries")
        return [await self.purchases.page(c, _first(first), after, search) for c, first, after, search in queries]

    async def ledger_pages(self, queries: list[tuple[str, int, str, str]]) -> list[Page[LedgerEntry]]:
        _check_batch(queries, "queries")
        return [await self.ledger.page(c, _first(first), after, kind) for c, first, after, kind in queries]

    async def recent_otps(self, customer_ids: list[str], first: int) -> dict[str, list[Otp]]:
        _check_batch(customer_ids, "customerIds")
        return await self.otps.recent(list(dict.fromkeys(customer_ids)), _first(first))

    async def search(self, receipt_ids: list[str], transaction_ids: list[str], limit: int) -> list[StoredPurchase]:
        _check_batch([*receipt_ids, *transaction_ids], "receiptIds")
        return await self.purchases.search(receipt_ids, transaction_ids, min(limit or 100, MAX_BATCH))


def _check_batch(items: list[object] | list[str] | list[tuple[str, int, str, str]], field: str) -> None:
    if len(items) > MAX_BATCH:
        raise InvalidInput("TOO_MANY_IDS", f"At most {MAX_BATCH} per call.", field)


def _first(first: int) -> int:
    return max(1, min(first or 20, MAX_PAGE))
