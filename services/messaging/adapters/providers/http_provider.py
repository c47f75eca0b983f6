"""What the HTTP providers share: one client, opened inside the event loop, and one reading of replies.

A refused connection or a 429/5xx means the provider surely did not take the
message (retry); any other 4xx is a permanent refusal with the provider's reason;
a timeout after the request left is neither, so it propagates as unknown.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from services.messaging.app.ports import ProviderRefused, ProviderUnavailable

logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise; outcomes are logged


class HttpProvider:
    name = "http"
    dedupes_by_message_id = False

    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout_seconds
        self._client: httpx.AsyncClient | None = None

    async def open(self) -> None:
        self._client = httpx.AsyncClient(base_url=self._base_url, timeout=self._timeout)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def post(self, path: str, message_id: str, **kwargs: Any) -> Any:
        """The JSON reply; our message id rides as `Idempotency-Key` for providers that dedupe on it."""
        if self._client is None:
            raise RuntimeError(f"{self.name} provider used before open()")
        headers = {**kwargs.pop("headers", {}), "Idempotency-Key": message_id}
        try:
            reply = await self._client.post(path, headers=headers, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise ProviderUnavailable(f"{self.name}: {type(error).__name__}") from error
        if reply.status_code == 429 or reply.status_code >= 500:
            raise ProviderUnavailable(f"{self.name}: HTTP {reply.status_code}")
        if reply.status_code >= 400:
            raise ProviderRefused(_reason(reply))
        return reply.json()


def _reason(reply: httpx.Response) -> str:
    """The provider's own words: Twilio `message`, Meta/FCM `error.message`, else the status."""
    try:
        body = reply.json()
    except ValueError:
        return f"HTTP {reply.status_code}"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])[:500]
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])[:500]
    return f"HTTP {reply.status_code}"
