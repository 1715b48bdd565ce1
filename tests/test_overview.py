"""The corpus overview: sizes, rebuild check, overlaps, and what the Arabic layer merges."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import overview
from corpus_utils.arabic import (NORMALIZATION_STEPS, NORMALIZE_DEFAULTS, build_lexicon, corpus_terms,
                                 is_stopword, normalize, word_tokens)
from corpus_utils.corpus import (NEAR_DUPLICATE_THRESHOLD, corpus_from_texts, corpus_stats, load_corpus,
                                 paragraphs)
from corpus_utils.paths import seeds_path

SEEDS = seeds_path()


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEEDS)


@pytest.fixture(scope="module")
def steps(corpus):
    return overview.vocabulary_by_step(corpus["text"])


def small_corpus():
    meta = pd.DataFrame({"doc_id": ["a", "b", "c"], "era": ["x", "x", "y"],
                         "date": ["2015-05", "2016", "2019-03-14"]})
    return corpus_from_texts({"a": "الوزير الوزير المدينة.", "b": "الوزير المدينة الحرب.",
                              "c": "السلام السلام."}, metadata=meta)


# --------------------------------------------------------------------------- is_seed_corpus


def test_seeds_are_recognised_wherever_they_are_loaded_from(corpus, tmp_path):
    assert overview.is_seed_corpus(corpus)
    for f in SEEDS.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    assert overview.is_seed_corpus(load_corpus(tmp_path))


@pytest.mark.parametrize("change", ["edit_text", "drop_document", "other_corpus"])
def test_anything_else_is_not_the_seeds(corpus, change):
    if change == "edit_text":
        other = corpus.copy()
        other.loc[0, "raw_text"] = other.loc[0, "raw_text"].replace("خوجة", "خوجه", 1)
    elif change == "drop_document":
        other = corpus.iloc[:4]
    else:
        other = small_corpus()
    assert not overview.is_seed_corpus(other)


def test_is_seed_corpus_needs_a_documents_table():
    with pytest.raises(ValueError, match="raw_text"):
        overview.is_seed_corpus(pd.DataFrame({"file": ["x.txt"]}))


# --------------------------------------------------------------------------- document_sizes


def test_document_sizes_are_the_stats_numbers(corpus):
    sizes = overview.document_sizes(corpus)
    assert list(sizes.columns) == ["doc_id", "era", "date", "outlet", "counterpart", "paragraphs",
                                   "sentences", "tokens"]
    assert sizes["doc_id"].tolist() == ["000", "001", "002", "003", "004"]
    assert sizes["paragraphs"].tolist() == [7, 3, 10, 9, 11]
    stats = corpus_stats(corpus).set_index("group")
    by_era = sizes.groupby("era")[["paragraphs", "sentences", "tokens"]].sum()
    for era in ("khoja", "mustafa"):
        assert by_era.loc[era].tolist() == stats.loc[era, ["paragraphs", "sentences", "tokens"]].tolist()
    assert sizes["tokens"].sum() == stats.loc["all", "tokens"]
    assert sizes["date"].tolist()[:3] == ["2015-05-01", "2015-05-01", "2015-03-01"]


def test_document_sizes_writes_dates_at_their_precision_and_skips_missing_columns():
    sizes = overview.document_sizes(small_corpus())
    assert list(sizes.columns) == ["doc_id", "era", "date", "paragraphs", "sentences", "tokens"]
    assert sizes["date"].tolist() == ["2015-05", "2016", "2019-03-14"]
    assert sizes["tokens"].tolist() == [3, 3, 2]


def test_document_sizes_rejects_a_single_column_name(corpus):
    with pytest.raises(ValueError, match="'era'"):
        overview.document_sizes(corpus, columns="era")


# --------------------------------------------------------------------------- rebuild_check


def test_rebuild_check_on_the_seeds(corpus):
    check = overview.rebuild_check(corpus)
    assert check["identical"].tolist() == [True] * 5
    assert check["taken_out"].tolist() == [1, 5, 1, 5, 1]
    assert check["lines"].tolist() == [8, 8, 21, 25, 12]
    assert check["bytes"].tolist() == [(SEEDS / f).stat().st_size for f in corpus["file"]]


def test_rebuild_check_without_a_folder_and_after_tampering():
    c = small_corpus()
    assert overview.rebuild_check(c)["identical"].all()
    tampered = c.copy()
    tampered.loc[1, "text"] = tampered.loc[1, "text"].replace("الحرب", "السلم")
    assert overview.rebuild_check(tampered)["identical"].tolist() == [True, False, True]


# --------------------------------------------------------------------------- overlap_matrix


def test_overlap_matrix_on_the_seeds(corpus):
    m = overview.overlap_matrix(corpus)
    assert list(m.index) == list(m.columns) == ["000", "001", "002", "003", "004"]
    assert all(math.isnan(m.loc[d, d]) for d in m.index)
    values = m.to_numpy()
    off = values[~pd.isna(values)]
    assert (values[~pd.isna(values)] == values.T[~pd.isna(values.T)]).all()  # symmetric
    assert off.max() < NEAR_DUPLICATE_THRESHOLD
    assert m.loc["001", "002"] == pytest.approx(2 / 31)
    assert m.loc["000", "001"] == pytest.approx(1 / 33)
    assert m.loc["004"].fillna(0).eq(0).all()


def test_overlap_matrix_finds_a_wire_copy(corpus):
    para = paragraphs(corpus).query("doc_id == '000' and paragraph == 2")["text"].iloc[0]
    copy = para.replace("الأميركية", "الأمريكية") + "\nفقرة أخرى لا علاقة لها بالخبر الأول أبدا."
    c = corpus_from_texts({"000": corpus.loc[0, "raw_text"], "wire": copy})
    m = overview.overlap_matrix(c)
    assert m.loc["000", "wire"] >= NEAR_DUPLICATE_THRESHOLD


def test_overlap_matrix_rejects_a_bad_shingle(corpus):
    with pytest.raises(ValueError, match="shingle = 0"):
        overview.overlap_matrix(corpus, shingle=0)


# --------------------------------------------------------------------------- vocabulary_by_step


def test_vocabulary_rows_follow_the_steps(steps):
    names = [n for n, _, _ in NORMALIZATION_STEPS]
    assert list(steps.columns) == overview.VOCABULARY_COLUMNS
    assert steps["step"].tolist() == ["raw", *names, "clitics", "stop words", "stems"]
    assert steps.set_index("step").loc[names, "applied"].tolist() == [NORMALIZE_DEFAULTS[n] for n in names]


def test_vocabulary_on_the_seeds(corpus, steps):
    s = steps.set_index("step")
    types = {t.text for text in corpus["text"] for t in word_tokens(text)}
    assert s.at["raw", "vocabulary"] == len(types) == 877
    assert s.at["quotes", "vocabulary"] == len({normalize(t) for t in types}) == 868
    assert s.at["diacritics", "fewer"] == 3 and s.at["alef", "fewer"] == 6
    assert s.at["alef_maksura", "fewer"] == 0 and s.at["alef_maksura", "changed"] > 0
    assert "الائتلاف + الإئتلاف ← الائتلاف" in s.at["alef", "examples"]
    terms = [t for doc in corpus_terms(corpus["text"]) for t in doc]
    assert s.at["stop words", "vocabulary"] == len({t.term for t in terms})
    assert s.at["stems", "vocabulary"] == len({t.stem for t in terms})
    assert s.at["stop words", "examples"].startswith("في ← ∅")


@pytest.mark.parametrize("texts, step, vocabulary, examples", [
    (["كارثيّاً كارثيا"], "diacritics", 1, "كارثيا + كارثيّاً ← كارثيا"),
    (["أكد اكد إكد"], "alef", 1, "أكد + إكد + اكد ← اكد"),
    (["على علي"], "alef_maksura", 1, "على + علي ← علي"),  # ties: code-point order
    (["الـسـلام السلام"], "tatweel", 1, "السلام + الـسـلام ← السلام"),
    (["القرار ٢٢٥٤ و2254"], "digits", 3, "2254 + ٢٢٥٤ ← 2254"),
    (["سورية سوريه"], "teh_marbuta", 1, "سورية + سوريه ← سوريه"),
    (["سورية"], "teh_marbuta", 1, "سورية ← سوريه"),          # rewritten, nothing merged
    (["الائتلاف والائتلاف"], "clitics", 1, "الائتلاف + والائتلاف ← ائتلاف"),
    (["في المدينة"], "stop words", 1, "في ← ∅"),
    (["الولاية الولايات"], "stems", 1, "ولايات + ولاية"),
])
def test_what_a_step_merges(texts, step, vocabulary, examples):
    row = overview.vocabulary_by_step(texts).set_index("step").loc[step]
    assert row["vocabulary"] == vocabulary
    assert row["examples"] == examples


def test_an_optional_step_is_not_carried_forward():
    s = overview.vocabulary_by_step(["سورية سوريه"], morphology=False).set_index("step")
    assert not s.at["teh_marbuta", "applied"]
    assert s.at["teh_marbuta", "vocabulary"] == 1
    assert s.at["digits", "vocabulary"] == s.at["quotes", "vocabulary"] == 2
    assert s.at["digits", "fewer"] == 0


def test_sample_limits_the_examples():
    s = overview.vocabulary_by_step(["أكد اكد أعلن اعلن أشار اشار"], sample=2, morphology=False)
    assert s.set_index("step").at["alef", "examples"].count("←") == 2
    none = overview.vocabulary_by_step(["أكد اكد"], sample=0, morphology=False)
    assert (none["examples"] == "").all()


@pytest.mark.parametrize("bad, match", [("نص واحد", "a str"), ([1, "نص"], "int")])
def test_vocabulary_by_step_rejects_bad_texts(bad, match):
    with pytest.raises(ValueError, match=match):
        overview.vocabulary_by_step(bad)


def test_vocabulary_by_step_rejects_a_bad_sample():
    with pytest.raises(ValueError, match="sample = -1"):
        overview.vocabulary_by_step(["نص"], sample=-1)


_ALPHABET = "ابتدرسعلمنهوي" + "أإآٱى" + "ةـ" + "\u064E\u0651\u064B" + "٢5"
_texts = st.lists(st.lists(st.text(_ALPHABET, min_size=1, max_size=7), min_size=1, max_size=8).map(" ".join),
                  min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(_texts)
def test_vocabulary_never_grows_along_the_applied_steps(texts):
    steps = overview.vocabulary_by_step(texts)
    applied = steps[steps["applied"]]
    sizes = applied["vocabulary"].tolist()
    assert all(a >= b for a, b in zip(sizes, sizes[1:]))
    assert applied["fewer"].tolist()[1:] == [a - b for a, b in zip(sizes, sizes[1:])]
    types = {t.text for text in texts for t in word_tokens(text)}
    last_normalisation = applied[applied["kind"] == "normalisation"].iloc[-1]
    assert sizes[0] == len(types)
    assert last_normalisation["vocabulary"] == len({normalize(t) for t in types})


# --------------------------------------------------------------------------- word_analysis


def test_word_analysis_columns_and_stem_families(corpus):
    words = ["والائتلاف", "الائتلاف", "للائتلاف", "الولايات", "بيان", "واشنطن", "المدنيين", "وفي", "والتي"]
    table = overview.word_analysis(words, corpus["text"]).set_index("word")
    assert list(table.columns) == ["proclitic", "base", "suffix", "stop_word", "light10", "same_stem", "n_forms"]
    # one stem for the three spellings of "the Coalition"
    assert table.loc[["والائتلاف", "الائتلاف", "للائتلاف"], "same_stem"].nunique() == 1
    assert table.loc[["والائتلاف", "الائتلاف", "للائتلاف"], "base"].tolist() == ["ائتلاف"] * 3
    assert set(table.at["الائتلاف", "same_stem"].split("، ")) == {"الائتلاف", "والائتلاف"}
    assert table.loc[["وفي", "والتي"], "stop_word"].all()
    assert not table.loc[["الولايات", "بيان", "واشنطن", "المدنيين"], "stop_word"].any()


@pytest.mark.parametrize("word, base, light10", [
    ("الولايات", "ولايات", "ولا"),
    ("بيان", "بيان", "بي"),
    ("واشنطن", "واشنطن", "اشنطن"),
    ("المدنيين", "مدنيين", "مدن"),
])
def test_words_light10_cuts_keep_their_base(corpus, word, base, light10):
    row = overview.word_analysis([word], corpus["text"]).iloc[0]
    assert row["base"] == base
    assert row["light10"] == light10
    assert normalize(word) in row["same_stem"].split("، ")


@pytest.mark.parametrize("bad, match", [("الائتلاف", "list of words"), ([""], "non-empty"), ([3], "non-empty")])
def test_word_analysis_rejects_bad_words(bad, match):
    with pytest.raises(ValueError, match=match):
        overview.word_analysis(bad, ["نص"])


# --------------------------------------------------------------------------- stopword_table


def test_stopword_table_on_the_seeds(corpus):
    table = overview.stopword_table(corpus["text"])
    assert list(table.columns) == ["word", "count", "share", "list"]
    assert table["word"].iloc[0] == "في"
    assert {"وفي", "التي"} <= set(table["word"])
    counts = table["count"].tolist()
    assert counts == sorted(counts, reverse=True)
    tokens = [t for text in corpus["text"] for t in word_tokens(text)]
    stop_tokens = sum(1 for t in tokens if t.kind == "word" and is_stopword(t.text))
    assert table["count"].sum() == stop_tokens
    assert table["share"].sum() == pytest.approx(stop_tokens / len(tokens))
    assert set(table["list"]) == {"spaCy", "news"}


@pytest.mark.parametrize("text, news, expected", [
    ("وفي المدينة قال الوزير في بيان", True, [("في", 1, "spaCy"), ("قال", 1, "spaCy"), ("وفي", 1, "spaCy")]),
    ("وفي المدينة أشار الوزير في بيان", False, [("في", 1, "spaCy"), ("وفي", 1, "spaCy")]),
    ("أشار الوزير وأشار", True, [("اشار", 1, "news"), ("واشار", 1, "news")]),
    ("الوزير المدينة", True, []),
])
def test_stopword_table_lists(text, news, expected):
    table = overview.stopword_table([text], news=news)
    assert [tuple(r) for r in table[["word", "count", "list"]].values.tolist()] == expected


# --------------------------------------------------------------------------- frequent_terms


def test_frequent_terms_counts_and_leave_one_out():
    table = overview.frequent_terms(small_corpus(), top=2)
    assert list(table.columns) == overview.FREQUENT_TERMS_COLUMNS
    rows = table[["group", "rank", "term", "count", "documents", "group_documents"]].values.tolist()
    assert rows == [["x", 1, "وزير", 3, 2, 2], ["x", 2, "مدينة", 2, 2, 2], ["y", 1, "سلام", 2, 1, 1]]
    # without document a, وزير ties with مدينة and حرب at 1 and falls out of the top 2
    assert table["loo_kept"].tolist()[:2] == [0.5, 1.0]
    assert math.isnan(table["loo_kept"].iloc[2])
    assert table["per_1000"].tolist() == pytest.approx([500.0, 1000 * 2 / 6, 1000.0])


def test_frequent_terms_without_groups():
    table = overview.frequent_terms(small_corpus(), group_by=None, top=3)
    assert set(table["group"]) == {"all"}
    assert table["term"].tolist() == ["وزير", "سلام", "مدينة"]  # ties: alphabetical


def test_frequent_terms_on_the_seeds(corpus):
    table = overview.frequent_terms(corpus, top=15)
    assert table.groupby("group").size().to_dict() == {"khoja": 15, "mustafa": 15}
    assert table.groupby("group")["group_documents"].first().to_dict() == {"khoja": 3, "mustafa": 2}
    for _, g in table.groupby("group"):
        assert g["count"].is_monotonic_decreasing
        assert g["rank"].tolist() == list(range(1, 16))
    assert table["loo_kept"].between(0, 1).all()
    assert (table["documents"] <= table["group_documents"]).all()
    # counts per era agree with the terms of that era's documents
    lexicon = build_lexicon(corpus["text"])
    khoja = [t for doc in corpus_terms(corpus.loc[corpus.era == "khoja", "text"], lexicon=lexicon) for t in doc]
    top = table[table.group == "khoja"].iloc[0]
    assert top["count"] == sum(1 for t in khoja if t.term == top["term"])


@pytest.mark.parametrize("kwargs, match", [
    ({"group_by": "party"}, "group_by = 'party'"),
    ({"top": 0}, "top = 0"),
    ({"top": True}, "top = True"),
    ({"text_col": "body"}, "body"),
])
def test_frequent_terms_rejects_bad_arguments(corpus, kwargs, match):
    with pytest.raises(ValueError, match=match):
        overview.frequent_terms(corpus, **kwargs)
