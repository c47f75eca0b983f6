"""The dispatch queue on the real document store: many dispatchers racing for one message, one wins.

FerretDB lets several concurrent conditional updates of one document all succeed, so the
claim is won by a unique insert instead; this checks it where it matters, on the real store.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

from c360.kafka.publisher import KafkaPublisher
from deploy.local.stack import Stack
from services.messaging.adapters.message_documents import to_document
from services.messaging.adapters.mongo_delivery_reports import MongoDeliveryReports
from services.messaging.adapters.mongo_dispatch_queue import MongoDispatchQueue
from services.messaging.adapters.read_only_relay import ReadOnlyRelay
from services.messaging.domain.channels import Channel
from services.messaging.domain.message import OutgoingMessage

NOW = datetime.now(UTC)


def queued(message_id: str) -> OutgoingMessage:
    return OutgoingMessage(
        id=message_id,
        customer_id="c1",
        idempotency_key=f"c1:{message_id}",
        channel=Channel.SMS,
        address="+6281234567890",
        body="Hello",
        send_text="Hello",
        title="",
        template_id="",
        campaign="",
        sent_by="tests",
        urgent=False,
        created_at=NOW,
        not_before=NOW - timedelta(seconds=1),
    )


async def test_concurrent_dispatchers_claim_each_message_exactly_once(
    mongo: AsyncMongoClient[dict[str, Any]], stack: Stack
) -> None:
    database = mongo[f"{stack.config.database_prefix}messaging_claims_{uuid.uuid4().hex[:6]}"]
    messages = database["messages"]
    relay = ReadOnlyRelay(database, [messages], KafkaPublisher(stack.config.kafka_bootstrap, "unused"))
    queue = MongoDispatchQueue(messages, "unused", relay, MongoDeliveryReports(database, messages, "unused", relay))
    ids = [uuid.uuid4().hex for _ in range(3)]
    await messages.insert_many([to_document(queued(i)) for i in ids])
    await database["dispatch_pending"].insert_many([{"_id": i, "due": NOW, "created_at": NOW} for i in ids])

    claims = await asyncio.gather(*(queue.claim_due(NOW, NOW + timedelta(minutes=1)) for _ in range(12)))

    won = [c.message.id for c in claims if c is not None]
    assert sorted(won) == sorted(ids)  # every message claimed, none twice
    assert {d["attempts"] async for d in messages.find({})} == {1}
    await mongo.drop_database(database.name)
