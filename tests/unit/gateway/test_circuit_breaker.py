"""The breaker's state machine, on a fake clock."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, NamedTuple

import grpc
import pytest

from gateway.circuit_breaker import BreakerState, CircuitBreaker, CircuitBreakerInterceptor


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: FakeClock) -> CircuitBreaker:
    return CircuitBreaker("loyalty", failure_threshold=3, pause_seconds=5.0, clock=clock)


def test_it_opens_after_the_threshold_of_consecutive_outages_and_then_refuses_calls() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    for _ in range(2):
        assert circuit.allow()
        circuit.record_outage()
    assert circuit.state is BreakerState.CLOSED
    assert circuit.allow()
    circuit.record_outage()
    assert circuit.state is BreakerState.OPEN
    assert not circuit.allow()


def test_a_success_between_outages_resets_the_count() -> None:
    circuit = breaker(FakeClock())
    for _ in range(5):
        circuit.record_outage()
        circuit.record_outage()
        circuit.record_success()
    assert circuit.state is BreakerState.CLOSED


def test_after_the_pause_one_probe_goes_through_and_its_success_closes_the_circuit() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    for _ in range(3):
        circuit.record_outage()
    clock.now += 4.9
    assert not circuit.allow()
    clock.now += 0.2
    assert circuit.state is BreakerState.HALF_OPEN
    assert circuit.allow()  # the probe
    assert not circuit.allow()  # others still fail fast while it is in flight
    circuit.record_success()
    assert circuit.state is BreakerState.CLOSED
    assert circuit.allow()


def test_a_failed_probe_opens_the_circuit_for_another_pause() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    for _ in range(3):
        circuit.record_outage()
    clock.now += 5
    assert circuit.allow()
    circuit.record_outage()
    assert circuit.state is BreakerState.OPEN
    clock.now += 4
    assert not circuit.allow()
    clock.now += 1
    assert circuit.allow()


def test_a_cancelled_probe_frees_the_probe_slot() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    for _ in range(3):
        circuit.record_outage()
    clock.now += 5
    assert circuit.allow()
    circuit.record_other()
    assert circuit.allow()


def _rpc_error(code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details=code.name)


class FailingCall:
    """Stands in for a grpc.aio call object: awaiting it raises the call's error."""

    def __init__(self, error: grpc.aio.AioRpcError) -> None:
        self._error = error

    def __await__(self) -> Generator[None, None, None]:
        raise self._error
        yield


class Details(NamedTuple):
    method: str
    timeout: float | None


async def _call(
    interceptor: CircuitBreakerInterceptor,
    code: grpc.StatusCode,
    deadline: float = 2.0,
    method: str = "/customer360.loyalty.v1.LoyaltyService/BatchGetAccounts",
) -> list[str]:
    sent: list[str] = []

    async def continuation(details: Any, request: Any) -> FailingCall:
        sent.append(request)
        return FailingCall(_rpc_error(code))

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await interceptor.intercept_unary_unary(continuation, Details(method, deadline), "request")
    sent.append(raised.value.code().name)
    return sent


async def test_the_interceptor_fails_fast_with_unavailable_once_open_without_sending() -> None:
    interceptor = CircuitBreakerInterceptor(breaker(FakeClock()))
    for _ in range(3):
        assert await _call(interceptor, grpc.StatusCode.UNAVAILABLE) == ["request", "UNAVAILABLE"]
    assert await _call(interceptor, grpc.StatusCode.UNAVAILABLE) == ["UNAVAILABLE"]  # nothing sent


async def test_refusals_and_deadlines_starved_by_the_request_budget_do_not_open_the_breaker() -> None:
    interceptor = CircuitBreakerInterceptor(breaker(FakeClock()))
    for _ in range(5):
        await _call(interceptor, grpc.StatusCode.INVALID_ARGUMENT)
        await _call(interceptor, grpc.StatusCode.DEADLINE_EXCEEDED, deadline=0.05)
    assert interceptor.breaker.state is BreakerState.CLOSED
    for _ in range(3):
        await _call(interceptor, grpc.StatusCode.DEADLINE_EXCEEDED, deadline=1.0)
    assert interceptor.breaker.state is BreakerState.OPEN


def test_a_burst_of_simultaneous_failures_does_not_open_it_but_a_lasting_streak_does() -> None:
    clock = FakeClock()
    circuit = CircuitBreaker("coupons", failure_threshold=3, pause_seconds=5.0, min_streak_seconds=1.0, clock=clock)
    for _ in range(20):  # fifty concurrent calls hitting their deadline together
        circuit.record_outage()
    assert circuit.state is BreakerState.CLOSED
    clock.now += 1.0
    circuit.record_outage()
    assert circuit.state is BreakerState.OPEN


def test_a_success_starts_the_streak_over() -> None:
    clock = FakeClock()
    circuit = CircuitBreaker("coupons", failure_threshold=3, pause_seconds=5.0, min_streak_seconds=1.0, clock=clock)
    circuit.record_outage()
    clock.now += 2
    circuit.record_success()
    circuit.record_outage()
    circuit.record_outage()
    circuit.record_outage()
    assert circuit.state is BreakerState.CLOSED


async def test_writes_running_out_of_time_do_not_open_the_breaker_but_reads_do() -> None:
    interceptor = CircuitBreakerInterceptor(breaker(FakeClock()))
    write = "/customer360.loyalty.v1.LoyaltyService/AdjustPoints"
    for _ in range(10):  # a hundred clients adjusting one customer's points at once
        await _call(interceptor, grpc.StatusCode.DEADLINE_EXCEEDED, method=write)
    assert interceptor.breaker.state is BreakerState.CLOSED
    for _ in range(3):
        await _call(interceptor, grpc.StatusCode.UNAVAILABLE, method=write)
    assert interceptor.breaker.state is BreakerState.OPEN
