"""The ASGI application: GraphQL (with GraphiQL in local mode), health and readiness endpoints.

Every response carries `x-correlation-id`; HTTP-level refusals (bad JSON, wrong
method, unknown trusted-document hash) are GraphQL-shaped errors with a code, too.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Any

from cross_web import HTTPException
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from c360 import metrics, tracing
from c360.logging import correlation_id, set_correlation_id
from gateway.audit import AuditLog
from gateway.auth import AuthenticationFailed, Authenticator, Principal
from gateway.backends import Backends
from gateway.context import GatewayContext
from gateway.errors import public_error
from gateway.features.profile.export_endpoint import export_routes
from gateway.features.timeline.socket_auth import authenticate_socket
from gateway.guards import Guards
from gateway.http_errors import CorrelationAndErrors, error_body
from gateway.loaders import Loaders
from gateway.persisted_queries import requested_hash
from gateway.rpc_counting import start_counting
from gateway.schema import build_schema
from gateway.settings import GatewaySettings
from gateway.webhooks import webhook_routes

log = logging.getLogger(__name__)


class GatewayGraphQL(GraphQL[GatewayContext, None]):
    def __init__(self, settings: GatewaySettings, state: dict[str, Any]) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.env == "local" else None,
            multipart_uploads_enabled=True,
        )
        self._settings = settings
        self._state = state  # holds the Backends and the AuditLog opened by the lifespan
        self._authenticator = Authenticator(settings.jwt_secret, settings.jwks_url)
        self._guards = Guards.from_settings(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As Strawberry's, except that HTTP-level refusals are GraphQL-shaped errors with a code."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:
            code = "NOT_FOUND" if error.status_code == 404 else "BAD_USER_INPUT"
            response = JSONResponse(error_body(error.reason, code), status_code=error.status_code)
        await response(scope, receive, send)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Resolves a trusted document sent by its hash alone (`extensions.persistedQuery.sha256Hash`)."""
        parsed = await super().parse_http_body(request)
        trusted = self._guards.trusted_documents
        for data in parsed if isinstance(parsed, list) else [parsed]:
            sha256 = requested_hash(data.extensions)
            if trusted is not None and data.query is None and sha256 is not None:
                data.query = trusted.lookup(sha256)
                if data.query is None:
                    raise HTTPException(400, f"No trusted document has the hash {sha256}.")
        return parsed

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:  # a safety net for errors that bypassed the ErrorPolicy extension
            result.errors = [public_error(error) for error in result.errors]
        return await super().process_result(request, result)

    async def on_ws_connect(self, context: GatewayContext) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: a token in `connection_init` authenticates a socket opened without one."""
        await authenticate_socket(context, self._authenticator)
        return None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> GatewayContext:
        if not correlation_id():  # normally set by the CorrelationAndErrors middleware
            set_correlation_id(request.headers.get("x-correlation-id"))
        start_counting()
        principal: Principal | None = None
        failure: str | None = None
        try:
            principal = await self._authenticator.authenticate(request.headers.get("authorization"))
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
            guards=self._guards,
            audit=self._state.get("audit"),
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
        kind, name = operation_labels(request_data.query, request_data.operation_name)
        started = time.perf_counter()
        outcome = "error"
        metrics.GRAPHQL_IN_FLIGHT.inc()
        with tracing.span_from_headers(f"graphql {kind} {name}", dict(request.headers), tracing.SpanKind.SERVER):
            try:
                result = await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
                outcome = "error" if result.errors else "ok"
                return result
            finally:
                metrics.GRAPHQL_IN_FLIGHT.dec()
                metrics.GRAPHQL_LATENCY.labels(kind, name, outcome).observe(time.perf_counter() - started)


_OPERATION = re.compile(r"^\s*(query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)?")


def operation_labels(query: str | None, operation_name: str | None) -> tuple[str, str]:
    """(`query`|`mutation`|`subscription`, name) from the request, else from the document's first operation."""
    found = _OPERATION.match(query or "")
    kind = found.group(1) if found else "query"  # `{ ... }` shorthand is a query
    return kind, operation_name or (found.group(2) if found and found.group(2) else "anonymous")


def create_app(settings: GatewaySettings) -> Starlette:
    state: dict[str, Any] = {}
    graphql = GatewayGraphQL(settings, state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["backends"] = Backends.open(settings)
        state["audit"] = audit = AuditLog.open(settings.mongodb_uri, f"{settings.database_prefix}gateway")
        try:
            await audit.ensure_indexes()
        except Exception:  # the gateway serves without it; audit writes will log their own failures
            log.exception("could not create the audit log's index")
        yield
        await state["backends"].close()
        await audit.close()

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
            Route("/graphql", graphql),  # the view refuses other methods itself, with a coded error
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *export_routes(state, settings.jwt_secret),
            *webhook_routes(state),
            Route("/metrics", metrics_endpoint),
        ],
        lifespan=lifespan,
        middleware=[Middleware(CorrelationAndErrors)],
    )
