"""Storage the attribute definitions and the static lists need."""

from __future__ import annotations

from typing import Protocol

from services.profile.domain.attributes import AttributeDefinition


class AttributeCatalog(Protocol):
    async def get(self, name: str) -> AttributeDefinition | None: ...

    async def all(self) -> list[AttributeDefinition]: ...

    async def add(self, definition: AttributeDefinition) -> bool:
        """False when a definition of that name already exists."""
        ...

    async def add_options(self, name: str, options: tuple[str, ...]) -> None: ...


class ListCatalog(Protocol):
    async def create(self, list_id: str, name: str) -> None:
        """Raises Conflict(DUPLICATE_LIST_NAME) when the name is taken."""

    async def name_of(self, list_id: str) -> str | None: ...

    async def all(self) -> list[tuple[str, str]]: ...
