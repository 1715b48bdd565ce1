"""Topics and keyness at scale (issue 10, item 5): streamed counts, one lexicon per corpus,
sampling above documented sizes, and exact fast paths.

Each fast path is checked against the straightforward computation it replaces (kept here
as a reference implementation): the streamed TF-IDF against scikit-learn's
``TfidfVectorizer`` on the per-unit stems, bit for bit; the sparse leave-one-document-out
check against the dense (documents x terms) one; the partial sort of ``top_terms`` and the
vectorised ``renumber`` against full sorts. The switches for large corpora are exercised
with the size thresholds turned down to a few units.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from corpus_utils import arabic, cache, keyness, topics
from corpus_utils.paths import seeds_path

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىة"


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(seeds_path().glob("*.txt"))]


@pytest.fixture(scope="module")
def seed_corpus():
    from corpus_utils.corpus import load_corpus

    return load_corpus()


@pytest.fixture(scope="module")
def seed_paragraphs(seed_corpus) -> list[str]:
    return topics.units(seed_corpus, "paragraph")["text"].tolist()


# --------------------------------------------------------------------------- cache.pair_matrix


def test_pair_matrix_counts_term_pairs_in_order_of_first_occurrence(seed_texts):
    lexicon = arabic.build_lexicon(seed_texts)
    m = cache.pair_matrix(seed_texts, cache=False, lexicon=lexicon)
    per_doc = [Counter(arabic.term_pairs(t, lexicon=lexicon)) for t in seed_texts]
    pairs = list(dict.fromkeys(p for c in per_doc for p in c))
    assert list(zip(m.terms, m.stems)) == pairs
    assert m.X.toarray().tolist() == [[c.get(p, 0) for p in pairs] for c in per_doc]
    assert m.X.dtype == np.int64 and m.X.format == "csr"


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_pair_matrix_is_the_same_from_the_cache_and_on_two_processes(tmp_path, seed_texts,
                                                                     batch_size):
    plain = cache.pair_matrix(seed_texts, cache=False)
    for kwargs in ({"cache": tmp_path}, {"cache": tmp_path}, {"cache": False, "n_jobs": 2}):
        m = cache.pair_matrix(seed_texts, batch_size=batch_size, **kwargs)
        assert (m.terms, m.stems) == (plain.terms, plain.stems)
        assert (m.X != plain.X).nnz == 0


def test_pair_matrix_of_nothing_and_of_empty_texts():
    m = cache.pair_matrix([], cache=False)
    assert m.X.shape == (0, 0) and m.terms == [] and m.stems == []
    m = cache.pair_matrix(["", "، .", "الائتلاف"], cache=False)
    assert m.X.toarray().tolist() == [[0], [0], [1]]


@given(st.lists(st.text(alphabet=ARABIC + " ،.\n", max_size=60), max_size=8),
       st.integers(min_value=1, max_value=5))
@settings(max_examples=40, deadline=None)
def test_stem_counts_equal_counting_the_kept_terms(texts, min_length):
    keep = lambda t: len(t) >= min_length  # noqa: E731
    per_doc = [[p for p in arabic.term_pairs(t) if keep(p[0])] for t in texts]
    stems = list(dict.fromkeys(s for ps in per_doc for _, s in ps))
    pairs = cache.pair_matrix(texts, cache=False)
    m = cache.stem_counts(pairs, keep=np.array([keep(t) for t in pairs.terms], dtype=bool))
    assert m.stems == stems
    assert m.X.toarray().tolist() == [[Counter(s for _, s in ps).get(s, 0) for s in stems]
                                      for ps in per_doc]
    forms = arabic.display_forms(arabic.Term(t, s, 0, 0, t) for ps in per_doc for t, s in ps)
    assert m.forms == forms
    assert m.totals.tolist() == [len(ps) for ps in per_doc]
    assert m.X.has_canonical_format


def test_stem_counts_rejects_a_mask_of_the_wrong_length():
    pairs = cache.pair_matrix(["الائتلاف الوطني"], cache=False)
    with pytest.raises(ValueError, match="one flag per pair column"):
        cache.stem_counts(pairs, keep=[True])


# --------------------------------------------------------------------------- cache.lexicon


def test_lexicon_is_built_once_per_corpus(seed_texts, monkeypatch):
    cache._LEXICON_MEMO.clear()
    built = []
    original = arabic.build_lexicon
    monkeypatch.setattr(arabic, "build_lexicon", lambda texts: built.append(1) or original(texts))
    first = cache.lexicon(seed_texts)
    assert first == original(seed_texts)
    assert cache.lexicon(list(seed_texts)) is first      # equal texts: the same object
    assert len(built) == 1
    other = cache.lexicon(seed_texts[:2])
    assert other != first and len(built) == 2
    for i in range(cache.LEXICON_MEMO_SIZE + 1):          # the memo stays small
        cache.lexicon([f"نص{'ب' * i}"])
    assert len(cache._LEXICON_MEMO) == cache.LEXICON_MEMO_SIZE


@pytest.mark.parametrize("texts, message", [("نص", "a str is invalid"),
                                            (["نص", None], r"texts\[1\] = None is invalid")])
def test_lexicon_bad_input(texts, message):
    with pytest.raises(ValueError, match=message):
        cache.lexicon(texts)


def test_lexicon_reads_a_column_a_chunk_at_a_time(seed_texts):
    column = pd.Series(seed_texts, dtype="str")
    assert list(cache.iter_texts(column, chunk_size=2)) == seed_texts
    assert cache.lexicon(column) is cache.lexicon(seed_texts)
    assert cache.lexicon(iter(seed_texts)) is cache.lexicon(seed_texts)


def test_lexicon_of_a_column_seen_before_does_not_read_it_again(seed_texts, monkeypatch):
    frame = pd.DataFrame({"text": pd.Series(seed_texts, dtype="str")})
    first = cache.lexicon(frame["text"])
    monkeypatch.setattr(cache, "iter_texts", lambda *a, **k: pytest.fail("texts read again"))
    assert cache.lexicon(frame["text"]) is first          # the same Arrow array
    monkeypatch.undo()
    frame.loc[0, "text"] = "نص آخر تماما"                # a changed column: read and rebuilt
    changed = cache.lexicon(frame["text"])
    assert changed is not first and "تماما" in changed


def test_the_analyses_share_one_lexicon(seed_corpus):
    texts = seed_corpus["text"].tolist()
    assert keyness.corpus_lexicon(seed_corpus) is topics._corpus_lexicon(seed_corpus, "word")
    assert keyness.corpus_lexicon(seed_corpus) == arabic.build_lexicon(texts)


# --------------------------------------------------------------------------- topics.tfidf


def _reference_tfidf(texts, lexicon, *, min_df=2, max_df=1.0, sublinear_tf=True,
                     min_term_length=3):
    """The word analyzer as it was: Term lists for the corpus, then TfidfVectorizer."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    kept = [[t for t in found if len(t.term) >= min_term_length and not arabic.is_stopword(t.term)]
            for found in arabic.corpus_terms(texts, keep_numbers=False, lexicon=lexicon)]
    forms = arabic.display_forms(t for found in kept for t in found)
    vectorizer = TfidfVectorizer(analyzer=topics._pretokenized, min_df=min_df, max_df=max_df,
                                 sublinear_tf=sublinear_tf, lowercase=False, strip_accents=None,
                                 dtype=np.float64)
    X = vectorizer.fit_transform([[t.stem for t in found] for found in kept]).tocsr()
    return X, np.array([forms[s] for s in vectorizer.get_feature_names_out()], dtype=str)


def _same_matrix(a, b) -> bool:
    return (a.shape == b.shape and a.dtype == b.dtype
            and all(np.array_equal(getattr(a, n), getattr(b, n))
                    and getattr(a, n).dtype == getattr(b, n).dtype
                    for n in ("data", "indices", "indptr")))


@pytest.mark.parametrize("options", [
    {}, {"min_df": 1}, {"min_df": 0.05, "max_df": 0.5}, {"max_df": 3, "sublinear_tf": False},
    {"min_term_length": 5},
])
def test_streamed_tfidf_is_the_vectorizer_s_matrix_bit_for_bit(seed_corpus, seed_paragraphs,
                                                               options):
    lexicon = arabic.build_lexicon(seed_corpus["text"].tolist())
    X, features = topics.tfidf(seed_paragraphs, lexicon=lexicon, **options)
    X_ref, features_ref = _reference_tfidf(seed_paragraphs, lexicon, **options)
    assert _same_matrix(X, X_ref)
    assert features.tolist() == features_ref.tolist()


@given(st.lists(st.lists(st.sampled_from(["الائتلاف", "والائتلاف", "حلب", "بحلب", "المدنيين",
                                          "مدنيون", "قصف", "في", "النظام", "روسيا", "11"]),
                         max_size=12).map(" ".join), min_size=1, max_size=10),
       st.sampled_from([1, 2, 0.3]))
@settings(max_examples=40, deadline=None)
def test_streamed_tfidf_matches_the_vectorizer_on_any_texts(texts, min_df):
    lexicon = arabic.build_lexicon(texts)
    try:
        X_ref, features_ref = _reference_tfidf(texts, lexicon, min_df=min_df)
    except ValueError:
        with pytest.raises(ValueError, match="no features"):
            topics.tfidf(texts, lexicon=lexicon, min_df=min_df)
        return
    X, features = topics.tfidf(texts, lexicon=lexicon, min_df=min_df)
    assert _same_matrix(X, X_ref) and features.tolist() == features_ref.tolist()


@pytest.mark.parametrize("options, message", [
    ({"min_df": 0}, "'min_df' parameter"),
    ({"min_df": 1.5}, "'min_df' parameter"),
    ({"max_df": -1}, "'max_df' parameter"),
    ({"min_df": 3, "max_df": 2}, "max_df corresponds to < documents than min_df"),
    ({"min_df": 2, "max_df": 2}, "no terms remain"),
])
def test_tfidf_bad_document_frequencies(options, message):
    texts = ["الائتلاف الوطني", "والائتلاف السوري", "للائتلاف بيان"]
    with pytest.raises(ValueError) as info:
        topics.tfidf(texts, **options)
    assert "no features" in str(info.value) and message in str(info.value)


# --------------------------------------------------------------------------- topics: large corpora


def _themes(n: int, seed: int = 0) -> list[str]:
    """n short texts, half about the economy, half about football (as in test_topics)."""
    economy = ["النفط", "الأسعار", "التجارة", "الصادرات", "البنك", "الاستثمار", "الضرائب"]
    football = ["المباراة", "الفريق", "الملعب", "المدرب", "الدوري", "الجمهور", "البطولة"]
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(economy if i % 2 else football, size=5)) for i in range(n)]


def test_lsa_below_its_sample_size_is_the_plain_lsa():
    X, _ = topics.tfidf(_themes(40), min_df=1)
    topics._LSA_CACHE.clear()
    plain = topics.lsa(X, n_components=5)
    assert np.array_equal(topics.lsa(X, n_components=5, sample_size=40), plain)


def test_lsa_above_its_sample_size_projects_every_unit_on_a_sample_s_svd(monkeypatch):
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    rows = topics._sample_rows(60, 20, 7)
    assert len(rows) == len(set(rows.tolist())) == 20 and (np.diff(rows) > 0).all()
    texts = _themes(60)
    texts[min(set(range(60)) - set(rows.tolist()))] += " الكهرباء"  # a term the sample lacks
    X, _ = topics.tfidf(texts, min_df=1)
    Z = topics.lsa(X, n_components=5, random_state=7, sample_size=20)
    sample, present = topics._sample_units(X, 20, 7)
    assert (sample != X[rows][:, present]).nnz == 0
    absent = np.setdiff1d(np.arange(X.shape[1]), present)
    assert len(absent) and X[rows][:, absent].nnz == 0
    svd = TruncatedSVD(n_components=5, algorithm="randomized", n_iter=7, random_state=7)
    svd.fit(sample)
    expected = normalize(X[:, present] @ svd.components_.T)
    assert Z.shape == (60, 5) and Z.dtype == np.float32 and np.allclose(Z, expected, atol=1e-6)
    assert np.allclose(np.linalg.norm(Z, axis=1), 1.0, atol=1e-6)
    monkeypatch.setattr(topics, "_LSA_BLOCK", 7)  # projected a block of units at a time
    assert np.array_equal(topics.lsa(X, n_components=5, random_state=7, sample_size=20), Z)
    with pytest.raises(ValueError, match="sample_size = 2"):
        topics.lsa(X, sample_size=2)


def test_the_sampled_lsa_reuses_the_svd_of_the_same_sample(monkeypatch):
    from sklearn.decomposition import TruncatedSVD

    X, _ = topics.tfidf(_themes(60), min_df=1)
    topics._LSA_CACHE.clear()
    fresh = topics.lsa(X, n_components=5, sample_size=20)
    sample, _ = topics._sample_units(X, 20, topics.DEFAULTS["random_state"])
    topics.lsa(sample, n_components=5)  # as choose_k does with its sample of the same units
    fits = []
    original = TruncatedSVD.fit
    monkeypatch.setattr(TruncatedSVD, "fit",
                        lambda self, *a, **k: fits.append(1) or original(self, *a, **k))
    assert np.array_equal(topics.lsa(X, n_components=5, sample_size=20), fresh) and not fits
    topics.lsa(X, n_components=4, sample_size=20)  # another fit: computed
    assert fits == [1]


def test_dropping_the_columns_a_sample_lacks_keeps_its_cosine_similarities():
    from sklearn.metrics.pairwise import cosine_similarity

    X, _ = topics.tfidf(_themes(60), min_df=1)
    sample, present = topics._sample_units(X, 10, 3)
    full = X[topics._sample_rows(60, 10, 3)]
    assert np.array_equal(cosine_similarity(sample), cosine_similarity(full))
    dense, dense_present = topics._sample_units(X.toarray(), 10, 3)
    assert np.array_equal(dense_present, present) and np.array_equal(dense, sample.toarray())


def test_choose_k_on_a_sample_scores_the_sample():
    X, _ = topics.tfidf(_themes(60), min_df=1)
    choice = topics.choose_k(X, k_range=[2, 3], stability=False, k_sample_size=30)
    sample, _ = topics._sample_units(X, 30, topics.DEFAULTS["random_state"])
    on_sample = topics.choose_k(sample, k_range=[2, 3], stability=False)
    assert choice.scores.equals(on_sample.scores) and choice.k == on_sample.k == 2
    assert "k chosen on a sample of 30 of 60 units" in choice.notes[0]
    assert choice.notes[1:] == on_sample.notes
    with pytest.raises(ValueError, match="k_sample_size = 1"):
        topics.choose_k(X, k_sample_size=1)


def _corpus_of(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"{i:03d}" for i in range(len(texts))],
                         "text": texts, "raw_text": texts,
                         "era": ["a" if i % 3 else "b" for i in range(len(texts))]})


def test_topic_model_above_the_thresholds_samples_and_says_so():
    corpus = _corpus_of(_themes(80))
    model = topics.topic_model(corpus, unit="document", k_sample_size=40, lsa_sample_size=30,
                               minibatch_above=50, silhouette_sample_size=20, k_max=4)
    notes = " | ".join(model.notes)
    assert "k chosen on a sample of 40 of 80 units" in notes
    assert "silhouette computed on a sample of 20 of 40 units" in notes
    assert "LSA fitted on a sample of 30 of 80 units" in notes
    assert f"the chosen k = {model.k} fitted on all 80 units with MiniBatchKMeans" in notes
    assert len(model.labels) == 80 and sorted(set(model.labels.tolist())) == list(range(model.k))
    # the two themes are found again on all units, not only on the sample
    truth = np.arange(80) % 2
    if model.k == 2:
        assert abs(np.corrcoef(model.labels, truth)[0, 1]) == pytest.approx(1.0)
    assert model.options["k_sample_size"] == 40


def test_topic_model_with_a_given_k_notes_minibatch_and_lsa_sample():
    corpus = _corpus_of(_themes(60))
    model = topics.topic_model(corpus, unit="document", k=2, minibatch_above=50,
                               lsa_sample_size=30)
    assert model.notes == ("LSA fitted on a sample of 30 of 60 units (random_state="
                           f"{topics.DEFAULTS['random_state']}); every unit projected onto it",
                           "k-means run as MiniBatchKMeans (60 units > 50)")


def test_small_corpora_have_no_sampling_notes(seed_corpus):
    model = topics.topic_model(seed_corpus)
    assert not any("sample" in n or "MiniBatch" in n or "fitted on all" in n for n in model.notes)


def _reference_renumber(labels):
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = {values[i]: new for new, i in enumerate(order)}
    return np.array([mapping[v] for v in labels], dtype=int)


@given(st.lists(st.integers(min_value=-3, max_value=6), max_size=40))
def test_renumber_equals_the_dictionary_mapping(labels):
    out = topics.renumber(labels)
    ref = _reference_renumber(np.asarray(labels))
    assert out.dtype == ref.dtype and out.tolist() == ref.tolist()


@given(st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.5]), min_size=6, max_size=6),
       st.integers(min_value=1, max_value=7))
@settings(max_examples=60, deadline=None)
def test_top_terms_partial_sort_equals_the_full_sort(weights, n_terms):
    X = np.array([weights, weights[::-1]])
    names = ["و", "ب", "ا", "ت", "ث", "ج"]
    table = topics.top_terms(X, [0, 1], names, n_terms=n_terms)
    for c, row in enumerate(X):
        order = sorted(np.flatnonzero(row > 0), key=lambda j: (-row[j], names[j]))[:n_terms]
        assert table.loc[table["cluster"] == c, "term"].tolist() == [names[j] for j in order]


# --------------------------------------------------------------------------- keyness


def _reference_doc_term_matrix(texts, **options):
    """keyness's count matrix as it was: Term lists of the corpus, counted."""
    per_doc = arabic.corpus_terms(texts, **options)
    stems = list(dict.fromkeys(t.stem for ts in per_doc for t in ts))
    dense = [[Counter(t.stem for t in ts).get(s, 0) for s in stems] for ts in per_doc]
    forms = arabic.display_forms(t for ts in per_doc for t in ts)
    return dense, stems, forms, [len(ts) for ts in per_doc]


@pytest.mark.parametrize("options", [{}, {"news_stopwords": False, "extra_stopwords": ["حلب"]}])
def test_keyness_counts_equal_the_term_lists(seed_texts, options):
    x, stems, forms, totals = keyness._doc_term_matrix(seed_texts, **options)
    dense, stems_ref, forms_ref, totals_ref = _reference_doc_term_matrix(seed_texts, **options)
    assert (x.toarray().tolist(), stems, forms, totals.tolist()) == (dense, stems_ref, forms_ref,
                                                                      totals_ref)


def _reference_robust(x, cols, g2, is_t, is_r, doc_totals, n_t, n_r, tot_t, tot_r):
    """The dense leave-one-document-out check (documents x key terms)."""
    robust = np.abs(g2) >= keyness.KEY_G2
    key = np.flatnonzero(robust)
    docs = np.flatnonzero(is_t | is_r)
    if not len(key) or not len(docs):
        return robust
    kcols = cols[key]
    sign = np.sign(g2[key])
    rows = x[docs][:, kcols].toarray().astype("float64")
    a0, b0 = n_t[kcols].astype("float64"), n_r[kcols].astype("float64")
    in_t = is_t[docs][:, None]
    tot = doc_totals[docs].astype("float64")[:, None]
    a = np.where(in_t, a0 - rows, a0)
    b = np.where(in_t, b0, b0 - rows)
    c = np.where(in_t, tot_t - tot, float(tot_t))
    d = np.where(in_t, float(tot_r), tot_r - tot)
    g2_loo = keyness._g2(a, b, c, d)
    robust[key] = ((np.sign(g2_loo) == sign) & (np.abs(g2_loo) >= keyness.ROBUST_G2)).all(axis=0)
    return robust


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=2, max_value=30),
       st.integers(min_value=1, max_value=40), st.booleans())
@settings(max_examples=80, deadline=None)
def test_sparse_leave_one_out_equals_the_dense_check(seed, n_docs, n_terms, with_reference):
    rng = np.random.default_rng(seed)
    # a few terms concentrated in the target, documents of few distinct lengths
    rate = rng.gamma(0.5, 2.0, size=n_terms)
    is_t = rng.random(n_docs) < 0.5
    dense = rng.poisson(rate[None, :] * np.where(is_t[:, None], rng.uniform(0.2, 5, n_terms), 1.0))
    x = sparse.csr_matrix(dense.astype("int64"))
    doc_totals = dense.sum(axis=1) + rng.choice([0, 3, 5], size=n_docs)
    is_r = (~is_t & (rng.random(n_docs) < 0.8)) if with_reference else ~is_t
    n_t, n_r = dense[is_t].sum(axis=0), dense[is_r].sum(axis=0)
    tot_t, tot_r = int(doc_totals[is_t].sum()), int(doc_totals[is_r].sum())
    g2 = keyness._g2(n_t.astype(float), n_r.astype(float), tot_t, tot_r)
    cols = rng.permutation(n_terms)
    g2 = g2[cols]
    args = (x, cols, g2, is_t, is_r, doc_totals, n_t, n_r, tot_t, tot_r)
    assert keyness._leave_one_out_robust(*args).tolist() == _reference_robust(*args).tolist()


def test_sparse_leave_one_out_in_several_blocks(monkeypatch):
    rng = np.random.default_rng(3)
    dense = rng.poisson(2.0, size=(30, 50)) * (rng.random((30, 50)) < 0.5)
    is_t = np.arange(30) < 12
    dense[is_t, :25] *= 4
    x = sparse.csr_matrix(dense)
    doc_totals = dense.sum(axis=1) + 2
    n_t, n_r = dense[is_t].sum(axis=0), dense[~is_t].sum(axis=0)
    tot_t, tot_r = int(doc_totals[is_t].sum()), int(doc_totals[~is_t].sum())
    g2 = keyness._g2(n_t.astype(float), n_r.astype(float), tot_t, tot_r)
    args = (x, np.arange(50), g2, is_t, ~is_t, doc_totals, n_t, n_r, tot_t, tot_r)
    expected = _reference_robust(*args)
    monkeypatch.setattr(keyness, "_LOO_BLOCK_CELLS", 7)
    assert keyness._leave_one_out_robust(*args).tolist() == expected.tolist()
    assert expected.sum() > 0 and (np.abs(g2) >= keyness.KEY_G2).sum() > expected.sum()


def test_leave_one_out_refuses_a_table_above_its_size(seed_corpus, monkeypatch):
    monkeypatch.setattr(keyness, "LEAVE_ONE_OUT_MAX_ROWS", 9)
    with pytest.raises(ValueError, match="LEAVE_ONE_OUT_MAX_ROWS = 9"):
        keyness.leave_one_out(seed_corpus, target="khoja")
    small = keyness.leave_one_out(seed_corpus, target="khoja", terms=["خوجة"])
    assert len(small) == 5
