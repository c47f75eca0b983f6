"""The newest index's merge rule: newest first, first position of an id wins, trimmed past `keep`."""

from __future__ import annotations

from c360.newest_index import merge


def test_merges_newest_first_with_ties_broken_by_id() -> None:
    merged, trimmed = merge([(5, "e"), (3, "c")], [(4, "d"), (5, "f"), (1, "a")], keep=10)
    assert merged == [(5, "f"), (5, "e"), (4, "d"), (3, "c"), (1, "a")]
    assert not trimmed


def test_an_id_already_known_keeps_its_position() -> None:
    merged, _ = merge([(3, "c")], [(9, "c"), (2, "b"), (7, "b")], keep=10)
    assert merged == [(3, "c"), (2, "b")]


def test_keeps_only_the_newest_and_says_it_trimmed() -> None:
    merged, trimmed = merge([(1, "a"), (2, "b")], [(3, "c")], keep=2)
    assert merged == [(3, "c"), (2, "b")]
    assert trimmed
