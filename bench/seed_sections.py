"""Seeds coupons and messages, so the full query's coupon and messaging lists are not empty.

Coupons: one campaign per coupon kind through CreateCampaign, then the coupons
service's bulk path (StartBulkIssue over customer ids, polled until finished).
Messages: SendMessage on SMS (the mobile every seeded customer has), a few per
customer, many in flight at once. Both go through the services' own write
paths, like the customers and purchases in bench/seed.py.
"""

from __future__ import annotations

import asyncio
import random
import uuid

import grpc
from customer360.coupons.v1 import coupons_pb2, coupons_pb2_grpc
from customer360.messaging.v1 import messaging_pb2, messaging_pb2_grpc

from c360.grpc_client import open_channel

BULK_CHUNK = 1000


async def seed_coupons(coupons_address: str, customer_ids: list[str], campaigns: int = 3) -> int:
    """`campaigns` campaigns, each issued to every customer in `customer_ids`; returns coupons issued."""
    channel = open_channel(coupons_address)
    stub = coupons_pb2_grpc.CouponsServiceStub(channel)
    issued = 0
    try:
        for n in range(campaigns):
            campaign = await stub.CreateCampaign(
                coupons_pb2.CreateCampaignRequest(
                    campaign=coupons_pb2.Campaign(
                        name=f"Bench campaign {n}",
                        description="Seeded by the benchmark",
                        discount_type="PERCENT",
                        discount_value="10",
                        valid_days=30,
                        code_prefix=f"B{n}",
                        active=True,
                    ),
                    actor="bench",
                ),
                timeout=30,
            )
            for offset in range(0, len(customer_ids), BULK_CHUNK):
                issued += await _bulk_issue(stub, campaign.id, customer_ids[offset : offset + BULK_CHUNK])
    finally:
        await channel.close()
    return issued


async def _bulk_issue(stub: coupons_pb2_grpc.CouponsServiceAsyncStub, campaign_id: str, ids: list[str]) -> int:
    job = await stub.StartBulkIssue(
        coupons_pb2.StartBulkIssueRequest(campaign_id=campaign_id, customer_ids=ids, actor="bench"), timeout=60
    )
    while not job.finished:
        await asyncio.sleep(0.5)
        job = await stub.GetBulkIssueJob(coupons_pb2.GetBulkIssueJobRequest(id=job.id), timeout=30)
    if job.error:
        raise RuntimeError(f"bulk issue failed: {job.error}")
    return job.issued


async def seed_messages(messaging_address: str, customer_ids: list[str], per_customer: int = 2) -> int:
    """`per_customer` SMS to each customer; returns the messages accepted."""
    channel = open_channel(messaging_address)
    stub = messaging_pb2_grpc.MessagingServiceStub(channel)
    work = iter([(c, n) for c in customer_ids for n in range(per_customer)])
    sent = 0

    async def worker() -> None:
        nonlocal sent
        for customer_id, n in work:
            try:
                await stub.SendMessage(
                    messaging_pb2.SendMessageRequest(
                        customer_id=customer_id,
                        channel=messaging_pb2.CHANNEL_SMS,
                        body=f"Your points statement #{n} is ready.",
                        idempotency_key=uuid.uuid4().hex,
                        sent_by="bench",
                    ),
                    timeout=30,
                )
                sent += 1
            except grpc.aio.AioRpcError:
                pass  # a refusal (e.g. no consent) is data, not a seeding failure

    try:
        await asyncio.gather(*(worker() for _ in range(16)))
    finally:
        await channel.close()
    return sent


def sample(ids: list[str], share: float, seed: int = 3) -> list[str]:
    """A reproducible share of the customers (at least one)."""
    rng = random.Random(seed)
    return rng.sample(ids, max(1, min(len(ids), round(len(ids) * share))))
