"""customerTimeline(customerId): new timeline entries of one customer, live (graphql-transport-ws)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from c360.kafka import topics
from c360.settings import InfraSettings
from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.profile.page_types import TimelineEvent
from gateway.features.timeline.hub import TimelineHub
from gateway.permissions import Role, has_role

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
    @strawberry.subscription(description="New timeline entries of one customer, live (VIEWER).")
    async def customer_timeline(
        self, info: GatewayInfo, customer_id: strawberry.ID
    ) -> AsyncGenerator[TimelineEvent, None]:
        # Checked here rather than by a permission class, so a socket without a valid token is told
        # UNAUTHENTICATED (the request-level guard does not run for subscriptions).
        principal = info.context.principal
        if principal is None:
            raise CodedError("UNAUTHENTICATED", info.context.auth_failure or "Authentication required.")
        if not has_role(principal, Role.VIEWER):
            raise CodedError("FORBIDDEN", "This needs the VIEWER role or higher.")
        async with process_hub().subscribe(str(customer_id)) as entries:
            while True:
                yield TimelineEvent.of(await entries.get())
