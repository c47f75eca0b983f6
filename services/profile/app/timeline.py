"""The activity timeline, fed by every service's events; and the reactions profile has to others' events.

Idempotent by event id: the entry's id is the event's, so a redelivery adds
nothing and publishes nothing. A whole fetch is projected with one bulk insert:
an import of many customers floods this consumer with their registrations. Each new entry is also published on
`profile.timeline` for the live subscription, right after it is stored: a live
feed, so a crash between the two costs a live viewer one entry (the timeline
query still has it) rather than an outbox update per entry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Set
from dataclasses import dataclass
from datetime import UTC
from typing import Protocol

from customer360.events.v1 import events_pb2, messaging_events_pb2, profile_events_pb2
from customer360.profile.v1 import profile_pb2

from c360.errors import DomainError
from c360.events import new_envelope, timestamp, unpack
from services.profile.app.details import RecordDetails
from services.profile.app.timeline_summaries import summarise
from services.profile.domain.timeline import TimelineEntry

log = logging.getLogger(__name__)
MAX_PAGE = 100


class TimelineStore(Protocol):
    async def add_many(
        self, entries: list[TimelineEntry], new_customers: Set[str] = frozenset()
    ) -> list[TimelineEntry]:
        """Stores the entries not stored yet, and returns those; `new_customers` are likely to have none yet."""
        ...

    async def page(self, customer_id: str, size: int, after: str) -> tuple[list[TimelineEntry], str]: ...


class NoteEraser(Protocol):
    async def delete_all_of(self, customer_id: str) -> None: ...


def entry_added(entry: TimelineEntry) -> profile_events_pb2.TimelineEntryAdded:
    return profile_events_pb2.TimelineEntryAdded(
        entry=profile_pb2.TimelineEntry(
            id=entry.id,
            customer_id=entry.customer_id,
            type=entry.type,
            occurred_at=timestamp(entry.occurred_at),
            summary=entry.summary,
        )
    )


class LivePublisher(Protocol):
    async def publish(
        self, topic: str, key: str, value: bytes, headers: list[tuple[str, bytes]] | None = None
    ) -> None: ...


@dataclass
class Timeline:
    entries: TimelineStore
    live: LivePublisher
    live_topic: str

    async def project(self, envelopes: list[events_pb2.EventEnvelope]) -> None:
        """A whole fetch at once: one bulk insert, then the new entries on the live feed."""
        actors: dict[str, str] = {}
        entries: dict[str, TimelineEntry] = {}
        for envelope in envelopes:
            summary = summarise(envelope) if envelope.customer_id else None
            if summary is None:
                continue
            occurred_at = envelope.occurred_at.ToDatetime(tzinfo=UTC)
            entry = TimelineEntry(envelope.event_id, envelope.customer_id, summary[0], occurred_at, summary[1])
            entries[entry.id], actors[entry.id] = entry, envelope.actor
        if not entries:
            return
        registered = {e.customer_id for e in envelopes if unpack(e, profile_events_pb2.CustomerRegistered) is not None}
        added = await self.entries.add_many(list(entries.values()), registered)
        await asyncio.gather(*(self._publish_live(entry, actors[entry.id]) for entry in added))

    async def _publish_live(self, entry: TimelineEntry, actor: str) -> None:
        live = new_envelope(entry.customer_id, "profile", entry_added(entry), actor=actor)
        await self.live.publish(self.live_topic, entry.customer_id, live.SerializeToString())

    async def pages(self, queries: list[tuple[str, int, str]]) -> list[tuple[list[TimelineEntry], str]]:
        return [await self.entries.page(c, max(1, min(size or 20, MAX_PAGE)), after) for c, size, after in queries]


@dataclass
class ForeignEventReactions:
    """Channel links set by messaging; notes erased once the erasure event is out (retried until done)."""

    details: RecordDetails
    notes: NoteEraser

    async def react(self, envelope: events_pb2.EventEnvelope) -> None:
        if unpack(envelope, profile_events_pb2.CustomerErased) is not None:
            await self.notes.delete_all_of(envelope.customer_id)
            return
        linked = unpack(envelope, messaging_events_pb2.ChannelLinked)
        if linked is None:
            return
        try:
            await self.details.set_channel_link(envelope.customer_id, linked.channel, linked.link_id, "messaging")
        except DomainError as refused:  # unknown or erased customer, unknown channel: nothing to link
            log.warning("channel link not set: %s", refused.message)
