"""One exception type for every problem with a user's corpus.

Every check on a corpus collects *all* problems before raising, so a user fixes them in
one pass. Each problem has a stable code (documented in ``docs/errors.md``), the file and
line it concerns, and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    def message(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem(s) in corpus {self.path}" if self.path else f"{len(errors)} problem(s) in corpus"
        return "\n".join([head + ":"] + [f"  - {p}" for p in self.problems])

    def __str__(self) -> str:
        return self.message
