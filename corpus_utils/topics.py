"""TF-IDF topic clustering: representation, choice of k, clusters, top terms, NMF.

The analysis behind notebook 01 and ``corpus-utils topics``, as pure functions over
``scipy.sparse`` matrices, NumPy arrays and pandas tables:

1. :func:`units` cuts the corpus into paragraphs, sentences or documents;
2. :func:`tfidf` represents them as TF-IDF vectors over the Arabic layer's analysis terms
   (``analyzer="word"``, the main representation; all units analysed with one corpus
   lexicon, so a word has the same stem everywhere; :func:`vocabulary_steps` shows how
   the vocabulary shrinks) or over character n-grams of the normalised text
   (``analyzer="char"``, a robustness check);
3. :func:`choose_k` scores k = 2..min(10, n - 1) by cosine silhouette, picks the best and
   measures how stable the clusters are (adjusted Rand index across seeds, across
   bootstrap resamples of the units, and between the two clustering methods);
   :func:`bootstrap_jaccard` says which single clusters are found again;
4. :func:`cluster` runs k-means on the LSA-reduced matrix or average-linkage agglomerative
   clustering with cosine distance, and numbers clusters 0..k-1 by size;
5. :func:`top_terms`, :func:`typical_units`, :func:`crosstab`, :func:`svd_2d` and
   :func:`nmf_topics` describe the result.

:func:`topic_model` chains these steps with the options of :data:`DEFAULTS`; the notebook
and the command line both call it, so they agree by construction.

Scale. The word analyzer counts one unit at a time (:func:`corpus_utils.cache.pair_matrix`:
(term, stem) pairs straight into sparse-matrix buffers, never a list of Term objects for
the corpus) and then applies ``TfidfVectorizer``'s own steps to the counts, so the matrix
is the vectorizer's, bit for bit; the corpus lexicon is built once per corpus and shared
with keyness and KWIC (:func:`corpus_utils.cache.lexicon`). On a large corpus the steps
that would grow quadratically or slowly change above documented sizes (keys of
:data:`DEFAULTS`), and say so in the result's ``notes``:

* above ``k_sample_size`` units, k is chosen (silhouettes, and stability when asked) on a
  fixed-seed sample of that many units, and the chosen k is then fitted on all units;
* above ``lsa_sample_size`` units, the LSA's SVD is fitted on a fixed-seed sample of that
  many units and every unit is projected onto it (:func:`lsa`);
* the silhouette is computed on a fixed-seed sample of ``silhouette_sample_size`` units
  above that many units;
* k-means becomes MiniBatchKMeans above ``minibatch_above`` units;
* agglomerative clustering (an n x n distance matrix) is refused above
  ``agglomerative_max_units`` units and the method comparison in :func:`choose_k` is
  skipped; bootstrap resampling is skipped above ``bootstrap_max_units`` units.

Below every threshold (the seed corpus, a thousand articles) the analysis takes exactly
the steps it always took. ``n_jobs`` (of :func:`topic_model` and :func:`tfidf`, not a key
of :data:`DEFAULTS`) counts the word analyzer's terms on several processes, with the same
result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from . import RANDOM_STATE

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from scipy import sparse

#: Every default of the topic analysis, shared by notebook 01 and ``corpus-utils topics``.
DEFAULTS: Mapping[str, Any] = MappingProxyType({
    # units and representation
    "unit": "paragraph",            # paragraph | sentence | document
    "analyzer": "word",             # word (Arabic analysis terms) | char (char_wb n-grams)
    "min_df": 2,                    # a term must occur in at least 2 units
    "max_df": 1.0,                  # no upper cut: IDF already down-weights common terms
    "sublinear_tf": True,           # tf -> 1 + log(tf)
    "min_term_length": 3,           # word analyzer: shorter terms are dropped
    "char_ngram_range": (2, 5),     # char analyzer: n-gram lengths within word boundaries
    # clustering
    "method": "kmeans",             # kmeans | agglomerative
    "k": "auto",                    # "auto" (best silhouette) or an int >= 2
    "k_min": 2,
    "k_max": 10,                    # k runs over k_min..min(k_max, n_units - 1)
    "lsa_components": 100,          # LSA dimensions (capped at min(n_units, n_features) - 1)
    "n_init": 10,                   # k-means restarts per fit
    "random_state": RANDOM_STATE,
    # stability
    "n_seeds": 20,                  # k-means refits with other seeds, ARI against the main fit
    "n_bootstrap": 50,              # bootstrap resamples of the units, ARI on the units drawn
    # description
    "n_terms": 10,                  # top terms per cluster
    "n_typical": 3,                 # most typical units per cluster
    # large corpora
    "silhouette_sample_size": 2000,   # silhouette on a fixed-seed sample above this many units
    "minibatch_above": 10_000,        # MiniBatchKMeans above this many units
    "k_sample_size": 20_000,          # k chosen on a fixed-seed sample above this many units
    "lsa_sample_size": 20_000,        # LSA fitted on a fixed-seed sample above this many units
    "agglomerative_max_units": 5_000,  # agglomerative refused (n x n distances) above this
    "bootstrap_max_units": 5_000,      # bootstrap stability skipped above this many units
})

#: Kaufman & Rousseeuw's (1990) reading of an average silhouette: <= 0.25 "no substantial
#: structure", 0.26-0.50 "weak", 0.51-0.70 "reasonable", > 0.70 "strong".
WEAK_SILHOUETTE = 0.25

UNITS = ("paragraph", "sentence", "document")
ANALYZERS = ("word", "char")
METHODS = ("kmeans", "agglomerative")

# columns of the corpus table that are text or cleaning output, not metadata to carry along
_NOT_METADATA = frozenset({"raw_text", "text", "headline", "deck", "dateline", "byline",
                           "source_line"})
_UNIT_COLUMNS = ("doc_id", "paragraph", "sentence", "line", "start", "end", "text")


# --------------------------------------------------------------------------- checks


def _check_choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} = {value!r} is invalid; allowed: {', '.join(map(repr, allowed))}")
    return value


def _check_int(name: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or _is_np_int(value)):
        raise ValueError(f"{name} = {value!r} is invalid; value must be an integer >= {minimum}")
    if value < minimum:
        raise ValueError(f"{name} = {value!r} is invalid; value must be >= {minimum}")
    return int(value)


def _is_np_int(value: Any) -> bool:
    import numpy as np

    return isinstance(value, np.integer)


def _n_rows(X) -> int:
    return X.shape[0]


# --------------------------------------------------------------------------- units


def units(corpus: "pd.DataFrame", unit: str = DEFAULTS["unit"]) -> "pd.DataFrame":
    """The units to cluster, one row each, with their position and the document's metadata.

    Paragraphs and sentences come from :func:`corpus_utils.corpus.paragraphs` and
    :func:`corpus_utils.corpus.sentences` (so ``start``/``end`` are offsets into
    ``raw_text`` and ``line`` is the raw line where the unit starts); a document unit is
    the cleaned ``text`` of the document, starting at its first paragraph's line.

    Args:
        corpus: the documents table of :func:`corpus_utils.corpus.load_corpus`.
        unit: ``"paragraph"``, ``"sentence"`` or ``"document"``.

    Returns:
        DataFrame with ``doc_id, paragraph, sentence, line, start, end, text`` (nullable
        integers; ``sentence`` is <NA> for paragraphs, both are <NA> for documents) and the
        document's metadata columns (``file``, ``era``, ``date``, ...), on a fresh
        0..n-1 index, in corpus order.

    >>> from corpus_utils.corpus import load_corpus
    >>> len(units(load_corpus(), "paragraph"))
    40
    """
    import pandas as pd

    _check_choice("unit", unit, UNITS)
    if "doc_id" not in corpus.columns or "text" not in corpus.columns:
        raise ValueError(f"corpus has columns {list(corpus.columns)!r}; expected a documents "
                         "table from load_corpus() with at least 'doc_id' and 'text'")
    from . import corpus as corpus_module

    paras = corpus_module.paragraphs(corpus)
    if unit == "paragraph":
        table = paras
    elif unit == "sentence":
        table = corpus_module.sentences(corpus)
    else:
        first_line = paras.groupby("doc_id", sort=False)["line"].min()
        table = pd.DataFrame({
            "doc_id": corpus["doc_id"].to_numpy(),
            "paragraph": pd.array([pd.NA] * len(corpus), dtype="Int64"),
            "sentence": pd.array([pd.NA] * len(corpus), dtype="Int64"),
            "line": pd.array(corpus["doc_id"].map(first_line).to_list(), dtype="Int64"),
            "start": pd.array([pd.NA] * len(corpus), dtype="Int64"),
            "end": pd.array([pd.NA] * len(corpus), dtype="Int64"),
            "text": corpus["text"].to_numpy(),
        })
    table = table.loc[:, list(_UNIT_COLUMNS)].copy()
    for col in ("paragraph", "sentence", "line", "start", "end"):
        table[col] = table[col].astype("Int64")
    meta_cols = [c for c in corpus.columns if c not in _NOT_METADATA and c not in _UNIT_COLUMNS]
    meta = corpus.loc[:, ["doc_id", *meta_cols]]
    out = table.merge(meta, on="doc_id", how="left", sort=False, validate="many_to_one")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- TF-IDF


def _pretokenized(doc):
    """Analyzer for already-analysed documents (module level, so it pickles)."""
    return doc


def _kept_pairs(pairs, *, min_term_length: int):
    """Boolean mask of the (term, stem) pair columns the word analyzer counts: terms of at
    least ``min_term_length`` letters that are not stop words (checked once more on the
    shown term, once per distinct term)."""
    import numpy as np

    from . import arabic

    return np.fromiter((len(t) >= min_term_length and not arabic.is_stopword(t)
                        for t in pairs.terms), dtype=bool, count=len(pairs.terms))


def _word_counts(texts: Iterable[str], *, min_term_length: int,
                 lexicon: frozenset[str] | None, n_jobs: int | None = 1):
    """The units x stems counts of the word analyzer, streamed, and the display forms.

    Every text is analysed with one lexicon (as :func:`corpus_utils.arabic.corpus_terms`),
    so the guarded splits (plain proclitics ``و ف ب ل ك``, pronoun suffixes, stem
    suffixes) apply and a word gets the same stem in every unit. Numbers are never terms
    here; stop words are checked once more on the shown term, and short terms are dropped.
    The counts are made one unit at a time (:func:`corpus_utils.cache.pair_matrix`, on
    ``n_jobs`` processes), with no list of terms held for the corpus.

    Returns:
        ``(X, stems, forms)``: int64 CSR counts with stems numbered in order of first
        occurrence (as a vectorizer numbers them), the stems, and ``{stem: shown term}``
        (:func:`corpus_utils.arabic.display_forms` of the counted terms).
    """
    from .cache import pair_matrix, stem_counts

    pairs = pair_matrix(texts, cache=False, keep_numbers=False, lexicon=lexicon, n_jobs=n_jobs)
    m = stem_counts(pairs, keep=_kept_pairs(pairs, min_term_length=min_term_length))
    return m.X, m.stems, m.forms


def _check_df(name: str, value: Any) -> None:
    """min_df / max_df as scikit-learn's vectorizers accept them (same message)."""
    from numbers import Integral, Real

    ok = (isinstance(value, Integral) and value >= 1) or (
        isinstance(value, Real) and not isinstance(value, Integral) and 0 <= value <= 1)
    if not ok:
        raise ValueError(f"The {name!r} parameter of TfidfVectorizer must be a float in the range "
                         f"[0.0, 1.0] or an int in the range [1, inf). Got {value!r} instead.")


def _count_features(counts, stems: list[str], *, min_df, max_df):
    """What scikit-learn's ``CountVectorizer.fit_transform`` makes of these counts.

    ``counts`` are a vectorizer's counts of the units (stems numbered in order of first
    occurrence); the steps are the vectorizer's own, in its order and with its index
    types, so the result is the same matrix, bit for bit (a test compares them): the
    features outside ``min_df``..``max_df`` documents are dropped, then the columns are
    renumbered in the sorted order of the stems.

    Returns:
        ``(X, names)``: float64 CSR counts and the stems in column order.
    """
    from numbers import Integral

    import numpy as np
    from scipy import sparse

    if not stems:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    index_dtype = np.int32 if counts.nnz <= np.iinfo(np.int32).max else np.int64
    # the counts keep their integer type until the columns are chosen (a smaller copy);
    # selecting columns does not depend on the values, so the result is the same
    X = sparse.csr_matrix((counts.data, counts.indices.astype(index_dtype, copy=False),
                           counts.indptr.astype(index_dtype, copy=False)), shape=counts.shape)
    X.sort_indices()
    n_doc = X.shape[0]
    high = max_df if isinstance(max_df, Integral) else max_df * n_doc
    low = min_df if isinstance(min_df, Integral) else min_df * n_doc
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    dfs = np.bincount(X.indices, minlength=X.shape[1])
    mask = (dfs <= high) & (dfs >= low)
    kept = np.flatnonzero(mask)
    if len(kept) == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    X = X[:, kept]
    X.data = X.data.astype(np.float64)
    names = [stems[j] for j in kept.tolist()]
    order = sorted(range(len(names)), key=names.__getitem__)
    map_index = np.empty(len(order), dtype=X.indices.dtype)
    map_index[order] = np.arange(len(order), dtype=X.indices.dtype)
    X.indices = map_index.take(X.indices, mode="clip")
    return X, [names[i] for i in order]


def tfidf(
    texts: Sequence[str],
    *,
    analyzer: str = DEFAULTS["analyzer"],
    min_df: int | float = DEFAULTS["min_df"],
    max_df: int | float = DEFAULTS["max_df"],
    sublinear_tf: bool = DEFAULTS["sublinear_tf"],
    min_term_length: int = DEFAULTS["min_term_length"],
    ngram_range: tuple[int, int] = DEFAULTS["char_ngram_range"],
    lexicon: frozenset[str] | None = None,
    n_jobs: int | None = 1,
) -> tuple["sparse.csr_matrix", "np.ndarray"]:
    """TF-IDF matrix of texts over Arabic analysis terms or character n-grams.

    ``analyzer="word"`` counts the terms of :func:`corpus_utils.arabic.terms` (normalised,
    clitic-stripped, stop words removed), keyed by their stem so that ``الائتلاف``,
    ``والائتلاف`` and ``للائتلاف`` are one feature, and names each feature by its most
    frequent shown term (:func:`corpus_utils.arabic.display_forms`); stop words (checked
    again on the term), numbers and terms shorter than ``min_term_length`` are dropped.
    All texts are analysed with ONE lexicon (:func:`corpus_utils.arabic.build_lexicon`,
    built from ``texts`` unless given), which enables the guarded splits of the plain
    proclitics ``و ف ب ل ك`` and the pronoun suffixes: ``ودعا`` counts as ``دعا`` and
    ``بسورية`` as ``سورية`` wherever the bare form is attested. scikit-learn's
    ``token_pattern`` and ``strip_accents`` are never used: both cut or change Arabic words.
    ``analyzer="char"`` counts ``char_wb`` n-grams of the :func:`corpus_utils.arabic.normalize`
    d text (no lower-casing, no accent stripping).

    Rows are L2-normalised; idf is smoothed, ``idf(t) = ln((1 + n) / (1 + df(t))) + 1``.

    Args:
        texts: one string per unit.
        analyzer: ``"word"`` or ``"char"``.
        min_df: minimum document frequency (count if int, proportion if float).
        max_df: maximum document frequency (count if int, proportion if float).
        sublinear_tf: use ``1 + log(tf)`` instead of raw counts.
        min_term_length: word analyzer only: drop shorter terms (in characters).
        ngram_range: char analyzer only: (min, max) n-gram length.
        lexicon: word analyzer only: attested word forms for the clitic and stem guards;
            default :func:`corpus_utils.arabic.build_lexicon` of ``texts``. Pass the
            lexicon of the whole corpus when ``texts`` are only part of it.
        n_jobs: word analyzer only: processes analysing the texts (see
            :func:`corpus_utils.parallel.resolve_n_jobs`; 1, the default, starts no pool;
            -1 uses every core); the matrix is the same. The char analyzer ignores it.

    Returns:
        ``(X, features)``: a CSR matrix of shape (len(texts), vocabulary size) and the
        feature names (display terms or n-grams) as a NumPy array of str, in column order.

    References:
        Salton, G. & Buckley, C. (1988). Term-weighting approaches in automatic text
        retrieval. *Information Processing & Management* 24(5), 513-523.

    >>> from corpus_utils.arabic import terms
    >>> X, features = tfidf(["الائتلاف الوطني", "والائتلاف السوري"], min_df=2)
    >>> features.tolist() == [t.term for t in terms("الائتلاف")]
    True
    """
    from .parallel import resolve_n_jobs

    _check_choice("analyzer", analyzer, ANALYZERS)
    resolve_n_jobs(n_jobs)  # checked whatever the analyzer
    texts = list(texts)
    if not texts:
        raise ValueError("texts is empty; need at least one unit to build a TF-IDF matrix")
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise ValueError(f"texts[{bad[0]}] = {texts[bad[0]]!r} is invalid; every text must be a str")
    return _tfidf(texts, analyzer=analyzer, min_df=min_df, max_df=max_df,
                  sublinear_tf=sublinear_tf, min_term_length=min_term_length,
                  ngram_range=ngram_range, lexicon=lexicon, n_jobs=n_jobs)


def _tfidf(texts, *, analyzer, min_df, max_df, sublinear_tf, min_term_length, ngram_range,
           lexicon, n_jobs=1):
    """:func:`tfidf` of texts already checked (a non-empty list of str, or a pandas column
    of str without gaps, which the word analyzer reads a chunk at a time)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .cache import iter_texts

    common = dict(min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf, lowercase=False,
                  strip_accents=None, dtype=np.float64)

    def no_features(exc: Exception) -> ValueError:
        return ValueError(f"no features for {len(texts)} text(s) with analyzer={analyzer!r}, "
                          f"min_df={min_df!r}, max_df={max_df!r}: {exc}")

    if analyzer == "word":
        # counted one unit at a time (no list of terms for the corpus), then the steps of
        # TfidfVectorizer on those counts: the same matrix as the vectorizer would make
        from sklearn.feature_extraction.text import TfidfTransformer

        _check_int("min_term_length", min_term_length, minimum=1)
        try:
            _check_df("max_df", max_df)
            _check_df("min_df", min_df)
        except ValueError as exc:
            raise no_features(exc) from None
        if lexicon is None:
            from .cache import lexicon as corpus_lexicon

            lexicon = corpus_lexicon(texts)
        counts, stems, forms = _word_counts(iter_texts(texts), min_term_length=min_term_length,
                                            lexicon=lexicon, n_jobs=n_jobs)
        try:
            counts, names = _count_features(counts, stems, min_df=min_df, max_df=max_df)
        except ValueError as exc:  # empty vocabulary, or min_df/max_df contradict
            raise no_features(exc) from None
        transformer = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True,
                                       sublinear_tf=sublinear_tf)
        X = transformer.fit(counts).transform(counts, copy=False)
        return X.tocsr(), np.array([forms[s] for s in names], dtype=str)
    lo, hi = ngram_range
    if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi):
        raise ValueError(f"ngram_range = {ngram_range!r} is invalid; need (min, max) "
                         "integers with 1 <= min <= max")
    from .arabic import normalize

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(lo, hi),
                                 preprocessor=normalize, **common)
    try:
        X = vectorizer.fit_transform(iter_texts(texts))
    except ValueError as exc:  # empty vocabulary, or min_df/max_df contradict
        raise no_features(exc) from None
    return X.tocsr(), np.asarray(vectorizer.get_feature_names_out(), dtype=str)


def vocabulary_steps(
    texts: Sequence[str],
    *,
    min_df: int | float = DEFAULTS["min_df"],
    min_term_length: int = DEFAULTS["min_term_length"],
    lexicon: frozenset[str] | None = None,
) -> "pd.DataFrame":
    """How the word analyzer's vocabulary shrinks, step by step, to the TF-IDF features.

    The steps: distinct normalised words (numbers and punctuation left out); distinct
    shown terms after clitic stripping, stop words and short terms are removed; distinct
    stems (the features before ``min_df``); the features kept by ``min_df`` (the number of
    columns of :func:`tfidf` with the same arguments).

    Args:
        texts: one string per unit.
        min_df: as in :func:`tfidf`.
        min_term_length: as in :func:`tfidf`.
        lexicon: as in :func:`tfidf` (default: built from ``texts``).

    Returns:
        DataFrame ``step, vocabulary`` with four rows, in order.

    Raises:
        ValueError: no text, or no term reaches ``min_df`` (as :func:`tfidf`).

    >>> vocabulary_steps(["والائتلاف في حلب", "الائتلاف وحلب"])["vocabulary"].tolist()
    [5, 2, 2, 2]
    """
    import pandas as pd

    from . import arabic

    from .cache import lexicon as corpus_lexicon, pair_matrix

    texts = list(texts)
    if lexicon is None and texts and all(isinstance(t, str) for t in texts):
        lexicon = corpus_lexicon(texts)
    # tfidf checks the arguments (empty input, non-str texts, min_df) before anything else
    X, _ = tfidf(texts, min_df=min_df, min_term_length=min_term_length, lexicon=lexicon)
    words = {arabic.normalize(t.text) for text in texts for t in arabic.tokenize(text)
             if t.kind == "word"}
    pairs = pair_matrix(texts, cache=False, keep_numbers=False, lexicon=lexicon)
    kept = _kept_pairs(pairs, min_term_length=min_term_length).tolist()
    return pd.DataFrame({
        "step": ["word types", "content terms", "stems", f"min_df = {min_df}"],
        "vocabulary": [len(words), len(set(compress(pairs.terms, kept))),
                       len(set(compress(pairs.stems, kept))), X.shape[1]],
    })


# --------------------------------------------------------------------------- clustering


def renumber(labels: Sequence[int]) -> "np.ndarray":
    """Number clusters 0..m-1 by size: the largest is 0, ties go to the cluster whose first
    unit comes first.

    Args:
        labels: any integer cluster labels, one per unit.

    Returns:
        A new int array with the same partition.

    >>> renumber([5, 7, 7, 5, 9]).tolist()
    [0, 1, 1, 0, 2]
    """
    import numpy as np

    labels = np.asarray(labels)
    if labels.size == 0:
        return labels.astype(int)
    values, first, inverse, counts = np.unique(labels, return_index=True, return_inverse=True,
                                               return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    new = np.empty(len(values), dtype=int)
    new[order] = np.arange(len(values))
    return new[inverse.reshape(-1)]


def _sample_rows(n: int, size: int, random_state: int) -> "np.ndarray":
    """``size`` of the row positions 0..n-1, drawn without replacement with ``random_state``,
    in increasing order (the same rows for the same n, size and seed)."""
    import numpy as np

    return np.sort(np.random.default_rng(random_state).choice(n, size=size, replace=False))


def _sample_units(X, size: int, random_state: int):
    """A fixed-seed sample of ``size`` rows of X, without the columns that are all zero in
    it, and the positions of the columns kept.

    A sample of a large corpus uses a fraction of its vocabulary (20,000 of 650,000
    paragraphs: 24,000 of 118,000 terms); the dropped columns change neither cosine
    similarities nor the SVD's components (their loadings are 0), only the work.
    """
    import numpy as np

    sample = X[_sample_rows(_n_rows(X), size, random_state)]
    if hasattr(sample, "indices"):
        present = np.flatnonzero(np.bincount(sample.tocsr().indices, minlength=X.shape[1]))
    else:
        present = np.flatnonzero(np.asarray(sample != 0).any(axis=0))
    return sample[:, present], present


def lsa(
    X,
    *,
    n_components: int = DEFAULTS["lsa_components"],
    random_state: int = DEFAULTS["random_state"],
    sample_size: int | None = None,
) -> "np.ndarray":
    """Latent semantic analysis: truncated SVD of X, rows scaled to unit length.

    The number of components is capped at ``min(n_units, n_features) - 1``; when that is
    below 2, X itself is only row-normalised (there is nothing to reduce). Above
    ``sample_size`` units the SVD is fitted on a sample of ``sample_size`` units drawn with
    ``random_state`` and every unit is projected onto its components: the cost of the fit
    no longer grows with the corpus, and the projection is one sparse product per block of
    units. The fit uses only the terms found in the sample (the others would get zero
    loadings), and the result is then float32 (half the memory of n x components floats).

    Args:
        X: TF-IDF matrix (sparse or dense), one row per unit.
        n_components: LSA dimensions before the cap.
        random_state: seed of the randomized SVD (and of the sample).
        sample_size: fit on a sample of this many units when X has more (None: never).

    Returns:
        Dense array of shape (n_units, components) (float32 when sampled).

    References:
        Deerwester, S. et al. (1990). Indexing by latent semantic analysis. *JASIS* 41(6),
        391-407. scikit-learn, "Clustering text documents using k-means" (user guide example).

    >>> import numpy as np
    >>> lsa(np.eye(4), n_components=2).shape
    (4, 2)
    """
    import numpy as np
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    _check_int("n_components", n_components, minimum=1)
    n, f = X.shape
    if sample_size is not None and n > _check_int("sample_size", sample_size, minimum=3):
        # fitted on a sample, every unit projected; not kept in _LSA_CACHE (n x components
        # floats: the caller holds the one copy it needs)
        sample, present = _sample_units(X, sample_size, random_state)
        dims = min(n_components, sample_size - 1, len(present) - 1)
        if dims >= 2:
            svd = _LSA_CACHE.get("svd")
            if not (_LSA_CACHE.get("fit") == (dims, random_state)
                    and _same_matrix(_LSA_CACHE.get("X"), sample)):
                # (choose_k's sample of the same units has usually just been fitted)
                svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=7,
                                   random_state=random_state).fit(sample)
            components = np.zeros((f, dims))
            components[present] = svd.components_.T  # terms absent from the sample weigh 0
            Z = np.empty((n, dims), dtype=np.float32)  # half the memory of float64
            for lo in range(0, n, _LSA_BLOCK):
                Z[lo:lo + _LSA_BLOCK] = normalize(X[lo:lo + _LSA_BLOCK] @ components, copy=False)
            return Z
    dims = min(n_components, n - 1, f - 1)
    if dims < 2:
        dense = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=float)
        return normalize(dense)
    key = (id(X), X.shape, getattr(X, "nnz", None), dims, random_state)
    if _LSA_CACHE.get("key") == key and _LSA_CACHE.get("X") is X:
        return _LSA_CACHE["Z"].copy()
    svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=7,
                       random_state=random_state)
    Z = normalize(svd.fit_transform(X))
    _LSA_CACHE.update(key=key, X=X, Z=Z, svd=svd, fit=(dims, random_state))
    return Z.copy()


def _same_matrix(a, b) -> bool:
    """Are a and b the same sparse matrix, stored the same way (shape, indices, values)?"""
    import numpy as np

    return (a is not None and hasattr(a, "indptr") and hasattr(b, "indptr")
            and a.shape == b.shape and a.nnz == b.nnz
            and all(np.array_equal(getattr(a, k), getattr(b, k))
                    for k in ("indptr", "indices", "data")))


#: Units projected at a time by a sampled :func:`lsa` (a float64 block of 65,536 x 100 is
#: 52 MB).
_LSA_BLOCK = 65_536

#: The last LSA computed (one entry): choosing k clusters the same matrix for every k and
#: seed, and the SVD would otherwise be recomputed each time (10 of 11 SVDs on a large corpus).
_LSA_CACHE: dict = {}


#: Units per step of MiniBatchKMeans (above ``minibatch_above`` units). 4,096 rather than
#: scikit-learn's 1,024: on 650,000 paragraphs it converged 2.6x faster (2.4 s against 6.2 s).
_MINIBATCH_SIZE = 4_096

#: Below this many units k-means runs on one thread: OpenMP start-up costs more than the
#: work (about 6x slower on 40 paragraphs with 2 threads); the labels are the same.
_ONE_THREAD_BELOW = 2_000


def _kmeans(Z, k: int, *, random_state: int, n_init: int, minibatch: bool):
    from contextlib import nullcontext

    from sklearn.cluster import KMeans, MiniBatchKMeans
    from threadpoolctl import threadpool_limits

    if minibatch:
        model = MiniBatchKMeans(n_clusters=k, n_init=3, batch_size=_MINIBATCH_SIZE,
                                random_state=random_state)
    else:
        model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
    small = Z.shape[0] < _ONE_THREAD_BELOW
    with threadpool_limits(limits=1, user_api="openmp") if small else nullcontext():
        return model.fit_predict(Z)


def _check_no_zero_rows(X) -> None:
    import numpy as np

    norms = np.asarray(abs(X).sum(axis=1)).ravel()
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        raise ValueError(f"X has {zero.size} all-zero row(s) (first: row {zero[0]}); cosine "
                         "distance is undefined for units without features: drop them "
                         "(topic_model does) or lower min_df")


def cluster(
    X,
    *,
    k: int,
    method: str = DEFAULTS["method"],
    lsa_components: int = DEFAULTS["lsa_components"],
    random_state: int = DEFAULTS["random_state"],
    n_init: int = DEFAULTS["n_init"],
    minibatch_above: int = DEFAULTS["minibatch_above"],
    agglomerative_max_units: int = DEFAULTS["agglomerative_max_units"],
    lsa_random_state: int = DEFAULTS["random_state"],
    lsa_sample_size: int = DEFAULTS["lsa_sample_size"],
) -> "np.ndarray":
    """Cluster the rows of a TF-IDF matrix into k clusters numbered by size.

    ``method="kmeans"`` follows scikit-learn's document-clustering recipe: LSA
    (:func:`lsa`), rows scaled to unit length, then k-means (k-means++ starts, ``n_init``
    restarts; MiniBatchKMeans above ``minibatch_above`` units; the LSA fitted on a sample
    above ``lsa_sample_size`` units). ``method="agglomerative"``
    joins units bottom-up with average linkage on cosine distance (deterministic; the tree
    is :func:`linkage_matrix`).

    Args:
        X: TF-IDF matrix, one row per unit.
        k: number of clusters, 2 <= k <= n_units.
        method: ``"kmeans"`` or ``"agglomerative"``.
        lsa_components: LSA dimensions for k-means (see :func:`lsa`).
        random_state: seed of k-means (what the seed-stability check varies).
        n_init: k-means restarts.
        minibatch_above: use MiniBatchKMeans above this many units.
        agglomerative_max_units: refuse agglomerative clustering above this many units.
        lsa_random_state: seed of the LSA's randomized SVD. It is kept apart from
            ``random_state`` so that the representation stays fixed while k-means seeds vary,
            and the SVD is computed once per matrix (:func:`lsa` keeps the last one).
        lsa_sample_size: above this many units, fit the LSA on a sample of this many
            (drawn with ``lsa_random_state``) and project every unit (see :func:`lsa`).

    Returns:
        Int array of labels 0..k-1, cluster 0 the largest, ties by first unit.

    References:
        Arthur, D. & Vassilvitskii, S. (2007). k-means++: the advantages of careful seeding.
        *SODA*, 1027-1035. Sokal, R. & Michener, C. (1958) for average linkage (UPGMA).

    >>> import numpy as np
    >>> cluster(np.array([[1, 0], [1, 0.1], [0, 1]]), k=2).tolist()
    [0, 0, 1]
    """
    import numpy as np

    _check_choice("method", method, METHODS)
    n = _n_rows(X)
    k = _check_int("k", k, minimum=2)
    if k > n:
        raise ValueError(f"k = {k} is invalid for {n} units; value must be <= {n}")
    if method == "kmeans":
        Z = lsa(X, n_components=lsa_components, random_state=lsa_random_state,
                sample_size=lsa_sample_size)
        labels = _kmeans(Z, k, random_state=random_state, n_init=n_init,
                         minibatch=n > minibatch_above)
    else:
        if n > agglomerative_max_units:
            raise ValueError(f"method = 'agglomerative' is refused for {n} units (above "
                             f"agglomerative_max_units = {agglomerative_max_units}: it needs an "
                             "n x n distance matrix); use method='kmeans'")
        from sklearn.cluster import AgglomerativeClustering

        _check_no_zero_rows(X)
        dense = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=float)
        labels = AgglomerativeClustering(n_clusters=k, metric="cosine",
                                         linkage="average").fit_predict(dense)
    return renumber(labels)


def linkage_matrix(X) -> "np.ndarray":
    """The average-linkage tree on cosine distance, for a dendrogram.

    Cutting it into k clusters gives :func:`cluster` with ``method="agglomerative"``.

    Args:
        X: TF-IDF matrix (no all-zero rows), at least 2 rows.

    Returns:
        A SciPy linkage matrix of shape (n_units - 1, 4) for
        ``scipy.cluster.hierarchy.dendrogram``.

    References:
        Müllner, D. (2011). Modern hierarchical, agglomerative clustering algorithms.
        arXiv:1109.2378.

    >>> import numpy as np
    >>> linkage_matrix(np.array([[1.0, 0], [1.0, 0.1], [0, 1.0]])).shape
    (2, 4)
    """
    import numpy as np
    from scipy.cluster.hierarchy import linkage

    if _n_rows(X) < 2:
        raise ValueError(f"X has {_n_rows(X)} row(s); a linkage needs at least 2")
    _check_no_zero_rows(X)
    dense = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=float)
    return linkage(dense, method="average", metric="cosine")


# --------------------------------------------------------------------------- choice of k


def _silhouette(X, labels, *, sample_size: int | None, random_state: int) -> float:
    import numpy as np
    from sklearn.metrics import silhouette_score

    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= len(labels):
        return float("nan")
    return float(silhouette_score(X, labels, metric="cosine", sample_size=sample_size,
                                  random_state=random_state))


def default_k_range(n_units: int, *, k_min: int = DEFAULTS["k_min"],
                    k_max: int = DEFAULTS["k_max"]) -> range:
    """k = k_min..min(k_max, n_units - 1): every k for which a silhouette exists.

    >>> list(default_k_range(5))
    [2, 3, 4]
    """
    return range(k_min, min(k_max, n_units - 1) + 1)


@dataclass(frozen=True)
class KChoice:
    """The result of :func:`choose_k`.

    Attributes:
        k: the chosen k (highest silhouette; the smaller k on a tie).
        scores: DataFrame ``k, silhouette, chosen``, one row per k tried.
        seed_stability: DataFrame ``run, random_state, ari``: k-means at the chosen k refit
            with other seeds, ARI against the main fit (empty for agglomerative, which has
            no randomness).
        bootstrap_stability: DataFrame ``resample, n_units, ari``: the units resampled with
            replacement and clustered again, ARI against the main fit on the units drawn.
        method_agreement: ARI between k-means and agglomerative clusters at the chosen k
            (NaN when skipped).
        notes: what was sampled, switched or skipped because of the corpus size, and
            warnings on the result (weak structure; best k at the edge of the range).
    """

    k: int
    scores: "pd.DataFrame"
    seed_stability: "pd.DataFrame"
    bootstrap_stability: "pd.DataFrame"
    method_agreement: float
    notes: tuple[str, ...] = field(default_factory=tuple)


def silhouette_scores(
    X,
    *,
    k_range: Iterable[int] | None = None,
    method: str = DEFAULTS["method"],
    lsa_components: int = DEFAULTS["lsa_components"],
    random_state: int = DEFAULTS["random_state"],
    n_init: int = DEFAULTS["n_init"],
    silhouette_sample_size: int = DEFAULTS["silhouette_sample_size"],
    minibatch_above: int = DEFAULTS["minibatch_above"],
    agglomerative_max_units: int = DEFAULTS["agglomerative_max_units"],
    lsa_sample_size: int = DEFAULTS["lsa_sample_size"],
) -> "pd.DataFrame":
    """Mean cosine silhouette of the clusters for each k.

    The silhouette of unit i is ``s(i) = (b(i) - a(i)) / max(a(i), b(i))``, with a(i) its
    mean cosine distance to the other units of its cluster and b(i) the lowest mean distance
    to another cluster; the score is the mean of s(i). It is computed on the TF-IDF rows for
    both methods, so scores compare across methods; above ``silhouette_sample_size`` units,
    on a sample of that many units drawn with ``random_state``.

    Args:
        X: TF-IDF matrix, one row per unit (at least 3).
        k_range: the k to try; default :func:`default_k_range`.
        method, lsa_components, random_state, n_init, minibatch_above,
            agglomerative_max_units, lsa_sample_size: passed to :func:`cluster`.
        silhouette_sample_size: sample size above which the silhouette is sampled.

    Returns:
        DataFrame ``k, silhouette, chosen`` (chosen marks the best k; see :func:`best_k`).

    References:
        Rousseeuw, P. J. (1987). Silhouettes: a graphical aid to the interpretation and
        validation of cluster analysis. *J. Comput. Appl. Math.* 20, 53-65.

    >>> import numpy as np
    >>> X = np.array([[1, 0], [1, .1], [0, 1], [.1, 1]])
    >>> silhouette_scores(X, k_range=[2])["k"].tolist()
    [2]
    """
    import pandas as pd

    n = _n_rows(X)
    if n < 3:
        raise ValueError(f"X has {n} unit(s); choosing k needs at least 3 (k from 2 to n - 1)")
    ks = list(default_k_range(n) if k_range is None else k_range)
    if not ks:
        raise ValueError(f"k_range = {k_range!r} is empty; give at least one k in 2..{n - 1}")
    for k in ks:
        _check_int("k", k, minimum=2)
        if k > n - 1:
            raise ValueError(f"k = {k} is invalid for {n} units; the silhouette needs "
                             f"2 <= k <= {n - 1}")
    sample = silhouette_sample_size if n > silhouette_sample_size else None
    rows = []
    for k in ks:
        labels = cluster(X, k=k, method=method, lsa_components=lsa_components,
                         random_state=random_state, n_init=n_init,
                         minibatch_above=minibatch_above,
                         agglomerative_max_units=agglomerative_max_units,
                         lsa_sample_size=lsa_sample_size)
        rows.append((int(k), _silhouette(X, labels, sample_size=sample, random_state=random_state)))
    table = pd.DataFrame(rows, columns=["k", "silhouette"])
    table["chosen"] = table["k"] == best_k(table)
    return table


def best_k(scores: "pd.DataFrame") -> int:
    """The k with the highest silhouette (the smaller k on a tie to 12 decimals).

    >>> import pandas as pd
    >>> best_k(pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.1, 0.3, 0.3]}))
    3
    """
    valid = scores.dropna(subset=["silhouette"])
    if valid.empty:
        raise ValueError(f"no k in {scores['k'].tolist()!r} has a silhouette; the clusterings "
                         "are degenerate (one cluster, or one unit per cluster)")
    top = valid["silhouette"].round(12).max()
    return int(valid.loc[valid["silhouette"].round(12) == top, "k"].min())


def _derived_seeds(random_state: int, n: int) -> list[int]:
    import numpy as np

    return [int(s) for s in np.random.default_rng(random_state).integers(0, 2**31 - 1, size=n)]


def seed_stability(
    X,
    *,
    k: int,
    reference: "np.ndarray | None" = None,
    n_seeds: int = DEFAULTS["n_seeds"],
    lsa_components: int = DEFAULTS["lsa_components"],
    random_state: int = DEFAULTS["random_state"],
    n_init: int = DEFAULTS["n_init"],
    minibatch_above: int = DEFAULTS["minibatch_above"],
    lsa_sample_size: int = DEFAULTS["lsa_sample_size"],
) -> "pd.DataFrame":
    """k-means refit with ``n_seeds`` other seeds (drawn from ``random_state``); each fit's
    adjusted Rand index against the reference fit (the one with ``random_state``).

    ARI is 1 for identical partitions and about 0 for chance agreement.

    Args:
        X: TF-IDF matrix.
        k: number of clusters.
        reference: labels to compare with; default the k-means fit with ``random_state``.
        n_seeds: number of refits.
        lsa_components, random_state, n_init, minibatch_above, lsa_sample_size: as in
            :func:`cluster`.

    Returns:
        DataFrame ``run, random_state, ari`` (run from 1).

    References:
        Hubert, L. & Arabie, P. (1985). Comparing partitions. *J. Classification* 2, 193-218.

    >>> import numpy as np
    >>> X = np.array([[1, 0], [1, .1], [0, 1], [.1, 1]])
    >>> seed_stability(X, k=2, n_seeds=3)["ari"].tolist()
    [1.0, 1.0, 1.0]
    """
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    _check_int("n_seeds", n_seeds, minimum=0)
    opts = dict(k=k, method="kmeans", lsa_components=lsa_components, n_init=n_init,
                minibatch_above=minibatch_above, lsa_sample_size=lsa_sample_size)
    if reference is None:
        reference = cluster(X, random_state=random_state, **opts)
    rows = []
    for run, seed in enumerate(_derived_seeds(random_state, n_seeds), start=1):
        labels = cluster(X, random_state=seed, **opts)
        rows.append((run, seed, float(adjusted_rand_score(reference, labels))))
    return pd.DataFrame(rows, columns=["run", "random_state", "ari"])


def bootstrap_stability(
    X,
    *,
    k: int,
    reference: "np.ndarray | None" = None,
    method: str = DEFAULTS["method"],
    n_bootstrap: int = DEFAULTS["n_bootstrap"],
    lsa_components: int = DEFAULTS["lsa_components"],
    random_state: int = DEFAULTS["random_state"],
    n_init: int = DEFAULTS["n_init"],
    minibatch_above: int = DEFAULTS["minibatch_above"],
    agglomerative_max_units: int = DEFAULTS["agglomerative_max_units"],
    lsa_sample_size: int = DEFAULTS["lsa_sample_size"],
) -> "pd.DataFrame":
    """Cluster bootstrap resamples of the units; ARI against the full fit on the units drawn.

    Each resample draws n units with replacement (with ``random_state``), clusters them with
    the same k and method, and compares the labels of the distinct units drawn (about 63%
    of them) with their labels in the reference clustering of all units. Resamples with
    fewer distinct units than k are skipped.

    Args:
        X: TF-IDF matrix.
        k: number of clusters.
        reference: labels of all units; default :func:`cluster` with these options.
        method: ``"kmeans"`` or ``"agglomerative"``.
        n_bootstrap: number of resamples.
        lsa_components, random_state, n_init, minibatch_above, agglomerative_max_units,
            lsa_sample_size: as in :func:`cluster`.

    Returns:
        DataFrame ``resample, n_units, ari`` (resample from 1; n_units = distinct units).

    References:
        Hennig, C. (2007). Cluster-wise assessment of cluster stability. *Computational
        Statistics & Data Analysis* 52, 258-271.

    >>> import numpy as np
    >>> X = np.array([[1, 0], [1, .1], [0, 1], [.1, 1], [1, .05], [.05, 1]])
    >>> bootstrap_stability(X, k=2, n_bootstrap=2)["resample"].tolist()
    [1, 2]
    """
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    reference, fits = _bootstrap_fits(
        X, k=k, reference=reference, method=method, n_bootstrap=n_bootstrap,
        lsa_components=lsa_components, random_state=random_state, n_init=n_init,
        minibatch_above=minibatch_above, agglomerative_max_units=agglomerative_max_units,
        lsa_sample_size=lsa_sample_size)
    rows = [(b, int(len(distinct)), float(adjusted_rand_score(reference[distinct], labels)))
            for b, distinct, labels in fits]
    return pd.DataFrame(rows, columns=["resample", "n_units", "ari"]).astype(
        {"resample": int, "n_units": int, "ari": float})


def _bootstrap_fits(X, *, k, reference, method, n_bootstrap, lsa_components, random_state,
                    n_init, minibatch_above, agglomerative_max_units, lsa_sample_size):
    """The reference labels and, per resample, (resample, distinct units, their new labels).

    The resamples depend only on ``random_state`` and n, so :func:`bootstrap_stability` and
    :func:`bootstrap_jaccard` with the same arguments see the same resamples.
    """
    import numpy as np

    _check_int("n_bootstrap", n_bootstrap, minimum=0)
    opts = dict(k=k, method=method, lsa_components=lsa_components, n_init=n_init,
                minibatch_above=minibatch_above, agglomerative_max_units=agglomerative_max_units,
                lsa_sample_size=lsa_sample_size)
    if reference is None:
        reference = cluster(X, random_state=random_state, **opts)
    reference = np.asarray(reference)
    n = _n_rows(X)
    if len(reference) != n:
        raise ValueError(f"reference has {len(reference)} labels; X has {n} rows")
    rng = np.random.default_rng(random_state)

    def fits():
        for b in range(1, n_bootstrap + 1):
            idx = np.sort(rng.integers(0, n, size=n))
            distinct, first = np.unique(idx, return_index=True)
            if len(distinct) <= k:
                continue
            labels = cluster(X[idx], random_state=random_state, **opts)
            yield b, distinct, labels[first]

    return reference, fits()


def bootstrap_jaccard(
    X,
    *,
    k: int,
    reference: "np.ndarray | None" = None,
    method: str = DEFAULTS["method"],
    n_bootstrap: int = DEFAULTS["n_bootstrap"],
    lsa_components: int = DEFAULTS["lsa_components"],
    random_state: int = DEFAULTS["random_state"],
    n_init: int = DEFAULTS["n_init"],
    minibatch_above: int = DEFAULTS["minibatch_above"],
    agglomerative_max_units: int = DEFAULTS["agglomerative_max_units"],
    lsa_sample_size: int = DEFAULTS["lsa_sample_size"],
) -> "pd.DataFrame":
    """Cluster-wise stability: how well each cluster is found again in bootstrap resamples.

    For every resample (the same resamples as :func:`bootstrap_stability` with the same
    arguments) and every reference cluster C with at least one unit drawn, the Jaccard
    similarity ``|C ∩ B| / |C ∪ B|`` between C's drawn units and the most similar cluster B
    of the resample (on the distinct units drawn). A cluster whose mean Jaccard is at most
    0.5 "dissolves"; Hennig (2007) reads a mean above 0.75 as a stable cluster and 0.6-0.75
    as a pattern, but not a sharp one. A resample that draws few units of some cluster
    still has to be cut into k clusters, so even well-separated clusters can score below 1.

    Args:
        X: TF-IDF matrix.
        k: number of clusters.
        reference: labels of all units; default :func:`cluster` with these options.
        method, n_bootstrap, lsa_components, random_state, n_init, minibatch_above,
            agglomerative_max_units, lsa_sample_size: as in :func:`bootstrap_stability`.

    Returns:
        DataFrame ``cluster, size, resamples, mean_jaccard, dissolved``, one row per
        reference cluster (sorted): ``resamples`` = resamples in which the cluster had a unit
        drawn, ``dissolved`` = share of those with Jaccard <= 0.5. ``mean_jaccard`` is NaN
        for a cluster never drawn.

    References:
        Hennig, C. (2007). Cluster-wise assessment of cluster stability. *Computational
        Statistics & Data Analysis* 52, 258-271.

    >>> import numpy as np
    >>> X = np.array([[1, 0], [1, .1], [0, 1], [.1, 1], [1, .05], [.05, 1]])
    >>> bootstrap_jaccard(X, k=2, n_bootstrap=5)[["cluster", "size"]].values.tolist()
    [[0, 3], [1, 3]]
    """
    import numpy as np
    import pandas as pd

    reference, fits = _bootstrap_fits(
        X, k=k, reference=reference, method=method, n_bootstrap=n_bootstrap,
        lsa_components=lsa_components, random_state=random_state, n_init=n_init,
        minibatch_above=minibatch_above, agglomerative_max_units=agglomerative_max_units,
        lsa_sample_size=lsa_sample_size)
    clusters = sorted(np.unique(reference).tolist())
    scores: dict[int, list[float]] = {c: [] for c in clusters}
    for _, distinct, labels in fits:
        drawn = reference[distinct]
        for c in clusters:
            members = drawn == c
            if not members.any():
                continue
            best = 0.0
            for b in np.unique(labels):
                other = labels == b
                best = max(best, float((members & other).sum() / (members | other).sum()))
            scores[c].append(best)
    rows = []
    for c in clusters:
        values = np.array(scores[c], dtype=float)
        mean = float(values.mean()) if values.size else float("nan")
        dissolved = float((values <= 0.5).mean()) if values.size else float("nan")
        rows.append((int(c), int((reference == c).sum()), int(values.size), mean, dissolved))
    return pd.DataFrame(rows, columns=["cluster", "size", "resamples", "mean_jaccard",
                                       "dissolved"])


def choose_k(
    X,
    *,
    k_range: Iterable[int] | None = None,
    method: str = DEFAULTS["method"],
    stability: bool = True,
    n_seeds: int = DEFAULTS["n_seeds"],
    n_bootstrap: int = DEFAULTS["n_bootstrap"],
    lsa_components: int = DEFAULTS["lsa_components"],
    random_state: int = DEFAULTS["random_state"],
    n_init: int = DEFAULTS["n_init"],
    silhouette_sample_size: int = DEFAULTS["silhouette_sample_size"],
    minibatch_above: int = DEFAULTS["minibatch_above"],
    agglomerative_max_units: int = DEFAULTS["agglomerative_max_units"],
    bootstrap_max_units: int = DEFAULTS["bootstrap_max_units"],
    k_sample_size: int = DEFAULTS["k_sample_size"],
    lsa_sample_size: int = DEFAULTS["lsa_sample_size"],
) -> KChoice:
    """Choose k by cosine silhouette and measure how far the clusters can be trusted.

    Scores k over ``k_range`` (default 2..min(10, n - 1)) with :func:`silhouette_scores`,
    picks the best (:func:`best_k`), then at that k: k-means refits with ``n_seeds`` other
    seeds (:func:`seed_stability`), ``n_bootstrap`` bootstrap resamples of the units
    (:func:`bootstrap_stability`) and the agreement of k-means with agglomerative clustering,
    all as adjusted Rand index. Above ``k_sample_size`` units all of this is done on a
    sample of ``k_sample_size`` units drawn with ``random_state`` (the clusters of every
    unit are then fitted at the chosen k by :func:`cluster`, as :func:`topic_model` does).
    Steps changed or skipped for a large corpus are listed in ``notes`` (sampled units,
    sampled silhouette, MiniBatchKMeans, no agglomerative, no bootstrap).

    Args:
        X: TF-IDF matrix, one row per unit (at least 3, no all-zero rows for agglomerative).
        k_range: the k to try.
        method: ``"kmeans"`` or ``"agglomerative"``: the method whose k is chosen.
        stability: False skips the three stability measures (their tables are empty).
        n_seeds: k-means refits for seed stability.
        n_bootstrap: bootstrap resamples.
        lsa_components, random_state, n_init, minibatch_above, agglomerative_max_units,
            lsa_sample_size: as in :func:`cluster`.
        silhouette_sample_size: silhouette on a sample above this many units.
        bootstrap_max_units: skip the bootstrap above this many units.
        k_sample_size: above this many units, choose k (and measure stability) on a sample
            of this many units.

    Returns:
        A :class:`KChoice`.

    References:
        Rousseeuw (1987); Hubert & Arabie (1985); Hennig (2007). Kaufman, L. & Rousseeuw,
        P. J. (1990). *Finding Groups in Data*, Wiley, ch. 2 (reading the silhouette).

    >>> import numpy as np
    >>> X = np.array([[1, 0], [1, .1], [0, 1], [.1, 1], [1, .05], [.05, 1]])
    >>> choose_k(X, n_seeds=2, n_bootstrap=2).k
    2
    """
    import pandas as pd

    _check_choice("method", method, METHODS)
    n = _n_rows(X)
    cluster_opts = dict(lsa_components=lsa_components, random_state=random_state, n_init=n_init,
                        minibatch_above=minibatch_above, lsa_sample_size=lsa_sample_size)
    notes: list[str] = []
    if n > _check_int("k_sample_size", k_sample_size, minimum=3):
        X, _ = _sample_units(X, k_sample_size, random_state)
        notes.append(f"k chosen on a sample of {k_sample_size} of {n} units "
                     f"(random_state={random_state}); the scores and stability below are "
                     "those of the sample")
        n = k_sample_size
    if n > silhouette_sample_size:
        notes.append(f"silhouette computed on a sample of {silhouette_sample_size} of {n} units "
                     f"(random_state={random_state})")
    if n > minibatch_above and method == "kmeans":
        notes.append(f"k-means run as MiniBatchKMeans ({n} units > {minibatch_above})")
    scores = silhouette_scores(X, k_range=k_range, method=method,
                               silhouette_sample_size=silhouette_sample_size,
                               agglomerative_max_units=agglomerative_max_units, **cluster_opts)
    k = best_k(scores)
    top = float(scores.loc[scores["k"] == k, "silhouette"].iloc[0])
    if top <= WEAK_SILHOUETTE:
        notes.append(f"best silhouette {top:.3f} <= {WEAK_SILHOUETTE}: no substantial cluster "
                     "structure (Kaufman & Rousseeuw 1990); read the clusters as a partition "
                     "for exploration, not as natural groups")
    if len(scores) > 1 and k == int(scores["k"].max()):
        notes.append(f"the best k ({k}) is the largest tried; the silhouette may still rise "
                     "beyond the range")
    seeds = pd.DataFrame({"run": pd.Series(dtype=int), "random_state": pd.Series(dtype=int),
                          "ari": pd.Series(dtype=float)})
    boot = pd.DataFrame({"resample": pd.Series(dtype=int), "n_units": pd.Series(dtype=int),
                         "ari": pd.Series(dtype=float)})
    agreement = float("nan")
    if stability:
        reference = cluster(X, k=k, method=method,
                            agglomerative_max_units=agglomerative_max_units, **cluster_opts)
        if method == "kmeans":
            seeds = seed_stability(X, k=k, reference=reference, n_seeds=n_seeds, **cluster_opts)
        else:
            notes.append("seed stability not measured: agglomerative clustering has no seed")
        if n > bootstrap_max_units:
            notes.append(f"bootstrap stability skipped ({n} units > bootstrap_max_units = "
                         f"{bootstrap_max_units})")
        else:
            boot = bootstrap_stability(X, k=k, reference=reference, method=method,
                                       n_bootstrap=n_bootstrap,
                                       agglomerative_max_units=agglomerative_max_units,
                                       **cluster_opts)
        if n > agglomerative_max_units:
            notes.append(f"k-means vs agglomerative agreement skipped ({n} units > "
                         f"agglomerative_max_units = {agglomerative_max_units})")
        elif _has_zero_rows(X):
            notes.append("k-means vs agglomerative agreement skipped: X has all-zero rows")
        else:
            from sklearn.metrics import adjusted_rand_score

            other = "agglomerative" if method == "kmeans" else "kmeans"
            other_labels = cluster(X, k=k, method=other,
                                   agglomerative_max_units=agglomerative_max_units, **cluster_opts)
            agreement = float(adjusted_rand_score(reference, other_labels))
    return KChoice(k=k, scores=scores, seed_stability=seeds, bootstrap_stability=boot,
                   method_agreement=agreement, notes=tuple(notes))


def _has_zero_rows(X) -> bool:
    import numpy as np

    return bool((np.asarray(abs(X).sum(axis=1)).ravel() == 0).any())


# --------------------------------------------------------------------------- description


def _column_means(X, rows) -> "np.ndarray":
    import numpy as np

    return np.asarray(X[rows].mean(axis=0)).ravel()


def _check_labels(X, labels) -> "np.ndarray":
    import numpy as np

    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != _n_rows(X):
        raise ValueError(f"labels has shape {labels.shape}; expected one label per row of X "
                         f"({_n_rows(X)})")
    return labels


def top_terms(
    X,
    labels: Sequence[int],
    feature_names: Sequence[str],
    *,
    n_terms: int = DEFAULTS["n_terms"],
) -> "pd.DataFrame":
    """The terms with the highest mean TF-IDF in each cluster, with English glosses.

    Args:
        X: TF-IDF matrix, one row per unit.
        labels: cluster of each row.
        feature_names: name of each column (from :func:`tfidf`).
        n_terms: terms per cluster (fewer when a cluster has fewer non-zero terms).

    Returns:
        DataFrame ``cluster, rank, term, gloss, weight``: rank from 1 within each cluster,
        weight = mean TF-IDF of the term over the cluster's units, ties by term;
        gloss from :func:`corpus_utils.glossary.gloss` ('' when missing).

    >>> import numpy as np
    >>> top_terms(np.array([[1.0, 0], [0, 1.0]]), [0, 1], ["حلب", "جنيف"], n_terms=1)["term"].tolist()
    ['حلب', 'جنيف']
    """
    import numpy as np
    import pandas as pd

    from .glossary import gloss

    labels = _check_labels(X, labels)
    n_terms = _check_int("n_terms", n_terms, minimum=1)
    feature_names = np.asarray(feature_names, dtype=str)
    if len(feature_names) != X.shape[1]:
        raise ValueError(f"feature_names has {len(feature_names)} names; X has {X.shape[1]} columns")
    rows = []
    for c in sorted(np.unique(labels).tolist()):
        weights = _column_means(X, labels == c)
        candidates = np.flatnonzero(weights > 0)
        if len(candidates) > n_terms:  # only terms that can reach the top n need sorting
            kth = len(candidates) - n_terms
            cut = np.partition(weights[candidates], kth)[kth]  # the n-th largest weight
            candidates = candidates[weights[candidates] >= cut]
        order = sorted(candidates, key=lambda j: (-weights[j], feature_names[j]))
        for rank, j in enumerate(order[:n_terms], start=1):
            term = str(feature_names[j])
            rows.append((int(c), rank, term, gloss(term), float(weights[j])))
    return pd.DataFrame(rows, columns=["cluster", "rank", "term", "gloss", "weight"]).astype(
        {"cluster": int, "rank": int, "term": str, "gloss": str, "weight": float})


def term_summary(terms: "pd.DataFrame", *, n: int = 5, by: str = "cluster") -> "pd.DataFrame":
    """One row per cluster (or topic): its first n terms and their glosses, for display.

    Args:
        terms: a table from :func:`top_terms` (or :attr:`NMFTopics.terms` with
            ``by="topic"``): columns ``by, rank, term, gloss``.
        n: terms per row (the n best ranks).
        by: the grouping column.

    Returns:
        DataFrame ``by, terms, glosses``: terms joined with the Arabic comma ``، `` in rank
        order, glosses with ``; `` in the same order (a missing gloss shows as ``?``).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"cluster": [0, 0], "rank": [2, 1], "term": ["حلب", "كلس"],
    ...                   "gloss": ["Aleppo", "Kilis"]})
    >>> term_summary(t).loc[0, ["terms", "glosses"]].tolist()
    ['كلس، حلب', 'Kilis; Aleppo']
    """
    import pandas as pd

    n = _check_int("n", n, minimum=1)
    missing = [c for c in (by, "rank", "term", "gloss") if c not in terms.columns]
    if missing:
        raise ValueError(f"terms has columns {list(terms.columns)!r}; missing {missing!r}")
    rows = []
    for key, group in terms.sort_values([by, "rank"], kind="mergesort").groupby(by, sort=True):
        top = group.head(n)
        rows.append((key, "، ".join(top["term"].astype(str)),
                     "; ".join(g if g else "?" for g in top["gloss"].fillna("").astype(str))))
    return pd.DataFrame(rows, columns=[by, "terms", "glosses"])


def typical_units(X, labels: Sequence[int], n: int = DEFAULTS["n_typical"]) -> "pd.DataFrame":
    """The n units of each cluster closest (cosine) to the cluster's mean TF-IDF vector.

    Args:
        X: TF-IDF matrix, one row per unit.
        labels: cluster of each row.
        n: units per cluster (fewer when the cluster is smaller).

    Returns:
        DataFrame ``cluster, rank, unit, similarity``: ``unit`` is the row position in X,
        rank from 1 (most typical first; ties by position).

    >>> import numpy as np
    >>> X = np.array([[1.0, 0], [1.0, 0.1], [1.0, 0.2], [0, 1.0]])
    >>> typical_units(X, [0, 0, 0, 1], n=1)["unit"].tolist()
    [1, 3]
    """
    import numpy as np
    import pandas as pd
    from sklearn.metrics.pairwise import cosine_similarity

    labels = _check_labels(X, labels)
    n = _check_int("n", n, minimum=1)
    rows = []
    for c in sorted(np.unique(labels).tolist()):
        members = np.flatnonzero(labels == c)
        centroid = _column_means(X, members).reshape(1, -1)
        sims = cosine_similarity(X[members], centroid).ravel()
        order = sorted(range(len(members)), key=lambda i: (-round(sims[i], 12), members[i]))
        for rank, i in enumerate(order[:n], start=1):
            rows.append((int(c), rank, int(members[i]), float(sims[i])))
    return pd.DataFrame(rows, columns=["cluster", "rank", "unit", "similarity"])


def crosstab(units: "pd.DataFrame", *, by: str = "era", column: str = "cluster") -> "pd.DataFrame":
    """Count units per cluster and group (cluster x era, cluster x document, ...).

    Units whose cluster is missing (no features) are left out.

    Args:
        units: a units table with a cluster column (e.g. ``topic_model(...).units``).
        by: the grouping column: ``"era"``, ``"doc_id"``, ``"outlet"``, ...
        column: the cluster column.

    Returns:
        DataFrame of counts, index ``cluster`` (0..k-1), one column per group value, sorted.

    >>> import pandas as pd
    >>> t = crosstab(pd.DataFrame({"cluster": [0, 0, 1], "era": ["a", "b", "b"]}))
    >>> t.loc[0].tolist()
    [1, 1]
    """
    import pandas as pd

    for name in (by, column):
        if name not in units.columns:
            raise ValueError(f"column {name!r} is not in the units table; available: "
                             f"{list(units.columns)!r}")
    data = units.dropna(subset=[column])
    table = pd.crosstab(data[column].astype(int), data[by].astype(str))
    table.index.name, table.columns.name = "cluster", by
    return table.sort_index().sort_index(axis=1)


def document_crosstab(units: "pd.DataFrame", *, column: str = "cluster") -> "pd.DataFrame":
    """Cluster x document counts (for a heatmap): :func:`crosstab` with ``by="doc_id"``.

    >>> import pandas as pd
    >>> document_crosstab(pd.DataFrame({"cluster": [0, 1], "doc_id": ["000", "001"]})).shape
    (2, 2)
    """
    return crosstab(units, by="doc_id", column=column)


def svd_2d(X, *, random_state: int = DEFAULTS["random_state"]) -> "pd.DataFrame":
    """Two-dimensional map of the units by truncated SVD of the TF-IDF matrix.

    Args:
        X: TF-IDF matrix, at least 2 rows and 3 columns.
        random_state: seed of the randomized SVD.

    Returns:
        DataFrame ``x, y`` (first and second components), one row per unit. The sign of
        each component is fixed so that its largest-magnitude loading is positive.

    >>> import numpy as np
    >>> svd_2d(np.eye(4)).shape
    (4, 2)
    """
    import numpy as np
    import pandas as pd
    from sklearn.decomposition import TruncatedSVD

    n, f = X.shape
    if n < 2 or f < 3:
        raise ValueError(f"X has shape {X.shape}; a 2-D map needs at least 2 rows and 3 columns")
    svd = TruncatedSVD(n_components=2, algorithm="randomized", n_iter=7, random_state=random_state)
    coords = svd.fit_transform(X)
    signs = np.sign(svd.components_[np.arange(2), np.abs(svd.components_).argmax(axis=1)])
    coords = coords * np.where(signs == 0, 1, signs)
    return pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1]})


@dataclass(frozen=True)
class NMFTopics:
    """The result of :func:`nmf_topics`.

    Attributes:
        doc_topic: array (n_units, k) of topic weights per unit.
        dominant: the heaviest topic of each unit (topics numbered like clusters: by the
            number of units they dominate, ties by first unit; topics dominating no unit last).
        terms: DataFrame ``topic, rank, term, gloss, weight`` (weight = NMF loading).
    """

    doc_topic: "np.ndarray"
    dominant: "np.ndarray"
    terms: "pd.DataFrame"


def nmf_topics(
    X,
    k: int,
    *,
    feature_names: Sequence[str],
    n_terms: int = DEFAULTS["n_terms"],
    random_state: int = DEFAULTS["random_state"],
) -> NMFTopics:
    """Non-negative matrix factorisation of the TF-IDF matrix into k topics, X ~ W H.

    Args:
        X: TF-IDF matrix (non-negative).
        k: number of topics (>= 2, <= min(n_units, n_features)).
        feature_names: column names of X.
        n_terms: top terms per topic.
        random_state: seed (NNDSVDa initialisation is deterministic; the seed is for ties).

    Returns:
        An :class:`NMFTopics`.

    References:
        Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by non-negative
        matrix factorization. *Nature* 401, 788-791.

    >>> import numpy as np
    >>> X = np.array([[1, 1, 0, 0], [1, .9, 0, 0], [0, 0, 1, 1], [0, .1, 1, 1]])
    >>> nmf_topics(X, 2, feature_names=list("abcd")).dominant.tolist()
    [0, 0, 1, 1]
    """
    import numpy as np
    import pandas as pd
    from sklearn.decomposition import NMF

    from .glossary import gloss

    k = _check_int("k", k, minimum=2)
    n, f = X.shape
    if k > min(n, f):
        raise ValueError(f"k = {k} is invalid for X of shape {X.shape}; value must be <= {min(n, f)}")
    feature_names = np.asarray(feature_names, dtype=str)
    if len(feature_names) != f:
        raise ValueError(f"feature_names has {len(feature_names)} names; X has {f} columns")
    model = NMF(n_components=k, init="nndsvda", max_iter=1000, random_state=random_state)
    W = model.fit_transform(X)
    H = model.components_
    raw = W.argmax(axis=1)
    counts = np.bincount(raw, minlength=k)
    first = np.array([np.flatnonzero(raw == t)[0] if counts[t] else n for t in range(k)])
    order = sorted(range(k), key=lambda t: (-counts[t], first[t], -H[t].sum()))
    W, H = W[:, order], H[order]
    dominant = W.argmax(axis=1)
    rows = []
    for t in range(k):
        idx = sorted(np.flatnonzero(H[t] > 0), key=lambda j: (-H[t, j], feature_names[j]))
        for rank, j in enumerate(idx[:n_terms], start=1):
            term = str(feature_names[j])
            rows.append((t, rank, term, gloss(term), float(H[t, j])))
    terms_table = pd.DataFrame(rows, columns=["topic", "rank", "term", "gloss", "weight"])
    return NMFTopics(doc_topic=W, dominant=dominant, terms=terms_table)


def compare_partitions(labels: Sequence[int], topics: Sequence[int]) -> "pd.DataFrame":
    """Cross-table of clusters against NMF dominant topics (units counted).

    Args:
        labels: cluster of each unit.
        topics: dominant NMF topic of each unit (:attr:`NMFTopics.dominant`).

    Returns:
        DataFrame of counts, index ``cluster``, columns ``topic``.

    >>> compare_partitions([0, 0, 1], [1, 1, 0]).loc[0, 1]
    np.int64(2)
    """
    import numpy as np
    import pandas as pd

    labels, topics = np.asarray(labels), np.asarray(topics)
    if labels.shape != topics.shape:
        raise ValueError(f"labels has shape {labels.shape} and topics {topics.shape}; they must match")
    table = pd.crosstab(pd.Series(labels, name="cluster"), pd.Series(topics, name="topic"))
    return table.sort_index().sort_index(axis=1)


# --------------------------------------------------------------------------- the whole analysis


@dataclass(frozen=True)
class TopicModel:
    """The result of :func:`topic_model`.

    Attributes:
        units: the units table (:func:`units`) with ``cluster`` (nullable int; <NA> for units
            without any feature, which are not clustered).
        X: TF-IDF matrix of the clustered units only (rows follow ``rows``).
        features: feature names (display terms or n-grams).
        rows: positions in ``units`` of the rows of X.
        k: number of clusters.
        labels: cluster of each row of X.
        terms: top terms per cluster (:func:`top_terms`).
        choice: the :class:`KChoice` when k was chosen automatically, else None.
        options: the options used (DEFAULTS overridden by the call).
        notes: units left out, steps changed for corpus size.
    """

    units: "pd.DataFrame"
    X: "sparse.csr_matrix"
    features: "np.ndarray"
    rows: "np.ndarray"
    k: int
    labels: "np.ndarray"
    terms: "pd.DataFrame"
    choice: KChoice | None
    options: Mapping[str, Any]
    notes: tuple[str, ...] = ()

    def assignments(self) -> "pd.DataFrame":
        """``doc_id, paragraph, sentence, line, cluster``: the CLI's default table."""
        return self.units.loc[:, ["doc_id", "paragraph", "sentence", "line", "cluster"]]


def _corpus_lexicon(corpus: "pd.DataFrame", analyzer: str) -> frozenset[str] | None:
    """One lexicon of the whole corpus (so every unit type gets the same stems), built once
    per corpus (:func:`corpus_utils.cache.lexicon`: keyness and KWIC share it)."""
    if analyzer != "word":
        return None
    import pandas as pd

    from .cache import lexicon

    texts = corpus["text"]
    if not (isinstance(texts.dtype, pd.StringDtype) and not texts.hasnans):
        texts = texts.fillna("").astype(str).tolist()
    return lexicon(texts)


def _fit_notes(n: int, *, k: int, opts: Mapping[str, Any], sampled: bool) -> list[str]:
    """What :func:`topic_model`'s final clustering of all n units changes for their number
    (the choice of k notes its own changes)."""
    if opts["method"] != "kmeans":
        return []
    notes = []
    if n > opts["lsa_sample_size"]:
        notes.append(f"LSA fitted on a sample of {opts['lsa_sample_size']} of {n} units "
                     f"(random_state={opts['random_state']}); every unit projected onto it")
    minibatch = n > opts["minibatch_above"]
    if sampled:
        how = f" with MiniBatchKMeans ({n} units > {opts['minibatch_above']})" if minibatch else ""
        notes.append(f"the chosen k = {k} fitted on all {n} units{how}")
    elif minibatch and opts["k"] != "auto":
        notes.append(f"k-means run as MiniBatchKMeans ({n} units > {opts['minibatch_above']})")
    return notes


def topic_model(corpus: "pd.DataFrame", *, stability: bool = False, n_jobs: int | None = 1,
                **options: Any) -> TopicModel:
    """The whole analysis: units, TF-IDF, k (chosen or given), clusters and top terms.

    Units without any feature after ``min_df`` get cluster <NA> and are left out of X.

    Args:
        corpus: the documents table of :func:`corpus_utils.corpus.load_corpus`.
        stability: with ``k="auto"``, also measure seed and bootstrap stability.
        n_jobs: processes counting the terms of the units (word analyzer; see
            :func:`tfidf`): 1 (default) starts no pool, -1 uses every core; the model is the
            same. Not an option of :data:`DEFAULTS`, so not recorded in ``options``.
        **options: any key of :data:`DEFAULTS` (``unit``, ``analyzer``, ``k``, ``method``,
            ``min_df``, ``n_terms``, ...).

    Returns:
        A :class:`TopicModel`.

    >>> from corpus_utils.corpus import load_corpus
    >>> model = topic_model(load_corpus())
    >>> sorted(set(model.terms["cluster"])) == list(range(model.k))
    True
    """
    import numpy as np
    import pandas as pd

    from .parallel import resolve_n_jobs

    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"option {unknown[0]!r} is unknown; allowed: {', '.join(DEFAULTS)}")
    resolve_n_jobs(n_jobs)  # checked before any work
    opts = {**DEFAULTS, **options}
    table = units(corpus, opts["unit"])
    if table.empty:
        raise ValueError("the corpus has no units to cluster (no non-empty text)")
    texts = table["text"]
    if isinstance(texts.dtype, pd.StringDtype) and not texts.hasnans:
        _check_choice("analyzer", opts["analyzer"], ANALYZERS)
        make_tfidf = _tfidf  # the column is read a chunk at a time, never all as Python strings
    else:
        texts, make_tfidf = texts.tolist(), tfidf  # tfidf names a text that is not a str
    X_all, features = make_tfidf(texts, analyzer=opts["analyzer"],
                                 min_df=opts["min_df"], max_df=opts["max_df"],
                                 sublinear_tf=opts["sublinear_tf"],
                                 min_term_length=opts["min_term_length"],
                                 ngram_range=tuple(opts["char_ngram_range"]),
                                 lexicon=_corpus_lexicon(corpus, opts["analyzer"]), n_jobs=n_jobs)
    del texts
    rows = np.flatnonzero(np.asarray(X_all.sum(axis=1)).ravel() > 0)
    X = X_all if len(rows) == X_all.shape[0] else X_all[rows]  # no copy when every unit counts
    del X_all
    notes = []
    if len(rows) < len(table):
        notes.append(f"{len(table) - len(rows)} {opts['unit']}(s) without any feature "
                     f"(min_df={opts['min_df']}) are not clustered")
    cluster_opts = {key: opts[key] for key in ("lsa_components", "random_state", "n_init",
                                               "minibatch_above", "agglomerative_max_units",
                                               "lsa_sample_size")}
    n = len(rows)
    choice = None
    k = opts["k"]
    if k == "auto":
        n_scored = min(n, _check_int("k_sample_size", opts["k_sample_size"], minimum=3))
        choice = choose_k(X, k_range=default_k_range(n_scored, k_min=opts["k_min"],
                                                      k_max=opts["k_max"]),
                          method=opts["method"], stability=stability, n_seeds=opts["n_seeds"],
                          n_bootstrap=opts["n_bootstrap"],
                          silhouette_sample_size=opts["silhouette_sample_size"],
                          bootstrap_max_units=opts["bootstrap_max_units"],
                          k_sample_size=opts["k_sample_size"], **cluster_opts)
        k = choice.k
        notes.extend(choice.notes)
    elif isinstance(k, str):
        raise ValueError(f"k = {k!r} is invalid; use 'auto' or an integer >= 2")
    notes.extend(_fit_notes(n, k=k, opts=opts, sampled=choice is not None and n > n_scored))
    labels = cluster(X, k=k, method=opts["method"], **cluster_opts)
    column = pd.array([pd.NA] * len(table), dtype="Int64")
    column[rows] = labels
    table = table.assign(cluster=column)
    terms_table = top_terms(X, labels, features, n_terms=opts["n_terms"])
    from .memory import release_after

    release_after(len(table))  # the counts and projections of a large corpus are freed
    return TopicModel(units=table, X=X, features=features, rows=rows, k=int(k), labels=labels,
                      terms=terms_table, choice=choice, options=MappingProxyType(opts),
                      notes=tuple(notes))
