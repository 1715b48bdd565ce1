"""Tests for corpus_utils.topics and ``corpus-utils topics`` (issue 6).

Most tests use a tiny hand-made corpus whose right clustering is obvious: paragraphs about
the economy and paragraphs about football, in two vocabularies that share no word. The
last tests run on the seeds (the acceptance criteria of issue 6).
"""

from __future__ import annotations

import io
import math
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

import corpus_utils
from corpus_utils import arabic, topics
from corpus_utils.topics import DEFAULTS

# --------------------------------------------------------------------------- the tiny corpus

ECONOMY = ["النفط", "الأسعار", "التجارة", "الصادرات", "البنك", "الاستثمار", "الضرائب", "الميزانية"]
FOOTBALL = ["المباراة", "الفريق", "الملعب", "المدرب", "الدوري", "الجمهور", "البطولة", "الحارس"]


def _paragraph(words: list[str], i: int) -> str:
    """Five of the theme's eight words, a different window for each i."""
    return " ".join(words[(i + j) % len(words)] for j in range(5)) + "."


def _texts(n_economy: int = 7, n_football: int = 5) -> tuple[list[str], np.ndarray]:
    texts = [_paragraph(ECONOMY, i) for i in range(n_economy)]
    texts += [_paragraph(FOOTBALL, i) for i in range(n_football)]
    truth = np.array([0] * n_economy + [1] * n_football)
    return texts, truth


def _vocabulary(words: list[str]) -> set[str]:
    """The shown terms of a theme's words, as the Arabic layer makes them."""
    return {t.term for w in words for t in arabic.terms(w)}


# paragraphs per document: E = economy, F = football; era x = docs a, b; era y = docs c, d
_LAYOUT = {"a": "EEE", "b": "EEF", "c": "FFE", "d": "FF"}
_ERAS = {"a": "x", "b": "x", "c": "y", "d": "y"}


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    """A corpus folder: 4 documents, 11 paragraphs (6 economy, 5 football)."""
    folder = tmp_path_factory.mktemp("tiny")
    counters = {"E": 0, "F": 0}
    rows = ["doc_id,file,era,date"]
    for doc, layout in _LAYOUT.items():
        paras = []
        for kind in layout:
            words = ECONOMY if kind == "E" else FOOTBALL
            paras.append(_paragraph(words, counters[kind]))
            counters[kind] += 1
        (folder / f"{doc}.txt").write_text("\n".join(paras) + "\n", encoding="utf-8")
        rows.append(f"{doc},{doc}.txt,{_ERAS[doc]},2020-01-0{len(rows)}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_corpus(tiny_folder):
    from corpus_utils.corpus import load_corpus

    return load_corpus(tiny_folder)


@pytest.fixture(scope="module")
def tiny_truth():
    return np.array([0 if kind == "E" else 1 for layout in _LAYOUT.values() for kind in layout])


@pytest.fixture(scope="module")
def tiny_matrix():
    texts, truth = _texts()
    X, features = topics.tfidf(texts)
    return X, features, truth


# --------------------------------------------------------------------------- DEFAULTS


def test_defaults_values_named_by_the_issue():
    assert DEFAULTS["n_seeds"] == 20
    assert DEFAULTS["random_state"] == corpus_utils.RANDOM_STATE
    assert DEFAULTS["n_terms"] == 10
    assert DEFAULTS["char_ngram_range"] == (2, 5)
    assert DEFAULTS["unit"] == "paragraph" and DEFAULTS["analyzer"] == "word"
    assert DEFAULTS["method"] == "kmeans" and DEFAULTS["k"] == "auto"
    assert DEFAULTS["sublinear_tf"] is True
    assert (DEFAULTS["k_min"], DEFAULTS["k_max"]) == (2, 10)
    assert DEFAULTS["silhouette_sample_size"] < DEFAULTS["minibatch_above"]


def test_defaults_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        DEFAULTS["min_df"] = 1  # type: ignore[index]


def test_cli_defaults_equal_defaults():
    from corpus_utils.cli import build_parser

    args = build_parser().parse_args(["topics"])
    assert (args.unit, args.k, args.analyzer, args.method, args.n_terms, args.terms) == (
        DEFAULTS["unit"], DEFAULTS["k"], DEFAULTS["analyzer"], DEFAULTS["method"],
        DEFAULTS["n_terms"], False)


# --------------------------------------------------------------------------- tfidf


def test_tfidf_word_features_come_from_the_arabic_layer(tiny_matrix):
    X, features, _ = tiny_matrix
    assert X.shape == (12, len(features))
    assert len(set(features)) == len(features)
    assert set(features) == _vocabulary(ECONOMY) | _vocabulary(FOOTBALL)


def test_tfidf_clitic_variants_are_one_feature():
    X, features = topics.tfidf(["الائتلاف الوطني", "والائتلاف السوري", "للائتلاف بيان"], min_df=3)
    assert X.shape == (3, 1)
    assert np.all(X.toarray() > 0)
    # the feature is named by the shown term, never the stem or a surface with clitics
    assert features[0] == arabic.terms("الائتلاف")[0].term


def test_tfidf_display_form_is_the_most_frequent_term():
    texts = ["الائتلاف", "الائتلاف", "والائتلاف", "للائتلاف", "بيان"]
    _, features = topics.tfidf(texts, min_df=1)
    expected = arabic.display_forms([t for text in texts for t in arabic.terms(text)])
    assert list(features) == [expected[s] for s in sorted(expected)]  # columns in stem order


def test_tfidf_diacritics_do_not_split_words():
    # scikit-learn's default token_pattern would cut "السوريّ" at the shadda
    X, features = topics.tfidf(["الشعبُ السوريّ", "الشعب السوري"], min_df=2)
    assert X.shape[1] == 2
    assert X.toarray()[0].tolist() == pytest.approx(X.toarray()[1].tolist())
    assert not any("\u0651" in f or "\u064f" in f for f in features)


@pytest.mark.parametrize("word, gram", [
    ("مؤتمر", "مؤت"),     # strip_accents="unicode" would give "موت"
    ("الائتلاف", "ائت"),  # ... and "ايت"
    ("بحلب", "حلب"),
])
def test_tfidf_char_keeps_hamza_seats(word, gram):
    _, features = topics.tfidf([word, word + " " + word], analyzer="char", min_df=1)
    assert gram in set(features)
    assert all(2 <= len(f) <= 5 for f in features)


def test_tfidf_char_works_on_normalised_text():
    _, plain = topics.tfidf(["الشعب السوري"], analyzer="char", min_df=1)
    _, marked = topics.tfidf(["الشَّعبُ السّوريّ"], analyzer="char", min_df=1)
    assert list(plain) == list(marked)


def test_tfidf_sublinear_tf_damps_repeats():
    texts = ["النفط النفط النفط النفط البنك", "النفط البنك"]
    oil, bank = (arabic.terms(w)[0].term for w in ("النفط", "البنك"))
    for sublinear, ratio in [(False, 4.0), (True, 1 + math.log(4))]:
        X, features = topics.tfidf(texts, min_df=1, sublinear_tf=sublinear)
        col = {f: j for j, f in enumerate(features)}
        assert X[0, col[oil]] / X[0, col[bank]] == pytest.approx(ratio)


def test_tfidf_rows_are_unit_length(tiny_matrix):
    X, _, _ = tiny_matrix
    assert np.linalg.norm(X.toarray(), axis=1) == pytest.approx(np.ones(X.shape[0]))


def test_tfidf_min_df_drops_rare_terms():
    texts, _ = _texts()
    _, all_terms = topics.tfidf(texts + ["الكهرباء"], min_df=1)
    _, frequent = topics.tfidf(texts + ["الكهرباء"], min_df=2)
    assert arabic.terms("الكهرباء")[0].term in set(all_terms) - set(frequent)


# one corpus lexicon: plain proclitics and pronoun suffixes are split wherever the bare form
# is attested somewhere in the texts, so a word has one feature across all units
@pytest.mark.parametrize("with_clitic, bare", [
    ("ودعا", "دعا"),          # و + verb
    ("بسورية", "سورية"),      # ب + noun
    ("ومصيره", "مصير"),       # و + noun + pronoun suffix
    ("لحلب", "حلب"),          # ل + name
    ("وكيري", "كيري"),        # و + name (the ك of كيري is a root letter, never split)
])
def test_tfidf_one_lexicon_merges_plain_clitics(with_clitic, bare):
    texts = [f"{with_clitic} النفط", f"{bare} البنك", "النفط البنك"]
    X, features = topics.tfidf(texts, min_df=1)
    shown = arabic.terms(bare)[0].term
    assert shown in set(features)
    assert not any(f.startswith(("و", "ب", "ل")) and f[1:] == shown for f in features)
    col = list(features).index(shown)
    assert X[0, col] > 0 and X[1, col] > 0 and X[2, col] == 0


def test_tfidf_lexicon_comes_from_all_texts_or_the_caller():
    texts = ["ودعا النفط", "دعا البنك"]
    split = set(topics.tfidf(texts, min_df=1)[1])
    # a lexicon without the bare form: the clitic stays (the guard needs attestation)
    lex = arabic.build_lexicon(["ودعا النفط"])
    kept = set(topics.tfidf(texts, min_df=1, lexicon=lex)[1])
    dua = arabic.terms("دعا")[0].term
    assert dua in split and "ودعا" not in split
    assert "ودعا" in kept and dua in kept
    # the default is the lexicon of the texts themselves
    assert split == set(topics.tfidf(texts, min_df=1, lexicon=arabic.build_lexicon(texts))[1])


def test_topic_model_uses_one_lexicon_for_every_unit(tiny_corpus):
    # sentences and paragraphs of the same corpus get the same stems: both are analysed
    # with the lexicon of the whole corpus
    lex = arabic.build_lexicon(tiny_corpus["text"].tolist())
    for unit in ("paragraph", "sentence", "document"):
        model = topics.topic_model(tiny_corpus, unit=unit, k=2)
        table = topics.units(tiny_corpus, unit)
        _, expected = topics.tfidf(table["text"].tolist(), lexicon=lex)
        assert model.features.tolist() == expected.tolist()


@pytest.mark.parametrize("text", [
    "عام 2015 عام 2015",
    "عام ٢٠١٥ عام ٢٠١٥",            # Arabic-Indic digits
    "القرار 2254 القرار 2254",
    "نسبة 3.5 ونسبة 3.5 بالمئة",
    "و2254 و2254 القرار",           # a proclitic glued to a number
])
def test_tfidf_numbers_are_never_terms(text):
    _, features = topics.tfidf([text, text], min_df=1)
    assert features.size > 0
    assert not any(ch.isdecimal() for f in features for ch in f)


def test_tfidf_seed_vocabulary_has_no_numbers():
    from corpus_utils.corpus import load_corpus

    table = topics.units(load_corpus(), "paragraph")
    assert any(ch.isdecimal() for ch in "".join(table["text"]))  # the seeds do have numbers
    _, features = topics.tfidf(table["text"].tolist(), min_df=1)
    assert not any(ch.isdecimal() for f in features for ch in f)
    assert all(len(f) >= DEFAULTS["min_term_length"] for f in features)


def test_vocabulary_steps_shrink_to_the_tfidf_columns():
    texts, _ = _texts()
    texts = [t + " في 2015 والنفط" for t in texts]  # a stop word, a number, a clitic form
    steps = topics.vocabulary_steps(texts + ["الكهرباء"])
    assert steps["step"].tolist() == ["word types", "content terms", "stems", "min_df = 2"]
    sizes = steps["vocabulary"].tolist()
    assert sizes == sorted(sizes, reverse=True)
    # words: 16 theme words + في + والنفط + الكهرباء; terms: 16 + كهرباء; min_df drops كهرباء
    assert sizes[0] == 19 and sizes[1] == 17 and sizes[2] == 17
    assert sizes[3] == topics.tfidf(texts + ["الكهرباء"])[0].shape[1] == 16


@pytest.mark.parametrize("texts, options, message", [
    ([], {}, "texts is empty"),
    (["النفط", None], {}, "texts[1] = None"),
    (["النفط", "البنك"], {}, "no features"),
    (["النفط النفط"], {"min_term_length": 0}, "min_term_length = 0"),
])
def test_vocabulary_steps_bad_input(texts, options, message):
    with pytest.raises(ValueError) as info:
        topics.vocabulary_steps(texts, **options)
    assert message in str(info.value)


def test_vocabulary_steps_on_the_seeds_match_the_model():
    from corpus_utils.corpus import load_corpus

    corpus = load_corpus()
    model = topics.topic_model(corpus, k=2)
    lexicon = arabic.build_lexicon(corpus["text"].tolist())
    steps = topics.vocabulary_steps(model.units["text"].tolist(), lexicon=lexicon)
    assert steps["vocabulary"].iloc[-1] == model.X.shape[1] == len(model.features)
    assert steps["vocabulary"].iloc[0] > steps["vocabulary"].iloc[1] >= steps["vocabulary"].iloc[2]


@pytest.mark.parametrize("texts, options, message", [
    ([], {}, "texts is empty"),
    (["النفط"], {"analyzer": "bag"}, "analyzer = 'bag'"),
    ([None], {}, "texts[0] = None"),
    (["النفط", "البنك"], {"min_df": 2}, "no features"),
    (["النفط"], {"analyzer": "char", "ngram_range": (3, 2)}, "ngram_range = (3, 2)"),
])
def test_tfidf_bad_input(texts, options, message):
    with pytest.raises(ValueError) as info:
        topics.tfidf(texts, **options)
    assert message in str(info.value)


# --------------------------------------------------------------------------- renumber


@pytest.mark.parametrize("labels, expected", [
    ([5, 7, 7, 5, 9], [0, 1, 1, 0, 2]),   # tie 2-2: the cluster of the first unit is 0
    ([3, 3, 1, 1, 1], [1, 1, 0, 0, 0]),   # the largest is 0
    ([2, 1, 0], [0, 1, 2]),               # all singletons: in order of first unit
    ([4, 4, 4], [0, 0, 0]),
    ([], []),
])
def test_renumber_table(labels, expected):
    assert topics.renumber(labels).tolist() == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=6), min_size=1, max_size=40))
def test_renumber_laws(labels):
    new = topics.renumber(labels)
    assert adjusted_rand_score(labels, new) == pytest.approx(1.0)  # same partition
    assert sorted(set(new.tolist())) == list(range(len(set(labels))))
    sizes = np.bincount(new)
    assert all(sizes[i] >= sizes[i + 1] for i in range(len(sizes) - 1))
    assert topics.renumber(new).tolist() == new.tolist()  # idempotent


# --------------------------------------------------------------------------- cluster


@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_cluster_recovers_the_two_themes(tiny_matrix, method):
    X, _, truth = tiny_matrix
    labels = topics.cluster(X, k=2, method=method)
    assert labels.tolist() == truth.tolist()  # economy (7 units) is cluster 0


@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_cluster_is_deterministic(tiny_matrix, method):
    X, _, _ = tiny_matrix
    a = topics.cluster(X, k=3, method=method)
    b = topics.cluster(X, k=3, method=method)
    assert a.tolist() == b.tolist()
    assert sorted(set(a.tolist())) == [0, 1, 2]


def test_cluster_sizes_decrease_with_label(tiny_matrix):
    X, _, _ = tiny_matrix
    for k in (2, 3, 4, 5):
        sizes = np.bincount(topics.cluster(X, k=k))
        assert len(sizes) == k
        assert list(sizes) == sorted(sizes, reverse=True)


@pytest.mark.parametrize("options, message", [
    ({"k": 1}, "k = 1"),
    ({"k": 13}, "k = 13 is invalid for 12 units"),
    ({"k": 2.5}, "k = 2.5"),
    ({"k": 2, "method": "dbscan"}, "method = 'dbscan'"),
    ({"k": 2, "method": "agglomerative", "agglomerative_max_units": 5}, "agglomerative_max_units = 5"),
])
def test_cluster_bad_arguments(tiny_matrix, options, message):
    X, _, _ = tiny_matrix
    with pytest.raises(ValueError) as info:
        topics.cluster(X, **options)
    assert message in str(info.value)


def test_cluster_agglomerative_refuses_featureless_units():
    X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="all-zero row"):
        topics.cluster(X, k=2, method="agglomerative")


def test_cluster_minibatch_above_threshold_still_finds_themes(tiny_matrix):
    X, _, truth = tiny_matrix
    labels = topics.cluster(X, k=2, minibatch_above=5)
    assert adjusted_rand_score(truth, labels) == pytest.approx(1.0)


def test_lsa_caps_components_and_normalises(tiny_matrix):
    X, _, _ = tiny_matrix
    Z = topics.lsa(X, n_components=100)
    assert Z.shape == (12, min(12, X.shape[1]) - 1)
    assert np.linalg.norm(Z, axis=1) == pytest.approx(np.ones(12))
    assert topics.lsa(X, n_components=3).shape == (12, 3)


def test_linkage_matrix_cut_equals_agglomerative(tiny_matrix):
    from scipy.cluster.hierarchy import fcluster

    X, _, _ = tiny_matrix
    Z = topics.linkage_matrix(X)
    assert Z.shape == (11, 4)
    for k in (2, 3):
        cut = topics.renumber(fcluster(Z, t=k, criterion="maxclust"))
        assert cut.tolist() == topics.cluster(X, k=k, method="agglomerative").tolist()


# --------------------------------------------------------------------------- choice of k


def test_default_k_range():
    assert list(topics.default_k_range(40)) == list(range(2, 11))
    assert list(topics.default_k_range(6)) == [2, 3, 4, 5]
    assert list(topics.default_k_range(2)) == []


def test_silhouette_scores_pick_two_themes(tiny_matrix):
    X, _, _ = tiny_matrix
    scores = topics.silhouette_scores(X)
    assert scores["k"].tolist() == list(range(2, 11))
    assert scores["silhouette"].between(-1, 1).all()
    assert scores.loc[scores["chosen"], "k"].tolist() == [2]
    assert scores.loc[0, "silhouette"] > 0.5


def test_silhouette_matches_a_direct_computation(tiny_matrix):
    from sklearn.metrics import silhouette_score

    X, _, _ = tiny_matrix
    scores = topics.silhouette_scores(X, k_range=[3])
    direct = silhouette_score(X, topics.cluster(X, k=3), metric="cosine")
    assert scores.loc[0, "silhouette"] == pytest.approx(direct)


@pytest.mark.parametrize("k_range, message", [
    ([], "k_range = [] is empty"),
    ([12], "k = 12 is invalid for 12 units"),
    ([1, 2], "k = 1"),
])
def test_silhouette_bad_k_range(tiny_matrix, k_range, message):
    X, _, _ = tiny_matrix
    with pytest.raises(ValueError) as info:
        topics.silhouette_scores(X, k_range=k_range)
    assert message in str(info.value)


def test_silhouette_needs_three_units():
    with pytest.raises(ValueError, match="X has 2 unit"):
        topics.silhouette_scores(np.eye(2))


@pytest.mark.parametrize("silhouettes, expected", [
    ([0.1, 0.3, 0.2], 3),
    ([0.3, 0.3, 0.2], 2),           # tie: the smaller k
    ([float("nan"), 0.1, 0.05], 3),  # NaN never wins
])
def test_best_k(silhouettes, expected):
    assert topics.best_k(pd.DataFrame({"k": [2, 3, 4], "silhouette": silhouettes})) == expected


def test_best_k_all_nan():
    with pytest.raises(ValueError, match="no k"):
        topics.best_k(pd.DataFrame({"k": [2], "silhouette": [float("nan")]}))


def test_choose_k_on_obvious_themes_is_stable(tiny_matrix):
    X, _, _ = tiny_matrix
    choice = topics.choose_k(X, n_seeds=5, n_bootstrap=8)
    assert choice.k == 2
    assert choice.seed_stability.columns.tolist() == ["run", "random_state", "ari"]
    assert choice.seed_stability["run"].tolist() == [1, 2, 3, 4, 5]
    assert choice.seed_stability["ari"].tolist() == pytest.approx([1.0] * 5)
    assert choice.bootstrap_stability.columns.tolist() == ["resample", "n_units", "ari"]
    assert len(choice.bootstrap_stability) >= 6
    assert (choice.bootstrap_stability["n_units"] < 12).all()
    assert choice.bootstrap_stability["ari"].tolist() == pytest.approx([1.0] * len(choice.bootstrap_stability))
    assert choice.method_agreement == pytest.approx(1.0)
    assert choice.notes == ()


def test_choose_k_is_deterministic(tiny_matrix):
    X, _, _ = tiny_matrix
    a = topics.choose_k(X, k_range=[2, 3], n_seeds=3, n_bootstrap=3)
    b = topics.choose_k(X, k_range=[2, 3], n_seeds=3, n_bootstrap=3)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.seed_stability, b.seed_stability)
    pd.testing.assert_frame_equal(a.bootstrap_stability, b.bootstrap_stability)


def test_choose_k_without_stability(tiny_matrix):
    X, _, _ = tiny_matrix
    choice = topics.choose_k(X, stability=False)
    assert choice.k == 2 and choice.seed_stability.empty and choice.bootstrap_stability.empty
    assert math.isnan(choice.method_agreement)


def test_choose_k_large_corpus_steps_are_reported(tiny_matrix):
    X, _, _ = tiny_matrix
    choice = topics.choose_k(X, k_range=[2, 3], n_seeds=2, n_bootstrap=3,
                             silhouette_sample_size=10, minibatch_above=10,
                             bootstrap_max_units=10, agglomerative_max_units=10)
    notes = " | ".join(choice.notes)
    assert "sample of 10 of 12 units" in notes
    assert "MiniBatchKMeans" in notes
    assert "bootstrap stability skipped" in notes
    assert "agglomerative agreement skipped" in notes
    assert choice.bootstrap_stability.empty and math.isnan(choice.method_agreement)
    assert len(choice.seed_stability) == 2


def test_choose_k_warns_on_weak_structure_and_edge_k():
    rng = np.random.default_rng(0)
    X = rng.random((30, 40))  # uniform noise: no structure
    choice = topics.choose_k(X, k_range=[2, 3, 4], stability=False)
    notes = " | ".join(choice.notes)
    assert "no substantial cluster structure" in notes
    if choice.k == 4:
        assert "largest tried" in notes


def test_bootstrap_ari_is_computed_on_drawn_units_only():
    # two tight groups and a unit between them: the bootstrap compares only units drawn
    X = np.array([[1, 0], [1, .05], [.95, 0], [0, 1], [.05, 1], [0, .95]], dtype=float)
    table = topics.bootstrap_stability(X, k=2, n_bootstrap=10)
    assert (table["n_units"] <= 6).all() and (table["n_units"] > 2).all()
    assert table["ari"].tolist() == pytest.approx([1.0] * len(table))


def test_bootstrap_jaccard_on_obvious_themes(tiny_matrix):
    X, _, truth = tiny_matrix
    table = topics.bootstrap_jaccard(X, k=2, reference=truth, n_bootstrap=20)
    assert table.columns.tolist() == ["cluster", "size", "resamples", "mean_jaccard", "dissolved"]
    assert table["cluster"].tolist() == [0, 1] and table["size"].tolist() == [7, 5]
    assert (table["resamples"] > 0).all() and (table["resamples"] <= 20).all()
    assert (table["mean_jaccard"] > 0.9).all()
    assert (table["dissolved"] < 0.1).all()


def test_bootstrap_jaccard_uses_the_same_resamples_as_the_ari(tiny_matrix):
    # where every resample reproduces the reference exactly (ARI 1), every cluster drawn
    # is found whole (Jaccard 1); both count the same resamples
    X, _, truth = tiny_matrix
    ari = topics.bootstrap_stability(X, k=2, reference=truth, n_bootstrap=12)
    jac = topics.bootstrap_jaccard(X, k=2, reference=truth, n_bootstrap=12)
    perfect = ari["ari"].round(12).eq(1).all()
    assert perfect == bool((jac["mean_jaccard"].round(12) == 1).all())
    assert jac["resamples"].max() == len(ari)


def test_bootstrap_jaccard_flags_a_cluster_that_is_not_there():
    # a random split of one homogeneous cloud: the clusters dissolve under resampling
    rng = np.random.default_rng(3)
    X = np.abs(rng.normal(size=(30, 12)))
    labels = np.array([0] * 15 + [1] * 15)
    table = topics.bootstrap_jaccard(X, k=2, reference=labels, n_bootstrap=15)
    assert (table["mean_jaccard"] < 0.75).all()
    assert table["dissolved"].max() > 0.2


def test_bootstrap_jaccard_bad_reference(tiny_matrix):
    X, _, truth = tiny_matrix
    with pytest.raises(ValueError, match="reference has 11 labels"):
        topics.bootstrap_jaccard(X, k=2, reference=truth[:-1], n_bootstrap=2)


def test_seed_stability_detects_an_unstable_k():
    rng = np.random.default_rng(1)
    X = rng.random((40, 20))
    table = topics.seed_stability(X, k=6, n_seeds=6, n_init=1)
    assert table["ari"].min() < 0.9


# --------------------------------------------------------------------------- description


def test_top_terms_are_the_themes_words(tiny_matrix):
    X, features, truth = tiny_matrix
    table = topics.top_terms(X, truth, features, n_terms=4)
    assert table.columns.tolist() == ["cluster", "rank", "term", "gloss", "weight"]
    assert table["rank"].tolist() == [1, 2, 3, 4] * 2
    assert set(table.loc[table["cluster"] == 0, "term"]) <= _vocabulary(ECONOMY)
    assert set(table.loc[table["cluster"] == 1, "term"]) <= _vocabulary(FOOTBALL)
    for _, group in table.groupby("cluster"):
        assert group["weight"].is_monotonic_decreasing
    assert table["gloss"].map(type).eq(str).all()


def test_top_terms_weight_is_mean_tfidf(tiny_matrix):
    X, features, truth = tiny_matrix
    table = topics.top_terms(X, truth, features, n_terms=3)
    dense = X.toarray()
    for row in table.itertuples():
        j = list(features).index(row.term)
        assert row.weight == pytest.approx(dense[truth == row.cluster, j].mean())


def test_top_terms_bad_arguments(tiny_matrix):
    X, features, truth = tiny_matrix
    with pytest.raises(ValueError, match="labels has shape"):
        topics.top_terms(X, truth[:-1], features)
    with pytest.raises(ValueError, match="feature_names has"):
        topics.top_terms(X, truth, features[:-1])
    with pytest.raises(ValueError, match="n_terms = 0"):
        topics.top_terms(X, truth, features, n_terms=0)


def test_term_summary_joins_terms_in_rank_order(tiny_matrix):
    X, features, truth = tiny_matrix
    table = topics.top_terms(X, truth, features, n_terms=4)
    summary = topics.term_summary(table.sample(frac=1, random_state=0), n=3)
    assert summary.columns.tolist() == ["cluster", "terms", "glosses"]
    assert summary["cluster"].tolist() == [0, 1]
    for row in summary.itertuples():
        expected = table[table["cluster"] == row.cluster].head(3)
        assert row.terms.split("، ") == expected["term"].tolist()
        assert len(row.glosses.split("; ")) == 3


@pytest.mark.parametrize("gloss, shown", [("Aleppo", "Aleppo"), ("", "?")])
def test_term_summary_marks_missing_glosses(gloss, shown):
    t = pd.DataFrame({"topic": [1], "rank": [1], "term": ["حلب"], "gloss": [gloss]})
    assert topics.term_summary(t, by="topic").to_dict("records") == [
        {"topic": 1, "terms": "حلب", "glosses": shown}]
    with pytest.raises(ValueError, match="missing \\['cluster'\\]"):
        topics.term_summary(t)


def test_typical_units_are_closest_to_centroid(tiny_matrix):
    from sklearn.metrics.pairwise import cosine_similarity

    X, _, truth = tiny_matrix
    table = topics.typical_units(X, truth, n=2)
    assert table.columns.tolist() == ["cluster", "rank", "unit", "similarity"]
    assert table["cluster"].tolist() == [0, 0, 1, 1]
    dense = X.toarray()
    for c in (0, 1):
        members = np.flatnonzero(truth == c)
        sims = cosine_similarity(dense[members], dense[members].mean(axis=0, keepdims=True)).ravel()
        best = table.loc[table["cluster"] == c, "similarity"].tolist()
        assert best[0] == pytest.approx(sims.max())
        assert set(table.loc[table["cluster"] == c, "unit"]) <= set(members)


def test_crosstab_and_document_crosstab():
    units = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "era": ["x", "x", "y", "y"],
                          "cluster": pd.array([0, 1, 0, pd.NA], dtype="Int64")})
    table = topics.crosstab(units)
    assert table.to_dict() == {"x": {0: 1, 1: 1}, "y": {0: 1, 1: 0}}  # the <NA> unit is left out
    assert topics.document_crosstab(units).columns.tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="column 'outlet' is not in the units table"):
        topics.crosstab(units, by="outlet")


def test_svd_2d_is_deterministic_and_separates_themes(tiny_matrix):
    X, _, truth = tiny_matrix
    a, b = topics.svd_2d(X), topics.svd_2d(X)
    pd.testing.assert_frame_equal(a, b)
    assert a.columns.tolist() == ["x", "y"] and len(a) == 12
    # one of the two axes puts the two themes on opposite sides of their midpoint
    separated = [
        (a.loc[truth == 0, axis].max() < a.loc[truth == 1, axis].min())
        or (a.loc[truth == 1, axis].max() < a.loc[truth == 0, axis].min())
        for axis in ("x", "y")]
    assert any(separated)


def test_nmf_topics_match_the_themes(tiny_matrix):
    X, features, truth = tiny_matrix
    result = topics.nmf_topics(X, 2, feature_names=features, n_terms=3)
    assert result.doc_topic.shape == (12, 2)
    assert result.dominant.tolist() == truth.tolist()
    assert result.terms.columns.tolist() == ["topic", "rank", "term", "gloss", "weight"]
    assert set(result.terms.loc[result.terms["topic"] == 0, "term"]) <= _vocabulary(ECONOMY)
    table = topics.compare_partitions(truth, result.dominant)
    assert table.to_numpy().tolist() == [[7, 0], [0, 5]]
    with pytest.raises(ValueError, match="must match"):
        topics.compare_partitions(truth, result.dominant[:-1])


# --------------------------------------------------------------------------- units, topic_model


def test_units_paragraphs_of_the_tiny_corpus(tiny_corpus):
    table = topics.units(tiny_corpus, "paragraph")
    assert len(table) == 11
    assert table[["doc_id", "paragraph", "sentence", "line", "text", "era"]].columns.size == 6
    assert table["sentence"].isna().all()
    assert table.loc[table["doc_id"] == "b", "paragraph"].tolist() == [1, 2, 3]
    assert table.loc[table["doc_id"] == "b", "line"].tolist() == [1, 2, 3]
    assert table["era"].tolist() == [_ERAS[d] for d, layout in _LAYOUT.items() for _ in layout]
    raw = dict(zip(tiny_corpus["doc_id"], tiny_corpus["raw_text"]))
    for row in table.itertuples():
        assert raw[row.doc_id][row.start:row.end] == row.text


def test_units_documents_and_sentences(tiny_corpus):
    docs = topics.units(tiny_corpus, "document")
    assert docs["doc_id"].tolist() == list(_LAYOUT)
    assert docs["paragraph"].isna().all() and docs["sentence"].isna().all()
    assert docs["line"].tolist() == [1, 1, 1, 1]
    sents = topics.units(tiny_corpus, "sentence")
    assert len(sents) == 11  # one sentence per paragraph
    assert sents["sentence"].notna().all()


def test_units_bad_unit(tiny_corpus):
    with pytest.raises(ValueError, match="unit = 'page'"):
        topics.units(tiny_corpus, "page")


def test_topic_model_on_the_tiny_corpus(tiny_corpus, tiny_truth):
    model = topics.topic_model(tiny_corpus, stability=True, n_seeds=3, n_bootstrap=3)
    assert model.k == 2
    assert model.units["cluster"].tolist() == tiny_truth.tolist()
    assert topics.crosstab(model.units).to_dict() == {"x": {0: 5, 1: 1}, "y": {0: 1, 1: 4}}
    assert model.choice is not None and model.choice.method_agreement == pytest.approx(1.0)
    assert model.assignments().columns.tolist() == ["doc_id", "paragraph", "sentence", "line", "cluster"]
    assert model.options["n_terms"] == DEFAULTS["n_terms"]


def test_topic_model_given_k_and_char_analyzer(tiny_corpus, tiny_truth):
    model = topics.topic_model(tiny_corpus, k=2, analyzer="char", method="agglomerative")
    assert model.choice is None
    assert adjusted_rand_score(tiny_truth, model.labels) == pytest.approx(1.0)


def test_topic_model_leaves_featureless_units_out(tmp_path):
    from corpus_utils.corpus import load_corpus

    texts, _ = _texts(4, 4)
    body = "\n".join(texts[:4] + ["الكهرباء."] + texts[4:]) + "\n"
    (tmp_path / "one.txt").write_text(body, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,file\n1,one.txt\n", encoding="utf-8")
    model = topics.topic_model(load_corpus(tmp_path))
    assert model.units["cluster"].isna().tolist() == [False] * 4 + [True] + [False] * 4
    assert model.X.shape[0] == 8 and model.rows.tolist() == [0, 1, 2, 3, 5, 6, 7, 8]
    assert any("1 paragraph(s) without any feature" in n for n in model.notes)


def test_topic_model_rejects_unknown_options(tiny_corpus):
    with pytest.raises(ValueError, match="option 'seeds' is unknown"):
        topics.topic_model(tiny_corpus, seeds=3)


# --------------------------------------------------------------------------- CLI


def _cli(argv: list[str]) -> tuple[int, str]:
    from corpus_utils.cli import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(argv)
    return code, buf.getvalue()


@pytest.mark.parametrize("argv, options", [
    ([], {}),
    (["--unit", "sentence", "--k", "3"], dict(unit="sentence", k=3)),
    (["--analyzer", "char", "--method", "agglomerative"], dict(analyzer="char", method="agglomerative")),
])
def test_cli_prints_the_functions_assignments(tiny_folder, tiny_corpus, argv, options):
    code, out = _cli(["topics", str(tiny_folder), *argv])
    assert code == 0
    expected = topics.topic_model(tiny_corpus, **options).assignments().to_csv(
        index=False, lineterminator="\n")
    assert out == expected
    assert out.splitlines()[0] == "doc_id,paragraph,sentence,line,cluster"
    if not options:
        assert out.splitlines()[1] == "a,1,,1,0"  # sentence empty for a paragraph unit


def test_cli_terms_equal_the_functions_terms(tiny_folder, tiny_corpus):
    code, out = _cli(["topics", str(tiny_folder), "--terms", "--n-terms", "3", "--k", "2"])
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"gloss": str}, keep_default_na=False)
    expected = topics.topic_model(tiny_corpus, k=2, n_terms=3).terms
    assert table.columns.tolist() == ["cluster", "rank", "term", "gloss", "weight"]
    assert table[["cluster", "rank", "term", "gloss"]].astype(str).values.tolist() == \
        expected[["cluster", "rank", "term", "gloss"]].astype(str).values.tolist()
    assert table["weight"].tolist() == pytest.approx(expected["weight"].tolist(), abs=1e-6)


def test_cli_document_unit(tiny_folder):
    code, out = _cli(["topics", str(tiny_folder), "--unit", "document", "--k", "2",
                      "--method", "agglomerative"])
    assert code == 0
    assert [line.split(",")[:4] for line in out.splitlines()[1:]] == [
        [d, "", "", "1"] for d in _LAYOUT]


@pytest.mark.parametrize("argv", [
    ["topics", "--k", "1"], ["topics", "--k", "many"], ["topics", "--unit", "page"],
    ["topics", "--n-terms", "0"],
])
def test_cli_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as info:
        _cli(argv)
    assert info.value.code == 2


def test_cli_k_too_large_is_a_usage_error(tiny_folder, capsys):
    code, out = _cli(["topics", str(tiny_folder), "--k", "50"])
    assert code == 2 and out == ""
    assert "k = 50 is invalid" in capsys.readouterr().err


# --------------------------------------------------------------------------- the seeds (acceptance)


@pytest.fixture(scope="module")
def seed_model():
    from corpus_utils.corpus import load_corpus

    return topics.topic_model(load_corpus())


def _normalised_stop_lists() -> set[str]:
    """spaCy's Arabic stop words and the package's news list, read from their sources."""
    from spacy.lang.ar.stop_words import STOP_WORDS

    from corpus_utils.paths import DATA_DIR

    path = DATA_DIR / "news_stopwords.txt"
    news = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    words = [*STOP_WORDS, *(w for w in news if w)]
    assert len(words) > 300
    return {arabic.normalize(w) for w in words}


@pytest.fixture(scope="module")
def seed_shown_terms(seed_model) -> pd.DataFrame:
    """Every top-term table notebook 01 shows: k-means clusters and NMF topics at the chosen
    k, and the views of its exercises (agglomerative, sentences, documents, other k)."""
    from corpus_utils.corpus import load_corpus

    corpus = load_corpus()
    nmf = topics.nmf_topics(seed_model.X, seed_model.k, feature_names=seed_model.features)
    tables = [seed_model.terms, nmf.terms.rename(columns={"topic": "cluster"})]
    for opts in (dict(method="agglomerative"), dict(unit="sentence"), dict(unit="document"),
                 dict(k=2), dict(k=3), dict(k=4)):
        tables.append(topics.topic_model(corpus, **opts).terms)
    return pd.concat(tables, ignore_index=True)


def test_seed_top_terms_are_content_words(seed_model, seed_shown_terms):
    stops = _normalised_stop_lists()
    terms = seed_model.terms
    assert len(seed_model.units) == 40
    assert sorted(set(terms["cluster"])) == list(range(seed_model.k))
    assert (terms.groupby("cluster").size() == DEFAULTS["n_terms"]).all()
    shown = seed_shown_terms
    bad = [t for t in shown["term"]
           if arabic.normalize(t) in stops or arabic.is_stopword(t) or len(t) < 3
           or t.startswith(("وال", "بال", "فال", "كال", "لل"))
           or any(ch.isdecimal() for ch in t)]
    assert bad == []


def test_seed_top_terms_all_have_a_gloss(seed_shown_terms):
    from corpus_utils.glossary import missing_glosses

    shown = seed_shown_terms
    assert len(shown) > 100
    assert missing_glosses(shown["term"]) == []
    assert (shown["gloss"] != "").all()


def test_seed_model_is_reproducible(seed_model):
    from corpus_utils.corpus import load_corpus

    again = topics.topic_model(load_corpus())
    assert again.k == seed_model.k
    assert again.labels.tolist() == seed_model.labels.tolist()
    pd.testing.assert_frame_equal(again.terms, seed_model.terms)


def test_lsa_is_computed_once_per_matrix_across_k_and_seeds(monkeypatch):
    """Choosing k and the seed-stability check cluster one matrix many times: the SVD runs
    once (the k-means seed varies, the representation does not)."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD

    rng = np.random.default_rng(0)
    X = rng.random((60, 30))
    fits = []
    original = TruncatedSVD.fit_transform

    def counting(self, *args, **kwargs):
        fits.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TruncatedSVD, "fit_transform", counting)
    topics._LSA_CACHE.clear()
    topics.silhouette_scores(X, k_range=[2, 3, 4])
    for seed in (1, 2, 3):
        topics.cluster(X, k=3, random_state=seed)
    assert len(fits) == 1
    # a different matrix is a new SVD, and the cached result is not shared by mutation
    Z1 = topics.lsa(X)
    Z1[:] = 0
    assert np.abs(topics.lsa(X)).sum() > 0
    topics.lsa(rng.random((60, 30)))
    assert len(fits) == 2
