"""CreateCampaign: validates a definition and stores it under a fresh id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.coupons.adapters.mongo_campaigns import MongoCampaignRepository
from services.coupons.domain.campaign import Campaign
from services.coupons.domain.campaign_definition import CampaignDefinition, new_campaign


@dataclass
class CreateCampaign:
    campaigns: MongoCampaignRepository

    async def __call__(self, definition: CampaignDefinition, actor: str) -> Campaign:
        campaign = new_campaign(definition, uuid.uuid4().hex[:16])
        await self.campaigns.add(campaign, actor)
        return campaign
