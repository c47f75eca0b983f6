"""Bulk issuance jobs in MongoDB: progress, and a lease so exactly one worker runs each job.

A worker claims an unfinished job whose lease has run out and renews the lease
with every step; if it dies, another instance takes over from the recorded
position, and the per-customer idempotency keys make the replayed step harmless.
Each claim inserts `<job>#<epoch>` into `bulk_issue_leases`: a unique id lets one
claimant win per epoch (a filter-guarded update would not be atomic on FerretDB);
an epoch whose claimant died before taking the job over is skipped once stale.

The customers of a job live in chunks of their own (`bulk_issue_members`, 500 ids
each), not in the job document: every step rewrites the job, and FerretDB reads and
writes a document whole, so a job of 6,000 ids cost its whole list per coupon
issued. Jobs created before with `customer_ids` inline are still run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.by_id import find_by_ids
from c360.mongo import insert_new

Document = dict[str, Any]
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
MAX_EPOCH_SKIPS = 5
CHUNK = 500  # customer ids per members document


class MongoBulkJobs:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["bulk_issue_jobs"]
        self._leases: AsyncCollection[Document] = database["bulk_issue_leases"]
        self._members: AsyncCollection[Document] = database["bulk_issue_members"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("finished", 1), ("lease_until", 1)], name="claimable")

    async def create(self, job_id: str, campaign_id: str, customer_ids: list[str], list_id: str, actor: str) -> None:
        await self._store_members(job_id, customer_ids)  # first: the job is never without its customers
        await self.collection.insert_one(
            {
                "_id": job_id,
                "campaign_id": campaign_id,
                "list_id": list_id,
                "member_chunks": _chunks(len(customer_ids)),
                "members_loaded": not list_id,
                "total": len(customer_ids),
                "position": 0,
                "issued": 0,
                "failed": 0,
                "failures": {},
                "finished": False,
                "error": "",
                "actor": actor,
                "created_at": datetime.now(UTC),
                "lease_until": NEVER,
                "owner": "",
            }
        )

    async def get(self, job_id: str) -> Document | None:
        return await self.collection.find_one({"_id": job_id}, {"customer_ids": 0})

    async def members(self, job: Document) -> list[str]:
        """The job's customers in order."""
        if "customer_ids" in job:  # a job created before the members had documents of their own
            return list(job["customer_ids"])
        chunk_ids = [_chunk_id(job["_id"], n) for n in range(job.get("member_chunks", 0))]
        chunks = {doc["_id"]: doc["ids"] for doc in await find_by_ids(self._members, chunk_ids)}
        return [customer_id for chunk_id in chunk_ids for customer_id in chunks.get(chunk_id, [])]

    async def claim(self, owner: str, lease: timedelta) -> Document | None:
        now = datetime.now(UTC)
        async for job in self.collection.find({"finished": False, "lease_until": {"$lt": now}}, {"customer_ids": 0}):
            epoch = await self._win_epoch(job["_id"], job.get("epoch", 0) + 1, owner, now - lease)
            if epoch is None:
                continue  # another worker claimed it
            await self.collection.update_one(
                {"_id": job["_id"]}, {"$set": {"owner": owner, "epoch": epoch, "lease_until": now + lease}}
            )
            return await self.collection.find_one({"_id": job["_id"]})
        return None

    async def _win_epoch(self, job_id: str, epoch: int, owner: str, stale_before: datetime) -> int | None:
        """The epoch this owner now holds, or None; skips epochs whose claimant died before taking the job."""
        for candidate in range(epoch, epoch + MAX_EPOCH_SKIPS):
            try:
                await self._leases.insert_one({"_id": f"{job_id}#{candidate}", "owner": owner, "at": datetime.now(UTC)})
                return candidate
            except DuplicateKeyError:
                held = await self._leases.find_one({"_id": f"{job_id}#{candidate}"})
                if held is None or held["at"] >= stale_before:
                    return None  # claimed just now by a live worker
        return None

    async def load_members(self, job_id: str, owner: str, customer_ids: list[str]) -> bool:
        await self._store_members(job_id, customer_ids)
        result = await self.collection.update_one(
            {"_id": job_id, "owner": owner},
            {"$set": {"member_chunks": _chunks(len(customer_ids)), "total": len(customer_ids), "members_loaded": True}},
        )
        return result.modified_count == 1

    async def _store_members(self, job_id: str, customer_ids: list[str]) -> None:
        """Writes the chunks; one left by a worker that died while loading the same list is replaced."""
        docs = [
            {"_id": _chunk_id(job_id, n), "ids": customer_ids[start : start + CHUNK]}
            for n, start in enumerate(range(0, len(customer_ids), CHUNK))
        ]
        for position in await insert_new(self._members, docs):
            await self._members.replace_one({"_id": docs[position]["_id"]}, docs[position])

    async def step(self, job_id: str, owner: str, position: int, failure_code: str | None, lease: timedelta) -> bool:
        """Records one customer's outcome and renews the lease; False when another worker took the job over."""
        update: Document = {
            "$set": {"position": position, "lease_until": datetime.now(UTC) + lease},
            "$inc": {"failed": 1, f"failures.{failure_code}": 1} if failure_code else {"issued": 1},
        }
        result = await self.collection.update_one({"_id": job_id, "owner": owner}, update)
        return result.modified_count == 1

    async def finish(self, job_id: str, owner: str, error: str = "") -> None:
        await self.collection.update_one(
            {"_id": job_id, "owner": owner},
            {"$set": {"finished": True, "error": error, "finished_at": datetime.now(UTC)}},
        )


def _chunks(count: int) -> int:
    return -(-count // CHUNK)


def _chunk_id(job_id: str, n: int) -> str:
    return f"{job_id}#{n}"
