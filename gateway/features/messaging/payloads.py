"""Inputs and payloads of messaging mutations."""

from __future__ import annotations

import strawberry

from gateway.features.common import Channel, UserError
from gateway.features.messaging.types import InboxMessage, Message


@strawberry.input
class TemplateVariableInput:
    name: str
    value: str


@strawberry.input
class SendMessageInput:
    customer_id: strawberry.ID
    channel: Channel
    idempotency_key: str
    body: str | None = None
    template_id: str | None = None
    variables: list[TemplateVariableInput] | None = strawberry.field(
        default=None, description="Values for the template's placeholders (first_name is filled in)."
    )
    campaign: str | None = strawberry.field(
        default=None, description="A campaign the customer must be opted in to, e.g. `newsletter`."
    )


@strawberry.type
class MessagePayload:
    message: Message | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InboxPayload:
    message: InboxMessage | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
