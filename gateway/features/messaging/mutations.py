"""Messaging mutations, as fields of the root Mutation type."""

from __future__ import annotations

import strawberry

from gateway.features.messaging.mark_inbox_read import mark_inbox_read
from gateway.features.messaging.send_message import send_message
from gateway.permissions import Role, requires


@strawberry.type
class MessagingMutations:
    send_message = strawberry.mutation(resolver=send_message, permission_classes=[requires(Role.AGENT)])
    mark_inbox_read = strawberry.mutation(resolver=mark_inbox_read, permission_classes=[requires(Role.AGENT)])
