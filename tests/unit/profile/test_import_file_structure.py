"""A file that cannot be parsed as CSV to its end is refused whole, with the line where it breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.profile.app.import_file import read_rows, structure_check
from services.profile.domain.customer import ProfileRules
from services.profile.domain.import_plan import RowError

HEADER = "mobile,first_name,last_name,email\n"


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize(
    ("body", "line", "code"),
    [
        ("0811111111,Ana,,\n0822222222," + "x" * 140_000 + ",,\n0833333333,Eka,,\n", 3, "CELL_TOO_LARGE"),
        ('0811111111,Ana,,\n0822222222,"Budi,,\n0833333333,Eka,,\n', 3, "UNCLOSED_QUOTE"),
        ('0811111111,Ana,,\n\n0822222222,"Budi"x,,\n', 4, "MALFORMED_QUOTE"),
    ],
)
def test_an_unreadable_record_refuses_the_file_at_the_line_it_starts(
    tmp_path: Path, body: str, line: int, code: str
) -> None:
    refusal = structure_check(written(tmp_path, HEADER + body))
    assert refusal is not None
    assert (refusal.line, refusal.code) == (line, code)
    assert refusal.message.startswith(f"Line {line}: ")
    assert "nothing was imported" in refusal.message


def test_a_file_with_quoted_commas_blank_lines_and_bad_rows_passes_the_check(tmp_path: Path) -> None:
    body = '0811111111,"Ana, Jr.",,\n\n0822222222,Budi,,,extra\n0833333333,' + "y" * 300 + ",,\n"
    assert structure_check(written(tmp_path, "\ufeff" + HEADER + body)) is None


def test_wrong_column_counts_and_long_values_stay_row_errors(tmp_path: Path) -> None:
    body = "0811111111,Ana,,\n0822222222,Budi,,,extra\n0833333333," + "y" * 300 + ",,\n"
    (rows,) = list(read_rows(written(tmp_path, HEADER + body), ProfileRules()))
    errors = [(r.line, r.code) for r in rows if isinstance(r, RowError)]
    assert errors == [(3, "WRONG_COLUMN_COUNT"), (4, "TOO_LONG")]
