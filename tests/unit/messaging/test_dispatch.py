"""The dispatcher: retries what surely failed, fails what was refused, and never sends one message twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.messaging.app.dispatch import OUTCOME_UNKNOWN, Dispatcher
from services.messaging.app.ports import Claim, ProviderRefused, ProviderUnavailable
from services.messaging.domain.channels import Channel, MessageStatus
from services.messaging.domain.message import MAX_ATTEMPTS, OutgoingMessage, retry_delay
from tests.unit.messaging.fakes import FakeQueue, ScriptedProvider

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def claim(attempts: int = 1, outcome_unknown: bool = False) -> Claim:
    message = OutgoingMessage(
        id="m1",
        customer_id="c1",
        idempotency_key="c1:k",
        channel=Channel.SMS,
        address="+6281234567890",
        body="Your code is ••••••",
        send_text="Your code is 123456",
        title="",
        template_id="",
        campaign="",
        sent_by="system",
        urgent=True,
        created_at=NOW,
        not_before=NOW,
        status=MessageStatus.SENDING,
        attempts=attempts,
    )
    return Claim(message, message.send_text, outcome_unknown)


async def deliver(provider: ScriptedProvider, *claims: Claim) -> FakeQueue:
    queue = FakeQueue(list(claims))
    dispatcher = Dispatcher(
        queue, {Channel.SMS: provider}, lease_seconds=60, retry_base_seconds=2, poll_seconds=1, clock=lambda: NOW
    )
    while await dispatcher.deliver_next():
        pass
    return queue


async def test_an_accepted_message_is_marked_sent_with_the_providers_id_and_the_secret_text() -> None:
    provider = ScriptedProvider(["SM123"])
    queue = await deliver(provider, claim())
    assert queue.outcomes == [("SENT", "SM123")]
    assert provider.sent[0].text == "Your code is 123456"


async def test_a_refusal_fails_the_message_with_the_providers_reason() -> None:
    queue = await deliver(ScriptedProvider([ProviderRefused("Invalid 'To' number")]), claim())
    assert queue.outcomes == [("FAILED", "Invalid 'To' number")]


async def test_an_unavailable_provider_is_retried_later_with_growing_backoff() -> None:
    queue = await deliver(ScriptedProvider([ProviderUnavailable("HTTP 503")]), claim(attempts=3))
    assert queue.outcomes == [("QUEUED", "HTTP 503")]
    assert queue.retried_at == [NOW + timedelta(seconds=8)]
    assert retry_delay(1, 2) < retry_delay(2, 2) < retry_delay(3, 2) <= timedelta(minutes=5)


async def test_retries_stop_after_the_last_attempt() -> None:
    queue = await deliver(ScriptedProvider([ProviderUnavailable("HTTP 503")]), claim(attempts=MAX_ATTEMPTS))
    assert queue.outcomes == [("FAILED", "RETRIES_EXHAUSTED: HTTP 503")]


async def test_after_a_crash_mid_send_a_provider_without_dedupe_is_not_called_again() -> None:
    provider = ScriptedProvider(["SM-second"], dedupes_by_message_id=False)
    queue = await deliver(provider, claim(attempts=2, outcome_unknown=True))
    assert provider.sent == []
    assert queue.outcomes == [("FAILED", OUTCOME_UNKNOWN)]


async def test_after_a_crash_mid_send_a_provider_that_dedupes_on_our_id_gets_the_same_message_again() -> None:
    provider = ScriptedProvider(["SM-same"], dedupes_by_message_id=True)
    queue = await deliver(provider, claim(attempts=2, outcome_unknown=True))
    assert [d.message_id for d in provider.sent] == ["m1"]
    assert queue.outcomes == [("SENT", "SM-same")]


async def test_a_timeout_after_the_request_left_is_an_unknown_outcome_and_not_resent() -> None:
    queue = await deliver(ScriptedProvider([TimeoutError()]), claim())
    assert queue.outcomes == [("FAILED", OUTCOME_UNKNOWN)]
