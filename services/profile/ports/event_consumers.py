"""The profile's consumer of every service's events: timeline projection and reactions."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import DecodeError

from c360.events import parse_envelope
from c360.kafka.consumer import PoisonMessage, Record
from services.profile.app.timeline import ForeignEventReactions, Timeline


@dataclass
class DomainEventsConsumer:
    timeline: Timeline
    reactions: ForeignEventReactions

    async def __call__(self, record: Record) -> None:
        try:
            envelope = parse_envelope(record.value or b"")
        except DecodeError as error:
            raise PoisonMessage(f"not an event envelope: {error}") from error
        await self.reactions.react(envelope)
        await self.timeline.project(envelope)
