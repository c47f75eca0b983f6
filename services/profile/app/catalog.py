"""Attribute definitions and static customer lists: define, read, list members."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from c360.errors import InvalidInput, NotFound
from services.profile.app.catalog_ports import AttributeCatalog, ListCatalog
from services.profile.app.ports import CustomerRepository
from services.profile.domain.attributes import FIXED, AttributeDefinition, ValueType, merged, new_definition
from services.profile.domain.customer import CustomerStatus, capped

MAX_LIST_NAME = 100
DEFAULT_MEMBERS_PAGE = 500
MAX_MEMBERS_PAGE = 1000


@dataclass
class Catalog:
    attributes: AttributeCatalog
    lists: ListCatalog
    customers: CustomerRepository

    async def define_attribute(self, name: str, value_type: ValueType, options: list[str]) -> AttributeDefinition:
        """Defines a custom attribute; defining it again adds options to a SELECT_LIST."""
        requested = new_definition(name, value_type, options)
        if await self.attributes.add(requested):
            return requested
        existing = await self.attributes.get(requested.name)
        if existing is None:  # removed meanwhile: nothing removes definitions, so this is a store hiccup
            raise NotFound(f"No attribute named '{requested.name}'.", code="UNKNOWN_ATTRIBUTE", field="name")
        result = merged(existing, requested)
        if result.options != existing.options:
            await self.attributes.add_options(result.name, result.options)
        return result

    async def attribute_definitions(self) -> list[AttributeDefinition]:
        return [*FIXED, *await self.attributes.all()]

    async def create_list(self, name: str) -> tuple[str, str]:
        list_name = capped(name, "name", MAX_LIST_NAME)
        if not list_name:
            raise InvalidInput("REQUIRED", "A list needs a name.", "name")
        list_id = uuid.uuid4().hex
        await self.lists.create(list_id, list_name)
        return list_id, list_name

    async def all_lists(self) -> list[tuple[str, str]]:
        return await self.lists.all()

    async def list_members(self, list_id: str, page_size: int, page_token: str) -> tuple[list[str], str]:
        """One page of member ids in id order; the token is the last id returned."""
        if await self.lists.name_of(list_id) is None:
            raise NotFound(f"No customer list with id {list_id[:64]}.", field="listId")
        size = min(page_size or DEFAULT_MEMBERS_PAGE, MAX_MEMBERS_PAGE)
        criteria = {f"lists.{list_id}": {"$exists": True}, "status": {"$ne": CustomerStatus.DELETED.value}}
        ids = await self.customers.ids(criteria, page_token, size + 1)
        page = ids[:size]
        return page, page[-1] if len(ids) > size else ""
