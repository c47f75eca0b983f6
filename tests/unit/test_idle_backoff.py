from c360.idle_backoff import IdleBackoff


def test_idle_runs_double_the_wait_up_to_the_cap_and_work_brings_it_back() -> None:
    backoff = IdleBackoff(2.0, max_factor=4.0)
    assert [backoff.next_wait(False) for _ in range(4)] == [4.0, 8.0, 8.0, 8.0]
    assert backoff.next_wait(True) == 2.0
    assert backoff.next_wait(False) == 4.0
