"""Types every feature shares."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = None


@strawberry.type
class UserError:
    """A refusal of the request itself: `code` is stable, `field` is the path into the input."""

    field: list[str] | None
    code: str
    message: str


@strawberry.enum
class Channel(Enum):
    """Shared by messaging (messages) and profile (channel links): one GraphQL enum, defined once."""

    SMS = "SMS"
    WHATSAPP = "WHATSAPP"
    EMAIL = "EMAIL"
    PUSH = "PUSH"
