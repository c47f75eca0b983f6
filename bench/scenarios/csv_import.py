"""Scenario 4: CSV import of N customers through the profile service's ImportCustomers RPC.

The gateway's importCustomers streams the upload to this very RPC in 256 KiB
chunks; calling it directly keeps the multipart upload out of the figure. The
import starts on a quiet store (every consumer caught up); the services react
to its registrations while it runs, as in production, and the end-to-end figure
waits until they all have. The limit is the raw `insert_many` of the very
documents the import stored, read back and written into a scratch collection
with the same indexes, in batches of the import's size, on the quiet store
again. Then the same import runs once more with loyalty, coupons and messaging
paused, which shows what the import's own path costs against the whole system
reacting on the same store. Peak RSS is the profile service's (the importing
process): its high-water mark is reset before the upload and sampled during the
first import.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from customer360.profile.v1 import profile_pb2, profile_pb2_grpc
from pymongo import AsyncMongoClient

from bench.scenarios.resources import peak_rss_mb, reset_peak_rss, rss_mb
from bench.targets import Target
from c360.grpc_client import open_channel
from deploy.local.stack import Stack

CHUNK = 256 * 1024
BATCH = 500  # services/profile/app/import_file.py BATCH_SIZE
FIRST_NAME = "Imported"
PAUSED = ("loyalty", "coupons", "messaging")  # the services whose consumers react to registrations


@dataclass
class ImportResult:
    rows: int
    created: int
    invalid: int
    seconds: float
    raw_seconds: float
    file_mb: float
    rss_before: float
    rss_peak: float
    settled_seconds: float  # after the job finished, until every consumer had handled its events
    alone_seconds: float  # the same import again, with loyalty, coupons and messaging paused
    alone_created: int

    @property
    def alone_per_second(self) -> float:
        return self.alone_created / self.alone_seconds if self.alone_seconds else 0.0

    @property
    def end_to_end_per_second(self) -> float:
        """Rows per second until every service (accounts, recipients, timeline) had the imported customers."""
        total = self.seconds + self.settled_seconds
        return self.created / total if total else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0

    @property
    def raw_per_second(self) -> float:
        return self.created / self.raw_seconds if self.raw_seconds else float("nan")

    @property
    def share(self) -> float:
        return self.rows_per_second / self.raw_per_second

    def findings(self) -> list[str]:
        return [
            f"{self.rows} rows ({self.file_mb:.1f} MB): {self.created} created, {self.invalid} invalid, "
            f"in {self.seconds:.1f}s = {self.rows_per_second:.0f} rows/s",
            f"raw insert_many of the same {self.created} documents (same indexes, batches of {BATCH}): "
            f"{self.raw_per_second:.0f} docs/s",
            f"import = {self.rows_per_second / self.raw_per_second:.0%} of the raw rate (target >= 50%)",
            f"every service had the imported customers (accounts, recipients, coupon statuses, timeline) "
            f"{self.settled_seconds:.1f}s after the job finished: {self.end_to_end_per_second:.0f} rows/s end to end "
            f"= {self.end_to_end_per_second / self.raw_per_second:.0%} of the raw rate",
            f"the same import of {self.alone_created} new customers with loyalty, coupons and messaging paused "
            f"(their reactions wait, then catch up; profile's own timeline still runs): {self.alone_per_second:.0f} "
            f"rows/s = {self.alone_per_second / self.raw_per_second:.0%} of the raw rate: what the import's own path "
            "costs, against the cost of the whole system reacting on the same store",
            f"profile service RSS: {self.rss_before:.0f} MB before, peak {self.rss_peak:.0f} MB during the import "
            "(target < 300 MB)",
        ]

    def targets(self) -> list[Target]:
        return [
            Target.at_least(
                "4", "CSV import rows/s vs raw insert_many", self.rows_per_second / self.raw_per_second, 0.5
            ),
            Target.at_most("4", f"peak RSS of the importing process ({self.rows} rows)", self.rss_peak, 300, " MB"),
        ]


def write_csv(path: Path, rows: int, first_name: str = FIRST_NAME, mobile_prefix: str = "+62813") -> None:
    base = random.randint(10_000_000, 80_000_000)
    with path.open("w") as out:
        out.write("mobile,first_name,last_name,email,customer_type,ext_ref,date_of_birth,gender\n")
        for n in range(rows):
            number = base + n
            out.write(
                f"{mobile_prefix}{number},{first_name}{n},Customer,{first_name.lower()}{number}@example.com,,,1990-01-01,\n"
            )


async def import_file(
    stub: profile_pb2_grpc.ProfileServiceAsyncStub, path: Path, watch: int | None = None
) -> tuple[profile_pb2.ImportJob, float]:
    """Uploads `path`, waits for its job to finish; returns the job and the peak RSS MB of process `watch`."""
    peak = 0.0
    job = await stub.ImportCustomers(_chunks(path), timeout=600)
    while not job.finished:
        if watch is not None:
            peak = max(peak, rss_mb(watch))
        await asyncio.sleep(0.1)
        job = await stub.GetImportJob(profile_pb2.GetImportJobRequest(id=job.id, max_errors=5), timeout=30)
    if job.failure:
        raise RuntimeError(f"import failed: {job.failure}")
    return job, peak


async def _chunks(path: Path) -> AsyncIterator[profile_pb2.ImportChunk]:
    with path.open("rb") as source:
        first = True
        while data := source.read(CHUNK):
            yield profile_pb2.ImportChunk(data=data, file_name=path.name if first else "")
            first = False


async def run(stack: Stack, rows: int, settle: Callable[[], Awaitable[float]]) -> ImportResult:
    """`settle` waits until the consumers have caught up: before the import (it starts on a quiet store), after it
    (the end-to-end figure), and so before the raw rate is measured (on the quiet store too)."""
    await settle()
    pid = stack.processes["profile"].pid
    channel = open_channel(stack.config.address("profile"))
    stub = profile_pb2_grpc.ProfileServiceStub(channel)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.csv"
        write_csv(path, rows)
        size = path.stat().st_size / 2**20
        rss_before = rss_mb(pid)
        reset_peak_rss(pid)
        started = time.perf_counter()
        try:
            job, sampled = await import_file(stub, path, watch=pid)
        finally:
            await channel.close()
        seconds = time.perf_counter() - started
        settled = await settle()
        peak = max(rss_before, sampled, peak_rss_mb(pid))
        raw = await _raw_insert(stack.config.mongodb_uri, f"{stack.config.database_prefix}profile")
        alone_path = Path(folder) / "alone.csv"
        write_csv(alone_path, rows, first_name="Alone", mobile_prefix="+62814")
        channel = open_channel(stack.config.address("profile"))
        try:
            alone, alone_seconds = await _with_others_paused(
                stack, profile_pb2_grpc.ProfileServiceStub(channel), alone_path
            )
        finally:
            await channel.close()
        await settle()
    return ImportResult(
        rows, job.created, job.invalid, seconds, raw, size, rss_before, peak, settled, alone_seconds, alone.created
    )


async def _with_others_paused(
    stack: Stack, stub: profile_pb2_grpc.ProfileServiceAsyncStub, path: Path
) -> tuple[profile_pb2.ImportJob, float]:
    """The import timed while the services that react to it are stopped (SIGSTOP), so the store serves the
    import (and profile) alone; they are resumed whatever happens, and their consumers catch up."""
    paused = [stack.processes[name].pid for name in PAUSED]
    for pid in paused:
        os.kill(pid, signal.SIGSTOP)
    try:
        started = time.perf_counter()
        job, _ = await import_file(stub, path)
        return job, time.perf_counter() - started
    finally:
        for pid in paused:
            os.kill(pid, signal.SIGCONT)


async def _raw_insert(uri: str, database: str) -> float:
    """Seconds of insert_many alone, for every imported document copied into a scratch collection."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    source = client[database]["customers"]
    scratch = client[f"bench_raw_{uuid.uuid4().hex[:8]}"]
    target = scratch["customers"]
    spent = 0.0
    try:
        for name, spec in (await source.index_information()).items():
            if name != "_id_":
                options = {k: v for k, v in spec.items() if k in ("unique", "sparse", "partialFilterExpression")}
                await target.create_index(spec["key"], name=name, **options)
        batch: list[dict[str, Any]] = []
        async for doc in source.find({"first_name": {"$regex": f"^{FIRST_NAME}"}}):
            batch.append(doc)
            if len(batch) == BATCH:
                spent += await _timed_insert(target, batch)
                batch = []
        if batch:
            spent += await _timed_insert(target, batch)
    finally:
        with contextlib.suppress(Exception):
            await client.drop_database(scratch.name)
        await client.close()
    return spent


async def _timed_insert(collection: Any, docs: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    await collection.insert_many(docs, ordered=False)
    return time.perf_counter() - started
