"""The ``corpus-utils`` command line: a thin layer over the modules.

Conventions shared by every subcommand:

* ``CORPUS`` (optional positional) defaults to ``$CORPUS_UTILS_CORPUS`` or the bundled seeds;
* tables go to stdout as CSV unless ``--out FILE``; multi-file outputs take ``--out-dir DIR``;
* ``--format`` where more than one format exists; ``--excel`` writes CSV as UTF-8 with a
  byte-order mark so Excel shows Arabic;
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


def add_corpus_args(p: argparse.ArgumentParser, *, positional: bool = True) -> None:
    """``CORPUS``, ``--encoding`` and ``--skip-bad``."""
    if positional:
        p.add_argument("corpus", nargs="?", default=None, metavar="CORPUS",
                       help="corpus folder (.txt files + metadata.csv); default: "
                            "$CORPUS_UTILS_CORPUS or the bundled seeds")
    p.add_argument("--encoding", default="utf-8",
                   help="text encoding of the corpus files (e.g. cp1256); default utf-8")
    p.add_argument("--skip-bad", action="store_true",
                   help="load the readable files and report the skipped ones on stderr")


def add_table_args(p: argparse.ArgumentParser) -> None:
    """``--out`` and ``--excel``."""
    p.add_argument("--out", metavar="FILE", default=None, help="write to FILE instead of stdout")
    p.add_argument("--excel", action="store_true",
                   help="write CSV as UTF-8 with a byte-order mark (Excel shows Arabic)")


def load_corpus_from_args(args) -> "object":
    """Load the corpus named by ``args`` (raises CorpusError on problems)."""
    from .corpus import load_corpus

    return load_corpus(args.corpus, encoding=args.encoding,
                       on_error="skip" if getattr(args, "skip_bad", False) else "raise")


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
    p.set_defaults(func=_cmd_run)


def _cmd_run(args) -> int:
    from .runner import run_notebooks

    run_notebooks(out_dir=Path(args.out_dir), notebooks_dir=args.notebooks,
                  in_place=args.in_place, timeout=args.timeout, log=sys.stderr)
    return EXIT_OK


# ---- corpus (issue 3/5)

# ---- arabic (issue 4)

# ---- topics (issue 6)

# ---- actors (issue 7)

# ---- cooccurrence (issue 8)

# ---- keyness, kwic (issue 9)



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
