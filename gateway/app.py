"""The ASGI application: GraphQL (with GraphiQL in local mode), health and readiness endpoints."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from c360 import metrics, tracing
from c360.logging import set_correlation_id
from gateway.auth import AuthenticationFailed, Principal, authenticate
from gateway.backends import Backends
from gateway.context import GatewayContext
from gateway.features.profile.export_endpoint import export_routes
from gateway.features.timeline.socket_auth import authenticate_socket
from gateway.loaders import Loaders
from gateway.schema import schema
from gateway.settings import GatewaySettings
from gateway.webhooks import webhook_routes


class GatewayGraphQL(GraphQL[GatewayContext, None]):
    def __init__(self, settings: GatewaySettings, state: dict[str, Any]) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if settings.env == "local" else None, multipart_uploads_enabled=True
        )
        self._settings = settings
        self._state = state  # holds the Backends opened by the lifespan

    async def on_ws_connect(self, context: GatewayContext) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: a token in `connection_init` authenticates a socket opened without one."""
        authenticate_socket(context, self._settings.jwt_secret)
        return None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> GatewayContext:
        set_correlation_id(request.headers.get("x-correlation-id"))
        principal: Principal | None = None
        failure: str | None = None
        try:
            principal = authenticate(request.headers.get("authorization"), self._settings.jwt_secret)
        except AuthenticationFailed as error:
            failure = str(error)
        backends: Backends = self._state["backends"]
        context = GatewayContext(
            backends=backends,
            principal=principal,
            auth_failure=failure,
            budget_seconds=self._settings.request_budget_seconds,
            request=request,
            response=response,
        )
        context.loaders = Loaders(backends, context.timeout)
        return context

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: GatewayContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Times each operation and opens the trace its backend calls (gRPC, then Kafka) continue."""
        kind = operation_type(request_data.query)
        name = request_data.operation_name or "anonymous"
        started = time.perf_counter()
        outcome = "error"
        with tracing.span_from_headers(f"graphql {kind} {name}", dict(request.headers), tracing.SpanKind.SERVER):
            try:
                result = await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
                outcome = "error" if result.errors else "ok"
                return result
            finally:
                metrics.GRAPHQL_LATENCY.labels(kind, name, outcome).observe(time.perf_counter() - started)


def operation_type(query: str | None) -> str:
    """`query`, `mutation` or `subscription`, from the document's first keyword (shorthand is a query)."""
    words = (query or "").lstrip().split(None, 1)
    first = words[0].split("(")[0].split("{")[0] if words else ""
    return first if first in ("mutation", "subscription") else "query"


def create_app(settings: GatewaySettings) -> Starlette:
    state: dict[str, Any] = {}
    graphql = GatewayGraphQL(settings, state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["backends"] = Backends.open(settings)
        yield
        await state["backends"].close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def metrics_endpoint(request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    async def readyz(request: Request) -> Response:
        health = await state["backends"].health()
        ready = all(health.values())
        return JSONResponse({"ready": ready, "backends": health}, status_code=200 if ready else 503)

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *export_routes(state, settings.jwt_secret),
            *webhook_routes(state),
            Route("/metrics", metrics_endpoint),
        ],
        lifespan=lifespan,
    )
