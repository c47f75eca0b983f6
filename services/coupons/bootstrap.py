"""Wires the coupons service: every client is built here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from customer360.coupons.v1 import coupons_pb2, coupons_pb2_grpc

from c360.mongo import connect
from c360.runtime import run_service
from c360.settings import InfraSettings
from services.coupons.adapters.mongo_campaigns import MongoCampaignRepository
from services.coupons.domain.campaign import SEED_CAMPAIGNS
from services.coupons.ports.grpc_servicer import CouponsServicer
from services.coupons.settings import CouponsSettings

SERVICE_NAME = coupons_pb2.DESCRIPTOR.services_by_name["CouponsService"].full_name


@dataclass
class CouponsService:
    settings: CouponsSettings
    campaigns: MongoCampaignRepository
    servicer: CouponsServicer

    async def start(self) -> None:
        await self.campaigns.ensure_indexes()
        await self.campaigns.seed(SEED_CAMPAIGNS)

    async def close(self) -> None:
        """Nothing to release yet: the Mongo client closes with the process."""

    async def run(self) -> None:
        await run_service(
            address=self.settings.grpc_address,
            registrars=[lambda server: coupons_pb2_grpc.add_CouponsServiceServicer_to_server(self.servicer, server)],
            service_names=[SERVICE_NAME],
            start=self.start,
            workers=[],
            close=self.close,
        )


def bootstrap(infra: InfraSettings, settings: CouponsSettings) -> CouponsService:
    campaigns = MongoCampaignRepository(connect(infra.mongodb_uri, "coupons")[infra.database("coupons")])
    return CouponsService(settings, campaigns, CouponsServicer(campaigns))
