"""The per-subject token bucket, on a fake clock."""

from __future__ import annotations

from gateway.rate_limit import TokenBucketLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_requests_are_refused_until_tokens_refill() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(per_second=2, burst=3, clock=clock)
    assert [limiter.allow("alice") for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token back
    assert limiter.allow("alice")
    assert not limiter.allow("alice")


def test_each_subject_has_its_own_bucket() -> None:
    limiter = TokenBucketLimiter(per_second=1, burst=1, clock=FakeClock())
    assert limiter.allow("alice")
    assert not limiter.allow("alice")
    assert limiter.allow("bob")


def test_a_bucket_never_holds_more_than_the_burst() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(per_second=10, burst=2, clock=clock)
    limiter.allow("alice")
    clock.now += 3600
    assert [limiter.allow("alice") for _ in range(3)] == [True, True, False]


def test_the_least_recently_seen_subjects_are_forgotten_beyond_the_maximum() -> None:
    limiter = TokenBucketLimiter(per_second=0.001, burst=1, clock=FakeClock(), max_subjects=2)
    for subject in ("a", "b", "c"):
        assert limiter.allow(subject)
    assert limiter.allow("a")  # forgotten, so a fresh bucket
    assert not limiter.allow("c")
