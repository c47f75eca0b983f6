from c360.known_documents import KnownDocuments, after_update


def test_a_written_document_is_known_until_forgotten_or_pushed_out_by_newer_ones() -> None:
    known = KnownDocuments(budget_bytes=1400)
    known.remember("a", {"_id": "a", "v": 1, "text": "x" * 90})
    assert known.get("a") == {"_id": "a", "v": 1, "text": "x" * 90}
    known.forget("a")
    assert known.get("a") is None

    for name in "bcdefghij":
        known.remember(name, {"_id": name, "text": "y" * 100})
    assert known.get("b") is None  # the least recently written went first
    assert known.get("j") is not None


def test_a_document_too_large_for_its_share_of_the_budget_is_not_kept() -> None:
    known = KnownDocuments(budget_bytes=800)
    known.remember("big", {"_id": "big", "text": "z" * 200})
    assert known.get("big") is None


def test_an_update_leaves_the_set_fields_changed_and_the_unset_ones_gone() -> None:
    doc = {"_id": "a", "v": 1, "old": [1], "keep": "k"}
    written = after_update(doc, {"$set": {"v": 2, "text": "t"}, "$unset": {"old": ""}, "$push": {"outbox": 1}})
    assert written == {"_id": "a", "v": 2, "text": "t", "keep": "k"}
    assert doc == {"_id": "a", "v": 1, "old": [1], "keep": "k"}  # the copy it started from is unchanged
