"""The `log` provider for local runs: records that a message would have gone out, never its text."""

from __future__ import annotations

import logging

from services.messaging.app.ports import Delivery

log = logging.getLogger(__name__)


class LogProvider:
    name = "log"
    dedupes_by_message_id = True  # nothing leaves the process, so a repeat reaches nobody

    async def send(self, delivery: Delivery) -> str:
        log.info(
            "message handed to the log provider",
            extra={"fields": {"message_id": delivery.message_id, "channel": delivery.channel.value}},
        )
        return f"log-{delivery.message_id}"
