"""customerTimeline(customerId): new timeline entries of one customer, live (graphql-transport-ws)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from c360.kafka import topics
from c360.settings import InfraSettings
from gateway.context import GatewayInfo
from gateway.features.profile.page_types import TimelineEvent
from gateway.features.timeline.hub import TimelineHub
from gateway.permissions import Role, requires

_hubs: dict[str, TimelineHub] = {}


def process_hub() -> TimelineHub:
    """The process's one hub, made on first use inside the event loop, from the shared C360_* settings."""
    infra = InfraSettings()
    topic = infra.topic(topics.PROFILE_TIMELINE)
    hub = _hubs.get(topic)
    if hub is None:
        hub = _hubs[topic] = TimelineHub(infra.kafka_bootstrap, topic, infra.topic_partitions)
    return hub


@strawberry.type
class TimelineSubscription:
    @strawberry.subscription(
        permission_classes=[requires(Role.VIEWER)], description="New timeline entries of one customer, live."
    )
    async def customer_timeline(
        self, info: GatewayInfo, customer_id: strawberry.ID
    ) -> AsyncGenerator[TimelineEvent, None]:
        async with process_hub().subscribe(str(customer_id)) as entries:
            while True:
                yield TimelineEvent.of(await entries.get())
