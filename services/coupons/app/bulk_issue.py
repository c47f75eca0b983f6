"""Bulk issuance: one campaign to a static customer list or to customer ids, as a background job.

Every customer goes through IssueCoupon (same limits, same refusals) with the key
`bulk:<job>:<customer>`, so a job resumed after a crash never issues twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import grpc

from c360.errors import DomainError, InvalidInput, NotFound
from services.coupons.adapters.mongo_bulk_jobs import MongoBulkJobs
from services.coupons.adapters.mongo_campaigns import MongoCampaignRepository
from services.coupons.adapters.profile_client import ProfileClient
from services.coupons.app.issue_coupon import IssueCoupon, IssueRequest

log = logging.getLogger(__name__)
MAX_IDS = 10_000
MEMBERS_PAGE = 500
TRANSIENT_ATTEMPTS = 3
FINAL_STATUSES = {grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.UNIMPLEMENTED}


@dataclass
class StartBulkIssue:
    campaigns: MongoCampaignRepository
    jobs: MongoBulkJobs
    worker: BulkIssueWorker

    async def __call__(self, campaign_id: str, customer_ids: list[str], list_id: str, actor: str) -> str:
        ids = list(dict.fromkeys(i.strip() for i in customer_ids if i.strip()))
        list_id = list_id.strip()
        if bool(ids) == bool(list_id):
            raise InvalidInput("INVALID_TARGET", "Give either a customer list or customer ids.", "customerIds")
        if len(ids) > MAX_IDS:
            raise InvalidInput("TOO_MANY_CUSTOMERS", f"At most {MAX_IDS} customer ids per job.", "customerIds")
        if await self.campaigns.get(campaign_id) is None:
            raise NotFound(f"No campaign with id {campaign_id}.", "CAMPAIGN_NOT_FOUND", "campaignId")
        job_id = uuid.uuid4().hex
        await self.jobs.create(job_id, campaign_id, ids, list_id, actor)
        self.worker.wake.set()
        return job_id


@dataclass
class BulkIssueWorker:
    jobs: MongoBulkJobs
    issue: IssueCoupon
    profile: ProfileClient
    lease: timedelta = timedelta(seconds=30)  # how long a dead worker's job waits before another takes it
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            job = await self.jobs.claim(self.owner, self.lease)
            if job is not None:
                await self._run_job(job, stop)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=1.0)
            self.wake.clear()

    async def _run_job(self, job: dict[str, Any], stop: asyncio.Event) -> None:
        job_id = job["_id"]
        ids = await self.jobs.members(job)
        if not job.get("members_loaded"):
            try:
                ids = await self._list_members(job["list_id"])
            except grpc.aio.AioRpcError as error:
                if error.code() not in FINAL_STATUSES:
                    raise  # transient: the lease runs out and the job is retried
                await self.jobs.finish(job_id, self.owner, f"could not read list {job['list_id']}: {error.details()}")
                return
            if not await self.jobs.load_members(job_id, self.owner, ids):
                return
        for position in range(job.get("position", 0), len(ids)):
            if stop.is_set():
                return  # the lease runs out and the job resumes on the next start
            failure = await self._issue_one(job_id, job["campaign_id"], ids[position], job.get("actor", ""))
            if not await self.jobs.step(job_id, self.owner, position + 1, failure, self.lease):
                return
        await self.jobs.finish(job_id, self.owner)
        log.info("bulk issuance finished", extra={"fields": {"job": job_id, "customers": len(ids)}})

    async def _issue_one(self, job_id: str, campaign_id: str, customer_id: str, actor: str) -> str | None:
        """None when issued, else the refusal's code."""
        request = IssueRequest(customer_id, campaign_id, f"bulk:{job_id}:{customer_id}", actor)
        for attempt in range(TRANSIENT_ATTEMPTS):
            try:
                await self.issue(request)
                return None
            except DomainError as refusal:
                return refusal.code
            except Exception:
                log.exception("bulk issuance step failed", extra={"fields": {"job": job_id, "attempt": attempt}})
                await asyncio.sleep(0.5 * (attempt + 1))
        return "INTERNAL"

    async def _list_members(self, list_id: str) -> list[str]:
        ids: list[str] = []
        token = ""
        while True:
            page, token = await self.profile.list_members(list_id, MEMBERS_PAGE, token)
            ids.extend(page)
            if not token:
                return list(dict.fromkeys(ids))
