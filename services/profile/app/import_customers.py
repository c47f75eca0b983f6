"""ImportCustomers: spool the upload, answer with the job at once, then upsert in bulk batches.

The whole file is first checked to parse as CSV to its end: one that cannot be
read (an unclosed quote, a value beyond the parser's limit) is refused whole
before anything is written, its line-numbered reason being the job's failure
and only error. The file is then read back row by row (constant memory). Each
batch first keys its mobiles to the customers it would create, in one bulk
write: only the mobiles keyed already are looked up (services/profile/adapters/
mobile_keys.py). Then its events are staged, its customers inserted in bulk, and
while the next batch goes the same way its events are published and its counts
land on the job, which importJob(id) reads while the import runs. A dry run
looks up every mobile, plans the same way and writes nothing but the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import uuid
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from google.protobuf.message import Message

from c360.events import new_envelope, to_outbox
from c360.outbox import OutboxRecord
from services.profile.adapters.csv_spool import spool
from services.profile.adapters.import_outbox import ImportOutbox, Rebuild, StagedEvent
from services.profile.adapters.mongo_bulk_customers import MongoBulkCustomers
from services.profile.adapters.mongo_import_jobs import MongoImportJobs
from services.profile.app.import_file import read_rows, structure_check
from services.profile.app.ports import EventNotifier
from services.profile.domain.csv_format import ImportRow
from services.profile.domain.customer import Customer, ProfileRules, new_referral_code
from services.profile.domain.import_plan import BatchPlan, BatchPlanner, RowError
from services.profile.proto_mapping import customer_registered, customer_updated

log = logging.getLogger(__name__)
Written = tuple[Customer, list[OutboxRecord]]


@dataclass
class ImportCustomers:
    bulk: MongoBulkCustomers
    jobs: MongoImportJobs
    staged_events: ImportOutbox
    rules: ProfileRules
    events_topic: str
    notifier: EventNotifier  # publishes the updates' events, which ride in the customers' outboxes
    _running: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self, chunks: AsyncIterator[bytes], dry_run: bool, file_name: str, actor: str) -> str:
        path = await spool(chunks)
        job_id = uuid.uuid4().hex
        await self.jobs.create(job_id, dry_run, file_name)
        task = asyncio.create_task(self._run(job_id, path, dry_run, actor))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return job_id

    async def _run(self, job_id: str, path: Path, dry_run: bool, actor: str) -> None:
        planner = BatchPlanner(self.rules, f"import:{job_id}", lambda: uuid.uuid4().hex, new_referral_code)
        failure = ""
        batches = read_rows(path, self.rules)
        reading: asyncio.Future[list[ImportRow | RowError] | None] | None = None
        ending: asyncio.Task[None] | None = None
        try:
            if refusal := await asyncio.to_thread(structure_check, path):
                failure = refusal.message
                await self.jobs.progress(job_id, 0, 0, 0, 0, [RowError(refusal.line, refusal.code, refusal.message)])
                return
            # Parsing and planning are CPU work: threads keep the service answering meanwhile. While a
            # batch is written, the next one is parsed and the one before ends (events, then counts).
            reading = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
            while (rows := await reading) is not None:
                reading = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
                mobiles = list({r.mobile for r in rows if isinstance(r, ImportRow)})
                ids = {} if dry_run else {mobile: uuid.uuid4().hex for mobile in mobiles}
                # A real run keys each mobile to its would-be customer first: only the mobiles keyed already
                # are looked up. A dry run writes nothing, so it looks every one up.
                unclaimed = await self.bulk.claim_mobiles(ids) if ids else set(mobiles)
                existing = await self.bulk.by_mobiles(list(unclaimed))
                plan = await asyncio.to_thread(planner.plan, rows, existing, datetime.now(UTC), ids)
                release = None
                if not dry_run:
                    by, now = actor or f"import:{job_id}", datetime.now(UTC)
                    inserts, updates = await asyncio.to_thread(self._records, plan, by, now)
                    release = await self._write(plan, inserts, updates, unclaimed, (by, now))
                if ending is not None and ending.done():
                    await ending  # a batch that failed to end stops the import now, not at its end
                ending = asyncio.create_task(self._end_batch(ending, release, job_id, len(rows), plan))
            if ending is not None:
                await ending
        except Exception as error:
            log.exception("import %s failed", job_id)
            failure = f"The import stopped: {type(error).__name__}."
        finally:
            for pending in (reading, ending):  # a batch left staged is published by ImportOutbox.recover
                if pending is not None:
                    with contextlib.suppress(Exception):
                        await pending
            batches.close()
            with contextlib.suppress(OSError):
                os.remove(path)
            await self.jobs.finish(job_id, failure)

    async def _end_batch(
        self,
        before: asyncio.Task[None] | None,
        release: Coroutine[Any, Any, None] | None,
        job_id: str,
        rows: int,
        plan: BatchPlan,
    ) -> None:
        """After the batch before has ended: publishes this one's staged events, then adds its counts."""
        try:
            if before is not None:
                await before
        finally:
            if release is not None:
                await release
        errors = sorted(plan.errors, key=lambda e: e.line)
        await self.jobs.progress(job_id, rows, plan.created_count, plan.updated_count, plan.invalid_count, errors)

    def _records(self, plan: BatchPlan, actor: str, now: datetime) -> tuple[list[Written], list[Written]]:
        """Each new or changed record with its event (CustomerRegistered or CustomerUpdated)."""
        inserts = [(c, [self._event(c, customer_registered(c), actor, now)]) for c, _line in plan.created.values()]
        updates = [
            (c, [self._event(c, customer_updated(changed)(c), actor, now)])
            for c, changed in plan.updated.values()
            if changed
        ]
        return inserts, updates

    async def _write(
        self,
        plan: BatchPlan,
        inserts: list[Written],
        updates: list[Written],
        unclaimed: set[str],
        by_at: tuple[str, datetime],
    ) -> Coroutine[Any, Any, None]:
        """New customers' events are staged, then written with them; updates carry theirs in their outbox.
        Returns the release of the staged events (publish, then drop the stage), to run meanwhile.
        `unclaimed`: the mobiles keyed before this batch; a new customer holding one takes its key."""
        created = list(plan.created.values())
        batch_id = uuid.uuid4().hex
        new_events = [event for _c, events in inserts for event in events]
        await self.staged_events.stage(batch_id, new_events, *by_at)
        refused = await self.bulk.insert([(c, []) for c, _events in inserts])
        for index in sorted(refused):
            customer, line = created[index]
            code = "DUPLICATE_EXT_REF" if customer.ext_ref else "DUPLICATE_MOBILE"
            plan.errors.append(RowError(line, code, "Another customer already has this mobile or ext ref."))
            plan.created_count -= 1
            plan.invalid_count += 1
        refused_ids = {created[i][0].id for i in refused}
        await self.bulk.hold_mobiles([c for c, _line in created if c.mobile in unclaimed and c.id not in refused_ids])
        await self.bulk.update_names(updates)
        for customer, _events in updates:
            self.notifier.nudge(customer.id)
        return self.staged_events.release(batch_id, [e for e in new_events if e.key not in refused_ids])

    def _event(self, customer: Customer, payload: Message, actor: str, now: datetime) -> OutboxRecord:
        return to_outbox(new_envelope(customer.id, "profile", payload, actor=actor, occurred_at=now), self.events_topic)


def registration_rebuilder(events_topic: str) -> Rebuild:
    """How ImportOutbox.recover rebuilds a staged registration: the very event (id, actor, time, correlation,
    trace) that was promised, of the customer as stored now."""

    def rebuild(customer: Customer, staged: StagedEvent) -> OutboxRecord:
        payload = customer_registered(customer)
        envelope = new_envelope(customer.id, "profile", payload, staged.actor, staged.occurred_at, staged.event_id)
        envelope.correlation_id = staged.correlation_id
        return dataclasses.replace(to_outbox(envelope, events_topic), trace_headers=staged.trace)

    return rebuild
