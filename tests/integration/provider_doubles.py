"""Test doubles of the messaging providers, real servers on free ports started before the stack:
a local SMTP server (aiosmtpd) keeping every mail, and an HTTP server recording every request
to the Twilio-style SMS, Meta WhatsApp and FCM push APIs.

Behaviour is chosen by the address, so tests need no control channel: an address containing
`reject` is refused for good (HTTP 400 / SMTP 550), `flaky` fails twice with 503 before it is
accepted, `slow` is accepted after SLOW_SECONDS (time enough to kill the sender mid-request).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller

from deploy.local.stack import free_port

WEBHOOK_SECRET = "integration-tests-webhook-secret"
SLOW_SECONDS = 3.0


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    reply: dict[str, Any] = field(default_factory=dict)

    def provider_message_id(self) -> str:
        """The id our reply gave the message (Twilio `sid`, Meta `messages[0].id`, FCM `name`)."""
        if "sid" in self.reply:
            return str(self.reply["sid"])
        if "messages" in self.reply:
            return str(self.reply["messages"][0]["id"])
        return str(self.reply.get("name", ""))

    def address(self) -> str:
        if "To" in self.body:
            return str(self.body["To"])
        if "to" in self.body:
            return str(self.body["to"])
        return str(self.body.get("message", {}).get("token", ""))

    def text(self) -> str:
        if "Body" in self.body:
            return str(self.body["Body"])
        if "text" in self.body:
            return str(self.body["text"]["body"])
        if "template" in self.body:  # Meta template message: name and body parameters
            template = self.body["template"]
            values = [p["text"] for c in template["components"] for p in c["parameters"]]
            return f"template:{template['name']}:{'|'.join(values)}"
        return str(self.body.get("message", {}).get("notification", {}).get("body", ""))


@dataclass
class Recorder:
    requests: list[RecordedRequest] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[RecordedRequest]:
        with self.lock:
            return [r for r in self.requests if r.address() == address]


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.headers.get("content-type", "").startswith("application/json"):
                body = json.loads(raw or b"{}")
            else:
                body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            request = RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            with recorder.lock:
                recorder.requests.append(request)
                key = request.headers.get("idempotency-key", "")
                failures = recorder.failures[key] = recorder.failures.get(key, 0) + 1
            address = request.address()
            if "reject" in address:
                self._reply(400, {"message": "Invalid 'To' number", "error": {"message": "Recipient unreachable"}})
            elif "flaky" in address and failures <= 2:
                self._reply(503, {"error": {"message": "try later"}})
            else:
                request.reply = _accepted(self.path)  # known (and visible to tests) before a slow answer
                if "slow" in address:
                    time.sleep(SLOW_SECONDS)
                self._reply(200, request.reply)

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _accepted(path: str) -> dict[str, Any]:
    ref = uuid.uuid4().hex
    if "/Messages.json" in path:
        return {"sid": f"SM{ref}", "status": "queued"}
    if path.endswith("/messages"):
        return {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.{ref}"}]}
    return {"name": f"projects/c360-test/messages/{ref}"}


class MailBox:
    """aiosmtpd handler: keeps each accepted mail; refuses recipients containing `reject`."""

    def __init__(self) -> None:
        self.mails: list[Message] = []
        self.lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if "reject" in address:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.mails.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.mails if m["To"] == address]


@dataclass
class ProviderDoubles:
    recorder: Recorder
    mailbox: MailBox
    http_port: int
    smtp_port: int
    _http: ThreadingHTTPServer
    _smtp: Controller

    @classmethod
    def start(cls) -> ProviderDoubles:
        recorder, mailbox = Recorder(), MailBox()
        http = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(recorder))
        threading.Thread(target=http.serve_forever, daemon=True).start()
        smtp_port = free_port()
        smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        return cls(recorder, mailbox, http.server_address[1], smtp_port, http, smtp)  # type: ignore[arg-type]

    def stop(self) -> None:
        self._http.shutdown()
        self._smtp.stop()

    def environment(self) -> dict[str, str]:
        """What the messaging service (and the gateway's webhooks) read to use these servers."""
        base = f"http://127.0.0.1:{self.http_port}"
        return {
            "C360_MESSAGING_SMS_PROVIDER": "twilio",
            "C360_MESSAGING_TWILIO_BASE_URL": base,
            "C360_MESSAGING_TWILIO_ACCOUNT_SID": "ACtest",
            "C360_MESSAGING_TWILIO_AUTH_TOKEN": "twilio-test-token",
            "C360_MESSAGING_TWILIO_FROM": "+15005550006",
            "C360_MESSAGING_WHATSAPP_PROVIDER": "meta",
            "C360_MESSAGING_WHATSAPP_BASE_URL": base,
            "C360_MESSAGING_WHATSAPP_PHONE_NUMBER_ID": "1000001",
            "C360_MESSAGING_WHATSAPP_TOKEN": "meta-test-token",
            "C360_MESSAGING_PUSH_PROVIDER": "fcm",
            "C360_MESSAGING_FCM_BASE_URL": base,
            "C360_MESSAGING_FCM_PROJECT_ID": "c360-test",
            "C360_MESSAGING_FCM_TOKEN": "fcm-test-token",
            "C360_MESSAGING_EMAIL_PROVIDER": "smtp",
            "C360_MESSAGING_SMTP_HOST": "127.0.0.1",
            "C360_MESSAGING_SMTP_PORT": str(self.smtp_port),
            "C360_MESSAGING_RETRY_BASE_SECONDS": "0.2",
            "C360_MESSAGING_DISPATCH_POLL_SECONDS": "0.3",
            # A lease longer than the provider timeout, short enough for a crash test to see it run out.
            "C360_MESSAGING_DISPATCH_LEASE_SECONDS": "6",
            "C360_MESSAGING_PROVIDER_TIMEOUT_SECONDS": "4",
            "C360_GATEWAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        }
