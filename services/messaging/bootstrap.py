"""Wires the messaging service: every client is built here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from customer360.messaging.v1 import messaging_pb2, messaging_pb2_grpc

from c360.mongo import connect
from c360.runtime import run_service
from c360.settings import InfraSettings
from services.messaging.adapters.mongo_messages import MongoMessageRepository
from services.messaging.ports.grpc_servicer import MessagingServicer
from services.messaging.settings import MessagingSettings

SERVICE_NAME = messaging_pb2.DESCRIPTOR.services_by_name["MessagingService"].full_name


@dataclass
class MessagingService:
    settings: MessagingSettings
    messages: MongoMessageRepository
    servicer: MessagingServicer

    async def start(self) -> None:
        await self.messages.ensure_indexes()

    async def close(self) -> None:
        """Nothing to release yet: the Mongo client closes with the process."""

    async def run(self) -> None:
        await run_service(
            address=self.settings.grpc_address,
            registrars=[
                lambda server: messaging_pb2_grpc.add_MessagingServiceServicer_to_server(self.servicer, server)
            ],
            service_names=[SERVICE_NAME],
            start=self.start,
            workers=[],
            close=self.close,
        )


def bootstrap(infra: InfraSettings, settings: MessagingSettings) -> MessagingService:
    messages = MongoMessageRepository(connect(infra.mongodb_uri, "messaging")[infra.database("messaging")])
    return MessagingService(settings, messages, MessagingServicer(messages))
