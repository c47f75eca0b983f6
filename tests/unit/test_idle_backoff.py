from c360.idle_backoff import IdleBackoff
from c360.outbox import sweep_backoff


def test_idle_runs_double_the_wait_up_to_the_cap_and_work_brings_it_back() -> None:
    backoff = IdleBackoff(2.0, max_factor=4.0)
    assert [backoff.next_wait(False) for _ in range(4)] == [4.0, 8.0, 8.0, 8.0]
    assert backoff.next_wait(True) == 2.0
    assert backoff.next_wait(False) == 4.0


def test_relay_sweeps_that_find_nothing_slow_to_once_a_minute_and_events_bring_back_their_pace() -> None:
    backoff = sweep_backoff(1.0)
    assert [backoff.next_wait(False) for _ in range(7)] == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert backoff.next_wait(True) == 1.0
    assert sweep_backoff(120.0).next_wait(False) == 120.0  # a pace slower than a minute stays as it is
