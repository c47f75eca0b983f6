"""The messaging fields of Customer360: the messaging section (communications, inbox, campaigns received)."""

from __future__ import annotations

import strawberry


@strawberry.type
class MessagingSection:
    id: strawberry.ID
