"""One exception type for every problem with a user's corpus.

Every check on a corpus collects *all* problems before raising, so a user fixes them in
one pass. Each problem has a stable code (documented in ``docs/errors.md``), the file and
line it concerns, and the fix.

The codes live in :data:`CODES` (code -> severity and a one-line title); ``docs/errors.md``
has one table of every code with its message and fix, and a test keeps the two in step.
Errors stop loading (``CorpusError``) unless the caller asks to skip bad files; warnings
are reported (``CorpusWarning``, ``corpus.attrs["problems"]``) and loading goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Every problem code: code -> (severity, what it means). Stable: never renamed or reused.
CODES: dict[str, tuple[str, str]] = {
    "E_NO_CORPUS": ("error", "the corpus folder does not exist or is not a folder"),
    "E_NO_METADATA": ("error", "the corpus folder has no metadata.csv"),
    "E_METADATA_UNREADABLE": ("error", "metadata.csv cannot be read as CSV text"),
    "E_MISSING_COLUMN": ("error", "metadata.csv lacks a required column (doc_id or file)"),
    "E_RESERVED_COLUMN": ("error", "a metadata column has the name of a column the loader fills"),
    "E_METADATA_FIELDS": ("error", "a metadata row has more or fewer fields than the header"),
    "E_MISSING_VALUE": ("error", "a metadata row has an empty doc_id or file"),
    "E_DUPLICATE_DOC_ID": ("error", "two metadata rows share one doc_id"),
    "E_DUPLICATE_FILE": ("error", "two metadata rows name the same file"),
    "E_MISSING_FILE": ("error", "a metadata row names a file that does not exist"),
    "E_UNLISTED_FILE": ("error", "a .txt file in the folder has no metadata row"),
    "E_NO_DOCUMENTS": ("error", "the corpus has no documents at all"),
    "E_BAD_DATE": ("error", "a date is not YYYY-MM-DD, YYYY-MM or YYYY, or is not a real date"),
    "E_DATE_PRECISION": ("error", "date_precision is not day/month/year or does not fit the date"),
    "E_UNREADABLE_FILE": ("error", "a text file cannot be opened (permissions, a folder, ...)"),
    "E_ENCODING": ("error", "a text file has bytes that are not valid in the chosen encoding"),
    "E_LOOKS_UTF8": ("error", "a file read with a legacy encoding is in fact UTF-8"),
    "E_EMPTY_FILE": ("error", "a text file is empty or holds only whitespace"),
    "W_NO_ARABIC": ("warning", "a text has no Arabic letters"),
    "W_EMPTY_AFTER_CLEANING": ("warning", "cleaning took out every line of a text"),
    "W_SKIPPED": ("warning", "a file or metadata row was skipped (on_error='skip' / --skip-bad)"),
    # one-file table corpora (CSV / JSON lines / Parquet; corpus_utils.sources)
    "E_NOT_FOUND": ("error", "the corpus file does not exist"),
    "E_SOURCE_FORMAT": ("error", "the file's suffix is not a supported table format"),
    "E_TEXT_COLUMN": ("error", "the table has no text column of that name"),
    "E_ID_COLUMN": ("error", "the id column named does not exist"),
    "E_METADATA_COLUMN": ("error", "a metadata column named does not exist"),
    "E_TEXT_TYPE": ("error", "the text column holds something other than text"),
    "E_EMPTY_TEXT": ("error", "a row's text is empty or only whitespace"),
    "E_EMPTY_ID": ("error", "a row's id is empty"),
    "E_DUPLICATE_ID": ("error", "a row repeats an earlier row's id"),
    "E_JSON": ("error", "a JSON-lines line is not a JSON object"),
    "E_PARSE": ("error", "the CSV or Parquet file cannot be parsed"),
    "E_EMPTY_SOURCE": ("error", "the file holds no records"),
}


class CorpusWarning(UserWarning):
    """A corpus problem that does not stop loading (codes starting with ``W_``)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a corpus.

    Args:
        code: stable identifier, e.g. ``"E_ENCODING"`` (see ``docs/errors.md``).
        message: what is wrong, naming the value found.
        fix: what the user should do about it.
        file: the file concerned (path as given, or the metadata file), if any.
        line: 1-based line number in that file, if it applies.
        severity: ``"error"`` (loading stops) or ``"warning"`` (reported, loading goes on).

    >>> str(Problem("E_EMPTY_FILE", "file is empty", "add text or remove it", "a.txt"))
    'error E_EMPTY_FILE a.txt: file is empty. Fix: add text or remove it'
    """

    code: str
    message: str
    fix: str
    file: str | None = None
    line: int | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file or "corpus"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{self.severity} {self.code} {where}: {self.message}. Fix: {self.fix}"


def problem(code: str, message: str, fix: str, *, file: str | None = None,
            line: int | None = None) -> Problem:
    """Build a :class:`Problem` whose severity comes from :data:`CODES`.

    Args:
        code: a key of :data:`CODES`.
        message: what is wrong, naming the value found.
        fix: what to do about it.
        file: the file concerned, if any.
        line: 1-based line in that file, if it applies.

    Returns:
        The problem.

    Raises:
        ValueError: ``code`` is not a documented code.

    >>> problem("W_NO_ARABIC", "no Arabic letters", "check the encoding", file="a.txt").severity
    'warning'
    """
    if code not in CODES:
        raise ValueError(f"code = {code!r} is not a documented problem code; allowed: {sorted(CODES)}")
    return Problem(code, message, fix, file, line, CODES[code][0])


@dataclass
class CorpusError(Exception):
    """Raised when a corpus cannot be loaded; carries every problem found.

    >>> err = CorpusError([Problem("E_EMPTY_FILE", "file is empty", "add text or remove it", "a.txt")])
    >>> err.codes
    ['E_EMPTY_FILE']
    """

    problems: list[Problem] = field(default_factory=list)
    path: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop loading (warnings excluded)."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def message(self) -> str:
        n = len(self.errors)
        where = f" in corpus {self.path}" if self.path else " in corpus"
        head = f"{n} problem{'s' if n != 1 else ''}{where}"
        return "\n".join([head + ":"] + [f"  - {p}" for p in self.problems])

    def __str__(self) -> str:
        return self.message
