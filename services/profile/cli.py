"""`python -m services.profile.cli import|export|template`: bulk CSV work against a running profile service.

    python -m services.profile.cli template > customers.csv
    python -m services.profile.cli import customers.csv [--dry-run] [--wait]
    python -m services.profile.cli export [out.csv]

The address is `--address` or C360_PROFILE_GRPC_ADDRESS. Files stream in and
out in chunks, so their size does not matter.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator
from typing import BinaryIO

from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.grpc_client import open_channel

CHUNK_BYTES = 256 * 1024


async def _chunks(path: str, dry_run: bool) -> AsyncIterator[profile_pb2.ImportChunk]:
    with open(path, "rb") as source:  # noqa: ASYNC230 - a local file read in small chunks
        first = True
        while data := source.read(CHUNK_BYTES):
            yield profile_pb2.ImportChunk(data=data, dry_run=dry_run, file_name=os.path.basename(path) if first else "")
            first = False
        if first:
            yield profile_pb2.ImportChunk(dry_run=dry_run, file_name=os.path.basename(path))


def _report(job: profile_pb2.ImportJob) -> str:
    lines = [
        f"job {job.id}{' (dry run)' if job.dry_run else ''}: {job.total_rows} rows, {job.created} created, "
        f"{job.updated} updated, {job.invalid} rejected{'' if job.finished else ' so far'}"
    ]
    lines += [f"  line {e.line}: {e.code} {e.message}" for e in job.errors]
    if job.failure:
        lines.append(f"  failed: {job.failure}")
    return "\n".join(lines)


async def import_file(stub: profile_pb2_grpc.ProfileServiceAsyncStub, path: str, dry_run: bool, wait: bool) -> int:
    job = await stub.ImportCustomers(_chunks(path, dry_run))
    while wait and not job.finished:
        await asyncio.sleep(0.5)
        job = await stub.GetImportJob(profile_pb2.GetImportJobRequest(id=job.id, max_errors=1000))
    print(_report(job))
    return 1 if job.failure else 0


async def export_to(stub: profile_pb2_grpc.ProfileServiceAsyncStub, out: BinaryIO) -> int:
    async for chunk in stub.ExportCustomers(profile_pb2.ExportCustomersRequest()):
        out.write(chunk.data)
    out.flush()
    return 0


async def run(args: argparse.Namespace) -> int:
    channel = open_channel(args.address)
    stub = profile_pb2_grpc.ProfileServiceStub(channel)
    try:
        if args.command == "template":
            template = await stub.GetImportTemplate(profile_pb2.GetImportTemplateRequest())
            sys.stdout.write(template.header)
            return 0
        if args.command == "import":
            return await import_file(stub, args.file, args.dry_run, args.wait)
        if args.output and args.output != "-":
            with open(args.output, "wb") as out:  # noqa: ASYNC230 - written chunk by chunk as they arrive
                return await export_to(stub, out)
        return await export_to(stub, sys.stdout.buffer)
    finally:
        await channel.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.profile.cli", description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=os.environ.get("C360_PROFILE_GRPC_ADDRESS", "127.0.0.1:50051"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("template", help="print the import template's header row")
    importing = commands.add_parser("import", help="import a CSV file (upsert by mobile)")
    importing.add_argument("file")
    importing.add_argument("--dry-run", action="store_true", help="report what would happen, change nothing")
    importing.add_argument("--wait", action="store_true", help="wait for the job to finish and print its report")
    exporting = commands.add_parser("export", help="export every customer as CSV")
    exporting.add_argument("output", nargs="?", default="-")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
