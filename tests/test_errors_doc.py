"""docs/errors.md documents every problem code the package can raise, with its meaning and fix.

The codes are found the blunt way: every string literal that looks like a code
(``"E_..."`` / ``"W_..."``) anywhere in ``corpus_utils/``, so a code raised by a new module
cannot slip past the table (``tests/test_bad_input.py`` checks ``errors.CODES``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
#: | `CODE` | severity | when (message) | fix |
_ROW = re.compile(r"^\|\s*`([EW]_[A-Z0-9_]+)`\s*\|\s*(error|warning)\s*\|(.*)\|(.*)\|\s*$", re.M)
_LITERAL = re.compile(r"""["']([EW]_[A-Z][A-Z0-9_]*)["']""")

#: The codes of one-file corpora (corpus_utils/sources.py), named in issue 10.
SOURCE_CODES = ("E_NOT_FOUND", "E_SOURCE_FORMAT", "E_TEXT_COLUMN", "E_ID_COLUMN", "E_METADATA_COLUMN",
                "E_TEXT_TYPE", "E_EMPTY_TEXT", "E_EMPTY_ID", "E_DUPLICATE_ID", "E_JSON", "E_PARSE",
                "E_ENCODING", "E_EMPTY_SOURCE")


def documented() -> dict[str, tuple[str, str, str]]:
    """code -> (severity, when, fix) from the table of docs/errors.md."""
    return {code: (severity, when.strip(), fix.strip()) for code, severity, when, fix in _ROW.findall(_DOC)}


def codes_in_source(path: Path) -> set[str]:
    return set(_LITERAL.findall(path.read_text(encoding="utf-8")))


def test_the_table_parses():
    rows = documented()
    assert len(rows) == len(re.findall(r"^\| `[EW]_", _DOC, flags=re.M))  # no row missed by the parser
    assert {"E_NO_CORPUS", "W_SKIPPED", "E_TEXT_COLUMN"} <= set(rows)


def test_every_code_in_the_package_is_documented_with_meaning_and_fix():
    rows = documented()
    used = set().union(*(codes_in_source(p) for p in (ROOT / "corpus_utils").rglob("*.py")))
    assert used, "no codes found: has the pattern stopped matching?"
    assert not used - set(rows), f"codes raised but not in docs/errors.md: {sorted(used - set(rows))}"
    for code in sorted(used):
        severity, when, fix = rows[code]
        assert severity == ("warning" if code.startswith("W_") else "error"), code
        assert len(when) > 10 and len(fix) > 5, f"{code}: meaning or fix missing in docs/errors.md"


@pytest.mark.parametrize("code", SOURCE_CODES)
def test_one_file_corpus_codes_are_raised_and_documented(code):
    assert code in codes_in_source(ROOT / "corpus_utils" / "sources.py")
    assert code in documented()


def test_the_sources_docstring_lists_the_same_codes():
    from corpus_utils import sources

    listed = set(re.findall(r"^([EW]_[A-Z0-9_]+)\s{2,}", sources.__doc__, flags=re.M))
    assert listed == set(SOURCE_CODES)


def test_the_text_column_fix_names_the_option():
    severity, when, fix = documented()["E_TEXT_COLUMN"]
    assert "--text-col" in fix
