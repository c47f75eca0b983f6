"""ImportCustomers: spool the upload, answer with the job at once, then upsert in bulk batches.

The file is read back row by row (constant memory); each batch is one lookup
and at most two bulk writes, and its counts land on the job, which
importJob(id) reads while the import runs. A dry run plans the same batches
and writes nothing but the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf.message import Message

from c360.errors import DomainError
from c360.events import new_envelope, to_outbox
from c360.outbox import OutboxRecord
from services.profile.adapters.csv_spool import spool
from services.profile.adapters.mongo_bulk_customers import MongoBulkCustomers
from services.profile.adapters.mongo_import_jobs import MongoImportJobs
from services.profile.app.ports import EventNotifier
from services.profile.domain.csv_format import ImportRow, checked_header, parse_row
from services.profile.domain.customer import Customer, ProfileRules, new_referral_code
from services.profile.domain.import_plan import BatchPlan, BatchPlanner, RowError
from services.profile.proto_mapping import customer_registered, customer_updated

log = logging.getLogger(__name__)
BATCH_SIZE = 500


def read_rows(path: Path, rules: ProfileRules) -> Iterator[list[ImportRow | RowError]]:
    """Batches of parsed rows with their line numbers; blank lines are skipped."""
    today = datetime.now(UTC).date()
    with path.open(encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        columns = checked_header(next(reader))
        batch: list[ImportRow | RowError] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            try:
                batch.append(parse_row(reader.line_num, columns, cells, rules, today))
            except DomainError as refused:
                batch.append(RowError(reader.line_num, refused.code, refused.message))
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch


@dataclass
class ImportCustomers:
    bulk: MongoBulkCustomers
    jobs: MongoImportJobs
    notifier: EventNotifier
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
        try:
            for rows in read_rows(path, self.rules):
                valid = [r for r in rows if isinstance(r, ImportRow)]
                existing = await self.bulk.by_mobiles(list({r.mobile for r in valid}))
                plan = planner.plan(rows, existing, datetime.now(UTC))
                if not dry_run:
                    await self._write(plan, actor or f"import:{job_id}")
                errors = sorted(plan.errors, key=lambda e: e.line)
                counts = (plan.created_count, plan.updated_count, plan.invalid_count)
                await self.jobs.progress(job_id, len(rows), *counts, errors)
        except Exception as error:
            log.exception("import %s failed", job_id)
            failure = f"The import stopped: {type(error).__name__}."
        finally:
            with contextlib.suppress(OSError):
                os.remove(path)
            await self.jobs.finish(job_id, failure)

    async def _write(self, plan: BatchPlan, actor: str) -> None:
        created = list(plan.created.values())
        inserts = [(c, [self._event(c, customer_registered(c), actor)]) for c, _line in created]
        refused = await self.bulk.insert(inserts)
        for index in sorted(refused):
            customer, line = created[index]
            code = "DUPLICATE_EXT_REF" if customer.ext_ref else "DUPLICATE_MOBILE"
            plan.errors.append(RowError(line, code, "Another customer already has this mobile or ext ref."))
            plan.created_count -= 1
            plan.invalid_count += 1
        updates = [
            (c, [self._event(c, customer_updated(changed)(c), actor)])
            for c, changed in plan.updated.values()
            if changed
        ]
        await self.bulk.update_names(updates)
        for customer, _events in [*inserts, *updates]:
            self.notifier.nudge(customer.id)

    def _event(self, customer: Customer, payload: Message, actor: str) -> OutboxRecord:
        return to_outbox(new_envelope(customer.id, "profile", payload, actor=actor), self.events_topic)
