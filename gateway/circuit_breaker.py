"""A per-backend circuit breaker, as a gRPC client interceptor, so no feature code has to know about it.

Closed: calls go through; `failure_threshold` consecutive outages (UNAVAILABLE, or a read
running out of its deadline) spread over at least `min_streak_seconds` open it. A write that
times out is usually queued behind contention on one aggregate (a hot customer), which its
client retries with its idempotency key; it says little about the backend, so it does not count. The time span keeps
one burst of concurrent calls that time out together (a moment of overload) from cutting
a backend off; a real outage keeps failing calls for longer than that. Open: calls fail
at once with UNAVAILABLE, sparing the request budget and the struggling backend. After
`pause_seconds` it is half-open: one probe call goes through (the others still fail
fast); its success closes the breaker, its failure opens it for another pause.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import Enum
from typing import Any

import grpc

from c360.grpc_retry import is_idempotent_read

log = logging.getLogger(__name__)

OUTAGE_STATUSES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})
# A read that ran out of a deadline shorter than this was starved by its request's budget (spent on
# earlier calls), which says nothing about this backend: it does not count towards opening the breaker.
MIN_BLAMED_DEADLINE_SECONDS = 0.25


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    """The state machine alone: no I/O, the clock is injected."""

    def __init__(
        self,
        name: str,
        failure_threshold: int,
        pause_seconds: float,
        min_streak_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._threshold = failure_threshold
        self._pause = pause_seconds
        self._min_streak = min_streak_seconds
        self._clock = clock
        self._failures = 0
        self._streak_started = 0.0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self._pause:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a call may go out now; in half-open state only one probe at a time."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        if self._opened_at is not None:
            log.info("circuit of %s closed again", self.name)
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_outage(self) -> None:
        now = self._clock()
        if self._failures == 0:
            self._streak_started = now
        self._failures += 1
        long_enough = now - self._streak_started >= self._min_streak
        if self._probing or (self._opened_at is None and self._failures >= self._threshold and long_enough):
            log.warning("circuit of %s opened after %d consecutive failures", self.name, self._failures)
            self._opened_at = now
        self._probing = False

    def record_other(self) -> None:
        """A call that ended neither well nor in an outage (e.g. cancelled): frees the probe slot only."""
        self._probing = False


def open_circuit_error(backend: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(
        code=grpc.StatusCode.UNAVAILABLE,
        initial_metadata=grpc.aio.Metadata(),
        trailing_metadata=grpc.aio.Metadata(),
        details=f"circuit open after repeated failures; {backend} is not called for a while",
    )


class CircuitBreakerInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    def __init__(self, breaker: CircuitBreaker) -> None:
        self.breaker = breaker

    async def intercept_unary_unary(
        self, continuation: Callable[[Any, Any], Any], client_call_details: Any, request: Any
    ) -> Any:
        if not self.breaker.allow():
            raise open_circuit_error(self.breaker.name)
        try:
            call = await continuation(client_call_details, request)
            await call
        except grpc.aio.AioRpcError as error:
            if _not_the_backends_fault(error, client_call_details):
                self.breaker.record_other()
            elif error.code() in OUTAGE_STATUSES:
                self.breaker.record_outage()
            else:  # the backend answered: a refusal is not an outage
                self.breaker.record_success()
            raise
        except BaseException:
            self.breaker.record_other()
            raise
        self.breaker.record_success()
        return call


def _not_the_backends_fault(error: grpc.aio.AioRpcError, details: Any) -> bool:
    """A timed-out write, or a read starved of time by its request's budget."""
    if error.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
        return False
    if not is_idempotent_read(details.method):
        return True
    return details.timeout is not None and details.timeout < MIN_BLAMED_DEADLINE_SECONDS
