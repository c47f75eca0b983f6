"""The coupons fields of Customer360: the coupons section (active, applied, lapsed)."""

from __future__ import annotations

import strawberry


@strawberry.type
class CouponsSection:
    id: strawberry.ID
