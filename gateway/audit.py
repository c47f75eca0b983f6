"""The audit log of mutations, in the gateway's own database (`<prefix>gateway`, collection `audit`).

One document per mutation field executed: who, what, on which target, when and how
it ended. Newest first by `_id` (an ObjectId, so time-ordered); the cursor is the id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import AsyncMongoClient

from c360.mongo import connect

OUTCOME_OK = "OK"
OUTCOME_USER_ERRORS = "USER_ERRORS"
OUTCOME_ERROR = "ERROR"


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    operation: str  # the mutation field, e.g. registerCustomer
    target: str | None  # the id the mutation acted on, when it names one
    outcome: str  # OK, USER_ERRORS or ERROR
    codes: list[str] = field(default_factory=list)  # the userErrors' codes, or the error's code
    operation_name: str | None = None  # the client's name for the GraphQL operation
    correlation_id: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    id: str = ""


class AuditLog:
    def __init__(self, client: AsyncMongoClient[dict[str, Any]], database: str) -> None:
        self._client = client
        self._collection = client[database]["audit"]

    @classmethod
    def open(cls, mongodb_uri: str, database: str) -> AuditLog:
        return cls(connect(mongodb_uri, "gateway"), database)

    async def ensure_indexes(self) -> None:
        await self._collection.create_index([("actor", 1), ("_id", -1)], name="actor_newest_first")

    async def close(self) -> None:
        await self._client.close()

    async def record(self, entry: AuditEntry) -> None:
        await self._collection.insert_one(
            {
                "actor": entry.actor,
                "operation": entry.operation,
                "operationName": entry.operation_name,
                "target": entry.target,
                "outcome": entry.outcome,
                "codes": entry.codes,
                "correlationId": entry.correlation_id,
                "at": entry.at,
            }
        )

    async def page(self, first: int, after: str | None, actor: str | None) -> tuple[list[AuditEntry], bool]:
        """Up to `first` entries older than the `after` cursor, newest first, and whether more follow."""
        query: dict[str, Any] = {}
        if actor is not None:
            query["actor"] = actor
        if after:
            try:
                query["_id"] = {"$lt": ObjectId(after)}
            except InvalidId as error:
                raise ValueError(f"not a cursor of this list: {after!r}") from error
        documents = await self._collection.find(query).sort("_id", -1).limit(first + 1).to_list()
        return [_entry(d) for d in documents[:first]], len(documents) > first


def _entry(document: dict[str, Any]) -> AuditEntry:
    at: datetime = document["at"]
    return AuditEntry(
        id=str(document["_id"]),
        actor=document["actor"],
        operation=document["operation"],
        operation_name=document.get("operationName"),
        target=document.get("target"),
        outcome=document["outcome"],
        codes=list(document.get("codes") or []),
        correlation_id=document.get("correlationId") or "",
        at=at if at.tzinfo else at.replace(tzinfo=UTC),
    )
