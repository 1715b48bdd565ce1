"""Keyness (which terms one group of documents uses more than another) and KWIC.

Distant reading and close reading side by side: :func:`keyness` scores every term of a
vocabulary on a 2x2 contingency table (term / all other terms x target / reference), and
:func:`kwic` shows each occurrence of a term in its context, in the original spelling, with
positions that point back into the raw file.

Measures, per term (``a`` = count in the target, ``b`` = count in the reference, ``c`` and
``d`` = the two groups' token totals):

* **G2** (Dunning 1993), the log-likelihood ratio of the full 2x2 table
  ``[[a, b], [c - a, d - b]]``: ``G2 = 2 * sum(O * ln(O / E))`` over the four cells, with
  ``E`` from the margins. It is *uncorrected* (no Yates continuity correction, no Williams
  correction) and *signed*: positive when the term is relatively more frequent in the target.
  Rayson & Garside (2000) made it the standard statistic for corpus comparison; their
  two-cell short form ignores the "other terms" row and differs slightly from the full table
  used here, which equals ``scipy.stats.chi2_contingency(table, correction=False,
  lambda_="log-likelihood")``. p-values from chi-squared with 1 degree of freedom; a term is
  *key* when ``|G2| >= 6.63`` (p < .01) in its direction.
* **p_adj**: Benjamini & Hochberg (1995) false-discovery-rate adjusted p-values, over the
  terms in the table.
* **Log Ratio** (Hardie 2014): ``log2((a / c) / (b / d))``, an effect size; a zero count is
  replaced by 0.5 so the ratio stays finite. +1 means twice as frequent in the target.
* **Log-odds z** (Monroe, Colaresi & Quinn 2008, informative Dirichlet prior): with prior
  ``alpha_w`` = the term's whole-corpus count times ``prior_scale`` (default 1) and
  ``alpha_0 = sum(alpha_w)``, ``delta = ln((a + alpha_w) / (c + alpha_0 - a - alpha_w)) -
  ln((b + alpha_w) / (d + alpha_0 - b - alpha_w))``, ``var = 1 / (a + alpha_w) + 1 / (b +
  alpha_w)``, ``z = delta / sqrt(var)``. The prior shrinks rare terms towards zero.

Scale. The counts are streamed (:func:`corpus_utils.cache.term_matrix`: one document's
(term, stem) pairs at a time, never the corpus's Term objects), with the corpus lexicon
built once per corpus and shared with the topics and KWIC (:func:`corpus_utils.cache.lexicon`).
Every measure is computed over the whole vocabulary at once, and the ``robust`` column's
leave-one-document-out check is exact and sparse: one G2 per non-zero (document, term)
count, plus one per distinct document length for the documents without the term.
:func:`leave_one_out`, whose table has a row per document and term, refuses more than
:data:`LEAVE_ONE_OUT_MAX_ROWS` rows and says so. :func:`keyness_by_group` takes ``n_jobs``
to count the terms on several processes, with the same table.

References:
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *Journal of
    the Royal Statistical Society B* 57(1), 289-300.
    Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
    *Computational Linguistics* 19(1), 61-74.
    Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for Corpus
    Approaches to Social Science (CASS), Lancaster University.
    Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' words: lexical feature
    selection and evaluation for identifying the content of political conflict. *Political
    Analysis* 16(4), 372-403.
    Rayson, P. & Garside, R. (2000). Comparing corpora using frequency profiling. *Workshop
    on Comparing Corpora*, ACL 2000, 1-6.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Critical value of chi-squared (1 df) at p = .01: a term is "key" at |G2| >= KEY_G2.
KEY_G2 = 6.63
#: Critical value at p = .05, used by the leave-one-document-out robustness check.
ROBUST_G2 = 3.84
#: :func:`leave_one_out` refuses to build a table of more rows than this (documents x terms;
#: about 100 bytes a row): on a large corpus, pass the terms to examine.
LEAVE_ONE_OUT_MAX_ROWS = 5_000_000

#: ``--measure`` names -> the column they sort by (descending).
MEASURES = {"g2": "g2", "logratio": "log_ratio", "logodds": "log_odds_z"}

#: The columns of :func:`keyness_by_group` (and of ``corpus-utils keyness``), in order.
KEYNESS_COLUMNS = [
    "term", "gloss", "n_target", "n_reference", "total_target", "total_reference",
    "freq_target", "freq_reference", "n_docs_target", "n_docs_reference",
    "g2", "p", "p_adj", "log_ratio", "log_odds_z", "robust",
]

#: The columns of :func:`kwic`, in order.
KWIC_COLUMNS = ["doc_id", "file", "date", "era", "line", "start", "end", "left", "match", "right"]

_STAT_COLUMNS = [
    "term", "n_target", "n_reference", "total_target", "total_reference",
    "freq_target", "freq_reference", "n_docs_target", "n_docs_reference",
    "g2", "p", "p_adj", "log_ratio", "log_odds_z",
]

#: A physical line break in a raw file (the corpus issue's definition of ``line``).
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


# --------------------------------------------------------------------------- statistics


def _as_counts(counts: Any, name: str) -> "pd.Series":
    import numpy as np
    import pandas as pd

    if isinstance(counts, pd.Series):
        s = counts.copy()
    elif isinstance(counts, Mapping):
        s = pd.Series(dict(counts), dtype="float64")
    else:
        raise ValueError(f"{name} = {type(counts).__name__} is invalid; pass a mapping or a "
                         "pandas Series of term -> count")
    s.index = s.index.astype(str)
    if s.index.has_duplicates:
        dup = s.index[s.index.duplicated()][0]
        raise ValueError(f"{name} has the term {dup!r} twice; each term must appear once")
    values = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = values[~np.isfinite(values) | (values < 0) | (values != np.floor(values))]
    if len(bad):
        raise ValueError(f"{name}[{bad.index[0]!r}] = {s[bad.index[0]]!r} is invalid; counts "
                         "must be non-negative whole numbers")
    return values


def benjamini_hochberg(p: Sequence[float]) -> "np.ndarray":
    """Benjamini-Hochberg adjusted p-values (false discovery rate), in the input order.

    ``p_adj[(i)] = min over j >= i of p[(j)] * m / j`` for the p-values sorted ascending,
    capped at 1. A term with ``p_adj < q`` is a discovery at false discovery rate ``q``.

    Args:
        p: raw p-values, each in [0, 1].

    Returns:
        A float array of the same length.

    References:
        Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a
        practical and powerful approach to multiple testing. *JRSS B* 57(1), 289-300.

    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20]).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.2]
    """
    import numpy as np

    arr = np.asarray(p, dtype="float64")
    if arr.ndim != 1:
        raise ValueError(f"p has shape {arr.shape}; pass a one-dimensional sequence")
    if arr.size and (np.isnan(arr).any() or arr.min() < 0 or arr.max() > 1):
        raise ValueError(f"p contains {arr[np.isnan(arr) | (arr < 0) | (arr > 1)][0]!r}; "
                         "p-values must lie in [0, 1]")
    m = arr.size
    if m == 0:
        return arr.copy()
    order = np.argsort(arr, kind="mergesort")
    ranked = arr[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    return out


def _g2(a, b, c, d):
    """Signed G2 of the tables [[a, b], [c - a, d - b]], vectorised.

    The arithmetic follows scipy's ``chi2_contingency`` step by step (margins, expected =
    row * column / N, ``2 * xlogy(O, O / E)`` summed in the same order) so the two agree to
    rounding.
    """
    import numpy as np
    from scipy.special import xlogy

    o11, o12 = a, b
    o21, o22 = c - a, d - b
    n = ((o11 + o12) + o21) + o22
    r1, r2 = o11 + o12, o21 + o22
    k1, k2 = o11 + o21, o12 + o22
    with np.errstate(divide="ignore", invalid="ignore"):
        total = 0.0
        for o, r, k in ((o11, r1, k1), (o12, r1, k2), (o21, r2, k1), (o22, r2, k2)):
            e = r * k / n
            total = total + 2.0 * xlogy(o, o / e)
        # an empty row or column (a term absent from both groups, a group without tokens)
        # makes the table degenerate: no evidence either way
        g2 = np.where((r1 > 0) & (r2 > 0) & (k1 > 0) & (k2 > 0), total, 0.0)
        g2 = np.where(np.isfinite(g2), g2, 0.0)
        sign = np.sign(a * d - b * c)
    return sign * np.abs(g2)


def keyness(target_counts: Mapping[str, int] | "pd.Series",
            reference_counts: Mapping[str, int] | "pd.Series", *,
            total_target: int | None = None, total_reference: int | None = None,
            n_docs_target: Mapping[str, int] | "pd.Series" | None = None,
            n_docs_reference: Mapping[str, int] | "pd.Series" | None = None,
            prior_counts: Mapping[str, int] | "pd.Series" | None = None,
            prior_scale: float = 1.0) -> "pd.DataFrame":
    """Keyness of every term of a target against a reference, vectorised over the vocabulary.

    Args:
        target_counts: term -> count in the target group.
        reference_counts: term -> count in the reference group.
        total_target: tokens in the target (the denominator of relative frequencies);
            default the sum of ``target_counts``. Must be at least that sum.
        total_reference: the same for the reference.
        n_docs_target: term -> number of target documents containing it (optional; copied
            into the table, <NA> when not given).
        n_docs_reference: the same for the reference.
        prior_counts: term -> whole-corpus count for the log-odds prior; default target +
            reference counts. Pass the counts of the whole corpus when the reference is
            only part of what is outside the target.
        prior_scale: multiplies the prior counts (Monroe et al.'s informative prior has
            ``alpha_w`` = scale x whole-corpus count); must be > 0. Larger values shrink
            more.

    Returns:
        One row per term counted in the target or the reference, sorted by ``g2``
        descending (target's key terms first), with columns ``term, n_target,
        n_reference, total_target, total_reference, freq_target, freq_reference`` (per
        1,000 tokens) ``, n_docs_target, n_docs_reference, g2`` (signed, uncorrected)
        ``, p, p_adj`` (Benjamini-Hochberg over these rows) ``, log_ratio, log_odds_z``.

    References:
        Dunning (1993); Rayson & Garside (2000); Hardie (2014); Monroe, Colaresi & Quinn
        (2008); Benjamini & Hochberg (1995): see the module docstring.

    >>> t = keyness({"قصف": 10, "حلب": 0}, {"قصف": 5, "حلب": 4},
    ...             total_target=1000, total_reference=2000)
    >>> t[["term", "log_ratio"]].to_dict("records")
    [{'term': 'قصف', 'log_ratio': 2.0}, {'term': 'حلب', 'log_ratio': -2.0}]
    """
    import numpy as np
    import pandas as pd
    from scipy.special import chdtrc   # chi-squared survival function; lighter than scipy.stats

    if not (isinstance(prior_scale, (int, float)) and np.isfinite(prior_scale) and prior_scale > 0):
        raise ValueError(f"prior_scale = {prior_scale!r} is invalid; it must be a number > 0")
    tgt = _as_counts(target_counts, "target_counts")
    ref = _as_counts(reference_counts, "reference_counts")
    vocab = tgt.index.union(ref.index, sort=False)
    a = tgt.reindex(vocab, fill_value=0.0).to_numpy()
    b = ref.reindex(vocab, fill_value=0.0).to_numpy()
    keep = (a + b) > 0
    vocab, a, b = vocab[keep], a[keep], b[keep]

    def _total(value, counts, name):
        s = float(counts.sum())
        if value is None:
            return s
        if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or value < s:
            raise ValueError(f"{name} = {value!r} is invalid; it must be a whole number >= the "
                             f"sum of the counts ({s:g})")
        return float(value)

    c = _total(total_target, tgt, "total_target")
    d = _total(total_reference, ref, "total_reference")

    if prior_counts is None:
        prior = a + b
        alpha0 = float(prior.sum()) * prior_scale
    else:
        pc = _as_counts(prior_counts, "prior_counts")
        prior = pc.reindex(vocab, fill_value=0.0).to_numpy()
        if (prior < a + b).any():
            bad = vocab[np.argmax(prior < a + b)]
            raise ValueError(f"prior_counts[{bad!r}] = {pc.get(bad, 0):g} is invalid; a "
                             "whole-corpus count cannot be below target + reference counts")
        alpha0 = float(pc.sum()) * prior_scale
    alpha = prior * prior_scale

    def _docs(value, name):
        if value is None:
            return pd.array([pd.NA] * len(vocab), dtype="Int64")
        s = _as_counts(value, name).reindex(vocab, fill_value=0.0)
        return s.astype("int64").to_numpy()

    g2 = _g2(a, b, c, d)
    p = chdtrc(1, np.abs(g2))
    with np.errstate(divide="ignore", invalid="ignore"):
        freq_t = a / c * 1000 if c > 0 else np.zeros_like(a)
        freq_r = b / d * 1000 if d > 0 else np.zeros_like(b)
        if c > 0 and d > 0:
            log_ratio = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
        else:
            log_ratio = np.zeros_like(a)
        delta = (np.log((a + alpha) / (c + alpha0 - a - alpha))
                 - np.log((b + alpha) / (d + alpha0 - b - alpha)))
        z = delta / np.sqrt(1.0 / (a + alpha) + 1.0 / (b + alpha))
        z = np.where(np.isfinite(z), z, 0.0)

    table = pd.DataFrame({
        "term": pd.array(vocab, dtype="str"),
        "n_target": a.astype("int64"),
        "n_reference": b.astype("int64"),
        "total_target": np.full(len(vocab), int(c), dtype="int64"),
        "total_reference": np.full(len(vocab), int(d), dtype="int64"),
        "freq_target": freq_t,
        "freq_reference": freq_r,
        "n_docs_target": _docs(n_docs_target, "n_docs_target"),
        "n_docs_reference": _docs(n_docs_reference, "n_docs_reference"),
        "g2": g2,
        "p": p,
        "p_adj": benjamini_hochberg(p),
        "log_ratio": log_ratio,
        "log_odds_z": z,
    })
    return _sort(table, "g2")


def _sort(table: "pd.DataFrame", column: str) -> "pd.DataFrame":
    return table.sort_values([column, "term"], ascending=[False, True],
                             kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- corpus level


def _text_column(texts):
    """The texts with '' for a missing or non-str one: a pandas column of strings without
    gaps as it is (read a chunk at a time later), anything else as a list."""
    import pandas as pd

    if isinstance(texts, pd.Series) and isinstance(texts.dtype, pd.StringDtype) \
            and not texts.hasnans:
        return texts
    return [t if isinstance(t, str) else "" for t in texts]


def _doc_term_matrix(texts: Sequence[str], *, n_jobs: int | None = 1, **term_options):
    """(sparse docs x stems count matrix, stems, display forms, token totals per doc).

    Terms come from the Arabic layer with one lexicon for the whole corpus (as
    :func:`corpus_utils.arabic.corpus_terms`), so a word gets the same stem in every
    document. The counts are streamed (:func:`corpus_utils.cache.term_matrix`): no list of
    Term objects is ever held for the corpus, a pandas column of texts is read a chunk at a
    time, and the lexicon is built once per corpus (:func:`corpus_utils.cache.lexicon`);
    ``n_jobs`` processes analyse the documents.
    """
    from .cache import iter_texts, lexicon, term_matrix

    texts = _text_column(texts)
    m = term_matrix(iter_texts(texts), total=len(texts), cache=False, lexicon=lexicon(texts),
                    n_jobs=n_jobs, **term_options)
    return m.X, m.stems, m.forms, m.totals


def _check_group(corpus, column: str, value, name: str) -> None:
    if column not in corpus.columns:
        raise ValueError(f"group_by = {column!r} is not a column of the corpus; columns: "
                         f"{', '.join(map(str, corpus.columns))}")
    present = sorted(str(v) for v in corpus[column].dropna().unique())
    if value is None or str(value) not in present:
        raise ValueError(f"{name} = {value!r} is not a value of {column!r}; values: "
                         f"{', '.join(present)}")


def _masks(corpus, group_by: str, target, reference) -> tuple["np.ndarray", "np.ndarray"]:
    """Boolean masks of the target's and the reference's documents (reference None: every
    document outside the target)."""
    groups = corpus[group_by].astype("str")
    is_t = (groups == str(target)).fillna(False).to_numpy(dtype=bool)
    if reference is None:
        is_r = ~is_t
    else:
        is_r = (groups == str(reference)).fillna(False).to_numpy(dtype=bool)
    return is_t, is_r


def _check_min(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} = {value!r} is invalid; it must be a whole number >= 0")
    return value


#: Blocks of :func:`_leave_one_out_robust` hold at most this many G2 values (8 bytes each,
#: a dozen arrays at a time): about 32 MB per array.
_LOO_BLOCK_CELLS = 4_000_000


def _leave_one_out_robust(x, cols, g2, is_t, is_r, doc_totals, n_t, n_r, tot_t, tot_r):
    """True where |G2| >= KEY_G2 and every leave-one-document-out G2 keeps the sign at
    |G2| >= ROBUST_G2.

    Exact and sparse: leaving out a document that contains the term changes the term's
    count and its group's total, so that G2 is computed for each non-zero count; leaving
    out a document without the term changes only its group's total, so those G2 are
    computed once per distinct document total in each group, and a (term, total) that
    fails counts only where some document of that total lacks the term. The G2 values are
    computed with the same arithmetic as a dense (documents x terms) table would be.
    """
    import numpy as np
    from scipy import sparse

    robust = np.abs(g2) >= KEY_G2
    key = np.flatnonzero(robust)
    docs = np.flatnonzero(is_t | is_r)
    if not len(key) or not len(docs):
        return robust
    kcols = cols[key]
    sign = np.sign(g2[key])
    a0, b0 = n_t[kcols].astype("float64"), n_r[kcols].astype("float64")
    ok = np.ones(len(key), dtype=bool)

    def keeps(a, b, c, d, s):
        g2_loo = _g2(a, b, c, d)
        return (np.sign(g2_loo) == s) & (np.abs(g2_loo) >= ROBUST_G2)

    # 1. each document left out where it contains the term (in blocks of non-zero counts)
    xk = x[:, kcols]
    if len(docs) < x.shape[0]:
        xk = xk[docs]
    xk = xk.tocoo()
    d_pos, j = xk.row, xk.col
    t_docs, tot_docs = is_t[docs], doc_totals[docs]
    for lo in range(0, xk.nnz, _LOO_BLOCK_CELLS):
        part = slice(lo, lo + _LOO_BLOCK_CELLS)
        jj, count = j[part], xk.data[part].astype("float64")
        in_t = t_docs[d_pos[part]]
        tot = tot_docs[d_pos[part]].astype("float64")
        fails = ~keeps(np.where(in_t, a0[jj] - count, a0[jj]), np.where(in_t, b0[jj], b0[jj] - count),
                       np.where(in_t, tot_t - tot, float(tot_t)),
                       np.where(in_t, float(tot_r), tot_r - tot), sign[jj])
        ok[jj[fails]] = False
    # 2. each document left out where it lacks the term: one G2 per distinct total
    for group, target_side in ((is_t, True), (is_r & ~is_t, False)):
        members = np.flatnonzero(group[docs])
        if not len(members):
            continue
        totals, which, n_docs = np.unique(tot_docs[members], return_inverse=True,
                                          return_counts=True)
        # documents of this group, per (term, total), that contain the term
        sel = np.isin(d_pos, members)
        pos_of = np.full(len(docs), -1, dtype=np.int64)
        pos_of[members] = which
        having = sparse.csr_matrix((np.ones(int(sel.sum()), dtype=np.int64),
                                    (j[sel], pos_of[d_pos[sel]])), shape=(len(key), len(totals)))
        tot = totals.astype("float64")[None, :]
        step = max(1, _LOO_BLOCK_CELLS // len(totals))
        for lo in range(0, len(key), step):
            part = slice(lo, lo + step)
            lacking = n_docs[None, :] > having[part].toarray()   # some document lacks the term
            a, b = a0[part][:, None], b0[part][:, None]
            if target_side:
                good = keeps(a, b, tot_t - tot, float(tot_r), sign[part][:, None])
            else:
                good = keeps(a, b, float(tot_t), tot_r - tot, sign[part][:, None])
            ok[part] &= ~(lacking & ~good).any(axis=1)
    robust[key] = ok
    return robust


def _check_groups(corpus, group_by: str, target, reference) -> None:
    """The target (and the reference, if given) exist in ``group_by`` and differ."""
    _check_group(corpus, group_by, target, "target")
    if reference is not None:
        _check_group(corpus, group_by, reference, "reference")
        if str(reference) == str(target):
            raise ValueError(f"reference = {reference!r} is the target; choose another group "
                             "or leave it out to compare with every other document")


def keyness_by_group(corpus: "pd.DataFrame", *, group_by: str = "era", target: str,
                     reference: str | None = None, min_count: int = 3, min_docs: int = 1,
                     measure: str = "g2", prior_scale: float = 1.0, gloss=None,
                     news_stopwords: bool = True,
                     extra_stopwords: "Iterable[str] | None" = None,
                     n_jobs: int | None = 1) -> "pd.DataFrame":
    """Keyness of the documents of one group against the rest (or against one other group).

    Features are the Arabic layer's analysis terms (:func:`corpus_utils.arabic.terms`) of
    the cleaned ``text``, keyed by stem and shown by their most frequent normalised,
    clitic-stripped form (:func:`corpus_utils.arabic.display_forms`). Totals are the number
    of such terms in each group (tokens after the same filtering: stop words, numbers and
    punctuation do not count). G2 is uncorrected (no Yates, no Williams).

    ``min_count`` and ``min_docs`` decide which terms are *shown and tested*; the totals and
    the log-odds prior still use every term. ``p_adj`` is Benjamini-Hochberg over the terms
    shown. ``robust`` is True for a key term (``|G2| >= 6.63``) that, with any single
    document of the target or the reference left out, keeps the same direction at
    ``|G2| >= 3.84`` (p < .05): a term resting on one article is not robust, and with a
    target of one document nothing is.

    Args:
        corpus: documents table from :func:`corpus_utils.corpus.load_corpus` (needs
            ``text`` and the ``group_by`` column).
        group_by: the column defining the groups (default ``"era"``).
        target: the group value to describe.
        reference: compare against this group only; default every document outside the
            target.
        min_count: show terms with at least this many occurrences in target + reference
            (default 3; with these totals a term needs about 7 to be key at all).
        min_docs: show terms found in at least this many documents of target + reference
            (default 1, so terms resting on one article stay visible, marked not robust).
        measure: sort order only, descending: ``"g2"``, ``"logratio"`` or ``"logodds"``.
        prior_scale: the log-odds prior = whole-corpus count x prior_scale (default 1).
        gloss: term -> English gloss function; default
            :func:`corpus_utils.glossary.gloss` ('' when the glossary has none).
        news_stopwords: drop the news function words and reporting verbs too (as in
            :func:`corpus_utils.arabic.terms`).
        extra_stopwords: more stop words (e.g. from ``corpus_utils.arabic.load_stopwords``).
        n_jobs: processes counting the documents' terms (see
            :func:`corpus_utils.parallel.resolve_n_jobs`): 1 (default) starts no pool, -1
            uses every core; the table is the same.

    Returns:
        A DataFrame with exactly the columns :data:`KEYNESS_COLUMNS`.

    References:
        Dunning (1993); Rayson & Garside (2000); Hardie (2014); Monroe, Colaresi & Quinn
        (2008); Benjamini & Hochberg (1995): see the module docstring.

    >>> from corpus_utils.corpus import load_corpus
    >>> table = keyness_by_group(load_corpus(), target="mustafa")  # doctest: +SKIP
    >>> list(table.columns) == KEYNESS_COLUMNS  # doctest: +SKIP
    True
    """
    import numpy as np
    import pandas as pd
    from scipy import sparse

    from .parallel import resolve_n_jobs

    if measure not in MEASURES:
        raise ValueError(f"measure = {measure!r} is invalid; choose one of "
                         f"{', '.join(MEASURES)}")
    _check_min(min_count, "min_count")
    _check_min(min_docs, "min_docs")
    resolve_n_jobs(n_jobs)  # checked before any work
    _check_groups(corpus, group_by, target, reference)

    is_t, is_r = _masks(corpus, group_by, target, reference)
    x, stems, shown, doc_totals = _doc_term_matrix(
        corpus["text"], news_stopwords=news_stopwords, extra_stopwords=extra_stopwords,
        n_jobs=n_jobs)
    stems_arr = np.asarray(stems, dtype=object)
    # documents containing each term: the same sparsity with ones (counts are never 0)
    present = sparse.csr_matrix((np.ones(x.nnz, dtype=np.int8), x.indices, x.indptr),
                                shape=x.shape)

    def _sum(mask, m=x):
        """Column sums over the rows in mask (one sparse product, no copy of the rows)."""
        return m.T @ mask.astype(np.int64) if mask.any() else np.zeros(m.shape[1])

    n_t, n_r = _sum(is_t), _sum(is_r)
    docs_t, docs_r = _sum(is_t, present), _sum(is_r, present)
    del present
    tot_t, tot_r = int(doc_totals[is_t].sum()), int(doc_totals[is_r].sum())
    shown_mask = ((n_t + n_r) >= max(min_count, 1)) & ((docs_t + docs_r) >= min_docs)
    sel = np.flatnonzero(shown_mask)

    def _series(values):
        return pd.Series(values[sel], index=stems_arr[sel])

    table = keyness(
        _series(n_t), _series(n_r), total_target=tot_t, total_reference=tot_r,
        n_docs_target=_series(docs_t), n_docs_reference=_series(docs_r),
        prior_counts=pd.Series(np.asarray(x.sum(axis=0)).ravel(), index=stems_arr),
        prior_scale=prior_scale,
    )
    order = {s: i for i, s in enumerate(stems)}
    cols = np.asarray([order[s] for s in table["term"]], dtype="int64")
    table["robust"] = _leave_one_out_robust(
        x, cols, table["g2"].to_numpy(), is_t, is_r, doc_totals, n_t, n_r, tot_t, tot_r)
    table["term"] = [shown.get(s, s) for s in table["term"]]
    if gloss is None:  # the bundled glossary, looked up once for all terms
        from .glossary import add_glosses

        table["gloss"] = add_glosses(table[["term"]])["gloss"].tolist()
    else:
        table["gloss"] = [gloss(t) or "" for t in table["term"]]
    table = table[KEYNESS_COLUMNS]
    n_docs = x.shape[0]
    del x
    from .memory import release_after

    release_after(n_docs)  # the counts of a large corpus are freed
    return _sort(table, MEASURES[measure])


def key_terms(table: "pd.DataFrame", *, side: str = "target", n: int | None = 10,
              threshold: float = KEY_G2) -> "pd.DataFrame":
    """The key terms of one side of a keyness table: robust ones first, then by |G2|.

    Args:
        table: output of :func:`keyness_by_group` (or :func:`keyness` plus a ``robust``
            column).
        side: ``"target"`` (G2 >= threshold) or ``"reference"`` (G2 <= -threshold).
        n: keep the first n rows (None: all).
        threshold: the |G2| a term needs (default 6.63, p < .01).

    Returns:
        The selected rows, in that order, with the index reset.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"term": ["ا", "ب", "ج"], "g2": [9.0, 12.0, -8.0],
    ...                   "robust": [True, False, True]})
    >>> key_terms(t)["term"].tolist()
    ['ا', 'ب']
    """
    if side not in ("target", "reference"):
        raise ValueError(f"side = {side!r} is invalid; choose 'target' or 'reference'")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        raise ValueError(f"n = {n!r} is invalid; it must be a whole number >= 0 or None")
    g2 = table["g2"]
    rows = table[g2 >= threshold] if side == "target" else table[g2 <= -threshold]
    rows = rows.assign(_abs=rows["g2"].abs())
    sort = ["_abs", "term"]
    asc = [False, True]
    if "robust" in rows.columns:
        sort, asc = ["robust", *sort], [False, *asc]
    rows = rows.sort_values(sort, ascending=asc, kind="mergesort").drop(columns="_abs")
    if n is not None:
        rows = rows.head(n)
    return rows.reset_index(drop=True)


def contingency_table(row: "Mapping[str, Any] | pd.Series", *, target: str = "target",
                      reference: str = "reference") -> "pd.DataFrame":
    """The 2x2 table behind one keyness row, observed and expected counts.

    Rows are *the term* and *all other terms*; columns the observed counts in the target
    and the reference, then the counts expected if both groups used the term at the same
    rate (``row total x column total / N``). G2 compares the two halves.

    Args:
        row: one row of :func:`keyness` / :func:`keyness_by_group` (needs ``n_target,
            n_reference, total_target, total_reference``).
        target: the name to give the target's columns (e.g. ``"mustafa"``).
        reference: the name to give the reference's columns.

    Returns:
        A DataFrame indexed ``["this term", "all other terms"]`` with columns ``target,
        reference, target (expected), reference (expected)`` under the names given.

    References:
        Dunning (1993); Rayson & Garside (2000).

    >>> t = contingency_table({"n_target": 10, "n_reference": 0, "total_target": 100,
    ...                        "total_reference": 100}, target="a", reference="b")
    >>> t.loc["this term"].tolist()
    [10.0, 0.0, 5.0, 5.0]
    """
    import numpy as np
    import pandas as pd

    if not isinstance(target, str) or not isinstance(reference, str) or target == reference:
        raise ValueError(f"target = {target!r}, reference = {reference!r} are invalid; give two "
                         "different names")
    try:
        a, b, c, d = (float(row[k]) for k in ("n_target", "n_reference", "total_target",
                                               "total_reference"))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"row = {row!r} is invalid; it needs numeric n_target, n_reference, "
                         f"total_target and total_reference ({exc})") from None
    if min(a, b) < 0 or a > c or b > d or c + d <= 0:
        raise ValueError(f"row has n_target={a:g}, n_reference={b:g}, total_target={c:g}, "
                         f"total_reference={d:g}; counts must be >= 0 and within their totals")
    observed = np.array([[a, b], [c - a, d - b]])
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / (c + d)
    return pd.DataFrame(np.hstack([observed, expected]),
                        index=pd.Index(["this term", "all other terms"], name="row"),
                        columns=[target, reference, f"{target} (expected)",
                                 f"{reference} (expected)"])


#: The columns of :func:`leave_one_out`, in order.
LEAVE_ONE_OUT_COLUMNS = ["term", "doc_id", "group", "count", "g2", "g2_without", "keeps"]


def leave_one_out(corpus: "pd.DataFrame", *, group_by: str = "era", target: str,
                  reference: str | None = None, terms: "Iterable[str] | None" = None,
                  news_stopwords: bool = True,
                  extra_stopwords: "Iterable[str] | None" = None) -> "pd.DataFrame":
    """G2 of each term with each document of the comparison left out, one at a time.

    The detail behind the ``robust`` column of :func:`keyness_by_group`: a key term keeps
    its place when, with any single document removed, its G2 keeps the same sign at
    ``|G2| >= 3.84`` (p < .05). The counts of the removed document are subtracted from its
    group (term count and token total); stems and the lexicon stay those of the whole
    corpus, exactly as in :func:`keyness_by_group`, so ``robust`` equals "key, and
    ``keeps`` in every row of the term".

    Args:
        corpus: documents table (``text`` and the ``group_by`` column).
        group_by: the column defining the groups.
        target: the group described (positive G2 = over-used there).
        reference: the group compared with; default every other document.
        terms: the terms to examine, as :func:`keyness_by_group` shows them (or any
            spelling of one word, reduced to its stem); default the key terms of both
            sides (``|G2| >= 6.63``), ordered by G2 descending.
        news_stopwords, extra_stopwords: as in :func:`keyness_by_group`.

    Returns:
        One row per (term, document of the target or the reference), terms in the order
        given, documents in corpus order: ``term, doc_id, group, count`` (the term's count
        in that document) ``, g2`` (all documents) ``, g2_without`` (that document left
        out) ``, keeps`` (same sign as ``g2`` and ``|g2_without| >= 3.84``).

    Raises:
        ValueError: the table would have more than :data:`LEAVE_ONE_OUT_MAX_ROWS` rows
            (documents x terms): on a large corpus, pass the terms to examine.

    References:
        Dunning (1993); see also Lijffijt, J. et al. (2016). Significance testing of word
        frequencies in corpora. *Digital Scholarship in the Humanities* 31(2), 374-397,
        on why document-level variation must be taken into account.

    >>> from corpus_utils.corpus import load_corpus
    >>> loo = leave_one_out(load_corpus(), target="khoja")  # doctest: +SKIP
    >>> loo.groupby("term", sort=False)["keeps"].all().head(1).tolist()  # doctest: +SKIP
    [True]
    """
    import numpy as np
    import pandas as pd

    _check_groups(corpus, group_by, target, reference)
    is_t, is_r = _masks(corpus, group_by, target, reference)
    texts = _text_column(corpus["text"])
    x, stems, shown, doc_totals = _doc_term_matrix(
        texts, news_stopwords=news_stopwords, extra_stopwords=extra_stopwords)
    col_of = {s: i for i, s in enumerate(stems)}
    n_t = np.asarray(x[is_t].sum(axis=0)).ravel().astype("float64")
    n_r = np.asarray(x[is_r].sum(axis=0)).ravel().astype("float64")
    tot_t, tot_r = float(doc_totals[is_t].sum()), float(doc_totals[is_r].sum())
    g2_all = _g2(n_t, n_r, tot_t, tot_r)

    if terms is None:
        cols = np.flatnonzero(np.abs(g2_all) >= KEY_G2)
        cols = cols[np.lexsort(([shown.get(stems[i], stems[i]) for i in cols], -g2_all[cols]))]
        names = [shown.get(stems[i], stems[i]) for i in cols]
    else:
        if isinstance(terms, str):
            raise ValueError(f"terms = {terms!r} is invalid; pass a list of terms, not one string")
        by_form: dict[str, int] = {}
        for s, i in col_of.items():
            by_form.setdefault(shown.get(s, s), i)
        lexicon = None
        names, found = [], []
        for term in terms:
            i = by_form.get(term)
            if i is None:
                if lexicon is None:
                    from .cache import lexicon as corpus_lexicon_of
                    lexicon = corpus_lexicon_of(texts)
                keys = [k for k in query_keys(term, match="stem", lexicon=lexicon)]
                i = col_of.get(keys[0]) if len(keys) == 1 else None
            if i is None:
                raise ValueError(f"term {term!r} is not counted in this comparison; use a term "
                                 "of the keyness table (one word, not a stop word)")
            names.append(term)
            found.append(i)
        cols = np.asarray(found, dtype="int64")

    docs = np.flatnonzero(is_t | is_r)
    if len(docs) * len(cols) > LEAVE_ONE_OUT_MAX_ROWS:
        raise ValueError(f"leave_one_out would return {len(docs) * len(cols):,} rows ({len(docs):,} "
                         f"documents x {len(cols):,} terms), above LEAVE_ONE_OUT_MAX_ROWS = "
                         f"{LEAVE_ONE_OUT_MAX_ROWS:,}; it is skipped at this size. Pass the few "
                         "terms to examine (terms=...); keyness_by_group's robust column "
                         "already summarises every term")
    groups = corpus[group_by].astype("str").to_numpy()
    doc_ids = corpus["doc_id"].astype("str").to_numpy()
    rows = x[docs][:, cols].toarray().astype("float64") if len(cols) else np.zeros((len(docs), 0))
    in_t = is_t[docs][:, None]
    tot = doc_totals[docs].astype("float64")[:, None]
    a = np.where(in_t, n_t[cols] - rows, n_t[cols])
    b = np.where(in_t, n_r[cols], n_r[cols] - rows)
    c = np.where(in_t, tot_t - tot, tot_t)
    d = np.where(in_t, tot_r, tot_r - tot)
    without = _g2(a, b, c, d)                      # (documents, terms)
    full = g2_all[cols]
    keeps = (np.sign(without) == np.sign(full)) & (np.abs(without) >= ROBUST_G2)
    n_docs, n_terms = len(docs), len(cols)
    out = pd.DataFrame({
        "term": pd.array(np.repeat(np.asarray(names, dtype=object), n_docs), dtype="str"),
        "doc_id": pd.array(np.tile(doc_ids[docs], n_terms), dtype="str"),
        "group": pd.array(np.tile(groups[docs], n_terms), dtype="str"),
        "count": rows.T.ravel().astype("int64"),
        "g2": np.repeat(full, n_docs),
        "g2_without": without.T.ravel(),
        "keeps": keeps.T.ravel(),
    })
    return out[LEAVE_ONE_OUT_COLUMNS]


# --------------------------------------------------------------------------- KWIC


def _token_keys(text: str, lexicon=None) -> list[tuple[str, str, int, int, str]]:
    """Every token of ``text`` as (term key, stem key, start, end, kind).

    Analysis terms are keyed by their normalised clitic-stripped ``term`` (and ``stem``);
    tokens the Arabic layer does not keep as terms (stop words, short words, numbers,
    punctuation) are keyed by their normalised spelling, so a query can contain them too.
    """
    from .arabic import normalize, terms, tokenize

    by_start = {t.start: t for t in terms(text, lexicon=lexicon)}
    out = []
    for tok in tokenize(text):
        t = by_start.get(tok.start)
        if t is not None:
            out.append((t.term, t.stem, tok.start, tok.end, tok.kind))
        else:
            key = normalize(tok.text)
            out.append((key, key, tok.start, tok.end, tok.kind))
    return out


def corpus_lexicon(corpus: "pd.DataFrame") -> frozenset[str]:
    """The lexicon of a corpus's cleaned texts (:func:`corpus_utils.arabic.build_lexicon`),
    which KWIC and the themes use so that tokens get the same terms as in keyness. It is
    built once per corpus in a session (:func:`corpus_utils.cache.lexicon`) and shared with
    keyness and the topics.

    >>> import pandas as pd
    >>> "ائتلاف" in corpus_lexicon(pd.DataFrame({"text": ["والائتلاف"]}))
    True
    """
    from .cache import lexicon

    return lexicon(_text_column(corpus["text"]))


def query_keys(term: str, *, match: str = "term", lexicon=None) -> tuple[str, ...]:
    """The token keys a KWIC or theme query matches: normalised, clitic-stripped forms.

    Args:
        term: one or more words, in any spelling (``"مجلس الأمن"``, ``"والمدنيين"``).
        match: ``"term"`` (the normalised clitic-stripped form) or ``"stem"`` (also other
            forms sharing the stem).
        lexicon: the corpus lexicon (:func:`corpus_lexicon`), so the query is analysed the
            way the corpus's tokens are; None uses only the unambiguous clitic splits.

    Returns:
        One key per token of the query (punctuation included).

    >>> query_keys("الأمم المتحدة") == query_keys("الامم المتحدة")
    True
    """
    if match not in ("term", "stem"):
        raise ValueError(f"match = {match!r} is invalid; choose 'term' or 'stem'")
    if not isinstance(term, str) or not term.strip():
        raise ValueError(f"term = {term!r} is invalid; give at least one word")
    toks = _token_keys(term, lexicon)
    if not any(kind != "punct" for *_, kind in toks):
        raise ValueError(f"term = {term!r} is invalid; it contains no word")
    i = 0 if match == "term" else 1
    return tuple(t[i] for t in toks)


def _units_for(corpus: "pd.DataFrame", units: "pd.DataFrame | None") -> "pd.DataFrame":
    if units is None:
        from .corpus import paragraphs

        units = paragraphs(corpus)
    missing = {"doc_id", "start", "end", "text"} - set(units.columns)
    if missing:
        raise ValueError(f"units lacks the column(s) {', '.join(sorted(missing))}; pass "
                         "paragraphs(corpus) or sentences(corpus)")
    return units


def _line_starts(raw: str) -> list[int]:
    return [0] + [m.end() for m in _LINE_BREAK_RE.finditer(raw)]


def _date_text(value, precision) -> Any:
    """The document date as text at its precision (``2015-05-01``, ``2015-05``, ``2015``),
    as in the actor mention table; <NA> when missing."""
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return pd.NA
    if value is pd.NA:
        return pd.NA
    text = value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)
    if precision == "month":
        return text[:7]
    if precision == "year":
        return text[:4]
    return text


def _check_window(window) -> int:
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise ValueError(f"window = {window!r} is invalid; it must be a whole number >= 0")
    return window


def _matcher(phrases: Mapping[tuple[str, ...], Any]) -> dict[str, list[tuple[tuple[str, ...], Any]]]:
    by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
    for keys, label in phrases.items():
        if not keys:
            raise ValueError("an empty phrase was given; every phrase needs at least one token")
        by_first.setdefault(keys[0], []).append((tuple(keys), label))
    for lst in by_first.values():
        lst.sort(key=lambda kv: -len(kv[0]))   # longest first: the longer phrase wins
    return by_first


def scan(corpus: "pd.DataFrame", phrase_sets: Mapping[Any, Mapping[tuple[str, ...], Any]], *,
         window: int = 7, match: str = "term", units: "pd.DataFrame | None" = None,
         lexicon=None) -> "pd.DataFrame":
    """Every occurrence of the phrases of several independent sets, tokenising each unit once.

    The engine behind :func:`kwic` and the theme dictionary. Within one set, matches never
    overlap: scanning left to right, where several phrases start at a token the longest
    wins and the scan resumes after it. Different sets are matched independently.

    Args:
        corpus: documents table (``doc_id, file, raw_text, text``; ``date`` and ``era`` are
            copied when present).
        phrase_sets: set name -> {phrase keys (:func:`query_keys`) -> label}.
        window: words of context on each side, within the unit (>= 0).
        match: ``"term"`` or ``"stem"``: which key the phrases were made with.
        units: the unit table contexts stay within; default ``paragraphs(corpus)``.
        lexicon: the corpus lexicon; default :func:`corpus_lexicon` of ``corpus``.

    Returns:
        The :data:`KWIC_COLUMNS` plus ``set`` and ``label``, sorted by doc_id, start, set.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"doc_id": ["0"], "file": ["0.txt"], "raw_text": ["قصف حلب"],
    ...                   "text": ["قصف حلب"]})
    >>> u = pd.DataFrame({"doc_id": ["0"], "start": [0], "end": [7], "text": ["قصف حلب"]})
    >>> scan(c, {"x": {("حلب",): "Aleppo"}}, units=u)[["match", "left", "label"]].values.tolist()
    [['حلب', 'قصف', 'Aleppo']]
    """
    import pandas as pd

    _check_window(window)
    if match not in ("term", "stem"):
        raise ValueError(f"match = {match!r} is invalid; choose 'term' or 'stem'")
    key_i = 0 if match == "term" else 1
    matchers = {name: _matcher(phrases) for name, phrases in phrase_sets.items()}
    if lexicon is None:
        lexicon = corpus_lexicon(corpus)
    docs = corpus.set_index(corpus["doc_id"].astype("str"))
    if docs.index.has_duplicates:
        raise ValueError(f"doc_id {docs.index[docs.index.duplicated()][0]!r} appears twice in "
                         "the corpus; doc_id must be unique")
    units = _units_for(corpus, units)
    rows = []
    for doc_id, unit in units.groupby(units["doc_id"].astype("str"), sort=True):
        if doc_id not in docs.index:
            raise ValueError(f"units has doc_id {doc_id!r}, which is not in the corpus")
        doc = docs.loc[doc_id]
        raw = doc["raw_text"]
        starts = _line_starts(raw)
        meta = {"doc_id": doc_id, "file": doc.get("file", pd.NA),
                "date": _date_text(doc.get("date", pd.NA), doc.get("date_precision", "day")),
                "era": doc.get("era", pd.NA)}
        for u_start, u_end, u_text in zip(unit["start"], unit["end"], unit["text"]):
            u_start, u_end = int(u_start), int(u_end)
            if raw[u_start:u_end] != u_text:
                raise ValueError(f"unit {doc_id}:{u_start}-{u_end} does not match raw_text; "
                                 "unit text must equal raw_text[start:end]")
            toks = _token_keys(u_text, lexicon)
            keys = [t[key_i] for t in toks]
            words = [j for j, t in enumerate(toks) if t[4] != "punct"]
            for name, by_first in matchers.items():
                j = 0
                while j < len(toks):
                    hit = next((pl for pl in by_first.get(keys[j], ())
                                if tuple(keys[j:j + len(pl[0])]) == pl[0]), None)
                    if hit is None:
                        j += 1
                        continue
                    last = j + len(hit[0]) - 1
                    before = bisect.bisect_left(words, j)          # words before the match
                    after = bisect.bisect_right(words, last)       # first word after it
                    m_start, m_end = u_start + toks[j][2], u_start + toks[last][3]
                    l_start = (u_start + toks[words[max(before - window, 0)]][2]
                               if window and before > 0 else m_start)
                    r_end = (u_start + toks[words[min(after + window, len(words)) - 1]][3]
                             if window and after < len(words) else m_end)
                    rows.append({
                        **meta, "line": bisect.bisect_right(starts, m_start),
                        "start": m_start, "end": m_end,
                        "left": raw[l_start:m_start].strip(), "match": raw[m_start:m_end],
                        "right": raw[m_end:r_end].strip(), "set": name, "label": hit[1],
                    })
                    j = last + 1
    out = pd.DataFrame(rows, columns=[*KWIC_COLUMNS, "set", "label"])
    out = out.astype({"line": "int64", "start": "int64", "end": "int64"})
    return out.sort_values(["doc_id", "start"], kind="mergesort").reset_index(drop=True)


def kwic(corpus: "pd.DataFrame", term: str, *, window: int = 7, match: str = "term",
         units: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Keyword in context: every occurrence of a term, in the original spelling.

    Tokens are compared by their normalised, clitic-stripped form (the Arabic layer's
    ``term``, analysed with the corpus's own lexicon as in keyness), so ``"المدنيين"``
    finds ``المدنيين`` and ``للمدنيين``; a multi-word term (``"مجلس الأمن"``) matches
    consecutive tokens with only spaces between them. ``left``, ``match`` and ``right`` are
    slices of ``raw_text`` (``raw_text[start:end] == match`` always; ``line`` is the raw
    file's line). Contexts stay inside the unit (paragraph by default), so a line never
    runs into boilerplate the cleaning removed.

    Args:
        corpus: documents table from :func:`corpus_utils.corpus.load_corpus`.
        term: the word or words to find (any spelling).
        window: words of context on each side (default 7).
        match: ``"term"`` (default) or ``"stem"`` (every form sharing the term's stem).
        units: unit table bounding the contexts; default ``paragraphs(corpus)``; pass
            ``sentences(corpus)`` for sentence-bounded lines.

    Returns:
        A DataFrame with columns ``doc_id, file, date, era, line, start, end, left, match,
        right``, sorted by doc_id and start (``date`` is text at the document's
        ``date_precision``; ``era`` is <NA> when the corpus has none).

    >>> from corpus_utils.corpus import load_corpus
    >>> lines = kwic(load_corpus(), "المدنيين", window=3)  # doctest: +SKIP
    >>> lines.loc[0, "match"]  # doctest: +SKIP
    'المدنيين'
    """
    _check_window(window)
    lexicon = corpus_lexicon(corpus)
    phrase = query_keys(term, match=match, lexicon=lexicon)
    found = scan(corpus, {"kwic": {phrase: term}}, window=window, match=match, units=units,
                 lexicon=lexicon)
    return found[KWIC_COLUMNS]


def kwic_terms(corpus: "pd.DataFrame", terms: "Iterable[str]", *, window: int = 7,
               match: str = "stem", units: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """KWIC lines of several terms at once, each term matched independently.

    The close-reading companion of a keyness table: with ``match="stem"`` (the default)
    a term finds every form keyness counted under its stem (``مبادرات`` also finds
    ``المبادرة``), so the number of lines of a term equals its ``n_target + n_reference``.

    Args:
        corpus: documents table from :func:`corpus_utils.corpus.load_corpus`.
        terms: the terms (each one or more words), e.g. ``key_terms(table)["term"]``.
        window: words of context on each side.
        match: ``"stem"`` (default) or ``"term"``, as in :func:`kwic`.
        units: unit table bounding the contexts; default ``paragraphs(corpus)``.

    Returns:
        ``term`` then the :data:`KWIC_COLUMNS`; terms in the order given, each term's lines
        by doc_id and start.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"doc_id": ["0"], "file": ["0.txt"], "raw_text": ["قصف حلب"],
    ...                   "text": ["قصف حلب"]})
    >>> u = pd.DataFrame({"doc_id": ["0"], "start": [0], "end": [7], "text": ["قصف حلب"]})
    >>> kwic_terms(c, ["حلب", "قصف"], units=u)[["term", "match"]].values.tolist()
    [['حلب', 'حلب'], ['قصف', 'قصف']]
    """
    _check_window(window)
    if isinstance(terms, str):
        raise ValueError(f"terms = {terms!r} is invalid; pass a list of terms, not one string")
    terms = [str(t) for t in terms]
    dup = next((t for i, t in enumerate(terms) if t in terms[:i]), None)
    if dup is not None:
        raise ValueError(f"terms has {dup!r} twice; give each term once")
    lexicon = corpus_lexicon(corpus)
    sets = {i: {query_keys(t, match=match, lexicon=lexicon): t} for i, t in enumerate(terms)}
    found = scan(corpus, sets, window=window, match=match, units=units, lexicon=lexicon)
    found = found.assign(_order=found["set"].astype("int64"), term=found["label"].astype("str"))
    found = found.sort_values(["_order", "doc_id", "start"], kind="mergesort")
    return found[["term", *KWIC_COLUMNS]].reset_index(drop=True)


def sample_lines(lines: "pd.DataFrame", *, n: int = 3, by: "str | Sequence[str]" = "term",
                 sort: bool = False) -> "pd.DataFrame":
    """Up to ``n`` KWIC lines per group, spread over the documents.

    Deterministic, no randomness: within each group the first line of every document comes
    first (documents by doc_id), then every document's second line, and so on, so a short
    sample shows how many documents a term occurs in before it shows repetitions.

    Args:
        lines: KWIC lines (:func:`kwic_terms`, :func:`kwic`,
            :func:`corpus_utils.themes.theme_matches`) with ``doc_id`` and ``start``.
        n: lines to keep per group (>= 1).
        by: the column(s) defining the groups, e.g. ``"term"`` or ``["theme", "era"]``.
        sort: order the groups by their values instead of by first appearance.

    Returns:
        The kept rows, groups in order of first appearance (or sorted), each group's lines
        by doc_id and start, index reset.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"term": ["ا"] * 3, "doc_id": ["1", "1", "2"], "start": [0, 5, 0]})
    >>> sample_lines(t, n=2)[["doc_id", "start"]].values.tolist()
    [['1', 0], ['2', 0]]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n = {n!r} is invalid; it must be a whole number >= 1")
    keys = [by] if isinstance(by, str) else list(by)
    missing = [c for c in [*keys, "doc_id", "start"] if c not in lines.columns]
    if missing:
        raise ValueError(f"lines lacks the column(s) {missing!r}; it has {list(lines.columns)!r}")
    if lines.empty:
        return lines.reset_index(drop=True)
    data = lines.assign(_row=range(len(lines)))
    if not isinstance(sort, bool):
        raise ValueError(f"sort = {sort!r} is invalid; use True or False")
    group_id = data.groupby(keys, sort=sort, dropna=False).ngroup()
    data = data.assign(_group=group_id.to_numpy())
    data = data.sort_values(["_group", "doc_id", "start", "_row"], kind="mergesort")
    data = data.assign(_rank=data.groupby(["_group", "doc_id"], sort=False).cumcount())
    kept = (data.sort_values(["_group", "_rank", "doc_id", "start"], kind="mergesort")
                .groupby("_group", sort=False).head(n))
    kept = kept.sort_values(["_group", "doc_id", "start", "_row"], kind="mergesort")
    return kept.drop(columns=["_row", "_group", "_rank"]).reset_index(drop=True)


#: The columns of :func:`passages`, in order.
PASSAGE_COLUMNS = ["topic", "term", "doc_id", "file", "date", "era", "line", "start", "end",
                   "passage_start", "passage_end", "match", "passage", "translation"]


def passages(corpus: "pd.DataFrame", picks: "Iterable[Mapping[str, Any]] | pd.DataFrame", *,
             window: int = 12, match: str = "stem",
             units: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Chosen KWIC lines as whole passages of the raw text, each with a translation.

    For close reading: each pick names a term and where to find it (document and raw
    line); the passage is the raw text from the first word of the left context to the last
    word of the right context, in the original spelling and punctuation.

    Args:
        corpus: documents table from :func:`corpus_utils.corpus.load_corpus`.
        picks: mappings (or a DataFrame) with ``topic`` (a short English label), ``term``,
            ``doc_id``, ``line`` (the raw line of the match), optionally ``occurrence``
            (which hit on that line, 1-based, default 1) and ``translation`` (English,
            written by whoever chose the passage).
        window: words of context on each side, within the unit.
        match: ``"stem"`` (default) or ``"term"``, as in :func:`kwic`.
        units: unit table bounding the passages; default ``paragraphs(corpus)``; pass
            ``sentences(corpus)`` to stop at sentence ends.

    Returns:
        One row per pick, in order, with :data:`PASSAGE_COLUMNS`; ``passage ==
        raw_text[passage_start:passage_end]`` and ``match == raw_text[start:end]``.

    Raises:
        ValueError: a pick lacks a key, or its term does not occur on that line.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"doc_id": ["0"], "file": ["0.txt"], "raw_text": ["قصف حلب اليوم"],
    ...                   "text": ["قصف حلب اليوم"]})
    >>> u = pd.DataFrame({"doc_id": ["0"], "start": [0], "end": [13], "text": ["قصف حلب اليوم"]})
    >>> passages(c, [{"topic": "t", "term": "حلب", "doc_id": "0", "line": 1}], window=1,
    ...          units=u)["passage"].tolist()
    ['قصف حلب اليوم']
    """
    import pandas as pd

    _check_window(window)
    rows = picks.to_dict("records") if isinstance(picks, pd.DataFrame) else [dict(p) for p in picks]
    for i, pick in enumerate(rows):
        missing = [k for k in ("topic", "term", "doc_id", "line") if k not in pick]
        if missing:
            raise ValueError(f"pick #{i + 1} = {pick!r} lacks {missing!r}; each pick needs topic, "
                             "term, doc_id and line")
    terms = list(dict.fromkeys(str(p["term"]) for p in rows))
    lines = kwic_terms(corpus, terms, window=window, match=match, units=units) if terms else None
    raw = corpus.set_index(corpus["doc_id"].astype("str"))["raw_text"]
    out = []
    for pick in rows:
        term, doc_id, line = str(pick["term"]), str(pick["doc_id"]), int(pick["line"])
        nth = int(pick.get("occurrence", 1) or 1)
        hits = lines[(lines["term"] == term) & (lines["doc_id"] == doc_id) & (lines["line"] == line)]
        if len(hits) < nth or nth < 1:
            raise ValueError(f"term {term!r} occurs {len(hits)} time(s) on line {line} of document "
                             f"{doc_id!r}; occurrence {nth} was asked for")
        hit = hits.iloc[nth - 1]
        text = raw[doc_id]
        start, end = int(hit["start"]), int(hit["end"])
        p_start = text.rfind(hit["left"], 0, start) if hit["left"] else start
        p_end = text.find(hit["right"], end) + len(hit["right"]) if hit["right"] else end
        translation = pick.get("translation", "")
        out.append({
            "topic": str(pick["topic"]), "term": term, "doc_id": doc_id, "file": hit["file"],
            "date": hit["date"], "era": hit["era"], "line": line, "start": start, "end": end,
            "passage_start": p_start, "passage_end": p_end, "match": hit["match"],
            "passage": text[p_start:p_end],
            "translation": "" if translation is None else str(translation),
        })
    return pd.DataFrame(out, columns=PASSAGE_COLUMNS)


def side_by_side(passages_table: "pd.DataFrame", *, by: str = "era",
                 groups: "Sequence[str] | None" = None,
                 translation_label: str = "translation (the package's own)") -> "pd.DataFrame":
    """Passages of two (or more) groups next to each other, one row per topic.

    Args:
        passages_table: output of :func:`passages`.
        by: the column that names the group of each passage (default ``"era"``).
        groups: the groups, left to right; default the sorted distinct values.
        translation_label: header words of the translation columns.

    Returns:
        ``topic`` then, per group, ``"<group>: source"`` (``doc_id, line``),
        ``"<group>: passage"`` and ``"<group>: <translation_label>"``; topics in order of
        first appearance; a topic with several passages in one group gets several rows
        (the k-th passages side by side); missing cells are ''.

    >>> import pandas as pd
    >>> p = pd.DataFrame({"topic": ["t", "t"], "era": ["a", "b"], "doc_id": ["1", "2"],
    ...                   "line": [3, 4], "passage": ["س", "ص"], "translation": ["x", "y"]})
    >>> side_by_side(p).iloc[0].tolist()
    ['t', '1, line 3', 'س', 'x', '2, line 4', 'ص', 'y']
    """
    import pandas as pd

    missing = [c for c in ("topic", by, "doc_id", "line", "passage", "translation")
               if c not in passages_table.columns]
    if missing:
        raise ValueError(f"passages_table lacks the column(s) {missing!r}; pass passages(...)")
    present = sorted(str(v) for v in passages_table[by].dropna().unique())
    if groups is None:
        groups = present
    else:
        groups = [str(g) for g in groups]
        unknown = [g for g in present if g not in groups]
        if unknown:
            raise ValueError(f"groups = {groups!r} leaves out {unknown!r}, found in column {by!r}")
    data = passages_table.assign(_g=passages_table[by].astype("str"))
    data = data.assign(_k=data.groupby(["topic", "_g"], sort=False).cumcount())
    topics = list(dict.fromkeys(data["topic"]))
    out = []
    for topic in topics:
        part = data[data["topic"] == topic]
        for k in range(int(part["_k"].max()) + 1):
            row = {"topic": topic}
            for g in groups:
                hit = part[(part["_g"] == g) & (part["_k"] == k)]
                if len(hit):
                    h = hit.iloc[0]
                    row[f"{g}: source"] = f"{h['doc_id']}, line {int(h['line'])}"
                    row[f"{g}: passage"] = str(h["passage"])
                    row[f"{g}: {translation_label}"] = str(h["translation"])
                else:
                    row[f"{g}: source"] = row[f"{g}: passage"] = ""
                    row[f"{g}: {translation_label}"] = ""
            out.append(row)
    columns = ["topic"] + [f"{g}: {c}" for g in groups
                           for c in ("source", "passage", translation_label)]
    return pd.DataFrame(out, columns=columns)
