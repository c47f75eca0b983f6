"""GET /exports/customers.csv (ADMIN): every customer as CSV, streamed from the profile service as it comes.

Neither the service nor the gateway holds the whole set: chunks pass straight
through. GET /exports/customers-template.csv gives the import template's header.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
from customer360.profile.v1 import profile_pb2
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gateway.auth import AuthenticationFailed, authenticate
from gateway.permissions import Role, has_role

EXPORT_DEADLINE_SECONDS = 3600.0


def _error(message: str, code: str, status: int) -> Response:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status)


def _refusal(request: Request, secret: str) -> Response | None:
    try:
        principal = authenticate(request.headers.get("authorization"), secret)
    except AuthenticationFailed as error:
        return _error(str(error), "UNAUTHENTICATED", 401)
    if not has_role(principal, Role.ADMIN):
        return _error("Exports need the ADMIN role.", "FORBIDDEN", 403)
    return None


def export_routes(state: dict[str, Any], jwt_secret: str) -> list[Route]:
    async def export_customers(request: Request) -> Response:
        refusal = _refusal(request, jwt_secret)
        if refusal is not None:
            return refusal
        call = state["backends"].profile.ExportCustomers(
            profile_pb2.ExportCustomersRequest(), timeout=EXPORT_DEADLINE_SECONDS
        )

        async def body() -> AsyncIterator[bytes]:
            async for chunk in call:
                yield chunk.data

        headers = {"Content-Disposition": 'attachment; filename="customers.csv"'}
        return StreamingResponse(body(), media_type="text/csv; charset=utf-8", headers=headers)

    async def import_template(request: Request) -> Response:
        refusal = _refusal(request, jwt_secret)
        if refusal is not None:
            return refusal
        try:
            reply = await state["backends"].profile.GetImportTemplate(profile_pb2.GetImportTemplateRequest(), timeout=5)
        except grpc.aio.AioRpcError:
            return JSONResponse(
                {"errors": [{"message": "profile unavailable", "extensions": {"code": "UNAVAILABLE"}}]}, 503
            )
        headers = {"Content-Disposition": 'attachment; filename="customers-template.csv"'}
        return Response(reply.header, media_type="text/csv; charset=utf-8", headers=headers)

    return [
        Route("/exports/customers.csv", export_customers, methods=["GET"]),
        Route("/exports/customers-template.csv", import_template, methods=["GET"]),
    ]
