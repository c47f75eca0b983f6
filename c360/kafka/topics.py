"""Topics are declared by the services that use them, so a fresh cluster needs no manual set-up."""

from __future__ import annotations

import contextlib
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)

# Topic names without the deployment prefix (see InfraSettings.topic).
PROFILE_EVENTS = "profile.events"
PROFILE_TIMELINE = "profile.timeline"  # each new timeline entry, for live subscriptions
LOYALTY_EVENTS = "loyalty.events"
COUPONS_EVENTS = "coupons.events"
MESSAGING_EVENTS = "messaging.events"
PURCHASES = "purchases"
PURCHASES_DLQ = "purchases.dlq"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


async def ensure_topics(bootstrap: str, topics: list[str], partitions: int) -> None:
    """Creates missing topics; existing ones are left as they are (their partitions included)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="c360-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if not missing:
            return
        with contextlib.suppress(TopicAlreadyExistsError):  # another instance won the race
            await admin.create_topics(
                [NewTopic(name=t, num_partitions=partitions, replication_factor=1) for t in missing]
            )
        log.info("created topics", extra={"fields": {"topics": missing}})
    finally:
        await admin.close()
