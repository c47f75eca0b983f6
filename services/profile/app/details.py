"""Tags, consent, channel links, custom attributes and list membership: small changes of the record.

Each publishes an event: OptInChanged and ChannelLinkChanged for the consent and
addresses messaging honours, CustomerUpdated (with the changed field) otherwise.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from customer360.events.v1 import profile_events_pb2

from c360.errors import NotFound
from services.profile.app.catalog_ports import AttributeCatalog, ListCatalog
from services.profile.app.changes import CustomerChanges, EventOf
from services.profile.domain.attributes import FIXED_FIELDS, checked_fixed_date, checked_value, fixed_name
from services.profile.domain.customer import Customer, OptIn, capped
from services.profile.domain.keys import checked_channel, checked_key
from services.profile.proto_mapping import constant, customer_updated

MAX_TAG_VALUE = 200
MAX_LINK_ID = 200


def _without(mapping: dict[str, str], key: str) -> dict[str, str]:
    return {k: v for k, v in mapping.items() if k != key}


@dataclass
class RecordDetails:
    changes: CustomerChanges
    attributes: AttributeCatalog
    lists: ListCatalog

    async def set_tag(self, customer_id: str, key: str, value: str, actor: str) -> Customer:
        tag_key = checked_key(key, "key", "INVALID_TAG_KEY")
        tag_value = capped(value, "value", MAX_TAG_VALUE) or ""

        def change(c: Customer) -> tuple[Customer, list[EventOf]]:
            if c.tags.get(tag_key) == tag_value:
                return c, []
            return dataclasses.replace(c, tags={**c.tags, tag_key: tag_value}), [customer_updated(["tags"])]

        return await self.changes.apply(customer_id, change, actor)

    async def remove_tag(self, customer_id: str, key: str, actor: str) -> Customer:
        tag_key = checked_key(key, "key", "INVALID_TAG_KEY")

        def change(c: Customer) -> tuple[Customer, list[EventOf]]:
            if tag_key not in c.tags:
                return c, []
            return dataclasses.replace(c, tags=_without(c.tags, tag_key)), [customer_updated(["tags"])]

        return await self.changes.apply(customer_id, change, actor)

    async def set_opt_in(self, customer_id: str, campaign: str, opted_in: bool, actor: str) -> Customer:
        name = checked_key(campaign, "campaign", "INVALID_CAMPAIGN")

        def change(c: Customer) -> tuple[Customer, list[EventOf]]:
            current = c.opt_ins.get(name)
            if current is not None and current.opted_in == opted_in:
                return c, []
            opt_ins = {**c.opt_ins, name: OptIn(opted_in, datetime.now(UTC))}
            event = profile_events_pb2.OptInChanged(campaign=name, opted_in=opted_in)
            return dataclasses.replace(c, opt_ins=opt_ins), [constant(event)]

        return await self.changes.apply(customer_id, change, actor)

    async def set_channel_link(self, customer_id: str, channel: str, link_id: str, actor: str) -> Customer:
        """Set by an edit or by messaging's ChannelLinked event; setting the same link again is a no-op."""
        name = checked_channel(channel)
        link = capped(link_id, "linkId", MAX_LINK_ID) or ""

        def change(c: Customer) -> tuple[Customer, list[EventOf]]:
            if c.channel_links.get(name, "") == link:
                return c, []
            links = {**c.channel_links, name: link} if link else _without(c.channel_links, name)
            event = profile_events_pb2.ChannelLinkChanged(channel=name, link_id=link)
            return dataclasses.replace(c, channel_links=links), [constant(event)]

        return await self.changes.apply(customer_id, change, actor)

    async def set_attribute(self, customer_id: str, name: str, value: str | None, actor: str) -> Customer:
        fixed = fixed_name(name)
        if fixed is not None:
            return await self._set_fixed(customer_id, FIXED_FIELDS[fixed], value, actor)
        definition = await self.attributes.get(name.strip())
        checked = checked_value(definition, name, value)
        key = definition.name if definition else name

        def change(c: Customer) -> tuple[Customer, list[EventOf]]:
            if c.attributes.get(key) == checked:
                return c, []
            attributes = {**c.attributes, key: checked} if checked is not None else _without(c.attributes, key)
            return dataclasses.replace(c, attributes=attributes), [customer_updated(["attributes"])]

        return await self.changes.apply(customer_id, change, actor)

    async def _set_fixed(self, customer_id: str, field: str, value: str | None, actor: str) -> Customer:
        new_value: Any = checked_fixed_date(value) if field == "date_of_birth" else capped(value, "value", 32)

        def change(c: Customer) -> tuple[Customer, list[EventOf]]:
            if getattr(c, field) == new_value:
                return c, []
            return dataclasses.replace(c, **{field: new_value}), [customer_updated([field])]

        return await self.changes.apply(customer_id, change, actor)

    async def add_to_list(self, customer_id: str, list_id: str, actor: str) -> Customer:
        list_name = await self.lists.name_of(list_id)
        if list_name is None:
            raise NotFound(f"No customer list with id {list_id[:64]}.", field="listId")

        def change(c: Customer) -> tuple[Customer, list[EventOf]]:
            if list_id in c.lists:
                return c, []
            return dataclasses.replace(c, lists={**c.lists, list_id: list_name}), [customer_updated(["lists"])]

        return await self.changes.apply(customer_id, change, actor)

    async def remove_from_list(self, customer_id: str, list_id: str, actor: str) -> Customer:
        def change(c: Customer) -> tuple[Customer, list[EventOf]]:
            if list_id not in c.lists:
                return c, []
            return dataclasses.replace(c, lists=_without(c.lists, list_id)), [customer_updated(["lists"])]

        return await self.changes.apply(customer_id, change, actor)
