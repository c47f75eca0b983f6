"""Trusted documents: the allow-list file, lookups by hash, and what a request names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.persisted_queries import TrustedDocuments, document_hash, requested_hash

QUERY = "query View($id: ID!) { customer360(id: $id) { id } }"


def test_documents_load_from_a_file_and_are_found_by_hash_or_text(tmp_path: Path) -> None:
    path = tmp_path / "trusted.json"
    path.write_text(json.dumps({f"sha256:{document_hash(QUERY)}": QUERY}))
    trusted = TrustedDocuments.load(path)
    assert trusted.lookup(document_hash(QUERY)) == QUERY
    assert trusted.lookup(document_hash(QUERY).upper()) == QUERY
    assert trusted.allows(QUERY)
    assert not trusted.allows(QUERY + " ")
    assert trusted.lookup("0" * 64) is None


def test_a_hash_that_does_not_match_its_document_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="does not match"):
        TrustedDocuments({"0" * 64: QUERY})


def test_a_file_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "trusted.json"
    path.write_text(json.dumps([QUERY]))
    with pytest.raises(ValueError, match="JSON object"):
        TrustedDocuments.load(path)


def test_the_requested_hash_comes_from_apollos_persisted_query_extension() -> None:
    assert requested_hash({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}) == "abc"
    assert requested_hash({"persistedQuery": {"version": 1}}) is None
    assert requested_hash(None) is None
