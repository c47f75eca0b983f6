"""Provider webhooks: delivery reports and inbound WhatsApp messages, forwarded to the messaging service.

Each request is verified with a shared secret (`C360_GATEWAY_WEBHOOK_SECRET`) before it is read:
Meta's `X-Hub-Signature-256` (HMAC-SHA256 of the body) for WhatsApp, the same scheme in
`X-Webhook-Signature` for the generic JSON delivery report. Without a secret the endpoints
refuse everything. A messaging outage answers 503 so the provider redelivers later; the
messaging service makes repeats and late reports harmless.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import grpc
from customer360.messaging.v1 import messaging_pb2
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from c360.events import timestamp
from gateway.backends import Backends

# Meta's WhatsApp statuses, and the generic report's, to ours.
STATUSES = {"sent": "SENT", "delivered": "DELIVERED", "read": "READ", "failed": "FAILED", "undelivered": "FAILED"}
CALL_SECONDS = 5.0


class WebhookSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_GATEWAY_", extra="ignore")

    webhook_secret: str = ""


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.strip())


def webhook_routes(state: dict[str, Any], settings: WebhookSettings | None = None) -> list[Route]:
    secret = (settings or WebhookSettings()).webhook_secret

    def backends() -> Backends:
        found: Backends = state["backends"]
        return found

    async def whatsapp_verify(request: Request) -> Response:
        """Meta's subscription handshake: echo the challenge when the verify token is our secret."""
        params = request.query_params
        if secret and params.get("hub.mode") == "subscribe" and params.get("hub.verify_token") == secret:
            return PlainTextResponse(params.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    async def whatsapp(request: Request) -> Response:
        body = await request.body()
        if not signature_ok(secret, body, request.headers.get("x-hub-signature-256")):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        values = [c.get("value") or {} for e in _json(body).get("entry") or [] for c in e.get("changes") or []]
        inbound = [m for v in values for m in v.get("messages") or []]
        reports = [
            (s.get("id", ""), STATUSES.get(s.get("status", ""), ""), _meta_reason(s))
            for v in values
            for s in v.get("statuses") or []
        ]
        return await _forward(backends, inbound, reports)

    async def delivery_status(request: Request) -> Response:
        body = await request.body()
        if not signature_ok(secret, body, request.headers.get("x-webhook-signature")):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        data = _json(body)
        items = data if isinstance(data, list) else [data]
        reports = [
            (
                str(i.get("providerMessageId", "")),
                STATUSES.get(str(i.get("status", "")).lower(), ""),
                str(i.get("reason") or ""),
            )
            for i in items
            if isinstance(i, dict)
        ]
        return await _forward(backends, [], reports)

    return [
        Route("/webhooks/whatsapp", whatsapp_verify, methods=["GET"]),
        Route("/webhooks/whatsapp", whatsapp, methods=["POST"]),
        Route("/webhooks/delivery-status", delivery_status, methods=["POST"]),
    ]


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return {}


def _meta_reason(status: dict[str, Any]) -> str:
    errors = status.get("errors") or [{}]
    first = errors[0] if isinstance(errors[0], dict) else {}
    return str(first.get("title") or first.get("message") or "")


async def _forward(
    backends: Callable[[], Backends], inbound: list[dict[str, Any]], reports: list[tuple[str, str, str]]
) -> Response:
    messaging = backends().messaging
    linked, applied = 0, 0
    try:
        for message in inbound:
            request = messaging_pb2.RecordInboundWhatsappRequest(
                wa_id=str(message.get("from", "")), provider_message_id=str(message.get("id", ""))
            )
            if str(message.get("timestamp", "")).isdigit():
                request.received_at.CopyFrom(timestamp(datetime.fromtimestamp(int(message["timestamp"]), UTC)))
            reply = await messaging.RecordInboundWhatsapp(request, timeout=CALL_SECONDS)
            linked += bool(reply.customer_id)
        for provider_id, status, reason in reports:
            if provider_id and status:
                result = await messaging.RecordDeliveryStatus(
                    messaging_pb2.RecordDeliveryStatusRequest(
                        provider_message_id=provider_id, status=status, reason=reason
                    ),
                    timeout=CALL_SECONDS,
                )
                applied += result.applied
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.INVALID_ARGUMENT:
            return JSONResponse({"error": error.details()}, status_code=400)
        return JSONResponse({"error": "messaging unavailable"}, status_code=503)
    return JSONResponse({"inboundFromCustomers": linked, "statusesApplied": applied})
