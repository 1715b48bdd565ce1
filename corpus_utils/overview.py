"""The corpus at a glance: sizes, the rebuild check, overlaps, and what the Arabic layer merges.

The computations behind notebook ``00-corpus-overview``, each a pure function over a
documents table (:func:`corpus_utils.corpus.load_corpus`) or a list of texts:

* :func:`is_seed_corpus` tells a notebook whether it is looking at the bundled seeds (so it
  can check the numbers its prose quotes, and skip those checks on a user's own corpus);
* :func:`document_sizes` gives one row per document with its metadata and the sizes that
  ``corpus-utils stats`` counts (paragraphs, sentences, word tokens);
* :func:`rebuild_check` proves, file by file, that cleaned text + cleaning audit give back
  the raw bytes;
* :func:`overlap_matrix` is the highest paragraph overlap of every pair of documents
  (the measure of :func:`corpus_utils.corpus.near_duplicates`);
* :func:`vocabulary_by_step` applies the normalisation steps of
  :data:`corpus_utils.arabic.NORMALIZATION_STEPS` one at a time, then the clitic split,
  the stop-word filter and the light stem, and reports the vocabulary after each with a
  sample of what the step merged;
* :func:`word_analysis` shows how single words are split and which corpus forms end up
  counted together (the stem itself, a feature key, is never shown);
* :func:`stopword_table` counts the stop words of a corpus and the list each comes from;
* :func:`frequent_terms` gives the most frequent terms per group with a leave-one-document-
  out check of how much each list depends on a single text.

Examples of merges are written ``A + B ← C``: in a right-to-left line (and in any line whose
words are all Arabic, which displays as one right-to-left run) that reads "A and B become C"
with the arrow pointing at the result.

References:
    Broder, A. Z. (1997). On the resemblance and containment of documents. *Compression and
    Complexity of Sequences*, 21-29. (paragraph overlap, see :func:`overlap_matrix`)
    Efron, B. (1982). *The Jackknife, the Bootstrap and Other Resampling Plans*. SIAM.
    (leave-one-out, see :func:`frequent_terms`)
    Larkey, L. S., Ballesteros, L. & Connell, M. E. (2007). Light stemming for Arabic
    information retrieval. In *Arabic Computational Morphology*, 221-243. Springer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "is_seed_corpus", "document_sizes", "rebuild_check", "overlap_matrix",
    "vocabulary_by_step", "word_analysis", "stopword_table", "frequent_terms",
    "VOCABULARY_COLUMNS", "FREQUENT_TERMS_COLUMNS",
]

#: Columns of :func:`vocabulary_by_step`.
VOCABULARY_COLUMNS = ["step", "kind", "what", "applied", "vocabulary", "fewer", "changed", "examples"]
#: Columns of :func:`frequent_terms`.
FREQUENT_TERMS_COLUMNS = ["group", "rank", "term", "count", "per_1000", "documents",
                          "group_documents", "loo_kept"]
#: Separator between merged forms, and the arrow to the result (see the module docstring).
PLUS = " + "
ARROW = " ← "
#: Separator of word lists in one cell.
LIST_SEP = "، "
_NONE_GROUP = "(none)"


# --------------------------------------------------------------------------- helpers


def _require_columns(df, columns: Sequence[str], what: str = "corpus") -> None:
    missing = [c for c in columns if c not in getattr(df, "columns", ())]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; pass a documents table from load_corpus()")


def _texts(texts: Any) -> list[str]:
    if isinstance(texts, str):
        raise ValueError("texts = a str is invalid; value must be a collection of texts "
                         "(wrap one text in a list)")
    try:
        out = list(texts)
    except TypeError:
        raise ValueError(f"texts = {type(texts).__name__} is invalid; value must be a collection "
                         f"of texts") from None
    bad = [type(t).__name__ for t in out if not isinstance(t, str)]
    if bad:
        raise ValueError(f"texts holds a {bad[0]}; every text must be a str")
    return out


def _check_count(name: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} = {value!r} is invalid; value must be an int >= {minimum}")
    return value


def _group_values(corpus, group_by: str | None) -> list[str]:
    if group_by is None:
        return ["all"] * len(corpus)
    if group_by not in corpus.columns:
        raise ValueError(f"group_by = {group_by!r} is not a column of the corpus; columns: "
                         f"{[c for c in corpus.columns if c not in ('raw_text', 'text')]}")
    out = []
    for v in corpus[group_by].tolist():
        text = "" if v is None or (not isinstance(v, str) and v != v) else str(v).strip()
        out.append(text or _NONE_GROUP)
    return out


def _by_frequency(counts: Counter) -> list[str]:
    """Keys, most frequent first, ties alphabetically."""
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


# --------------------------------------------------------------------------- the corpus


def is_seed_corpus(corpus) -> bool:
    """Whether a documents table holds exactly the bundled seed texts.

    True when the table has the seeds' files, each with the seed file's text (decoded,
    byte-order mark stripped), and nothing else, wherever the folder was loaded from.
    Notebooks use it to check the numbers their prose quotes only on the seeds.

    Args:
        corpus: a documents table from :func:`corpus_utils.corpus.load_corpus`.

    Returns:
        True or False.

    Raises:
        ValueError: ``corpus`` lacks the ``file`` or ``raw_text`` column.

    >>> from corpus_utils import load_corpus
    >>> is_seed_corpus(load_corpus())
    True
    """
    import csv

    from .paths import seeds_path

    _require_columns(corpus, ("file", "raw_text"))
    try:
        folder = seeds_path()
    except FileNotFoundError:
        return False
    with open(folder / "metadata.csv", encoding="utf-8-sig", newline="") as fh:
        files = [row["file"] for row in csv.DictReader(fh)]
    got = dict(zip(corpus["file"].astype(str), corpus["raw_text"]))
    if len(got) != len(corpus) or set(got) != set(files):
        return False
    return all(got[f] == (folder / f).read_bytes().decode("utf-8-sig") for f in files)


def _date_text(value: Any, precision: Any) -> str:
    if value is None or value != value:  # None, NaN, NaT
        return ""
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(str(precision), "%Y-%m-%d")
    return value.strftime(fmt) if hasattr(value, "strftime") else str(value)


def document_sizes(corpus, *, columns: Sequence[str] = ("era", "date", "outlet", "counterpart")):
    """One row per document: its metadata and the sizes ``corpus-utils stats`` counts.

    The sizes come from :func:`corpus_utils.corpus.corpus_stats` grouped by ``doc_id``, so
    they are the same numbers as ``corpus-utils stats --group-by doc_id``.

    Args:
        corpus: a documents table from :func:`corpus_utils.corpus.load_corpus`.
        columns: metadata columns to include, those the corpus has (others are skipped);
            ``date`` is written as text at its ``date_precision`` (``2015-05-01``, ``2015-05``).

    Returns:
        Columns ``doc_id``, the chosen metadata columns, ``paragraphs``, ``sentences``,
        ``tokens`` (word tokens of the cleaned text), in corpus order.

    Raises:
        ValueError: ``corpus`` is not a documents table or ``columns`` is a single string.

    >>> from corpus_utils import load_corpus
    >>> document_sizes(load_corpus())[["doc_id", "paragraphs"]].values.tolist()[:2]
    [['000', 7], ['001', 3]]
    """
    from .corpus import corpus_stats

    _require_columns(corpus, ("doc_id", "raw_text", "text"))
    if isinstance(columns, str):
        raise ValueError(f"columns = {columns!r} is invalid; pass a list of column names")
    stats = corpus_stats(corpus, group_by="doc_id").set_index("group")
    out = corpus[["doc_id"]].copy()
    for col in columns:
        if col not in corpus.columns or col == "doc_id":
            continue
        if col == "date":
            precision = corpus["date_precision"] if "date_precision" in corpus.columns else [None] * len(corpus)
            out[col] = [_date_text(v, p) for v, p in zip(corpus["date"].tolist(), list(precision))]
        else:
            out[col] = corpus[col].astype("str").where(corpus[col].notna(), "")
    ids = corpus["doc_id"].astype(str)
    for col in ("paragraphs", "sentences", "tokens"):
        out[col] = ids.map(stats[col]).fillna(0).astype("int64").values
    return out.reset_index(drop=True)


def rebuild_check(corpus):
    """Rebuild every raw file from its cleaned text and the cleaning audit, and compare.

    Uses :func:`corpus_utils.corpus.rebuild_raw`. The rebuilt bytes are compared with the
    file on disk when the corpus was loaded from a folder (``corpus.attrs["path"]``), else
    with ``raw_text`` encoded as the audit records.

    Args:
        corpus: a documents table from :func:`corpus_utils.corpus.load_corpus`.

    Returns:
        Columns ``doc_id, file, lines, taken_out, bytes, identical``: the raw file's physical
        lines, how many of them cleaning took out, its size in bytes, and whether the rebuilt
        bytes equal it.

    >>> from corpus_utils import load_corpus
    >>> bool(rebuild_check(load_corpus())["identical"].all())
    True
    """
    import pandas as pd

    from .corpus import cleaning_audit, rebuild_raw

    _require_columns(corpus, ("doc_id", "file", "raw_text", "text"))
    audit = cleaning_audit(corpus)
    folder = corpus.attrs.get("path")
    rows = []
    for doc_id, file, raw, text in zip(corpus["doc_id"], corpus["file"], corpus["raw_text"], corpus["text"]):
        mine = audit[audit["doc_id"] == doc_id]
        info = mine[mine["action"] == "file"].iloc[0]
        path = Path(folder) / str(file) if folder else None
        if path is not None and path.is_file():
            original = path.read_bytes()
        else:
            encoding = info["encoding"] if isinstance(info["encoding"], str) else "utf-8"
            original = raw.encode(encoding, errors="surrogatepass")
        rebuilt = rebuild_raw(text, mine)
        rows.append((doc_id, file, int(info["lines"]), int((mine["action"] != "file").sum()),
                     len(original), rebuilt == original))
    return pd.DataFrame(rows, columns=["doc_id", "file", "lines", "taken_out", "bytes", "identical"])


def overlap_matrix(corpus, *, shingle: int = 5):
    """The highest paragraph overlap between every pair of documents.

    For documents X and Y the cell is the largest ``overlap`` of
    :func:`corpus_utils.corpus.near_duplicates` over all pairs of a paragraph of X and a
    paragraph of Y (the share of the shorter paragraph's word shingles found in the other);
    0 when they share no shingle. Compare it with
    :data:`corpus_utils.corpus.NEAR_DUPLICATE_THRESHOLD`.

    Args:
        corpus: a documents table from :func:`corpus_utils.corpus.load_corpus`.
        shingle: words per shingle (default 5, as in ``near_duplicates``).

    Returns:
        A square DataFrame indexed and labelled by ``doc_id`` (corpus order), symmetric, with
        NaN on the diagonal.

    Raises:
        ValueError: ``shingle`` < 1.

    References:
        Broder, A. Z. (1997). On the resemblance and containment of documents.

    >>> from corpus_utils import load_corpus
    >>> round(float(overlap_matrix(load_corpus()).loc["001", "002"]), 3)
    0.065
    """
    import numpy as np
    import pandas as pd

    from .corpus import near_duplicates

    _require_columns(corpus, ("doc_id", "raw_text", "text"))
    ids = [str(d) for d in corpus["doc_id"]]
    pairs = near_duplicates(corpus, shingle=shingle, threshold=0.0)
    m = pd.DataFrame(0.0, index=ids, columns=ids)
    for a, b, v in zip(pairs["doc_id_a"], pairs["doc_id_b"], pairs["overlap"]):
        m.loc[a, b] = max(m.loc[a, b], float(v))
        m.loc[b, a] = m.loc[a, b]
    for d in ids:
        m.loc[d, d] = np.nan
    m.index.name = "doc_id"
    m.columns.name = "doc_id"
    return m


# --------------------------------------------------------------------------- the Arabic layer


def _step_row(step: str, kind: str, what: str, applied: bool, prev_of: dict, new_of: dict,
              counts: Counter, sample: int, *, arrow: bool = True) -> dict:
    """Compare two analyses of the same word types: prev_of / new_of map a surface type to
    its form before / after the step (None: dropped)."""
    prev_freq: Counter = Counter()
    groups: dict[str, Counter] = defaultdict(Counter)
    alive: dict[str, bool] = {}
    changed: set[str] = set()
    for surface, n in counts.items():
        p, q = prev_of[surface], new_of[surface]
        if p is None:
            continue
        prev_freq[p] += n
        if q is not None:
            groups[q][p] += n
            alive[p] = True
        else:
            alive.setdefault(p, False)
        if q != p:
            changed.add(p)
    vocabulary = len(groups)
    merges = [(q, forms) for q, forms in groups.items() if len(forms) > 1]
    merges.sort(key=lambda item: (-sum(item[1].values()), item[0]))
    examples = []
    for q, forms in merges[:sample]:
        left = PLUS.join(_by_frequency(forms))
        examples.append(f"{left}{ARROW}{q}" if arrow else left)
    if len(examples) < sample:
        dropped = Counter({p: prev_freq[p] for p, ok in alive.items() if not ok})
        for p in _by_frequency(dropped)[:sample - len(examples)]:
            examples.append(f"{p}{ARROW}∅")
    if not examples:  # spellings changed without merging
        renamed = Counter()
        for surface, n in counts.items():
            p, q = prev_of[surface], new_of[surface]
            if p is not None and q is not None and q != p:
                renamed[(p, q)] += n
        for (p, q), _ in sorted(renamed.items(), key=lambda kv: (-kv[1], kv[0]))[:sample]:
            examples.append(f"{p}{ARROW}{q}")
    return {"step": step, "kind": kind, "what": what, "applied": applied, "vocabulary": vocabulary,
            "fewer": len(prev_freq) - vocabulary, "changed": len(changed),
            "examples": " | ".join(examples)}


def vocabulary_by_step(texts: Iterable[str], *, sample: int = 3, morphology: bool = True,
                       lexicon: frozenset[str] | None = None):
    """Vocabulary size after each step of the Arabic layer, and what each step merges.

    The word tokens of the texts (:func:`corpus_utils.arabic.word_tokens`: words and
    numbers) are taken as written, then the steps of
    :data:`corpus_utils.arabic.NORMALIZATION_STEPS` are applied one at a time, in order,
    each on top of the steps before it that :func:`corpus_utils.arabic.normalize` applies
    by default. A step that is off by default (``teh_marbuta``) gets a row with
    ``applied=False`` showing what it *would* merge on top of the rows before it; the rows
    after it do not include it. With ``morphology`` three more rows follow: ``clitics``
    (the clitic-stripped base of :func:`corpus_utils.arabic.split_clitics`), ``stop words``
    (the terms of :func:`corpus_utils.arabic.terms`: stop words, numbers and bases under
    three letters dropped) and ``stems`` (the light stem; examples list the terms counted
    together, never the stem itself).

    Args:
        texts: the texts, e.g. ``corpus["text"]``.
        sample: how many merges to show per step (the most frequent first).
        morphology: add the clitic, stop-word and stem rows.
        lexicon: attested forms for the guarded splits; default
            :func:`corpus_utils.arabic.build_lexicon` of ``texts``.

    Returns:
        Columns ``step, kind, what, applied, vocabulary, fewer, changed, examples``:
        ``kind`` is ``"tokens"``, ``"normalisation"`` or ``"morphology"``; ``vocabulary`` the
        distinct forms after the step; ``fewer`` how many fewer than after the previous
        applied row; ``changed`` how many of the previous forms the step rewrote or dropped;
        ``examples`` up to ``sample`` merges written ``A + B ← C`` (most frequent first; a
        dropped form as ``A ← ∅``; a rewritten form as ``A ← B`` when nothing merged),
        separated by ``" | "``.

    Raises:
        ValueError: ``texts`` is a single string or holds a non-string, ``sample`` < 0.

    >>> steps = vocabulary_by_step(["أكد الوزير", "اكد الوزير"], morphology=False)
    >>> steps.set_index("step").loc[["raw", "alef"], ["vocabulary", "examples"]].values.tolist()
    [[3, ''], [2, 'أكد + اكد ← اكد']]
    """
    import pandas as pd

    from .arabic import (NORMALIZATION_STEPS, NORMALIZE_DEFAULTS, build_lexicon, normalize,
                         split_clitics, terms, word_tokens)

    texts = _texts(texts)
    _check_count("sample", sample, minimum=0)
    counts = Counter(t.text for text in texts for t in word_tokens(text))
    identity = {s: s for s in counts}
    rows = [{"step": "raw", "kind": "tokens", "what": "word types as written (words and numbers)",
             "applied": True, "vocabulary": len(counts), "fewer": 0, "changed": 0, "examples": ""}]
    names = [name for name, _, _ in NORMALIZATION_STEPS]
    done: set[str] = set()
    current = identity
    for name, _, what in NORMALIZATION_STEPS:
        on = bool(NORMALIZE_DEFAULTS.get(name, False))
        options = {n: (n in done or n == name) for n in names}
        new = {s: normalize(s, **options) for s in counts}
        rows.append(_step_row(name, "normalisation", what, on, current, new, counts, sample))
        if on:
            done.add(name)
            current = new
    if morphology:
        if lexicon is None:
            lexicon = build_lexicon(texts)
        base = {s: split_clitics(current[s], lexicon=lexicon)[1] for s in counts}
        rows.append(_step_row("clitics", "morphology",
                              "proclitics and pronoun suffixes split off (guarded by the lexicon)",
                              True, current, base, counts, sample))
        analysed = {s: (found[0] if (found := terms(s, lexicon=lexicon)) else None) for s in counts}
        term = {s: (a.term if a else None) for s, a in analysed.items()}
        rows.append(_step_row("stop words", "morphology",
                              "stop words, numbers and bases under three letters dropped",
                              True, base, term, counts, sample))
        stem_of = {s: (a.stem if a else None) for s, a in analysed.items()}
        rows.append(_step_row("stems", "morphology",
                              "terms with one light stem counted as one feature",
                              True, term, stem_of, counts, sample, arrow=False))
    return pd.DataFrame(rows, columns=VOCABULARY_COLUMNS)


def word_analysis(words: Sequence[str], texts: Iterable[str], *, lexicon: frozenset[str] | None = None):
    """How single words are split, and which forms of the corpus are counted together.

    For each word: its clitic split (:func:`corpus_utils.arabic.split_clitics` with the
    corpus lexicon), whether it is a stop word (:func:`corpus_utils.arabic.is_stopword`),
    Larkey's light10 stem for comparison (:func:`corpus_utils.arabic.light10`, which cuts
    ``بيان`` to ``بي``), and the normalised forms in ``texts`` that share its light stem,
    most frequent first. The package's stem itself is a feature key and is not shown.

    Args:
        words: the words to analyse, in any spelling.
        texts: the corpus texts (for the lexicon and the forms).
        lexicon: attested forms; default :func:`corpus_utils.arabic.build_lexicon` of ``texts``.

    Returns:
        Columns ``word, proclitic, base, suffix, stop_word, light10, same_stem, n_forms``:
        ``base`` is the clitic-stripped form (the term shown to readers unless the word is a
        stop word), ``same_stem`` the corpus forms sharing the word's stem joined with
        ``"، "``, ``n_forms`` how many there are.

    Raises:
        ValueError: ``words`` is a single string or holds a non-string; ``texts`` likewise.

    >>> word_analysis(["والائتلاف"], ["الائتلاف والائتلاف للائتلاف"]).at[0, "same_stem"]
    'الائتلاف، للائتلاف، والائتلاف'
    """
    import pandas as pd

    from .arabic import build_lexicon, is_stopword, light10, normalize, split_clitics, stem, word_tokens

    if isinstance(words, str):
        raise ValueError(f"words = {words!r} is invalid; pass a list of words")
    words = list(words)
    bad = [w for w in words if not isinstance(w, str) or not w.strip()]
    if bad:
        raise ValueError(f"words holds {bad[0]!r}; every word must be a non-empty str")
    texts = _texts(texts)
    if lexicon is None:
        lexicon = build_lexicon(texts)
    forms = Counter(normalize(t.text) for text in texts for t in word_tokens(text) if t.kind == "word")
    family: dict[str, Counter] = defaultdict(Counter)
    for form, n in forms.items():
        family[stem(form, lexicon=lexicon)][form] += n
    rows = []
    for w in words:
        pro, base, suf = split_clitics(w, lexicon=lexicon)
        same = _by_frequency(family.get(stem(w, lexicon=lexicon), Counter()))
        rows.append((w, pro, base, suf, is_stopword(w), light10(w), LIST_SEP.join(same), len(same)))
    return pd.DataFrame(rows, columns=["word", "proclitic", "base", "suffix", "stop_word", "light10",
                                       "same_stem", "n_forms"])


def stopword_table(texts: Iterable[str], *, news: bool = True):
    """The stop words of a corpus: each normalised word form, its count and its list.

    A word token is a stop word when :func:`corpus_utils.arabic.is_stopword` says so (the
    word or any clitic split of it is on a list), so ``وفي`` and ``والتي`` count.

    Args:
        texts: the texts.
        news: include the news function words and reporting verbs (as ``terms`` does).

    Returns:
        Columns ``word, count, share, list``, most frequent first: ``share`` is the count
        over all word tokens (words and numbers) of ``texts``; ``list`` is ``"spaCy"`` when
        spaCy's Arabic list has the word (or a split of it), else ``"news"``.

    Raises:
        ValueError: ``texts`` is a single string or holds a non-string.

    >>> stopword_table(["وفي المدينة أشار الوزير في بيان"])[["word", "list"]].values.tolist()
    [['اشار', 'news'], ['في', 'spaCy'], ['وفي', 'spaCy']]
    """
    import pandas as pd

    from .arabic import is_stopword, normalize, word_tokens

    texts = _texts(texts)
    tokens = [t for text in texts for t in word_tokens(text)]
    counts = Counter(normalize(t.text) for t in tokens if t.kind == "word")
    rows = []
    for word, n in counts.items():
        if is_stopword(word, news=news):
            rows.append((word, n, n / len(tokens), "spaCy" if is_stopword(word, news=False) else "news"))
    out = pd.DataFrame(rows, columns=["word", "count", "share", "list"])
    out = out.sort_values(["count", "word"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    out["count"] = out["count"].astype("int64")
    out["share"] = out["share"].astype("float64")
    return out


def _top(counts: Counter, forms: dict[str, str], top: int) -> list[str]:
    """Stems of the ``top`` largest counts (ties: the shown term alphabetically)."""
    ranked = sorted(((s, n) for s, n in counts.items() if n > 0), key=lambda kv: (-kv[1], forms[kv[0]], kv[0]))
    return [s for s, _ in ranked[:top]]


def frequent_terms(corpus, *, group_by: str | None = "era", top: int = 15, text_col: str = "text",
                   lexicon: frozenset[str] | None = None):
    """The most frequent terms of each group, with a leave-one-document-out check.

    Terms come from :func:`corpus_utils.arabic.corpus_terms` (one lexicon for the whole
    corpus) and are counted by stem; each is shown as its display form over the whole
    corpus (:func:`corpus_utils.arabic.display_forms`), so both groups label a stem alike.
    Ties are ranked by the shown term, alphabetically. ``loo_kept`` says how robust a term's
    place is: the group's list is recomputed with each of its documents left out in turn,
    and ``loo_kept`` is the share of those lists that still contain the term (NaN for a
    group of one document). With two or three documents per group, a term at 1/3 or 0 rests
    on a single text.

    Args:
        corpus: a documents table from :func:`corpus_utils.corpus.load_corpus`.
        group_by: the grouping column (default ``era``); None for one group ``all``.
            Empty values form the group ``(none)``.
        top: terms per group.
        text_col: the text column (default the cleaned ``text``).
        lexicon: attested forms; default :func:`corpus_utils.arabic.build_lexicon` of the texts.

    Returns:
        Columns ``group, rank, term, count, per_1000, documents, group_documents,
        loo_kept``: ``per_1000`` is the count per 1,000 terms of the group, ``documents``
        how many of the group's documents use the term; groups sorted, ranks from 1.

    Raises:
        ValueError: ``group_by`` or ``text_col`` is not a column, or ``top`` < 1.

    References:
        Efron, B. (1982). The Jackknife, the Bootstrap and Other Resampling Plans.

    >>> from corpus_utils import load_corpus
    >>> frequent_terms(load_corpus(), top=1)[["group", "term"]].values.tolist()
    [['khoja', 'ائتلاف'], ['mustafa', 'نظام']]
    """
    import pandas as pd

    from .arabic import build_lexicon, corpus_terms, display_forms

    _check_count("top", top, minimum=1)
    _require_columns(corpus, ("doc_id", text_col))
    groups = _group_values(corpus, group_by)
    texts = _texts(corpus[text_col].tolist())
    if lexicon is None:
        lexicon = build_lexicon(texts)
    per_doc = corpus_terms(texts, lexicon=lexicon)
    forms = display_forms(t for doc in per_doc for t in doc)
    doc_counts = [Counter(t.stem for t in doc) for doc in per_doc]
    members: dict[str, list[int]] = defaultdict(list)
    for k, g in enumerate(groups):
        members[g].append(k)
    rows = []
    for g in sorted(members):
        idx = members[g]
        total = sum((doc_counts[k] for k in idx), Counter())
        n_terms = sum(total.values())
        chosen = _top(total, forms, top)
        runs = []
        if len(idx) > 1:
            for left_out in idx:
                rest = sum((doc_counts[k] for k in idx if k != left_out), Counter())
                runs.append(set(_top(rest, forms, top)))
        for rank, s in enumerate(chosen, 1):
            used = sum(1 for k in idx if doc_counts[k][s])
            kept = sum(s in r for r in runs) / len(runs) if runs else float("nan")
            rows.append((g, rank, forms[s], total[s], 1000 * total[s] / n_terms, used, len(idx), kept))
    out = pd.DataFrame(rows, columns=FREQUENT_TERMS_COLUMNS)
    for col in ("rank", "count", "documents", "group_documents"):
        out[col] = out[col].astype("int64")
    for col in ("per_1000", "loo_kept"):
        out[col] = out[col].astype("float64")
    out["group"] = out["group"].astype("str")
    out["term"] = out["term"].astype("str")
    return out
