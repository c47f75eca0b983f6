"""Why a CSV cannot be read past some line: the refusals of its structure (pure, no I/O).

A row with the wrong number of values or an oversized value is one row's error,
and the rest of the file still imports. A quote that never closes, a closing
quote followed by text, or a value beyond the csv parser's own limit is not:
past that point no one can say where the next row starts, so the whole file is
refused, and the import checks this before it writes anything.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from services.profile.domain.csv_format import MAX_CELL_LENGTH

# The parser's own cap on one value (csv.field_size_limit(), 128 KiB); far above MAX_CELL_LENGTH.
PARSER_FIELD_LIMIT = csv.field_size_limit()


@dataclass(frozen=True)
class FileRefusal:
    line: int
    code: str
    message: str


def structure_refusal(line: int, error: csv.Error) -> FileRefusal:
    """The refusal of a file whose record starting on `line` a strict csv reader could not read."""
    text = str(error)
    if "field larger than field limit" in text:
        code = "CELL_TOO_LARGE"
        reason = (
            f"a value is larger than the {PARSER_FIELD_LIMIT // 1024} KiB the file format allows"
            f" (values may have at most {MAX_CELL_LENGTH} characters)"
        )
    elif "unexpected end of data" in text:
        code, reason = "UNCLOSED_QUOTE", "a quoted value opens here and is never closed"
    elif "expected after" in text:
        code, reason = "MALFORMED_QUOTE", "a closing quote is followed by more text instead of a comma"
    else:
        code, reason = "MALFORMED_CSV", f"the CSV cannot be read ({text[:100]})"
    return FileRefusal(line, code, f"Line {line}: {reason}; nothing was imported.")
