"""Roles from the token's `roles` claim, checked field by field.

ADMIN includes MANAGER, which includes AGENT, which includes VIEWER:
- VIEWER reads; AGENT edits profiles and notes, sends messages, issues coupons;
- MANAGER adjusts points and tiers, suspends, transfers purchases;
- ADMIN erases customers, defines attributes and campaigns, imports and exports.
Use: `@strawberry.mutation(permission_classes=[requires(Role.AGENT)])`.
"""

from __future__ import annotations

from enum import IntEnum
from functools import cache
from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from gateway.auth import Principal


class Role(IntEnum):
    VIEWER = 1
    AGENT = 2
    MANAGER = 3
    ADMIN = 4


def highest_role(principal: Principal | None) -> int:
    if principal is None:
        return 0
    return max((Role[name].value for name in principal.roles if name in Role.__members__), default=0)


def has_role(principal: Principal | None, role: Role) -> bool:
    return highest_role(principal) >= role


@cache
def requires(role: Role) -> type[BasePermission]:
    """A permission class (one per role, cached) that refuses with FORBIDDEN when the role is too low."""

    class RequiresRole(BasePermission):
        message = f"This needs the {role.name} role or higher."
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
            return has_role(getattr(info.context, "principal", None), role)

    RequiresRole.__name__ = f"Requires{role.name.title()}"
    return RequiresRole
