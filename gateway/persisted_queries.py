"""Trusted documents: with an allow-list configured, only the queries the apps were built with run.

The list is a JSON object mapping each document's sha256 (hex, over the exact text)
to its text, as GraphQL code generators write it. Clients may send the text, or just
the hash as `extensions.persistedQuery.sha256Hash` (Apollo's format).
Over WebSocket only the full text is accepted (and checked).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from gateway.errors import CodedError


def document_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


class TrustedDocuments:
    def __init__(self, documents: Mapping[str, str]) -> None:
        self._by_hash = {key.removeprefix("sha256:").lower(): text for key, text in documents.items()}
        mismatched = [key for key, text in self._by_hash.items() if document_hash(text) != key]
        if mismatched:
            raise ValueError(f"trusted documents whose hash does not match their text: {mismatched}")

    @classmethod
    def load(cls, path: Path) -> TrustedDocuments:
        documents = json.loads(path.read_text())
        if not isinstance(documents, dict):
            raise ValueError(f"{path} must be a JSON object mapping sha256 hashes to documents")
        return cls(documents)

    def lookup(self, sha256: str) -> str | None:
        return self._by_hash.get(sha256.removeprefix("sha256:").lower())

    def allows(self, query: str) -> bool:
        return document_hash(query) in self._by_hash


def requested_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """The document hash a request names instead of sending the text, if any."""
    persisted = (extensions or {}).get("persistedQuery")
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"])
    return None


class TrustedDocumentsOnly(SchemaExtension):
    """With an allow-list configured, refuses any other document before it is executed."""

    def on_execute(self) -> Iterator[None]:
        guards = getattr(self.execution_context.context, "guards", None)
        trusted = guards.trusted_documents if guards else None
        query = self.execution_context.query or ""
        if self.execution_context.result is None and trusted is not None and not trusted.allows(query):
            error = CodedError(
                "BAD_USER_INPUT", "Only trusted documents run on this gateway, and this document is not one of them."
            )
            self.execution_context.result = ExecutionResult(data=None, errors=[error])
        yield
