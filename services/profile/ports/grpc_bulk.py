"""Import and export over gRPC: a client stream of file chunks in, a server stream of CSV out.

The shared interceptor maps errors of unary calls only, so these streaming
handlers map domain refusals to statuses (with the same trailers) themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.errors import DomainError, NotFound
from c360.grpc_server import ERROR_CODE_HEADER, ERROR_FIELD_HEADER, STATUS_BY_KIND
from services.profile.adapters.mongo_import_jobs import ImportJob
from services.profile.domain.csv_format import TEMPLATE_HEADER
from services.profile.ports.grpc_record import Context
from services.profile.ports.use_cases import UseCases


def job_to_proto(job: ImportJob, max_errors: int) -> profile_pb2.ImportJob:
    return profile_pb2.ImportJob(
        id=job.id,
        dry_run=job.dry_run,
        total_rows=job.total_rows,
        created=job.created,
        updated=job.updated,
        invalid=job.invalid,
        errors=[profile_pb2.ImportRowError(line=e.line, code=e.code, message=e.message) for e in job.errors][
            :max_errors
        ],
        finished=job.finished,
        failure=job.failure,
    )


class BulkRpcs(profile_pb2_grpc.ProfileServiceServicer):
    u: UseCases

    async def ImportCustomers(
        self, request_iterator: AsyncIterator[profile_pb2.ImportChunk], context: Context
    ) -> profile_pb2.ImportJob:
        stream = aiter(request_iterator)
        first = await anext(stream, profile_pb2.ImportChunk())

        async def chunks() -> AsyncIterator[bytes]:
            yield first.data
            async for chunk in stream:
                yield chunk.data

        try:
            job_id = await self.u.imports.start(chunks(), first.dry_run, first.file_name, "")
            job = await self.u.imports.jobs.get(job_id)
        except DomainError as refused:
            context.set_trailing_metadata(
                ((ERROR_CODE_HEADER, refused.code), (ERROR_FIELD_HEADER, refused.field or ""))
            )
            await context.abort(STATUS_BY_KIND[refused.kind], refused.message)
        assert job is not None
        return job_to_proto(job, 50)

    async def GetImportJob(self, request: profile_pb2.GetImportJobRequest, context: Context) -> profile_pb2.ImportJob:
        job = await self.u.imports.jobs.get(request.id)
        if job is None:
            raise NotFound(f"No import job with id {request.id[:64]}.", field="id")
        return job_to_proto(job, request.max_errors or 50)

    async def GetImportTemplate(
        self, request: profile_pb2.GetImportTemplateRequest, context: Context
    ) -> profile_pb2.ImportTemplate:
        return profile_pb2.ImportTemplate(header=TEMPLATE_HEADER)

    async def ExportCustomers(
        self, request: profile_pb2.ExportCustomersRequest, context: Context
    ) -> AsyncIterator[profile_pb2.ExportChunk]:
        async for data in self.u.export():
            yield profile_pb2.ExportChunk(data=data)
