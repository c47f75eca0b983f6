"""A stored bulk issuance job as its gRPC message."""

from __future__ import annotations

from typing import Any

from customer360.coupons.v1 import coupons_pb2

from c360.events import timestamp


def bulk_job_to_proto(job: dict[str, Any]) -> coupons_pb2.BulkIssueJob:
    failures = job.get("failures") or {}
    message = coupons_pb2.BulkIssueJob(
        id=job["_id"],
        campaign_id=job["campaign_id"],
        list_id=job.get("list_id", ""),
        total=job.get("total", 0),
        processed=job.get("position", 0),
        issued=job.get("issued", 0),
        failed=job.get("failed", 0),
        failures=[coupons_pb2.BulkIssueFailure(code=code, count=count) for code, count in sorted(failures.items())],
        finished=job.get("finished", False),
        actor=job.get("actor", ""),
        error=job.get("error", ""),
    )
    message.created_at.CopyFrom(timestamp(job["created_at"]))
    return message
