"""Customer360: one object whose sections each feature contributes and each resolves on its own.

Sections resolve concurrently, and a backend outage nulls only its own section.
"""

from __future__ import annotations

import strawberry

from gateway.features.common import Node
from gateway.features.coupons.section import CouponsSection
from gateway.features.loyalty.section import LoyaltySection
from gateway.features.messaging.section import MessagingSection
from gateway.features.profile.section import ProfileSection


@strawberry.type
class Customer360(ProfileSection, LoyaltySection, CouponsSection, MessagingSection, Node):
    id: strawberry.ID
