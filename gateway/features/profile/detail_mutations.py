"""Small changes of the record: attributes, tags, consent, channel links, list membership."""

from __future__ import annotations

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.features.common import Channel
from gateway.features.profile.customer_payload import customer_payload
from gateway.features.profile.payloads import CustomerPayload
from gateway.mutations import call_backend


async def set_attribute(
    info: GatewayInfo, customer_id: strawberry.ID, name: str, value: str | None = None
) -> CustomerPayload:
    c = info.context
    request = profile_pb2.SetAttributeRequest(
        customer_id=str(customer_id), name=name, value=value or "", actor=c.actor()
    )
    return customer_payload(
        info, await call_backend(c.backends.profile.SetAttribute(request, timeout=c.timeout()), "profile", [])
    )


async def set_tag(info: GatewayInfo, customer_id: strawberry.ID, key: str, value: str) -> CustomerPayload:
    c = info.context
    request = profile_pb2.SetTagRequest(customer_id=str(customer_id), key=key, value=value, actor=c.actor())
    return customer_payload(
        info, await call_backend(c.backends.profile.SetTag(request, timeout=c.timeout()), "profile", [])
    )


async def remove_tag(info: GatewayInfo, customer_id: strawberry.ID, key: str) -> CustomerPayload:
    c = info.context
    request = profile_pb2.RemoveTagRequest(customer_id=str(customer_id), key=key, actor=c.actor())
    return customer_payload(
        info, await call_backend(c.backends.profile.RemoveTag(request, timeout=c.timeout()), "profile", [])
    )


async def set_opt_in(info: GatewayInfo, customer_id: strawberry.ID, campaign: str, opted_in: bool) -> CustomerPayload:
    c = info.context
    request = profile_pb2.SetOptInRequest(
        customer_id=str(customer_id), campaign=campaign, opted_in=opted_in, actor=c.actor()
    )
    return customer_payload(
        info, await call_backend(c.backends.profile.SetOptIn(request, timeout=c.timeout()), "profile", [])
    )


async def set_channel_link(
    info: GatewayInfo, customer_id: strawberry.ID, channel: Channel, link_id: str | None = None
) -> CustomerPayload:
    c = info.context
    request = profile_pb2.SetChannelLinkRequest(
        customer_id=str(customer_id), channel=channel.value, link_id=link_id or "", actor=c.actor()
    )
    return customer_payload(
        info, await call_backend(c.backends.profile.SetChannelLink(request, timeout=c.timeout()), "profile", [])
    )


async def add_to_list(info: GatewayInfo, customer_id: strawberry.ID, list_id: strawberry.ID) -> CustomerPayload:
    c = info.context
    request = profile_pb2.ListMembershipRequest(customer_id=str(customer_id), list_id=str(list_id), actor=c.actor())
    return customer_payload(
        info, await call_backend(c.backends.profile.AddToList(request, timeout=c.timeout()), "profile", [])
    )


async def remove_from_list(info: GatewayInfo, customer_id: strawberry.ID, list_id: strawberry.ID) -> CustomerPayload:
    c = info.context
    request = profile_pb2.ListMembershipRequest(customer_id=str(customer_id), list_id=str(list_id), actor=c.actor())
    return customer_payload(
        info, await call_backend(c.backends.profile.RemoveFromList(request, timeout=c.timeout()), "profile", [])
    )
