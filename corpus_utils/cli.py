"""The ``corpus-utils`` command line: a thin layer over the modules.

Conventions shared by every subcommand:

* ``CORPUS`` (optional positional) defaults to ``$CORPUS_UTILS_CORPUS`` or the bundled seeds;
  it is a folder (``.txt`` files + ``metadata.csv``) or one CSV/TSV/JSON-lines/Parquet file,
  whose columns ``--text-col``, ``--id-col`` and ``--metadata-cols`` name;
* tables go to stdout as CSV unless ``--out FILE``; multi-file outputs take ``--out-dir DIR``;
* ``--format`` where more than one format exists; ``--excel`` writes CSV as UTF-8 with a
  byte-order mark so Excel shows Arabic;
* ``--n-jobs N`` where a CPU-heavy per-document step can use several processes (``topics``,
  ``actors``, ``cooccurrence``, ``keyness``): 1 by default, -1 for every core, same output;
* exit codes: 0 ok, 1 corpus or input problems (message on stderr, no traceback), 2 usage.

Each subcommand is one ``_cmd_<name>(args) -> int`` function plus a parser builder
registered with :func:`_subcommand`.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Callable

from . import __version__

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

_BUILDERS: list[Callable[[argparse._SubParsersAction], None]] = []


def _subcommand(builder):
    """Register a parser builder (called with the subparsers object)."""
    _BUILDERS.append(builder)
    return builder


class InputError(Exception):
    """A problem with the user's input that is not a corpus problem (exit 1)."""


# --------------------------------------------------------------------------- shared options


#: ``--option`` of the command line -> keyword of ``load_corpus`` for one-file corpora. The
#: keywords are passed only when the option is given, so a ``load_corpus`` without them
#: keeps working for folders.
TABLE_OPTIONS = {"--text-col": "text_col", "--id-col": "id_col", "--metadata-cols": "metadata_cols"}


def add_corpus_args(p: argparse.ArgumentParser, *, positional: bool = True) -> None:
    """``CORPUS``, ``--encoding``, ``--skip-bad`` and the one-file corpus options
    ``--text-col``, ``--id-col``, ``--metadata-cols`` (see :data:`TABLE_OPTIONS`)."""
    if positional:
        p.add_argument("corpus", nargs="?", default=None, metavar="CORPUS",
                       help="corpus folder (.txt files + metadata.csv) or one .csv, .tsv, "
                            ".jsonl or .parquet file with a text column; default: "
                            "$CORPUS_UTILS_CORPUS or the bundled seeds")
    p.add_argument("--encoding", default="utf-8",
                   help="text encoding of the corpus files (e.g. cp1256); default utf-8")
    p.add_argument("--skip-bad", action="store_true",
                   help="load the readable files and report the skipped ones on stderr")
    table = p.add_argument_group("one-file corpus (.csv, .tsv, .jsonl, .parquet)")
    table.add_argument("--text-col", metavar="COL", default=None,
                       help="the column holding the article texts (default text)")
    table.add_argument("--id-col", metavar="COL", default=None,
                       help="the column holding document ids (default: a doc_id column when "
                            "there is one, else the row number)")
    table.add_argument("--metadata-cols", metavar="COL", nargs="+", default=None,
                       help="the columns to keep as metadata (default: every other column); "
                            "give CORPUS before this option, or end the list with --")


def add_table_args(p: argparse.ArgumentParser) -> None:
    """``--out`` and ``--excel``."""
    p.add_argument("--out", metavar="FILE", default=None, help="write to FILE instead of stdout")
    p.add_argument("--excel", action="store_true",
                   help="write CSV as UTF-8 with a byte-order mark (Excel shows Arabic)")


def int_at_least(minimum: int):
    """An argparse ``type`` accepting whole numbers >= ``minimum`` (usage error otherwise)."""

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is invalid; use an integer >= {minimum}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"{n} is invalid; value must be >= {minimum}")
        return n

    parse.__name__ = f"integer >= {minimum}"
    return parse


def n_jobs_value(value: str) -> int:
    """The argparse ``type`` of ``--n-jobs``: a whole number checked by
    :func:`corpus_utils.parallel.resolve_n_jobs` (same message; a usage error otherwise).

    The number itself is returned (``-1`` stays ``-1``): the analysis resolves it.

    >>> n_jobs_value("2"), n_jobs_value("-1")
    (2, -1)
    """
    from .parallel import resolve_n_jobs

    try:
        n: int | str = int(value)
    except ValueError:
        n = value  # not a whole number: resolve_n_jobs says so
    try:
        resolve_n_jobs(n)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return n  # type: ignore[return-value]


def add_n_jobs_arg(p: argparse.ArgumentParser, *, step: str) -> None:
    """``--n-jobs N`` (default 1) for a subcommand with a CPU-heavy per-document ``step``."""
    p.add_argument("--n-jobs", type=n_jobs_value, default=1, metavar="N",
                   help=f"processes for {step}: 1 (default) runs in this process, -1 uses "
                        "every core; the output is the same. Workers take about a second "
                        "to start, so more jobs pay off for thousands of documents")


def table_options_from_args(args) -> dict:
    """The one-file corpus keywords given on the command line (:data:`TABLE_OPTIONS`).

    Only the options actually given are returned, so that a folder corpus is loaded
    exactly as before.

    Args:
        args: parsed arguments of a subcommand built with :func:`add_corpus_args`.

    Returns:
        ``{"text_col": ..., "id_col": ..., "metadata_cols": [...]}``, without the keys of the
        options left out.

    >>> table_options_from_args(argparse.Namespace(text_col="body", id_col=None))
    {'text_col': 'body'}
    """
    return {key: getattr(args, key) for key in TABLE_OPTIONS.values()
            if getattr(args, key, None) is not None}


def load_corpus_from_args(args) -> "object":
    """Load the corpus named by ``args`` (raises CorpusError on problems).

    Raises:
        InputError: ``--text-col``, ``--id-col`` or ``--metadata-cols`` was given but this
            ``load_corpus`` does not read one-file corpora.
    """
    import inspect

    from .corpus import load_corpus

    options = table_options_from_args(args)
    accepted = inspect.signature(load_corpus).parameters
    unsupported = [flag for flag, key in TABLE_OPTIONS.items() if key in options and key not in accepted]
    if unsupported:
        raise InputError(f"{', '.join(unsupported)} given, but this version of corpus_utils reads "
                         "only corpus folders (.txt files + metadata.csv); leave the option out")
    return load_corpus(args.corpus, encoding=args.encoding,
                       on_error="skip" if getattr(args, "skip_bad", False) else "raise", **options)


def write_text(text: str, args, *, excel: bool | None = None) -> None:
    """Write text to ``args.out`` (UTF-8, BOM with --excel) or stdout."""
    excel = getattr(args, "excel", False) if excel is None else excel
    out = getattr(args, "out", None)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
            fh.write(text)
    else:
        if excel:
            sys.stdout.write("\ufeff")
        sys.stdout.write(text)
        sys.stdout.flush()


def write_table(df, args, *, float_format: str | None = None) -> None:
    """Write a DataFrame as CSV (no index, ``\\n`` line ends) to ``--out`` or stdout."""
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format=float_format)
    write_text(buf.getvalue(), args)


def write_jsonl(records, args) -> None:
    """Write an iterable of dicts as JSON lines (UTF-8, Arabic unescaped)."""
    import json

    write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), args, excel=False)


# --------------------------------------------------------------------------- run (main job)


@_subcommand
def _build_run(sub) -> None:
    p = sub.add_parser("run", help="the main job: execute every notebook and collect outputs",
                       description="Execute every notebook top to bottom in a fresh kernel and "
                                   "write HTML, figures, tables and a manifest under --out-dir.")
    p.add_argument("--out-dir", default="output", help="output folder (default: output)")
    p.add_argument("--notebooks", default=None, help="notebooks folder (default: the repository's)")
    p.add_argument("--in-place", action="store_true",
                   help="re-execute the committed notebooks and save them with their new outputs")
    p.add_argument("--timeout", type=int, default=900, help="per-cell timeout in seconds")
    p.add_argument("--only", nargs="+", metavar="PREFIX", default=None,
                   help="run only the notebooks whose names start with PREFIX (e.g. 01)")
    p.set_defaults(func=_cmd_run)


def _cmd_run(args) -> int:
    from .runner import run_notebooks

    run_notebooks(out_dir=Path(args.out_dir), notebooks_dir=args.notebooks,
                  in_place=args.in_place, timeout=args.timeout, only=args.only, log=sys.stderr)
    return EXIT_OK


# ---- corpus (issue 3/5)


def load_corpus_reporting(args):
    """:func:`load_corpus_from_args`, printing corpus warnings and skipped files to stderr.

    ``load_corpus`` reports warnings and (with ``--skip-bad``) skipped files as
    ``CorpusWarning``; here they are printed as plain lines, without Python's warning
    decoration. Any subcommand may load its corpus through this helper.
    """
    import warnings

    from .errors import CorpusWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        corpus = load_corpus_from_args(args)
    for w in caught:
        if issubclass(w.category, CorpusWarning):
            print(f"corpus-utils {args.command}: {w.message}", file=sys.stderr)
        else:  # not ours: pass it on unchanged
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return corpus


@_subcommand
def _build_stats(sub) -> None:
    p = sub.add_parser("stats", help="sizes per group: documents, paragraphs, sentences, tokens",
                       description="Print CSV group,documents,paragraphs,sentences,tokens: one row per "
                                   "value of the grouping column, then 'all'. Tokens are word tokens of "
                                   "the cleaned text. The corpus is checked first; problems exit 1.")
    add_corpus_args(p)
    p.add_argument("--group-by", metavar="COL", default=None,
                   help="metadata column to group by (default: era where it exists)")
    add_table_args(p)
    p.set_defaults(func=_cmd_stats)


def _cmd_stats(args) -> int:
    from .corpus import corpus_stats

    corpus = load_corpus_reporting(args)
    write_table(corpus_stats(corpus, group_by=args.group_by), args)
    return EXIT_OK


@_subcommand
def _build_clean(sub) -> None:
    p = sub.add_parser("clean", help="write the cleaned texts, their metadata.csv and the audit",
                       description="Clean every text by the documented rules and write the cleaned "
                                   "files (UTF-8, LF line ends, same names) and metadata.csv (with the "
                                   "headline, deck, dateline, byline and source_line columns) to "
                                   "--out-dir; --audit FILE writes the cleaning audit as CSV. A one-file "
                                   "corpus becomes a corpus folder: one <doc_id>.txt per row.")
    add_corpus_args(p)
    p.add_argument("--out-dir", metavar="DIR", required=True, help="folder for the cleaned corpus")
    p.add_argument("--audit", metavar="FILE", default=None,
                   help="write the audit (every line taken out, one row per file) as CSV")
    p.set_defaults(func=_cmd_clean)


def folder_file_names(doc_ids) -> list[str]:
    """``<doc_id>.txt`` file names for the rows of a one-file corpus written as a folder.

    Characters other than letters (any script), digits, ``.``, ``_`` and ``-`` become
    ``_``; a name already taken (compared case-insensitively, as on macOS and Windows) gets
    ``_2``, ``_3``, ... so that no two documents share a file.

    Args:
        doc_ids: the documents' ids, in order.

    Returns:
        One file name per id, in the same order.

    >>> folder_file_names(["000", "a/b", "a_b", "الأسد"])
    ['000.txt', 'a_b.txt', 'a_b_2.txt', 'الأسد.txt']
    """
    names: list[str] = []
    taken: set[str] = set()
    for doc_id in doc_ids:
        stem = _safe_filename(str(doc_id))
        name, n = f"{stem}.txt", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}_{n}.txt"
        taken.add(name.casefold())
        names.append(name)
    return names


def _cmd_clean(args) -> int:
    import csv

    from .corpus import CLEANING_COLUMNS, cleaning_audit
    from .paths import seeds_path
    from .sources import source_format

    corpus = load_corpus_reporting(args)
    if source_format(corpus.attrs.get("path") or ".") is not None:
        # a one-file corpus: its "file" values ("articles.csv#3") name rows, not files
        corpus = corpus.assign(file=folder_file_names(corpus["doc_id"]))
    source = Path(corpus.attrs.get("path") or ".").resolve()
    out_dir = Path(args.out_dir)
    if out_dir.resolve() in (source, seeds_path().resolve()):
        raise InputError(f"--out-dir {args.out_dir} is a corpus folder (the one read, or the bundled "
                         "seeds); the raw texts are never overwritten: choose another folder")
    targets = [(out_dir / name).resolve() for name in corpus["file"]]
    outside = [str(name) for name, t in zip(corpus["file"], targets) if out_dir.resolve() not in t.parents]
    if outside:
        raise InputError(f"file names {outside[:3]} would be written outside --out-dir; use plain file names")
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, text in zip(targets, corpus["text"]):
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    meta = corpus.drop(columns=["raw_text", "text"]).copy()
    if "date" in meta.columns:
        formats = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
        precision = meta.get("date_precision", "day")
        meta["date"] = [d.strftime(formats.get(p, "%Y-%m-%d")) if d is not None and d == d else ""
                        for d, p in zip(meta["date"], precision if not isinstance(precision, str)
                                        else [precision] * len(meta))]
    for col in CLEANING_COLUMNS:
        meta[col] = meta[col].fillna("")
    with open(out_dir / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        meta.to_csv(fh, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    audit = cleaning_audit(corpus)
    if args.audit:
        Path(args.audit).parent.mkdir(parents=True, exist_ok=True)
        with open(args.audit, "w", encoding="utf-8", newline="") as fh:
            audit.to_csv(fh, index=False, lineterminator="\n")
    taken = int((audit["action"] != "file").sum())
    print(f"corpus-utils clean: wrote {len(corpus)} cleaned file(s) and metadata.csv to {out_dir}; "
          f"{taken} line(s) taken out" + (f" (audit: {args.audit})" if args.audit else ""), file=sys.stderr)
    return EXIT_OK

# ---- arabic (issue 4)


def add_stopword_args(p: argparse.ArgumentParser) -> None:
    """``--stopwords FILE`` (repeatable) and ``--no-news-stopwords``, for subcommands that
    count terms; turn them into keyword arguments of :func:`corpus_utils.arabic.terms`
    with :func:`stopword_options_from_args`."""
    p.add_argument("--stopwords", metavar="FILE", action="append", default=[],
                   help="extra stop words: a UTF-8 file, one word per line, # comments "
                        "(repeatable)")
    p.add_argument("--no-news-stopwords", action="store_true",
                   help="keep news function words and reporting verbs (قال أضاف أكد ...)")


def stopword_options_from_args(args) -> dict:
    """``{"news_stopwords": ..., "extra_stopwords": ...}`` from :func:`add_stopword_args`."""
    from .arabic import load_stopwords

    extra: set[str] = set()
    for path in getattr(args, "stopwords", None) or []:
        extra |= load_stopwords(path)
    return {"news_stopwords": not getattr(args, "no_news_stopwords", False),
            "extra_stopwords": extra or None}


# step option of normalize() -> (--flag, help)
_NORMALIZE_FLAGS = {
    "nfkc": ("--keep-compatibility", "skip NFKC: keep presentation forms and ligatures"),
    "controls": ("--keep-controls", "keep zero-width and bidi control characters"),
    "tatweel": ("--keep-tatweel", "keep tatweel (U+0640)"),
    "diacritics": ("--keep-diacritics", "keep diacritics (U+064B-U+0652, U+0670)"),
    "marks": ("--keep-marks", "keep the other Arabic marks (U+0653-U+065F)"),
    "alef": ("--keep-alef", "keep alef variants (آ أ إ ٱ)"),
    "alef_maksura": ("--keep-alef-maksura", "keep alef maksura (ى)"),
    "digits": ("--keep-digits", "keep Arabic-Indic digits"),
    "quotes": ("--keep-quotes", "keep the quotation marks as they are"),
}


@_subcommand
def _build_normalize(sub) -> None:
    p = sub.add_parser(
        "normalize", help="normalise Arabic text from stdin to stdout, line by line",
        description="Read UTF-8 text on stdin and write it normalised to stdout, one line at "
                    "a time (line ends kept). Every step is on by default; each --keep-* "
                    "flag turns one off. Teh marbuta (ة -> ه) is off unless --teh-marbuta.")
    for dest, (flag, help_) in _NORMALIZE_FLAGS.items():
        p.add_argument(flag, dest=f"keep_{dest}", action="store_true", help=help_)
    p.add_argument("--teh-marbuta", action="store_true",
                   help="also map teh marbuta ة to ه (off by default)")
    p.set_defaults(func=_cmd_normalize)


def _cmd_normalize(args) -> int:
    from .arabic import normalize

    options = {dest: not getattr(args, f"keep_{dest}") for dest in _NORMALIZE_FLAGS}
    options["teh_marbuta"] = args.teh_marbuta
    # UTF-8 whatever the locale, line ends as they are; line-buffered when a person types
    sys.stdout.flush()
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="",
                              line_buffering=sys.stdin.isatty())
    try:
        for line in stdin:
            stdout.write(normalize(line, **options))
        stdout.flush()
    except UnicodeDecodeError as exc:
        raise InputError(f"stdin is not UTF-8 ({exc.reason}); convert it first, e.g. "
                         f"iconv -f cp1256 -t utf-8") from None
    finally:
        stdout.detach()
        stdin.detach()
    return EXIT_OK


# ---- topics (issue 6)


def _topics_k(value: str):
    """``--k``: ``auto`` or an integer >= 2."""
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"k = {value!r} is invalid; use 'auto' or an integer >= 2") from None
    if k < 2:
        raise argparse.ArgumentTypeError(f"k = {k} is invalid; value must be 'auto' or >= 2")
    return k


_topics_n_terms = int_at_least(1)


@_subcommand
def _build_topics(sub) -> None:
    from .topics import ANALYZERS, DEFAULTS, METHODS, UNITS

    p = sub.add_parser(
        "topics", help="TF-IDF clusters of paragraphs, sentences or documents (notebook 01)",
        description="Cluster the corpus units by TF-IDF (k-means on LSA, or agglomerative with "
                    "cosine distance) and print each unit's cluster as CSV "
                    "doc_id,paragraph,sentence,line,cluster (empty where not applicable), or with "
                    "--terms the top terms per cluster as cluster,rank,term,gloss,weight. "
                    "Defaults are those of notebook 01 (corpus_utils.topics.DEFAULTS).")
    add_corpus_args(p)
    p.add_argument("--unit", choices=UNITS, default=DEFAULTS["unit"],
                   help=f"what to cluster (default {DEFAULTS['unit']})")
    p.add_argument("--k", type=_topics_k, default=DEFAULTS["k"], metavar="auto|N",
                   help="number of clusters, or 'auto' for the best cosine silhouette over "
                        f"k={DEFAULTS['k_min']}..min({DEFAULTS['k_max']}, units-1) "
                        f"(default {DEFAULTS['k']})")
    p.add_argument("--analyzer", choices=ANALYZERS, default=DEFAULTS["analyzer"],
                   help="word: Arabic analysis terms; char: character 2-5-grams "
                        f"(default {DEFAULTS['analyzer']})")
    p.add_argument("--method", choices=METHODS, default=DEFAULTS["method"],
                   help=f"clustering method (default {DEFAULTS['method']})")
    p.add_argument("--terms", action="store_true",
                   help="print the top terms per cluster instead of the units' clusters")
    p.add_argument("--n-terms", type=_topics_n_terms, default=DEFAULTS["n_terms"], metavar="N",
                   help=f"top terms per cluster with --terms (default {DEFAULTS['n_terms']})")
    add_n_jobs_arg(p, step="counting the terms of the units (word analyzer)")
    add_table_args(p)
    p.set_defaults(func=_cmd_topics)


def _cmd_topics(args) -> int:
    from .topics import topic_model

    corpus = load_corpus_from_args(args)
    model = topic_model(corpus, unit=args.unit, k=args.k, analyzer=args.analyzer,
                        method=args.method, n_terms=args.n_terms, n_jobs=args.n_jobs)
    for note in model.notes:
        print(f"corpus-utils topics: note: {note}", file=sys.stderr)
    if args.terms:
        write_table(model.terms, args, float_format="%.6f")
    else:
        write_table(model.assignments(), args)
    return EXIT_OK


# ---- actors (issue 7)


@_subcommand
def _build_actors(sub) -> None:
    p = sub.add_parser(
        "actors", help="actor mentions (names, roles resolved to people, metonyms, collectives)",
        description="Print every actor mention with the fields doc_id, file, date, line, start, end, "
                    "paragraph, sentence, text, normalized, actor_id, kind, office, resolved_by, "
                    "sorted by doc_id and start. CORPUS is a corpus folder (dates from metadata.csv), "
                    "one .csv/.tsv/.jsonl/.parquet file (--text-col), or one .txt FILE (doc_id = its "
                    "name without .txt, date from --date). Positions "
                    "are raw-file positions whether the cleaned text (default) or the raw text "
                    "(--raw) is read. --unknown lists name-like phrases after titles that no "
                    "codebook entry matched.")
    add_corpus_args(p)
    p.add_argument("--date", metavar="YYYY-MM-DD", default=None,
                   help="document date for a single FILE, or for documents without a date "
                        "(YYYY-MM-DD, YYYY-MM or YYYY); resolves role phrases to office holders")
    p.add_argument("--codebook", metavar="FILE", default=None,
                   help="a YAML file of your own actors/offices, added to the bundled codebook "
                        "(an entry with a bundled id replaces it)")
    p.add_argument("--format", choices=("csv", "jsonl"), default="csv",
                   help="output format (default csv)")
    p.add_argument("--raw", action="store_true",
                   help="read the raw files (web clutter, dateline and byline included)")
    p.add_argument("--unknown", action="store_true",
                   help="instead of mentions, list frequent name-like phrases after titles "
                        "(وزير رئيس المبعوث السفير ...) that no codebook entry matched")
    add_n_jobs_arg(p, step="finding the mentions (not used with --unknown)")
    add_table_args(p)
    p.set_defaults(func=_cmd_actors)


def _single_file_corpus(path: Path, encoding: str, date: str | None):
    """A one-document corpus from a .txt file: doc_id = its stem, cleaned like a corpus."""
    import pandas as pd

    from .corpus import corpus_from_texts

    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    else:
        text = data.decode(encoding)  # UnicodeError -> exit 1 with the message
    meta = pd.DataFrame({"doc_id": [path.stem], "date": [date or ""]})
    corpus = corpus_from_texts({path.stem: text}, metadata=meta)
    corpus["file"] = path.name
    return corpus


def _cmd_actors(args) -> int:
    from .actors import CodebookError, _date_range, corpus_mentions, load_codebook, unknown_phrases

    rng = _date_range(args.date, "--date")  # a bad date is a usage error (exit 2)
    try:
        codebook = load_codebook(extra=args.codebook) if args.codebook else load_codebook()
    except CodebookError as exc:
        raise InputError(f"codebook {args.codebook or 'bundled'}: {exc}") from None
    from .sources import source_format

    target = Path(args.corpus) if args.corpus else None
    if target is not None and target.is_file() and source_format(target) is None:
        corpus = _single_file_corpus(target, args.encoding, args.date)
    else:
        corpus = load_corpus_reporting(args)
        if rng is not None:  # --date fills the documents metadata.csv leaves undated
            import pandas as pd

            precision = {10: "day", 7: "month", 4: "year"}[len(args.date.strip())]
            missing = corpus["date"].isna() if "date" in corpus.columns else slice(None)
            corpus.loc[missing, "date"] = pd.Timestamp(rng[0])
            corpus.loc[missing, "date_precision"] = precision
    if args.unknown:
        table = unknown_phrases(corpus, codebook=codebook)
    else:
        table = corpus_mentions(corpus, raw=args.raw, codebook=codebook, n_jobs=args.n_jobs)
    if args.format == "jsonl":
        records = table.astype(object).where(table.notna(), None).to_dict("records")
        write_jsonl(({k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                     for r in records), args)
    else:
        write_table(table, args)
    return EXIT_OK


# ---- cooccurrence (issue 8)


def _group_column(corpus, by: str | None, default: str = "era") -> str | None:
    """``--by``/``--group-by``: the column given (must exist), else ``era`` when the corpus
    has one, else None (one group); ``--by none`` asks for one group explicitly."""
    if by is None:
        return default if default in corpus.columns else None
    if by.lower() == "none":
        return None
    if by not in corpus.columns:
        raise ValueError(f"--by {by!r} is not a column of the corpus; columns: "
                         f"{', '.join(map(str, corpus.columns))}")
    return by


def _safe_filename(name: str) -> str:
    """A group value as a file name: letters (any script), digits, '.', '_', '-' kept."""
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name).strip("._")
    return safe or "group"


@_subcommand
def _build_cooccurrence(sub) -> None:
    from .cooccurrence import MEASURES, UNITS

    p = sub.add_parser(
        "cooccurrence", help="who is mentioned with whom: actor pairs per unit (notebook 02)",
        description="Pairs of distinct actors mentioned in the same unit, per group: CSV "
                    "source,target,group,n_a,n_b,count,weight (source < target; n_a, n_b = "
                    "units mentioning each; count = units mentioning both), or with "
                    "--format gexf one <group>.gexf per group in --out-dir for Gephi. N, the "
                    "number of units of a group, includes units that mention no actor.")
    add_corpus_args(p)
    p.add_argument("--unit", choices=UNITS, default="paragraph",
                   help="the co-occurrence window (default paragraph)")
    p.add_argument("--measure", choices=MEASURES, default="count",
                   help="edge weight: count of shared units, jaccard, dice or npmi "
                        "(default count)")
    p.add_argument("--min-count", type=int, default=2, metavar="N",
                   help="report pairs sharing at least N units (default 2)")
    p.add_argument("--by", default=None, metavar="COL",
                   help="group by this metadata column (default era when present; "
                        "'none' for one group)")
    p.add_argument("--format", choices=("csv", "gexf"), default="csv",
                   help="csv (stdout or --out) or gexf (one file per group in --out-dir)")
    p.add_argument("--out-dir", metavar="DIR", default=None,
                   help="folder for the GEXF files (required with --format gexf)")
    p.add_argument("--codebook", metavar="FILE", default=None,
                   help="a user codebook (YAML) added to the bundled actors")
    p.add_argument("--exclude-type", action="append", default=[], metavar="TYPE",
                   help="leave out actors of this codebook type (repeatable): person, "
                        "organisation, state, 'international organisation', 'armed group' "
                        "or media, e.g. --exclude-type media for the outlets a report cites "
                        "as its sources")
    add_n_jobs_arg(p, step="finding the actor mentions")
    add_table_args(p)
    p.set_defaults(func=_cmd_cooccurrence)


def _cmd_cooccurrence(args) -> int:
    from .actors import corpus_mentions, load_codebook
    from .cooccurrence import cooccurrence, graphs, without_types, write_gexf

    if args.format == "gexf" and not args.out_dir:
        raise ValueError("--format gexf writes one file per group: give --out-dir DIR")
    if args.exclude_type:
        from .actors import ACTOR_TYPES

        bad = [t for t in args.exclude_type if t not in ACTOR_TYPES]
        if bad:
            raise ValueError(f"--exclude-type {bad[0]!r} is invalid; choose from "
                             f"{', '.join(ACTOR_TYPES)}")
    corpus = load_corpus_reporting(args)
    by = _group_column(corpus, args.by)
    mentions = corpus_mentions(corpus, codebook=args.codebook, n_jobs=args.n_jobs)
    codebook = None
    if args.exclude_type or args.format == "gexf":
        codebook = load_codebook(extra=args.codebook)
    if args.exclude_type:
        mentions = without_types(mentions, codebook, types=args.exclude_type)
    edges = cooccurrence(mentions, unit=args.unit, measure=args.measure,
                         min_count=args.min_count, by=by, units=corpus)
    if args.format == "csv":
        write_table(edges, args)
        return EXIT_OK
    out_dir = Path(args.out_dir)
    for group, graph in graphs(edges, mentions, codebook, by=by, corpus=corpus).items():
        path = write_gexf(graph, out_dir / f"{_safe_filename(group)}.gexf")
        print(f"corpus-utils cooccurrence: wrote {path} ({graph.number_of_nodes()} actors, "
              f"{graph.number_of_edges()} pairs)", file=sys.stderr)
    return EXIT_OK


# ---- keyness, kwic (issue 9)


_nonnegative_int = int_at_least(0)


@_subcommand
def _build_keyness(sub) -> None:
    from .keyness import KEYNESS_COLUMNS, MEASURES

    p = sub.add_parser(
        "keyness", help="key terms of one group against the rest (notebook 03)",
        description="Keyness of the Arabic analysis terms of one group of documents against "
                    "the others (or against --reference): Dunning's G2 (signed, uncorrected: no "
                    "Yates or Williams correction), its p and Benjamini-Hochberg p_adj, Hardie's "
                    "Log Ratio, the log-odds z with an informative Dirichlet prior (Monroe et al. "
                    "2008; prior = whole-corpus count x --prior-scale), frequencies per 1,000 "
                    "tokens, document counts, and 'robust' (key at |G2| >= 6.63 and still "
                    "|G2| >= 3.84 in the same direction with any one document left out). "
                    f"Columns: {','.join(KEYNESS_COLUMNS)}. Floats at full precision.")
    add_corpus_args(p)
    p.add_argument("--group-by", default="era", metavar="COL",
                   help="metadata column defining the groups (default era)")
    p.add_argument("--target", required=True, metavar="VALUE", help="the group to describe")
    p.add_argument("--reference", default=None, metavar="VALUE",
                   help="compare with this group only (default: every other document)")
    p.add_argument("--measure", choices=tuple(MEASURES), default="g2",
                   help="sort order only, descending (default g2)")
    p.add_argument("--min-count", type=_nonnegative_int, default=3, metavar="N",
                   help="show terms occurring at least N times in target + reference (default 3)")
    p.add_argument("--min-docs", type=_nonnegative_int, default=1, metavar="N",
                   help="show terms found in at least N documents of target + reference "
                        "(default 1)")
    p.add_argument("--prior-scale", type=float, default=1.0, metavar="X",
                   help="log-odds prior = whole-corpus count x X (default 1)")
    p.add_argument("--format", choices=("csv",), default="csv", help="output format (csv)")
    add_stopword_args(p)
    add_n_jobs_arg(p, step="counting the terms of the documents")
    add_table_args(p)
    p.set_defaults(func=_cmd_keyness)


def _cmd_keyness(args) -> int:
    from .keyness import keyness_by_group

    corpus = load_corpus_reporting(args)
    table = keyness_by_group(corpus, group_by=args.group_by, target=args.target,
                             reference=args.reference, min_count=args.min_count,
                             min_docs=args.min_docs, measure=args.measure,
                             prior_scale=args.prior_scale, n_jobs=args.n_jobs,
                             **stopword_options_from_args(args))
    write_table(table, args)   # float_format None: shortest repr, reads back exactly
    return EXIT_OK


@_subcommand
def _build_kwic(sub) -> None:
    p = sub.add_parser(
        "kwic", help="keyword in context: every occurrence of a term, original spelling",
        description="Every occurrence of TERM (one or more words, any spelling), matched on "
                    "normalised, clitic-stripped tokens, with WINDOW words of context on each "
                    "side in the original spelling. CSV columns doc_id,file,date,era,line,"
                    "start,end,left,match,right (line = raw file line; start/end = offsets "
                    "into the raw text), or an escaped right-to-left HTML page.")
    p.add_argument("term", metavar="TERM", help="the word or words to find, e.g. 'مجلس الأمن'")
    add_corpus_args(p)
    p.add_argument("--window", type=_nonnegative_int, default=7, metavar="N",
                   help="words of context on each side (default 7)")
    p.add_argument("--match", choices=("term", "stem"), default="term",
                   help="term: the same normalised clitic-stripped form (default); stem: any "
                        "form sharing its stem")
    p.add_argument("--unit", choices=("paragraph", "sentence"), default="paragraph",
                   help="contexts stay inside this unit (default paragraph)")
    p.add_argument("--format", choices=("csv", "html"), default="csv", help="csv or html")
    add_table_args(p)
    p.set_defaults(func=_cmd_kwic)


def _kwic_units(corpus, unit: str):
    from . import corpus as corpus_mod

    return corpus_mod.paragraphs(corpus) if unit == "paragraph" else corpus_mod.sentences(corpus)


def _cmd_kwic(args) -> int:
    import html

    from .keyness import kwic

    corpus = load_corpus_reporting(args)
    lines = kwic(corpus, args.term, window=args.window, match=args.match,
                 units=_kwic_units(corpus, args.unit))
    if lines.empty:
        print(f"corpus-utils kwic: no occurrence of {args.term!r}", file=sys.stderr)
    if args.format == "csv":
        write_table(lines, args)
        return EXIT_OK
    from .display import kwic_html

    meta = [c for c in ("doc_id", "era", "line") if c in lines.columns]
    table = kwic_html(lines, meta_columns=meta, max_rows=None).data
    title = html.escape(f"KWIC: {args.term}")
    page = ("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n</head>\n<body>\n<h1 dir=\"auto\">{title}</h1>\n"
            f"<p dir=\"ltr\" style=\"text-align:left\">{len(lines)} line(s); window "
            f"{args.window} words; match by {args.match}</p>\n{table}\n</body>\n</html>\n")
    write_text(page, args, excel=False)
    return EXIT_OK


@_subcommand
def _build_themes(sub) -> None:
    p = sub.add_parser(
        "themes", help="theme dictionary rates per 1,000 words by group (notebook 03)",
        description="Matches of the theme dictionary (corpus_utils/data/themes.yml, plus "
                    "--themes FILE) per 1,000 words of each group: CSV theme,label,group,"
                    "matches,words,per_1000,n_docs; with --matches every match as a KWIC line "
                    "with its theme, term and gloss; with --list the dictionary itself.")
    add_corpus_args(p)
    p.add_argument("--by", default=None, metavar="COL",
                   help="group by this metadata column (default era when present; 'none' for "
                        "one group)")
    p.add_argument("--themes", metavar="FILE", default=None,
                   help="a YAML overlay adding terms or themes to the bundled dictionary")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--matches", action="store_true", help="print every match (KWIC lines)")
    what.add_argument("--list", action="store_true", help="print the dictionary and exit")
    p.add_argument("--window", type=_nonnegative_int, default=7, metavar="N",
                   help="words of context with --matches (default 7)")
    add_table_args(p)
    p.set_defaults(func=_cmd_themes)


def _cmd_themes(args) -> int:
    from .themes import load_themes, theme_matches, theme_rates

    themes = load_themes(overlay=args.themes)
    if args.list:
        write_table(themes, args)
        return EXIT_OK
    corpus = load_corpus_reporting(args)
    if args.matches:
        write_table(theme_matches(corpus, themes=themes, window=args.window), args)
    else:
        write_table(theme_rates(corpus, by=_group_column(corpus, args.by), themes=themes), args)
    return EXIT_OK




# --------------------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corpus-utils",
        description="Computational text analysis of Arabic political news. Subcommands mirror "
                    "the notebooks and write CSV (or JSON lines, GEXF) to stdout or --out.")
    parser.add_argument("--version", action="version", version=f"corpus-utils {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for builder in _BUILDERS:
        builder(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``corpus-utils`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from .errors import CorpusError

    try:
        return int(args.func(args) or EXIT_OK)
    except CorpusError as exc:
        print(f"corpus-utils {args.command}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (InputError, FileNotFoundError, UnicodeError) as exc:
        print(f"corpus-utils {args.command}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ValueError as exc:
        print(f"corpus-utils {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `corpus-utils actors | head`
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
