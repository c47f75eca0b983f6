"""Rate limiting per token subject: a token bucket each, in this gateway instance's memory.

Several gateway instances each allow the configured rate, so the effective limit
is the rate times the number of instances; a shared store (Redis) would make it
global, which this deployment does not need yet. Refusals are GraphQL errors with
`extensions.code` RATE_LIMITED in an HTTP 200 response, like every other error.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from gateway.errors import CodedError


class TokenBucketLimiter:
    """`burst` requests at once, refilled at `per_second`; the least recently seen subjects are forgotten."""

    def __init__(
        self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic, max_subjects: int = 100_000
    ) -> None:
        self._rate = per_second
        self._burst = float(burst)
        self._clock = clock
        self._max_subjects = max_subjects
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # subject -> (tokens, at)

    def allow(self, subject: str) -> bool:
        now = self._clock()
        tokens, at = self._buckets.pop(subject, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate)
        allowed = tokens >= 1.0
        self._buckets[subject] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self._max_subjects:
            self._buckets.popitem(last=False)
        return allowed


class RateLimit(SchemaExtension):
    """Refuses an operation of a subject over its rate before anything is executed."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        guards = getattr(context, "guards", None)
        principal = getattr(context, "principal", None)
        limiter = guards.rate_limiter if guards else None
        if self.execution_context.result is None and limiter and principal and not limiter.allow(principal.subject):
            error = CodedError("RATE_LIMITED", "Too many requests for this token; slow down and retry shortly.")
            self.execution_context.result = ExecutionResult(data=None, errors=[error])
        yield
