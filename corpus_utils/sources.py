"""Corpora in one file: a CSV, JSON-lines or Parquet table with a text column.

Besides a folder of ``.txt`` files plus ``metadata.csv``, a corpus can be one table file
with one row per article: a text column (``text`` unless ``text_col`` / ``--text-col``
names another) and any metadata columns (``date``, ``era``, ``outlet``, ...). The rows are
streamed in chunks (pandas ``read_csv(chunksize=...)``, pyarrow ``iter_batches``, JSON
lines one at a time), so a file of a million articles is never held in memory at once.

Each document is yielded as a dict: ``doc_id`` (the ``id_col`` column, else a ``doc_id``
column when there is one, else the 1-based row number, always a string), ``file`` (a
synthetic name ``"<file name>#<row>"``, the 1-based row number among the records, for
messages and tables that cite where a text came from), ``text`` (the cell as stored: line
ends kept, a leading byte-order mark removed) and every metadata column as a string
(missing values become ``""``). Columns whose names collide with those keys (``file``, or
``doc_id`` / ``text`` when they are not the id / text column) are kept with a ``source_``
prefix (``source_file``).

Supported files, by suffix: ``.csv``, ``.tsv``, ``.jsonl`` / ``.ndjson`` (each optionally
``.gz``), ``.parquet`` / ``.pq``.

Problems are reported as :class:`corpus_utils.errors.CorpusError` carrying
:class:`~corpus_utils.errors.Problem` items with stable codes:

==================== ==========================================================
code                 meaning
==================== ==========================================================
E_NOT_FOUND          the file does not exist
E_SOURCE_FORMAT      the suffix is not one of the supported formats
E_TEXT_COLUMN        no text column of that name (or a JSON record lacks it)
E_ID_COLUMN          the ``id_col`` named does not exist
E_METADATA_COLUMN    a column named in ``metadata_cols`` does not exist
E_TEXT_TYPE          the text column holds something other than text
E_EMPTY_TEXT         a row's text is empty or only white space
E_EMPTY_ID           a row's id is empty
E_DUPLICATE_ID       a row repeats an earlier row's id
E_JSON               a JSON-lines line is not a JSON object
E_PARSE              the CSV or Parquet file cannot be parsed
E_ENCODING           the bytes are not valid in the encoding given
E_EMPTY_SOURCE       the file holds no records
==================== ==========================================================

Structural problems (the first six) are raised before any document is yielded. Row
problems: with ``on_error="raise"`` nothing more is yielded after the first one, the rest
of the file is still read so that *every* problem is listed, then CorpusError is raised;
with ``on_error="skip"`` bad rows are skipped and their problems (severity ``"warning"``)
are appended to the ``problems`` list when one is given. :func:`check_source` lists every
problem of a file in one streaming pass without yielding anything.
"""

from __future__ import annotations

import difflib
import gzip
import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import CorpusError, Problem

#: Suffix (lower case, ``.gz`` removed) -> format name.
SOURCE_SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
#: Formats that may also be gzip-compressed (``articles.csv.gz``).
_GZIP_OK = frozenset({"csv", "tsv", "jsonl"})
#: Keys every yielded document has; table columns with these names get a ``source_`` prefix.
RESERVED_KEYS = ("doc_id", "file", "text")
#: Rows per chunk read from CSV and Parquet files.
DEFAULT_CHUNKSIZE = 5_000

_ON_ERROR = ("raise", "skip")
_STRUCTURAL = frozenset({"E_NOT_FOUND", "E_SOURCE_FORMAT", "E_TEXT_COLUMN", "E_ID_COLUMN",
                         "E_METADATA_COLUMN", "E_TEXT_TYPE"})


# --------------------------------------------------------------------------- formats


def source_format(path: str | Path) -> str | None:
    """The table format of ``path`` from its suffix, or None when it is not a table file.

    Args:
        path: a file path; folders and unknown suffixes give None.

    Returns:
        ``"csv"``, ``"tsv"``, ``"jsonl"``, ``"parquet"`` or None.

    >>> source_format("articles.jsonl.gz"), source_format("seeds")
    ('jsonl', None)
    """
    p = Path(path)
    if p.is_dir():
        return None
    suffixes = [s.lower() for s in p.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    if not suffixes:
        return None
    fmt = SOURCE_SUFFIXES.get(suffixes[-1])
    if fmt is None or (gz and fmt not in _GZIP_OK):
        return None
    return fmt


def _read_encoding(encoding: str) -> str:
    # utf-8-sig reads files with and without a byte-order mark alike; plain utf-8 would
    # glue the BOM to the first column's name ("\ufefftext").
    return "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding


def _check_args(text_col: str, id_col: str | None, metadata_cols, encoding: str,
                chunksize: int, on_error: str) -> None:
    if not isinstance(text_col, str) or not text_col:
        raise ValueError(f"text_col = {text_col!r} is invalid; name the column that holds the texts")
    if id_col is not None and (not isinstance(id_col, str) or not id_col):
        raise ValueError(f"id_col = {id_col!r} is invalid; name a column or pass None")
    if id_col is not None and id_col == text_col:
        raise ValueError(f"id_col = {id_col!r} is invalid; it must differ from text_col")
    if metadata_cols is not None and (isinstance(metadata_cols, str)
                                      or not all(isinstance(c, str) for c in metadata_cols)):
        raise ValueError(f"metadata_cols = {metadata_cols!r} is invalid; use a list of column names or None")
    if not isinstance(encoding, str) or not encoding:
        raise ValueError(f"encoding = {encoding!r} is invalid; use a codec name such as 'utf-8' or 'cp1256'")
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"encoding = {encoding!r} is invalid; use a codec name such as 'utf-8' or 'cp1256'") from None
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
        raise ValueError(f"chunksize = {chunksize!r} is invalid; value must be an int >= 1")
    if on_error not in _ON_ERROR:
        raise ValueError(f"on_error = {on_error!r} is invalid; use one of {', '.join(map(repr, _ON_ERROR))}")


# --------------------------------------------------------------------------- values


def _to_str(value: Any) -> str:
    """A metadata value as a string: missing -> "", numbers as written, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return json.dumps(value, ensure_ascii=False, default=str)


def _suggest(name: str, columns: list[str]) -> str:
    close = difflib.get_close_matches(name, columns, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(repr(c) for c in columns[:20]) + (", ..." if len(columns) > 20 else "")
    return f"the columns are {shown}{hint}"


class _Plan:
    """Which column plays which part, worked out from the header."""

    def __init__(self, label: str, columns: list[str], *, text_col: str, id_col: str | None,
                 metadata_cols: list[str] | None) -> None:
        self.label = label
        self.columns = list(columns)
        self.text_col = text_col
        self.id_col = id_col if id_col is not None else ("doc_id" if "doc_id" in columns and text_col != "doc_id" else None)
        self.problems: list[Problem] = []
        if text_col not in columns:
            self.problems.append(Problem(
                "E_TEXT_COLUMN", f"no text column {text_col!r}",
                f"pass --text-col NAME (text_col=NAME in Python); {_suggest(text_col, self.columns)}", label))
        if id_col is not None and id_col not in columns:
            self.problems.append(Problem(
                "E_ID_COLUMN", f"no id column {id_col!r}",
                f"pass an existing column as --id-col (id_col=...) or none to number the rows; "
                f"{_suggest(id_col, self.columns)}", label))
        if metadata_cols is None:
            self.metadata = [c for c in columns if c not in (text_col, self.id_col)]
        else:
            missing = [c for c in metadata_cols if c not in columns]
            for c in missing:
                self.problems.append(Problem(
                    "E_METADATA_COLUMN", f"no metadata column {c!r}",
                    f"name existing columns in metadata_cols; {_suggest(c, self.columns)}", label))
            self.metadata = [c for c in metadata_cols if c in columns and c not in (text_col, self.id_col)]
        self.keys = [self.out_key(c) for c in self.metadata]
        #: JSON lines with metadata_cols=None: keys first seen in later records join the metadata
        self.metadata_open = False

    def out_key(self, column: str) -> str:
        return f"source_{column}" if column in RESERVED_KEYS else column

    @property
    def needed(self) -> list[str]:
        cols = [self.text_col] + ([self.id_col] if self.id_col else []) + self.metadata
        return list(dict.fromkeys(c for c in cols if c in self.columns))


# --------------------------------------------------------------------------- readers
# Each reader yields (row_number, line_or_None, record_dict_or_Problem) after the header
# has been checked; row_number is the 1-based index among the records.


def _csv_header(path: Path, fmt: str, encoding: str) -> list[str]:
    import pandas as pd

    sep = "\t" if fmt == "tsv" else ","
    head = pd.read_csv(path, sep=sep, nrows=0, encoding=_read_encoding(encoding), dtype=str)
    return [str(c) for c in head.columns]


def _csv_rows(path: Path, fmt: str, plan: _Plan, encoding: str, chunksize: int) -> Iterator[tuple[int, int | None, Any]]:
    import pandas as pd

    sep = "\t" if fmt == "tsv" else ","
    reader = pd.read_csv(path, sep=sep, chunksize=chunksize, encoding=_read_encoding(encoding),
                         dtype=str, keep_default_na=False, na_filter=False, index_col=False)
    # no usecols: with it pandas silently drops the extra fields of a malformed row
    row = 0
    with reader:
        for chunk in reader:
            columns = {c: chunk[c].tolist() for c in plan.needed}
            for i in range(len(chunk)):
                row += 1
                yield row, None, {c: columns[c][i] for c in plan.needed}


def _jsonl_open(path: Path, encoding: str):
    enc = _read_encoding(encoding)
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding=enc, newline="")
    return open(path, encoding=enc, newline="")


def _jsonl_records(path: Path, encoding: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value or Problem) for each non-blank line."""
    with _jsonl_open(path, encoding) as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield lineno, Problem("E_JSON", f"not valid JSON ({exc.msg} at column {exc.colno})",
                                      "write one JSON object per line", str(path), lineno)
                continue
            if not isinstance(value, dict):
                yield lineno, Problem("E_JSON", f"a JSON {type(value).__name__}, not an object",
                                      "write one JSON object per line, e.g. {\"text\": \"...\"}", str(path), lineno)
                continue
            yield lineno, value


def _jsonl_header(path: Path, encoding: str) -> list[str]:
    for _lineno, value in _jsonl_records(path, encoding):
        if isinstance(value, dict):
            return [str(k) for k in value]
    return []


def _jsonl_rows(path: Path, plan: _Plan, encoding: str) -> Iterator[tuple[int, int | None, Any]]:
    row = 0
    for lineno, value in _jsonl_records(path, encoding):
        if isinstance(value, Problem):
            yield row + 1, lineno, value
            continue
        row += 1
        if plan.text_col not in value:
            yield row, lineno, Problem("E_TEXT_COLUMN", f"the record has no {plan.text_col!r} key",
                                       f"give every record a {plan.text_col!r} key", str(path), lineno)
            continue
        if plan.metadata_open:  # metadata_cols=None: every key is metadata, new keys included
            for key in value:
                if key not in plan.metadata and key not in (plan.text_col, plan.id_col):
                    plan.metadata.append(key)
                    plan.keys.append(plan.out_key(key))
        yield row, lineno, value


def _parquet_file(path: Path):
    import pyarrow.parquet as pq

    return pq.ParquetFile(path)


def _parquet_rows(pf, plan: _Plan, chunksize: int) -> Iterator[tuple[int, int | None, Any]]:
    row = 0
    for batch in pf.iter_batches(batch_size=chunksize, columns=plan.needed):
        columns = batch.to_pydict()
        for i in range(batch.num_rows):
            row += 1
            yield row, None, {c: columns[c][i] for c in plan.needed}


# --------------------------------------------------------------------------- the stream


def _open_plan(path: Path, fmt: str | None, *, text_col: str, id_col: str | None,
               metadata_cols: list[str] | None, encoding: str) -> tuple[_Plan | None, list[Problem], Any]:
    """Check the file and its header; returns (plan, structural problems, parquet handle)."""
    label = str(path)
    if not path.exists():
        return None, [Problem("E_NOT_FOUND", "no such file",
                              "check the path; a corpus is a folder of .txt files + metadata.csv "
                              "or one .csv/.tsv/.jsonl/.parquet file", label)], None
    if fmt is None:
        known = ", ".join(sorted(SOURCE_SUFFIXES))
        return None, [Problem("E_SOURCE_FORMAT", f"the suffix {''.join(path.suffixes) or '(none)'!r} is not a table format",
                              f"use one of {known} (csv, tsv and jsonl may end in .gz), "
                              "or a folder of .txt files + metadata.csv", label)], None
    handle = None
    try:
        if fmt in ("csv", "tsv"):
            columns = _csv_header(path, fmt, encoding)
        elif fmt == "jsonl":
            columns = _jsonl_header(path, encoding)
        else:
            handle = _parquet_file(path)
            columns = list(handle.schema_arrow.names)
    except UnicodeDecodeError as exc:
        return None, [_encoding_problem(label, encoding, exc)], None
    except Exception as exc:  # pandas EmptyDataError / ParserError, pyarrow ArrowInvalid, gzip errors
        if type(exc).__name__ == "EmptyDataError":
            return None, [Problem("E_EMPTY_SOURCE", "the file is empty", "add a header row and records", label)], None
        return None, [Problem("E_PARSE", f"cannot read the {fmt} file ({type(exc).__name__}: {exc})",
                              f"check that the file is valid {fmt}", label)], None
    if fmt == "jsonl" and not columns:
        return None, [Problem("E_EMPTY_SOURCE", "the file holds no JSON records",
                              "write one JSON object per line", label)], None
    plan = _Plan(label, columns, text_col=text_col, id_col=id_col, metadata_cols=metadata_cols)
    plan.metadata_open = metadata_cols is None and fmt == "jsonl"
    problems = list(plan.problems)
    if handle is not None and text_col in columns:
        import pyarrow as pa

        ftype = handle.schema_arrow.field(text_col).type
        if not (pa.types.is_string(ftype) or pa.types.is_large_string(ftype)
                or pa.types.is_string_view(ftype)):
            problems.append(Problem("E_TEXT_TYPE", f"the text column {text_col!r} has type {ftype}, not string",
                                    "store the texts as a string column", label))
    return plan, problems, handle


def _encoding_problem(label: str, encoding: str, exc: UnicodeDecodeError) -> Problem:
    other = "cp1256" if _read_encoding(encoding) == "utf-8-sig" else "utf-8"
    return Problem("E_ENCODING", f"bytes not valid in {encoding} ({exc.reason} at byte {exc.start} of a chunk)",
                   f"pass the file's encoding, e.g. --encoding {other} (encoding={other!r}), "
                   "or re-save the file as UTF-8", label)


def _row_problem(plan: _Plan, row: int, line: int | None, record: dict, seen: set[str]) -> tuple[Problem | None, str, str]:
    label = plan.label
    where = dict(file=label, line=line)
    text = record.get(plan.text_col)
    if text is None or (isinstance(text, float) and math.isnan(text)):
        text = ""
    if not isinstance(text, str):
        return Problem("E_TEXT_TYPE", f"row {row}: the text is a {type(text).__name__}, not a string",
                       "store the texts as strings", **where), "", ""
    if text.startswith("\ufeff"):
        text = text[1:]
    if plan.id_col is not None:
        doc_id = _to_str(record.get(plan.id_col)).strip()
        if not doc_id:
            return Problem("E_EMPTY_ID", f"row {row}: the id column {plan.id_col!r} is empty",
                           "give every row an id, or pass no id column to number the rows", **where), "", text
    else:
        doc_id = str(row)
    if doc_id in seen:
        return Problem("E_DUPLICATE_ID", f"row {row}: id {doc_id!r} repeats an earlier row",
                       "give every row its own id", **where), doc_id, text
    if not text.strip():
        return Problem("E_EMPTY_TEXT", f"row {row} (id {doc_id!r}): the text is empty",
                       "remove the row or fill in its text", **where), doc_id, text
    return None, doc_id, text


def _stream(path: str | Path, *, text_col: str, id_col: str | None, metadata_cols: Iterable[str] | None,
            encoding: str, chunksize: int, on_error: str, problems: list[Problem] | None,
            check_only: bool) -> Iterator[dict]:
    _check_args(text_col, id_col, metadata_cols, encoding, chunksize, on_error)
    path = Path(path).expanduser()
    fmt = source_format(path)
    metadata_cols = list(metadata_cols) if metadata_cols is not None else None
    plan, structural, handle = _open_plan(path, fmt, text_col=text_col, id_col=id_col,
                                          metadata_cols=metadata_cols, encoding=encoding)
    if structural:
        if check_only and problems is not None:
            problems.extend(structural)
            return
        raise CorpusError(structural, path=str(path))
    assert plan is not None
    if fmt in ("csv", "tsv"):
        rows = _csv_rows(path, fmt, plan, encoding, chunksize)
    elif fmt == "jsonl":
        rows = _jsonl_rows(path, plan, encoding)
    else:
        rows = _parquet_rows(handle, plan, chunksize)

    found: list[Problem] = []  # row problems in "raise" mode or check_only
    seen: set[str] = set()
    n_good = 0
    failed = False
    try:
        for row, line, record in rows:
            if isinstance(record, Problem):
                problem = record
            else:
                problem, doc_id, text = _row_problem(plan, row, line, record, seen)
            if problem is not None:
                if on_error == "skip" and not check_only:
                    if problems is not None:
                        problems.append(Problem(problem.code, problem.message + " (skipped)", problem.fix,
                                                problem.file, problem.line, "warning"))
                else:
                    found.append(problem)
                    failed = True
                if problem.code == "E_DUPLICATE_ID" or problem.code == "E_EMPTY_TEXT":
                    seen.add(doc_id)
                continue
            seen.add(doc_id)
            n_good += 1
            if failed or check_only:
                continue  # keep reading to list every problem, yield nothing more
            doc = {"doc_id": doc_id, "file": f"{path.name}#{row}", "text": text}
            for column, key in zip(plan.metadata, plan.keys):
                doc[key] = _to_str(record.get(column))
            yield doc
    except UnicodeDecodeError as exc:
        found.append(_encoding_problem(str(path), encoding, exc))
    except (OSError, EOFError) as exc:  # truncated gzip and the like
        found.append(Problem("E_PARSE", f"cannot read the file to the end ({type(exc).__name__}: {exc})",
                             "check that the file is complete", str(path)))
    except Exception as exc:
        if type(exc).__name__ not in {"ParserError", "ArrowInvalid", "ArrowException", "CParserError"}:
            raise
        found.append(Problem("E_PARSE", f"cannot parse the file ({' '.join(str(exc).split())})",
                             f"check that the file is valid {fmt} (quotes closed, same number of "
                             "fields on every row)", str(path)))
    if n_good == 0 and not found:
        found.append(Problem("E_EMPTY_SOURCE", "the file holds no loadable records",
                             "add records (rows with a non-empty text)", str(path)))
    if check_only:
        if problems is not None:
            problems.extend(found)
        return
    if found:
        raise CorpusError(found, path=str(path))


def iter_source(path: str | Path, *, text_col: str = "text", id_col: str | None = None,
                metadata_cols: Iterable[str] | None = None, encoding: str = "utf-8",
                chunksize: int = DEFAULT_CHUNKSIZE, on_error: str = "raise",
                problems: list[Problem] | None = None) -> Iterator[dict]:
    """Stream the documents of one CSV, TSV, JSON-lines or Parquet file.

    Args:
        path: the table file (``.csv``, ``.tsv``, ``.jsonl``, ``.ndjson``, each optionally
            ``.gz``; ``.parquet``, ``.pq``).
        text_col: the column holding the article texts.
        id_col: the column holding document ids; None uses a ``doc_id`` column when there
            is one, else the 1-based row number.
        metadata_cols: the columns to keep as metadata; None keeps every other column.
        encoding: the text encoding of CSV, TSV and JSON-lines files (Parquet is UTF-8).
        chunksize: rows read at a time from CSV and Parquet files.
        on_error: ``"raise"`` (stop yielding at the first bad row, then raise
            CorpusError listing every problem in the file) or ``"skip"`` (skip bad rows).
        problems: a list that receives the skipped rows' problems (``on_error="skip"``).

    Returns:
        An iterator of dicts with ``doc_id``, ``file`` (``"<file name>#<row>"``), ``text``
        and one string per metadata column, in file order.

    Raises:
        CorpusError: the file is missing, of an unknown format, lacks a named column, or
            (``on_error="raise"``) has bad rows; every problem carries a stable code.
        ValueError: an argument has a value that is not allowed.

    References:
        pandas ``read_csv(chunksize=...)``; Apache Arrow ``ParquetFile.iter_batches``;
        JSON Lines, https://jsonlines.org/

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = f.write_text("body,era\\nقال خوجة,khoja\\n", encoding="utf-8")
    >>> next(iter_source(f, text_col="body"))
    {'doc_id': '1', 'file': 'a.csv#1', 'text': 'قال خوجة', 'era': 'khoja'}
    """
    return _stream(path, text_col=text_col, id_col=id_col, metadata_cols=metadata_cols,
                   encoding=encoding, chunksize=chunksize, on_error=on_error, problems=problems,
                   check_only=False)


def check_source(path: str | Path, *, text_col: str = "text", id_col: str | None = None,
                 metadata_cols: Iterable[str] | None = None, encoding: str = "utf-8",
                 chunksize: int = DEFAULT_CHUNKSIZE) -> list[Problem]:
    """Every problem of a table file, found in one streaming pass (nothing is kept).

    Args:
        path, text_col, id_col, metadata_cols, encoding, chunksize: as for :func:`iter_source`.

    Returns:
        The problems in file order; an empty list when the file loads cleanly.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.jsonl"
    >>> _ = f.write_text('{"text": "نص"}\\n{"text": ""}\\n', encoding="utf-8")
    >>> [p.code for p in check_source(f)]
    ['E_EMPTY_TEXT']
    """
    found: list[Problem] = []
    for _ in _stream(path, text_col=text_col, id_col=id_col, metadata_cols=metadata_cols,
                     encoding=encoding, chunksize=chunksize, on_error="raise", problems=found,
                     check_only=True):
        pass  # pragma: no cover - check_only yields nothing
    return found


def read_source(path: str | Path, **options):
    """All documents of a table file as a DataFrame (columns doc_id, file, text, metadata).

    A convenience for files that fit in memory; :func:`iter_source` streams.

    Args:
        path: the table file.
        **options: as for :func:`iter_source`.

    Returns:
        A pandas DataFrame, one row per document, every column of dtype ``str``.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = f.write_text("doc_id,text\\n007,نص\\n", encoding="utf-8")
    >>> read_source(f)["doc_id"].tolist()
    ['007']
    """
    import pandas as pd

    docs = list(iter_source(path, **options))
    keys = list(dict.fromkeys(k for d in docs for k in d))
    if not keys:
        keys = list(RESERVED_KEYS)
    frame = pd.DataFrame.from_records(docs, columns=keys)
    return frame.fillna("").astype(str)
