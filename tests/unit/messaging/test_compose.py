"""What may be sent: input checks, consent, addresses and WhatsApp's 24-hour rule, before anything is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from c360.errors import DomainError
from services.messaging.domain.channels import Channel
from services.messaging.domain.compose import MessageRequest, check_idempotency_key, compose
from services.messaging.domain.recipient import Recipient

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def customer(**changes: object) -> Recipient:
    recipient = Recipient("c1", first_name="Rina", mobile="+6281234567890", email="rina@example.com")
    for name, value in changes.items():
        setattr(recipient, name, value)
    return recipient


def refusal(request: MessageRequest, **changes: object) -> tuple[str, str | None]:
    with pytest.raises(DomainError) as caught:
        compose(request, customer(**changes), NOW)
    return caught.value.code, caught.value.field


def test_free_text_is_sent_as_typed_without_surrounding_space() -> None:
    composed = compose(MessageRequest(Channel.SMS, body="  Hello  "), customer(), NOW)
    assert (composed.text, composed.address) == ("Hello", "+6281234567890")


def test_a_template_is_filled_with_its_variables_and_the_first_name() -> None:
    request = MessageRequest(Channel.EMAIL, template_id="order_ready", variables={"order_id": "A-1"})
    composed = compose(request, customer(), NOW)
    assert composed.text == "Hi Rina, your order A-1 is ready for pickup."
    assert (composed.title, composed.address) == ("Your order is ready", "rina@example.com")
    assert composed.template_params == ["Rina", "A-1"]  # in placeholder order, for provider-side templates


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (MessageRequest(Channel.SMS, body=" "), ("EMPTY_BODY", "body")),
        (MessageRequest(Channel.SMS, body="x" * 1601), ("BODY_TOO_LONG", "body")),
        (MessageRequest(Channel.PUSH, body="x" * 1025), ("BODY_TOO_LONG", "body")),
        (MessageRequest(Channel.SMS, template_id="nope"), ("UNKNOWN_TEMPLATE", "templateId")),
        (MessageRequest(Channel.SMS, template_id="order_ready"), ("MISSING_TEMPLATE_VARIABLES", "variables")),
        (MessageRequest(Channel.SMS, body="Hi", template_id="order_ready"), ("BODY_AND_TEMPLATE", "body")),
        (MessageRequest(Channel.PUSH, body="Hi"), ("NO_ADDRESS", "channel")),
        (MessageRequest(Channel.SMS, body="Hi", campaign="newsletter"), ("CONSENT_REQUIRED", "campaign")),
        (MessageRequest(Channel.WHATSAPP, body="Hi"), ("SESSION_CLOSED", "body")),
        (
            MessageRequest(Channel.WHATSAPP, template_id="newsletter", variables={"headline": "x"}),
            ("SESSION_CLOSED", "templateId"),
        ),
    ],
)
def test_each_refusal_has_its_code_and_field(request_: MessageRequest, expected: tuple[str, str]) -> None:
    assert refusal(request_) == expected


def test_no_email_address_is_refused() -> None:
    assert refusal(MessageRequest(Channel.EMAIL, body="Hi"), email="") == ("NO_ADDRESS", "channel")


def test_an_erased_customer_is_never_messaged() -> None:
    assert refusal(MessageRequest(Channel.SMS, body="Hi"), erased=True) == ("CUSTOMER_ERASED", "customerId")


def test_consent_given_lets_a_campaign_message_through() -> None:
    request = MessageRequest(Channel.SMS, body="News", campaign="newsletter")
    assert compose(request, customer(opt_ins={"newsletter": True}), NOW).campaign == "newsletter"


def test_whatsapp_free_text_is_allowed_while_the_window_is_open() -> None:
    open_window = customer(whatsapp_window_until=NOW + timedelta(hours=3))
    composed = compose(MessageRequest(Channel.WHATSAPP, body="Hi"), open_window, NOW)
    assert composed.address == "6281234567890"
    closed_window = customer(whatsapp_window_until=NOW - timedelta(seconds=1))
    with pytest.raises(DomainError, match="24-hour"):
        compose(MessageRequest(Channel.WHATSAPP, body="Hi"), closed_window, NOW)


def test_an_approved_template_may_open_a_whatsapp_conversation() -> None:
    request = MessageRequest(Channel.WHATSAPP, template_id="order_ready", variables={"order_id": "9"})
    assert compose(request, customer(), NOW).template_id == "order_ready"


def test_an_idempotency_key_is_required() -> None:
    with pytest.raises(DomainError) as caught:
        check_idempotency_key("  ")
    assert caught.value.code == "IDEMPOTENCY_KEY_REQUIRED"
