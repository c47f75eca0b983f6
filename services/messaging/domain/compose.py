"""Turning a send request into the exact text to deliver, or the reason it may not be sent.

Checked in this order, all before anything is stored or sent: the input itself
(body or template, length), then the customer (erased, consent, address), then
WhatsApp's 24-hour rule (free text only inside the window; outside it only an
approved template).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from c360.errors import InvalidInput, PreconditionFailed
from services.messaging.domain.channels import BODY_LIMITS, Channel
from services.messaging.domain.recipient import Recipient
from services.messaging.domain.templates import render

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class MessageRequest:
    channel: Channel
    body: str = ""
    template_id: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    campaign: str = ""


@dataclass(frozen=True)
class Composed:
    channel: Channel
    address: str
    text: str
    title: str
    template_id: str
    campaign: str
    template_params: list[str] = field(default_factory=list)


def check_idempotency_key(key: str) -> str:
    key = key.strip()
    if not key:
        raise InvalidInput("IDEMPOTENCY_KEY_REQUIRED", "An idempotency key is required.", "idempotencyKey")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput("INVALID_IDEMPOTENCY_KEY", f"At most {MAX_KEY_LENGTH} characters.", "idempotencyKey")
    return key


def check_input(request: MessageRequest) -> None:
    """Rules that need nothing but the request: the same refusal whoever the customer is."""
    if request.template_id and request.body.strip():
        raise InvalidInput("BODY_AND_TEMPLATE", "Send either a body or a template, not both.", "body")
    if not request.template_id:
        if not request.body.strip():
            raise InvalidInput("EMPTY_BODY", "The message body is empty.", "body")
        _check_length(request.channel, request.body)


def compose(request: MessageRequest, recipient: Recipient, now: datetime) -> Composed:
    check_input(request)
    if request.template_id:
        template, text, params = render(request.template_id, request.variables, recipient.first_name)
        title, approved = template.title, template.whatsapp_approved
        _check_length(request.channel, text)
    else:
        text, title, approved, params = request.body.strip(), "", False, []
    address = recipient.address(request.channel)
    recipient.require_consent(request.campaign)
    if request.channel is Channel.WHATSAPP and not approved and not recipient.whatsapp_session_open(now):
        raise PreconditionFailed(
            "SESSION_CLOSED",
            "The WhatsApp 24-hour window is closed: only an approved template may be sent.",
            "templateId" if request.template_id else "body",
        )
    return Composed(request.channel, address, text, title, request.template_id, request.campaign, params)


def _check_length(channel: Channel, text: str) -> None:
    limit = BODY_LIMITS[channel]
    if len(text) > limit:
        raise InvalidInput("BODY_TOO_LONG", f"{channel.value} messages are at most {limit} characters.", "body")
