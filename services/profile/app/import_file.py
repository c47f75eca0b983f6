"""Reading the spooled import file: a structure check of the whole file first, then its rows in batches.

Both read the file from disk a row at a time (constant memory). The check runs
before the first batch is written, so a file that cannot be parsed to its end
stores nothing at all instead of its first batches.
"""

from __future__ import annotations

import csv
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

from c360.errors import DomainError
from services.profile.domain.csv_format import ImportRow, checked_header, parse_row
from services.profile.domain.csv_structure import FileRefusal, structure_refusal
from services.profile.domain.customer import ProfileRules
from services.profile.domain.import_plan import RowError

BATCH_SIZE = 500


def structure_check(path: Path) -> FileRefusal | None:
    """The first place the file stops being readable CSV, or None when every record parses."""
    with path.open(encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, strict=True)
        start = 1
        try:
            for _cells in reader:
                start = reader.line_num + 1
        except csv.Error as error:
            return structure_refusal(start, error)
    return None


def read_rows(path: Path, rules: ProfileRules) -> Generator[list[ImportRow | RowError], None, None]:
    """Batches of parsed rows with their line numbers; blank lines are skipped.

    Strict quoting, as in the check: a stray or unclosed quote is an error, never a guessed value.
    """
    today = datetime.now(UTC).date()
    with path.open(encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, strict=True)
        columns = checked_header(next(reader))
        batch: list[ImportRow | RowError] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            try:
                batch.append(parse_row(reader.line_num, columns, cells, rules, today))
            except DomainError as refused:
                batch.append(RowError(reader.line_num, refused.code, refused.message))
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch
