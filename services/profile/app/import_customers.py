"""ImportCustomers: spool the upload, answer with the job at once, then upsert in bulk batches.

The whole file is first checked to parse as CSV to its end: one that cannot be
read (an unclosed quote, a value beyond the parser's limit) is refused whole
before anything is written, its line-numbered reason being the job's failure
and only error. The file is then read back row by row (constant memory); each
batch is one lookup and at most two bulk writes, and its counts land on the
job, which importJob(id) reads while the import runs. A dry run checks and
plans the same way and writes nothing but the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf.message import Message

from c360.events import new_envelope, to_outbox
from c360.outbox import OutboxRecord
from services.profile.adapters.csv_spool import spool
from services.profile.adapters.import_outbox import ImportOutbox
from services.profile.adapters.mongo_bulk_customers import MongoBulkCustomers
from services.profile.adapters.mongo_import_jobs import MongoImportJobs
from services.profile.app.import_file import read_rows, structure_check
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
        try:
            if refusal := await asyncio.to_thread(structure_check, path):
                failure = refusal.message
                await self.jobs.progress(job_id, 0, 0, 0, 0, [RowError(refusal.line, refusal.code, refusal.message)])
                return
            # Parsing and planning are CPU work: threads keep the service answering meanwhile.
            while (rows := await asyncio.to_thread(next, batches, None)) is not None:
                valid = [r for r in rows if isinstance(r, ImportRow)]
                existing = await self.bulk.by_mobiles(list({r.mobile for r in valid}))
                plan = await asyncio.to_thread(planner.plan, rows, existing, datetime.now(UTC))
                if not dry_run:
                    inserts, updates = await asyncio.to_thread(self._records, plan, actor or f"import:{job_id}")
                    await self._write(plan, inserts, updates)
                errors = sorted(plan.errors, key=lambda e: e.line)
                counts = (plan.created_count, plan.updated_count, plan.invalid_count)
                await self.jobs.progress(job_id, len(rows), *counts, errors)
        except Exception as error:
            log.exception("import %s failed", job_id)
            failure = f"The import stopped: {type(error).__name__}."
        finally:
            batches.close()
            with contextlib.suppress(OSError):
                os.remove(path)
            await self.jobs.finish(job_id, failure)

    def _records(self, plan: BatchPlan, actor: str) -> tuple[list[Written], list[Written]]:
        """Each new or changed record with its event (CustomerRegistered or CustomerUpdated)."""
        inserts = [(c, [self._event(c, customer_registered(c), actor)]) for c, _line in plan.created.values()]
        updates = [
            (c, [self._event(c, customer_updated(changed)(c), actor)])
            for c, changed in plan.updated.values()
            if changed
        ]
        return inserts, updates

    async def _write(self, plan: BatchPlan, inserts: list[Written], updates: list[Written]) -> None:
        """New customers' events are staged, then written with them; updates carry theirs in their outbox."""
        created = list(plan.created.values())
        batch_id = uuid.uuid4().hex
        new_events = [event for _c, events in inserts for event in events]
        await self.staged_events.stage(batch_id, new_events)
        refused = await self.bulk.insert([(c, []) for c, _events in inserts])
        for index in sorted(refused):
            customer, line = created[index]
            code = "DUPLICATE_EXT_REF" if customer.ext_ref else "DUPLICATE_MOBILE"
            plan.errors.append(RowError(line, code, "Another customer already has this mobile or ext ref."))
            plan.created_count -= 1
            plan.invalid_count += 1
        refused_ids = {created[i][0].id for i in refused}
        await self.staged_events.release(batch_id, [e for e in new_events if e.key not in refused_ids])
        await self.bulk.update_names(updates)

    def _event(self, customer: Customer, payload: Message, actor: str) -> OutboxRecord:
        return to_outbox(new_envelope(customer.id, "profile", payload, actor=actor), self.events_topic)
