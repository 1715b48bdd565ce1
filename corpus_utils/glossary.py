"""The glossary: normalised Arabic term -> English gloss, for labels and tables.

``corpus_utils/data/glossary.csv`` has three columns, ``term,gloss,note``, one row per term,
sorted by term. ``term`` is the normalised, clitic-stripped form that
:func:`corpus_utils.arabic.terms` shows to readers (``ائتلاف``, not ``والائتلاف``);
``gloss`` is a short English equivalent; ``note`` says more where it helps (who a name is,
a literal sense, a second sense). Every gloss is the package's own translation, written
for these texts, not a dictionary's.

Each notebook grows the glossary for the terms it shows: append rows, then keep the file
tidy (normalised, one row per term, sorted) with::

    from corpus_utils import arabic, glossary
    lexicon = arabic.build_lexicon(corpus["text"])
    glossary.write_rows(glossary.tidy_rows(glossary.read_rows(), lexicon=lexicon))

and check with :func:`missing_glosses` (notebooks print how many shown terms lack one).
A missing gloss is an empty string, never an error: labels then show the Arabic alone and
CSV output an empty ``gloss`` column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .paths import DATA_DIR

#: The bundled glossary.
GLOSSARY_PATH = DATA_DIR / "glossary.csv"
#: Its columns, in order.
COLUMNS = ("term", "gloss", "note")


def _normalize(term: str) -> str:
    from .arabic import normalize

    return normalize(term).strip()


def read_rows(path: str | Path | None = None) -> list[dict[str, str]]:
    """The glossary file's rows as written (keys not normalised), for editing and checks.

    Args:
        path: a CSV with columns ``term,gloss,note`` (``note`` optional); default the
            bundled glossary.

    Returns:
        One dict per row with keys ``term``, ``gloss``, ``note`` (missing values as '').

    Raises:
        ValueError: the file lacks a ``term`` or ``gloss`` column.

    >>> read_rows()[0].keys() == {"term", "gloss", "note"}
    True
    """
    path = Path(GLOSSARY_PATH if path is None else path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in ("term", "gloss") if c not in header]
        if missing:
            raise ValueError(f"glossary {str(path)!r} has columns {header!r}; it needs term, gloss "
                             f"(and optionally note); missing {missing!r}")
        return [{c: (row.get(c) or "").strip() for c in COLUMNS} for row in reader]


class _Table(NamedTuple):
    glosses: dict[str, str]   # normalised term -> gloss (non-empty)
    lexicon: frozenset[str]   # its terms, for the clitic fallback of gloss()


def _table(pairs: Iterable[tuple[str, str]]) -> _Table:
    """Index (term, gloss) pairs by the normalised term and, for a single word, also by its
    analysis term (so an entry written ``الأسد`` is found for the shown term ``اسد``)."""
    glosses: dict[str, str] = {}
    forms: dict[str, str] = {}
    for term, text in pairs:
        key, text = _normalize(str(term)), str(text).strip()
        if not key or not text or key in glosses:
            continue
        glosses[key] = text
        if " " not in key:
            form = _term_form(key, None)
            if form and form != key:
                forms.setdefault(form, text)
    for form, text in forms.items():
        glosses.setdefault(form, text)
    return _Table(glosses, frozenset(glosses))


def _lookup_table(path: str) -> _Table:
    """The normalised lookup table of a glossary file, re-read when the file changes."""
    return _cached_table(path, Path(path).stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _cached_table(path: str, mtime_ns: int) -> _Table:
    return _table((row["term"], row["gloss"]) for row in read_rows(path))


def load_glossary(path: str | Path | None = None, *, as_dict: bool = False):
    """Load a glossary (default the bundled one).

    Args:
        path: a CSV with columns ``term,gloss,note``; default ``data/glossary.csv``.
        as_dict: return the lookup table instead: ``{normalised term: gloss}``, plus each
            single-word entry under its analysis term where that differs (an entry
            ``الأسد`` is also found as ``اسد``).

    Returns:
        A DataFrame with columns ``term``, ``gloss``, ``note`` (strings, '' when empty),
        terms normalised with :func:`corpus_utils.arabic.normalize`, sorted by term; or
        the dict.

    >>> load_glossary(as_dict=True)["كيري"]
    'Kerry'
    """
    path = str(GLOSSARY_PATH if path is None else path)
    if as_dict:
        return dict(_lookup_table(path).glosses)
    import pandas as pd

    rows = read_rows(path)
    for row in rows:
        row["term"] = _normalize(row["term"])
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    return df.sort_values("term", kind="mergesort").reset_index(drop=True)


@lru_cache(maxsize=8192)
def _term_form(word: str, lexicon: frozenset[str] | None) -> str:
    """The analysis term of a single word (clitics stripped), or '' if it has none."""
    from .arabic import terms

    found = terms(word, lexicon=lexicon) if lexicon is not None else terms(word)
    return found[0].term if len(found) == 1 else ""


def gloss(term: str, *, glossary: Mapping[str, str] | str | Path | None = None) -> str:
    """The English gloss of an Arabic term, or '' when the glossary has none.

    The term is normalised (:func:`corpus_utils.arabic.normalize`) before the lookup, so
    spelling variants (``الأسد``/``الاسد``, diacritics, tatweel) find the same entry. A
    single word not found as it is is looked up once more as its analysis term (clitics
    stripped), so ``والائتلاف`` finds the gloss of ``ائتلاف``.

    Args:
        term: the term (any spelling).
        glossary: a dict of term -> gloss (keys are normalised here), or a path to a
            glossary CSV; default the bundled glossary.

    Returns:
        The gloss, or '' when missing.

    >>> gloss("كيري"), gloss("no such term")
    ('Kerry', '')
    """
    return _gloss(term, _resolve(glossary))


def _gloss(term: str, table: _Table) -> str:
    """Lookup in a table whose keys are already normalised."""
    if not isinstance(term, str):
        return ""
    key = _normalize(term)
    if not key:
        return ""
    found = table.glosses.get(key, "")
    if not found and " " not in key:
        # the word's analysis term; the glossary's own terms serve as the lexicon, so a
        # plain proclitic or a pronoun suffix is split off only where the rest has a gloss
        form = _term_form(key, table.lexicon)
        if form and form != key:
            found = table.glosses.get(form, "")
    return found


def add_glosses(df, *, term_col: str = "term", gloss_col: str = "gloss",
                glossary: Mapping[str, str] | str | Path | None = None):
    """A copy of ``df`` with a ``gloss`` column ('' where the glossary has none).

    Args:
        df: a DataFrame with a column of Arabic terms.
        term_col: that column.
        gloss_col: name of the new column.
        glossary: as in :func:`gloss`.

    Returns:
        The new DataFrame (``df`` itself is not changed).

    >>> import pandas as pd
    >>> add_glosses(pd.DataFrame({"term": ["كيري", "؟؟"]}))["gloss"].tolist()
    ['Kerry', '']
    """
    if term_col not in df.columns:
        raise ValueError(f"term_col = {term_col!r} not found; the table has {list(df.columns)!r}")
    table = _resolve(glossary)
    out = df.copy()
    out[gloss_col] = [_gloss(t, table) for t in df[term_col].tolist()]
    return out


def missing_glosses(terms: Iterable[str], *, glossary: Mapping[str, str] | str | Path | None = None) -> list[str]:
    """The terms that have no gloss, each once, in the order first seen.

    Args:
        terms: terms as shown (a list, a Series, a DataFrame column ...).
        glossary: as in :func:`gloss`.

    Returns:
        The terms lacking a gloss.

    >>> missing_glosses(["كيري", "؟؟", "؟؟"])
    ['؟؟']
    """
    if isinstance(terms, str):
        raise ValueError(f"terms = {terms!r} is invalid; pass a list of terms, not one string")
    table = _resolve(glossary)
    seen: set[str] = set()
    out = []
    for t in terms:
        t = "" if t is None else str(t)
        if t in seen:
            continue
        seen.add(t)
        if not _gloss(t, table):
            out.append(t)
    return out


def _resolve(glossary) -> _Table:
    """A lookup table with normalised keys from a dict, a path or None (the bundled file)."""
    if isinstance(glossary, Mapping):
        return _table(glossary.items())
    if glossary is not None and not isinstance(glossary, (str, Path)):
        raise ValueError(f"glossary = {glossary!r} is invalid; use a dict, a path to a CSV or None")
    return _lookup_table(str(GLOSSARY_PATH if glossary is None else glossary))


def tidy_rows(rows: Iterable[Mapping[str, str]], *, lexicon: frozenset[str] | None = None
              ) -> list[dict[str, str]]:
    """Glossary rows as the file keeps them: terms normalised, one row per term, sorted.

    With a ``lexicon`` (:func:`corpus_utils.arabic.build_lexicon` of the corpus) each
    single-word term is also replaced by its analysis term, the form notebooks show
    (``ودعا`` -> ``دعا``). Rows repeating a term with the same gloss are merged.

    Args:
        rows: dicts with ``term``, ``gloss`` and optionally ``note`` (:func:`read_rows`).
        lexicon: attested word forms, to reduce terms to their analysis form.

    Returns:
        The tidy rows.

    Raises:
        ValueError: a term is given two different glosses, or a row has no term or gloss.

    >>> tidy_rows([{"term": "كيري", "gloss": "Kerry"}, {"term": "الأسد", "gloss": "Assad"}])[0]
    {'term': 'اسد', 'gloss': 'Assad', 'note': ''}
    """
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        term, text = str(row.get("term") or "").strip(), str(row.get("gloss") or "").strip()
        if not term or not text:
            raise ValueError(f"glossary row {dict(row)!r} is invalid; it needs a term and a gloss")
        key = _normalize(term)
        if " " not in key:
            key = _term_form(key, lexicon) or key
        new = {"term": key, "gloss": text, "note": str(row.get("note") or "").strip()}
        old = out.get(key)
        if old is None:
            out[key] = new
        elif old["gloss"] != text:
            raise ValueError(f"term {key!r} has two glosses, {old['gloss']!r} and {text!r}; keep one")
    return [out[k] for k in sorted(out)]


def write_rows(rows: Iterable[Mapping[str, str]], path: str | Path | None = None) -> Path:
    """Write glossary rows as UTF-8 CSV (``term,gloss,note``, ``\\n`` line ends).

    Args:
        rows: the rows, usually from :func:`tidy_rows`.
        path: the file; default the bundled glossary.

    Returns:
        The path written.
    """
    path = Path(GLOSSARY_PATH if path is None else path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.get(c, "") or "" for c in COLUMNS])
    return path
