"""The profile's consumer of every service's events: timeline projection and reactions."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import DecodeError

from c360.events import parse_envelope
from c360.kafka.consumer import Record
from services.profile.app.timeline import ForeignEventReactions, Timeline


@dataclass
class DomainEventsConsumer:
    """A whole fetch at a time: reactions record by record, in order, then the timeline in one write."""

    timeline: Timeline
    reactions: ForeignEventReactions

    async def __call__(self, records: list[Record]) -> dict[int, str]:
        poison: dict[int, str] = {}
        envelopes = []
        for position, record in enumerate(records):
            try:
                envelope = parse_envelope(record.value or b"")
            except DecodeError as error:
                poison[position] = f"not an event envelope: {error}"
                continue
            await self.reactions.react(envelope)
            envelopes.append(envelope)
        await self.timeline.project(envelopes)
        return poison
