"""Campaigns as issuance reads them: from a few seconds' cache, since a burst of issuances asks for the same one.

Campaigns are never edited through the service, so a short TTL only delays an
operator's direct edit by a few seconds; unknown ids are not cached.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from services.coupons.adapters.mongo_campaigns import MongoCampaignRepository
from services.coupons.domain.campaign import Campaign

TTL_SECONDS = 5.0


@dataclass
class CampaignCache:
    campaigns: MongoCampaignRepository
    ttl_seconds: float = TTL_SECONDS
    _entries: dict[str, tuple[float, Campaign]] = field(default_factory=dict)

    async def get(self, campaign_id: str) -> Campaign | None:
        now = time.monotonic()
        entry = self._entries.get(campaign_id)
        if entry is not None and now - entry[0] < self.ttl_seconds:
            return entry[1]
        campaign = await self.campaigns.get(campaign_id)
        if campaign is not None:
            self._entries[campaign_id] = (now, campaign)
        return campaign
