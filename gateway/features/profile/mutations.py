"""Profile mutations, as fields of the root Mutation type."""

from __future__ import annotations

import strawberry

from gateway.features.profile.register_customer import register_customer
from gateway.permissions import Role, requires


@strawberry.type
class ProfileMutations:
    register_customer = strawberry.mutation(resolver=register_customer, permission_classes=[requires(Role.AGENT)])
