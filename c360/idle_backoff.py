"""Idle backoff for periodic scans: each run that finds nothing doubles the wait, up to a cap; work resets it.

Why: most runs of a sweep or a clean-up job find nothing, and on FerretDB each one
reads the whole collection; backing off while idle keeps the store free for the
requests that matter, and a run that finds work brings the pace straight back.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IdleBackoff:
    interval_seconds: float
    max_factor: float = 4.0
    _wait: float = field(init=False)

    def __post_init__(self) -> None:
        self._wait = self.interval_seconds

    def next_wait(self, found_work: bool) -> float:
        """The wait before the next run, given whether this one found anything to do."""
        if found_work:
            self._wait = self.interval_seconds
        else:
            self._wait = min(self._wait * 2, self.interval_seconds * self.max_factor)
        return self._wait
