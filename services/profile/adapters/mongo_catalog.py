"""Attribute definitions and static customer lists in MongoDB (small collections, unique names)."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.errors import Conflict
from services.profile.domain.attributes import AttributeDefinition, ValueType

Document = dict[str, Any]


class MongoAttributeCatalog:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database["attribute_definitions"]

    async def get(self, name: str) -> AttributeDefinition | None:
        doc = await self.collection.find_one({"_id": name})
        return _definition(doc) if doc else None

    async def all(self) -> list[AttributeDefinition]:
        return [_definition(doc) async for doc in self.collection.find({}).sort("_id", ASCENDING)]

    async def add(self, definition: AttributeDefinition) -> bool:
        doc = {"_id": definition.name, "value_type": definition.value_type.value, "options": list(definition.options)}
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def add_options(self, name: str, options: tuple[str, ...]) -> None:
        await self.collection.update_one({"_id": name}, {"$addToSet": {"options": {"$each": list(options)}}})


def _definition(doc: Document) -> AttributeDefinition:
    return AttributeDefinition(doc["_id"], ValueType(doc["value_type"]), tuple(doc.get("options") or ()))


class MongoListCatalog:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database["customer_lists"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("name_key", ASCENDING)], unique=True, name="name_key_unique")

    async def create(self, list_id: str, name: str) -> None:
        try:
            await self.collection.insert_one({"_id": list_id, "name": name, "name_key": name.lower()})
        except DuplicateKeyError as error:
            raise Conflict("DUPLICATE_LIST_NAME", f"A list named '{name}' already exists.", "name") from error

    async def name_of(self, list_id: str) -> str | None:
        doc = await self.collection.find_one({"_id": list_id})
        return str(doc["name"]) if doc else None

    async def all(self) -> list[tuple[str, str]]:
        return [(doc["_id"], doc["name"]) async for doc in self.collection.find({}).sort("name_key", ASCENDING)]
