"""The hard case of "never twice": the messaging process dies while the provider is taking a message.

On restart the message's lease runs out and its outcome is unknown; the SMS/WhatsApp/push providers
here do not dedupe on our id, so the message is marked FAILED (OUTCOME_UNKNOWN) and not sent again.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiokafka import AIOKafkaProducer

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.messaging_support import link_channel, registered, send, status_becomes
from tests.integration.provider_doubles import SLOW_SECONDS, ProviderDoubles


async def test_a_crash_while_the_provider_takes_a_message_never_sends_it_twice(
    gateway: GraphQLClient, partner_producer: AIOKafkaProducer, stack: Stack, message_providers: ProviderDoubles
) -> None:
    customer_id, _ = await registered(gateway)
    token = f"slow-{uuid.uuid4().hex}"
    await link_channel(partner_producer, stack, customer_id, "PUSH", token)

    async def queued() -> dict[str, Any] | None:
        reply = await send(gateway, customer_id, "PUSH", uuid.uuid4().hex, body="Flash sale")
        return None if reply["userErrors"] else reply

    message_id = (await eventually(queued))["message"]["id"]
    await eventually(lambda: _requests(message_providers, token), interval=0.02)
    stack.kill("messaging")  # SIGKILL while the provider is still answering
    stack.start_process("messaging")
    await eventually(lambda: _messaging_answers(gateway, customer_id), within_seconds=60)

    failed = await status_becomes(gateway, customer_id, message_id, "FAILED")

    assert failed["failureReason"] == "OUTCOME_UNKNOWN"
    await asyncio.sleep(SLOW_SECONDS)  # let any second attempt reach the provider, were there one
    assert len(message_providers.recorder.to(token)) == 1


async def _messaging_answers(gateway: GraphQLClient, customer_id: str) -> bool:
    body = await gateway.execute(
        "query($id: ID!) { customer360(id: $id) { messaging { whatsappSessionOpenUntil } } }", id=customer_id
    )
    return "errors" not in body


async def _requests(providers: ProviderDoubles, token: str) -> int:
    return len(providers.recorder.to(token))
