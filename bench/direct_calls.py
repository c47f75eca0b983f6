"""The gRPC calls the gateway makes for one full `customer360`, made by a plain asyncio client.

This is the lower bound of the architecture: the same backend work (the same
RPCs with the same request shapes as the gateway's loaders in
gateway/features/*/loaders.py) with no GraphQL parsing, validation, resolvers
or JSON. "direct" starts every call as soon as its input is known: all of them
at once, then the coupons' campaigns (their ids come from the coupon pages).
"naive" awaits the same calls one after another. Keep `LIST_CALLS` in step with
the gateway when a section is added; the benchmark checks the per-backend
counts against the gateway's own `extensions.rpcCalls` in every run.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
from customer360.coupons.v1 import coupons_pb2, coupons_pb2_grpc
from customer360.loyalty.v1 import loyalty_pb2, loyalty_pb2_grpc
from customer360.messaging.v1 import messaging_pb2, messaging_pb2_grpc
from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from bench.environment import REQUEST_BUDGET
from c360.grpc_client import open_channel
from deploy.local.stack import Stack

DEADLINE = REQUEST_BUDGET  # the gateway's request budget in the bench stack
PAGE = 20  # the full query's `first` on every list (bench/full_query.py)
OTPS = 20
COUPON_SECTIONS = ("ACTIVE", "APPLIED", "LAPSED")


@dataclass
class Backends:
    channels: list[grpc.aio.Channel]
    profile: profile_pb2_grpc.ProfileServiceAsyncStub
    loyalty: loyalty_pb2_grpc.LoyaltyServiceAsyncStub
    coupons: coupons_pb2_grpc.CouponsServiceAsyncStub
    messaging: messaging_pb2_grpc.MessagingServiceAsyncStub

    @classmethod
    def open(cls, stack: Stack) -> Backends:
        channels = {name: open_channel(stack.config.address(name)) for name in SERVICES}
        return cls(
            channels=list(channels.values()),
            profile=profile_pb2_grpc.ProfileServiceStub(channels["profile"]),
            loyalty=loyalty_pb2_grpc.LoyaltyServiceStub(channels["loyalty"]),
            coupons=coupons_pb2_grpc.CouponsServiceStub(channels["coupons"]),
            messaging=messaging_pb2_grpc.MessagingServiceStub(channels["messaging"]),
        )

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()


SERVICES = ("profile", "loyalty", "coupons", "messaging")
Call = Callable[[Backends, str], Awaitable[Any]]


def _page(customer_id: str) -> profile_pb2.BatchPageRequest:
    return profile_pb2.BatchPageRequest(queries=[profile_pb2.PageQuery(customer_id=customer_id, page_size=PAGE)])


# (backend, method, call) of every list the full query selects; each is one batch RPC in the gateway too.
LIST_CALLS: list[tuple[str, str, Call]] = [
    (
        "profile",
        "BatchGetCustomers",
        lambda b, c: b.profile.BatchGetCustomers(profile_pb2.BatchGetCustomersRequest(ids=[c]), timeout=DEADLINE),
    ),
    ("profile", "BatchListTimeline", lambda b, c: b.profile.BatchListTimeline(_page(c), timeout=DEADLINE)),
    ("profile", "BatchListNotes", lambda b, c: b.profile.BatchListNotes(_page(c), timeout=DEADLINE)),
    (
        "loyalty",
        "BatchGetAccounts",
        lambda b, c: b.loyalty.BatchGetAccounts(
            loyalty_pb2.BatchGetAccountsRequest(customer_ids=[c]), timeout=DEADLINE
        ),
    ),
    (
        "loyalty",
        "ListLedger",
        lambda b, c: b.loyalty.ListLedger(
            loyalty_pb2.ListLedgerRequest(queries=[loyalty_pb2.LedgerPageQuery(customer_id=c, first=PAGE)]),
            timeout=DEADLINE,
        ),
    ),
    (
        "loyalty",
        "ListOtps",
        lambda b, c: b.loyalty.ListOtps(loyalty_pb2.ListOtpsRequest(customer_ids=[c], first=OTPS), timeout=DEADLINE),
    ),
    (
        "loyalty",
        "ListPurchases",
        lambda b, c: b.loyalty.ListPurchases(
            loyalty_pb2.ListPurchasesRequest(queries=[loyalty_pb2.PurchasePageQuery(customer_id=c, first=PAGE)]),
            timeout=DEADLINE,
        ),
    ),
    (
        "coupons",
        "BatchListCoupons",
        lambda b, c: b.coupons.BatchListCoupons(
            coupons_pb2.BatchListCouponsRequest(
                queries=[coupons_pb2.CouponListQuery(customer_id=c, section=s, page_size=PAGE) for s in COUPON_SECTIONS]
            ),
            timeout=DEADLINE,
        ),
    ),
    (
        "messaging",
        "BatchListMessages",
        lambda b, c: b.messaging.BatchListMessages(
            messaging_pb2.BatchListMessagesRequest(
                requests=[messaging_pb2.ListMessagesRequest(customer_id=c, page_size=PAGE)]
            ),
            timeout=DEADLINE,
        ),
    ),
    (
        "messaging",
        "BatchListInbox",
        lambda b, c: b.messaging.BatchListInbox(
            messaging_pb2.BatchListInboxRequest(
                requests=[messaging_pb2.ListInboxRequest(customer_id=c, page_size=PAGE)]
            ),
            timeout=DEADLINE,
        ),
    ),
    (
        "messaging",
        "BatchListCampaignsReceived",
        lambda b, c: b.messaging.BatchListCampaignsReceived(
            messaging_pb2.BatchListCampaignsReceivedRequest(
                requests=[messaging_pb2.ListCampaignsReceivedRequest(customer_id=c, page_size=PAGE)]
            ),
            timeout=DEADLINE,
        ),
    ),
    (
        "messaging",
        "BatchGetChannelStates",
        lambda b, c: b.messaging.BatchGetChannelStates(
            messaging_pb2.BatchGetChannelStatesRequest(customer_ids=[c]), timeout=DEADLINE
        ),
    ),
]
COUPONS_CALL = next(i for i, (backend, _, _) in enumerate(LIST_CALLS) if backend == "coupons")


def _campaign_ids(coupon_reply: coupons_pb2.BatchListCouponsResponse) -> list[str]:
    return list(dict.fromkeys(c.campaign_id for page in coupon_reply.pages for c in page.coupons))


async def _campaigns(backends: Backends, ids: list[str]) -> None:
    if ids:  # the gateway's campaign loader is only called when some coupon was listed
        await backends.coupons.BatchGetCampaigns(coupons_pb2.BatchGetCampaignsRequest(ids=ids), timeout=DEADLINE)


async def concurrently(backends: Backends, customer_id: str) -> Counter[str]:
    replies = await asyncio.gather(*(call(backends, customer_id) for _, _, call in LIST_CALLS))
    ids = _campaign_ids(replies[COUPONS_CALL])
    await _campaigns(backends, ids)
    return _counts(bool(ids))


async def one_after_another(backends: Backends, customer_id: str) -> Counter[str]:
    replies = [await call(backends, customer_id) for _, _, call in LIST_CALLS]
    ids = _campaign_ids(replies[COUPONS_CALL])
    await _campaigns(backends, ids)
    return _counts(bool(ids))


def _counts(with_campaigns: bool) -> Counter[str]:
    """RPCs per backend of one request, comparable with the gateway's `extensions.rpcCalls`."""
    counts = Counter(backend for backend, _, _ in LIST_CALLS)
    if with_campaigns:
        counts["coupons"] += 1
    return counts
