"""The breaker's state machine, on a fake clock."""

from __future__ import annotations

from gateway.circuit_breaker import BreakerState, CircuitBreaker


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
