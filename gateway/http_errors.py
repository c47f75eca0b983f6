"""HTTP-level plumbing around the GraphQL view: correlation ids on every response, no unmasked failure.

Every response carries `x-correlation-id` (the caller's, when it sent a sane one,
else a fresh one), the same id the logs of the gateway and the services carry.
An exception that escapes everything else is logged with its stack and answered
as a GraphQL-shaped INTERNAL error, never as a stack trace or a bare text page.
"""

from __future__ import annotations

import logging
import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from c360.logging import set_correlation_id

log = logging.getLogger(__name__)

CORRELATION_HEADER = "x-correlation-id"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def error_body(message: str, code: str, **extensions: str) -> dict[str, object]:
    return {"data": None, "errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


class CorrelationAndErrors:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        offered = Headers(scope=scope).get(CORRELATION_HEADER) or ""
        cid = set_correlation_id(offered if _SANE_ID.match(offered) else None)
        if scope["type"] == "websocket":
            await self._app(scope, receive, send)
            return
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[CORRELATION_HEADER] = cid
            await send(message)

        try:
            await self._app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error serving %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for a clean answer; the server closes the connection
                raise
            body = error_body(f"Unexpected error (correlation id {cid}).", "INTERNAL", correlationId=cid)
            await JSONResponse(body, status_code=500, headers={CORRELATION_HEADER: cid})(scope, receive, send)
