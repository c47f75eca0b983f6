"""Import jobs and their progress (`import_jobs`), read by importJob(id) while the import runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.profile.domain.import_plan import RowError

Document = dict[str, Any]
MAX_STORED_ERRORS = 1000


@dataclass
class ImportJob:
    id: str
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    invalid: int = 0
    errors: list[RowError] = field(default_factory=list)
    finished: bool = False
    failure: str = ""


class MongoImportJobs:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database["import_jobs"]

    async def create(self, job_id: str, dry_run: bool, file_name: str) -> None:
        await self.collection.insert_one(
            {
                "_id": job_id,
                "dry_run": dry_run,
                "file_name": file_name[:200],
                "total_rows": 0,
                "created": 0,
                "updated": 0,
                "invalid": 0,
                "errors": [],
                "error_count": 0,
                "finished": False,
                "failure": "",
                "started_at": datetime.now(UTC),
            }
        )

    async def progress(
        self, job_id: str, rows: int, created: int, updated: int, invalid: int, errors: list[RowError]
    ) -> None:
        """Adds one batch's counts; keeps the first MAX_STORED_ERRORS row errors (the counts stay exact)."""
        doc = await self.collection.find_one({"_id": job_id}, {"error_count": 1})
        room = max(0, MAX_STORED_ERRORS - int((doc or {}).get("error_count", 0)))
        kept = [{"line": e.line, "code": e.code, "message": e.message} for e in errors[:room]]
        await self.collection.update_one(
            {"_id": job_id},
            {
                "$inc": {
                    "total_rows": rows,
                    "created": created,
                    "updated": updated,
                    "invalid": invalid,
                    "error_count": len(kept),
                },
                "$push": {"errors": {"$each": kept}},
            },
        )

    async def finish(self, job_id: str, failure: str = "") -> None:
        await self.collection.update_one(
            {"_id": job_id}, {"$set": {"finished": True, "failure": failure, "finished_at": datetime.now(UTC)}}
        )

    async def get(self, job_id: str) -> ImportJob | None:
        doc = await self.collection.find_one({"_id": job_id})
        if doc is None:
            return None
        return ImportJob(
            id=doc["_id"],
            dry_run=doc["dry_run"],
            total_rows=doc["total_rows"],
            created=doc["created"],
            updated=doc["updated"],
            invalid=doc["invalid"],
            errors=[RowError(e["line"], e["code"], e["message"]) for e in doc.get("errors") or []],
            finished=doc["finished"],
            failure=doc.get("failure", ""),
        )
