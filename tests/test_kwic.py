"""KWIC: matching on normalised clitic-stripped tokens, offsets back into the raw text."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import cli
from corpus_utils.arabic import normalize, tokenize
from corpus_utils.keyness import (KWIC_COLUMNS, PASSAGE_COLUMNS, corpus_lexicon, kwic, kwic_terms,
                                  passages, query_keys, sample_lines, scan, side_by_side)

_LINE_RE = re.compile(r"[^\r\n]+")


def lines_table(corpus: pd.DataFrame) -> pd.DataFrame:
    """A paragraph table per the corpus contract (one unit per non-empty raw line), built
    here so these tests do not depend on the cleaning rules of corpus.py."""
    rows = []
    for doc in corpus.itertuples():
        k = 0
        for m in _LINE_RE.finditer(doc.raw_text):
            text = m.group().strip()
            if not text:
                continue
            k += 1
            start = m.start() + m.group().index(text)
            rows.append({"doc_id": doc.doc_id, "paragraph": k, "start": start,
                         "end": start + len(text), "text": text})
    return pd.DataFrame(rows)


def toy_corpus(texts, eras=None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({
        "doc_id": [f"{i:03d}" for i in range(n)], "file": [f"{i:03d}.txt" for i in range(n)],
        "date": ["2015-05-01"] * n, "era": eras or ["khoja"] * n,
        "raw_text": texts, "text": texts,
    })


RAW = ("التقى رئيس الائتلاف جون كيري في واشنطن.\n"
       "وطالب مجلس الأمن بحماية المدنيين، ودعا لمجلس الأمن أن يتحرك.\r\n"
       "\n"
       "ونوّه المبعوث الأممي إلى أن المدنيين والمدنيين يعانون؛ وقال: مجلس، الأمن.\n")
TOY = toy_corpus([RAW, "قال كيري إن الـمـدنيين أولاً.\nكيري"], eras=["khoja", "mustafa"])
UNITS = lines_table(TOY)


def run(term, **kw):
    return kwic(TOY, term, units=UNITS, **kw)


@pytest.mark.parametrize("query, expected", [
    ("المدنيين", ["المدنيين", "المدنيين", "والمدنيين", "الـمـدنيين"]),   # clitic, tatweel
    ("مدنيين", ["المدنيين", "المدنيين", "والمدنيين", "الـمـدنيين"]),     # query without article
    ("الاممي", ["الأممي"]),                                                # hamza spelling
    ("أممي", ["الأممي"]),
    ("ونوه", ["ونوّه"]),                                                   # diacritic in text
    ("مجلس الأمن", ["مجلس الأمن", "لمجلس الأمن"]),                        # not across "،"
    ("كيري", ["كيري", "كيري", "كيري"]),
    ("واشنطن", ["واشنطن"]),
    ("بغداد", []),
])
def test_kwic_matches_normalised_clitic_stripped_tokens(query, expected):
    assert run(query)["match"].tolist() == expected


def test_kwic_columns_and_metadata():
    lines = run("كيري")
    assert list(lines.columns) == KWIC_COLUMNS
    assert lines["doc_id"].tolist() == ["000", "001", "001"]
    assert lines["era"].tolist() == ["khoja", "mustafa", "mustafa"]
    assert lines["line"].tolist() == [1, 1, 2]
    assert lines["file"].tolist() == ["000.txt", "001.txt", "001.txt"]
    assert lines["date"].tolist() == ["2015-05-01"] * 3


@pytest.mark.parametrize("date, precision, expected", [
    (pd.Timestamp("2015-05-01"), "day", "2015-05-01"),
    (pd.Timestamp("2015-05-01"), "month", "2015-05"),
    (pd.Timestamp("2015-01-01"), "year", "2015"),
    (pd.NaT, "day", None),
])
def test_kwic_date_is_text_at_its_precision(date, precision, expected):
    corpus = TOY.assign(date=[date, date], date_precision=[precision, precision])
    got = kwic(corpus, "كيري", units=UNITS)["date"].iloc[0]
    assert (pd.isna(got) if expected is None else got == expected)


def test_kwic_offsets_and_lines_point_into_the_raw_text():
    for term in ("المدنيين", "مجلس الأمن", "الأممي", "كيري"):
        for row in run(term).itertuples():
            raw = TOY.set_index("doc_id").loc[row.doc_id, "raw_text"]
            assert raw[row.start:row.end] == row.match
            assert row.line == len(re.findall(r"\r\n|\r|\n", raw[:row.start])) + 1


def test_kwic_window_counts_words_and_stays_in_the_unit():
    lines = run("المدنيين", window=2)
    first = lines.iloc[0]
    assert (first["left"], first["right"]) == ("الأمن بحماية", "، ودعا لمجلس")
    assert all(len([t for t in tokenize(s) if t.kind != "punct"]) <= 2
               for s in pd.concat([lines["left"], lines["right"]]))
    # contexts never cross a line (the unit)
    assert not lines["left"].str.contains("\n").any() and not lines["right"].str.contains("\n").any()
    zero = run("المدنيين", window=0)
    assert (zero["left"] == "").all() and (zero["right"] == "").all()


def test_kwic_context_at_unit_edges():
    last = run("كيري").iloc[-1]     # the whole second line of document 001
    assert (last["left"], last["match"], last["right"]) == ("", "كيري", "")


def test_kwic_match_by_stem_finds_other_forms():
    corpus = toy_corpus(["المدنيين والمدني مدنيون"])
    units = lines_table(corpus)
    by_term = kwic(corpus, "المدنيين", units=units)["match"].tolist()
    by_stem = kwic(corpus, "المدنيين", units=units, match="stem")["match"].tolist()
    assert by_term == ["المدنيين"]
    assert len(by_stem) > len(by_term) and "المدنيين" in by_stem


@pytest.mark.parametrize("kwargs, message", [
    ({"term": ""}, "give at least one word"),
    ({"term": "،."}, "contains no word"),
    ({"term": "كيري", "window": -1}, r"window = -1 is invalid"),
    ({"term": "كيري", "match": "lemma"}, r"match = 'lemma' is invalid"),
])
def test_kwic_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kwic(TOY, units=UNITS, **kwargs)


def test_units_must_slice_the_raw_text():
    bad = UNITS.assign(start=UNITS["start"] + 1)
    with pytest.raises(ValueError, match="does not match raw_text"):
        kwic(TOY, "كيري", units=bad)


def test_scan_longest_phrase_wins_within_a_set_and_sets_are_independent():
    lex = corpus_lexicon(TOY)
    council = query_keys("مجلس الأمن", lexicon=lex)
    council_alone = query_keys("مجلس", lexicon=lex)
    found = scan(TOY, {"one": {council: "UNSC", council_alone: "council"},
                       "two": {council_alone: "council"}}, units=UNITS, lexicon=lex)
    one = found[found["set"] == "one"]
    two = found[found["set"] == "two"]
    assert one["label"].tolist() == ["UNSC", "UNSC", "council"]   # the "مجلس، الأمن" case
    assert two["label"].tolist() == ["council"] * 3


_WORDS = ["المدنيين", "والمدنيين", "كيري", "مجلس", "الأمن", "قال", "في", "ونوّه", "2254",
          "الـمـبعوث", "إيران"]
_SEPS = [" ", "  ", "، ", ". ", "\n", "\r\n", " (", ") ", "؛ ", "\n\n"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPS)), min_size=1,
                max_size=40),
       st.sampled_from(["المدنيين", "كيري", "مجلس الأمن", "مبعوث", "2254", "ونوه"]),
       st.integers(0, 4))
def test_kwic_offsets_point_back_into_the_original_text(pieces, term, window):
    raw = "".join(w + s for w, s in pieces)
    corpus = toy_corpus([raw])
    lines = kwic(corpus, term, window=window, units=lines_table(corpus))
    keys = query_keys(term, lexicon=corpus_lexicon(corpus))
    for row in lines.itertuples():
        assert raw[row.start:row.end] == row.match
        assert row.line == raw[:row.start].count("\n") + raw[:row.start].replace("\r\n", "").count("\r") + 1
        assert query_keys(row.match, lexicon=corpus_lexicon(corpus)) == keys
        # the passage is a contiguous slice of the raw text
        assert row.left == "" or row.left in raw[:row.start]
        assert row.right == "" or row.right in raw[row.end:]
    # every token sequence equal to the query is found (no false negatives)
    expected = sum(1 for i in range(len(pieces))
                   if tuple(normalize(w) for w, _ in pieces[i:i + len(keys)]) ==
                   tuple(normalize(w) for w in term.split()) and
                   all(s in (" ", "  ") for _, s in pieces[i:i + len(keys) - 1]))
    if term in ("كيري", "مجلس الأمن", "2254"):   # spellings identical in text and query
        assert len(lines) == expected


# --------------------------------------------------------------------------- several terms


def test_kwic_terms_equals_kwic_per_term_in_the_order_given():
    terms = ["كيري", "المدنيين", "مجلس الأمن"]
    lines = kwic_terms(TOY, terms, window=3, match="term", units=UNITS)
    assert list(lines.columns) == ["term", *KWIC_COLUMNS]
    assert list(dict.fromkeys(lines["term"])) == terms
    for term in terms:
        mine = lines[lines["term"] == term].drop(columns="term").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, kwic(TOY, term, window=3, units=UNITS))


def test_kwic_terms_overlapping_terms_are_independent():
    lines = kwic_terms(TOY, ["مجلس", "مجلس الأمن"], match="term", units=UNITS)
    assert (lines["term"] == "مجلس").sum() == 3 and (lines["term"] == "مجلس الأمن").sum() == 2


def test_kwic_terms_by_stem_is_the_default():
    corpus = toy_corpus(["المدنيين والمدني مدنيون"])
    units = lines_table(corpus)
    assert len(kwic_terms(corpus, ["المدنيين"], units=units)) == \
        len(kwic(corpus, "المدنيين", match="stem", units=units))


@pytest.mark.parametrize("terms, message", [
    ("كيري", "not one string"),
    (["كيري", "كيري"], "'كيري' twice"),
    (["،"], "contains no word"),
])
def test_kwic_terms_rejects_bad_terms(terms, message):
    with pytest.raises(ValueError, match=message):
        kwic_terms(TOY, terms, units=UNITS)


def test_sample_lines_spreads_over_documents():
    t = pd.DataFrame({"term": ["ا"] * 5 + ["ب"] * 2,
                      "doc_id": ["1", "1", "1", "2", "3", "2", "2"],
                      "start": [0, 5, 9, 0, 4, 1, 8]})
    got = sample_lines(t, n=4)
    assert got[["term", "doc_id", "start"]].values.tolist() == [
        ["ا", "1", 0], ["ا", "1", 5], ["ا", "2", 0], ["ا", "3", 4], ["ب", "2", 1], ["ب", "2", 8]]
    assert sample_lines(t, n=1)["doc_id"].tolist() == ["1", "2"]
    assert sample_lines(t.iloc[:0], n=2).empty


def test_sample_lines_groups_by_several_columns():
    t = pd.DataFrame({"theme": ["x", "x", "x", "y"], "era": ["a", "b", "a", "a"],
                      "doc_id": ["1", "2", "3", "1"], "start": [0, 0, 0, 3]})
    got = sample_lines(t, n=1, by=["theme", "era"])
    assert got[["theme", "era", "doc_id"]].values.tolist() == [["x", "a", "1"], ["x", "b", "2"],
                                                                ["y", "a", "1"]]
    t2 = pd.concat([t.iloc[[3]], t.iloc[:3]], ignore_index=True)      # "y" appears first
    assert sample_lines(t2, n=1, by=["theme", "era"])["theme"].tolist() == ["y", "x", "x"]
    assert sample_lines(t2, n=1, by=["theme", "era"], sort=True)["theme"].tolist() == ["x", "x", "y"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from("123"), st.integers(0, 50)),
                min_size=0, max_size=25, unique=True), st.integers(1, 5))
def test_sample_lines_laws(rows, n):
    t = pd.DataFrame(rows, columns=["term", "doc_id", "start"])
    got = sample_lines(t, n=n)
    sizes = t.groupby("term").size()
    for term, size in sizes.items():
        part = got[got["term"] == term]
        assert len(part) == min(n, size)                        # n per group, or all
        # as many documents as possible are represented
        assert part["doc_id"].nunique() == min(n, t[t["term"] == term]["doc_id"].nunique())
    # a sample, never new rows
    assert set(map(tuple, got.values.tolist())) <= set(map(tuple, t.values.tolist()))


@pytest.mark.parametrize("kwargs, message", [({"n": 0}, r"n = 0 is invalid"),
                                             ({"by": "theme"}, "lacks the column"),
                                             ({"sort": "yes"}, r"sort = 'yes' is invalid")])
def test_sample_lines_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sample_lines(pd.DataFrame({"term": ["ا"], "doc_id": ["1"], "start": [0]}), **kwargs)


# --------------------------------------------------------------------------- passages


def test_passages_are_raw_slices_with_translations():
    picks = [{"topic": "council", "term": "مجلس الأمن", "doc_id": "000", "line": 2,
              "translation": "demanded of the Security Council", "occurrence": 2},
             {"topic": "Kerry", "term": "كيري", "doc_id": "001", "line": 1}]
    got = passages(TOY, picks, window=2, match="term", units=UNITS)
    assert list(got.columns) == PASSAGE_COLUMNS
    raw = TOY.set_index("doc_id")["raw_text"]
    for row in got.itertuples():
        assert raw[row.doc_id][row.passage_start:row.passage_end] == row.passage
        assert raw[row.doc_id][row.start:row.end] == row.match
        assert row.passage_start <= row.start < row.end <= row.passage_end
    assert got["passage"].tolist() == ["المدنيين، ودعا لمجلس الأمن أن يتحرك", "قال كيري إن الـمـدنيين"]
    assert got["translation"].tolist() == ["demanded of the Security Council", ""]
    assert got["era"].tolist() == ["khoja", "mustafa"]


@pytest.mark.parametrize("pick, message", [
    ({"topic": "t", "term": "كيري", "doc_id": "000"}, "lacks \\['line'\\]"),
    ({"topic": "t", "term": "كيري", "doc_id": "000", "line": 2}, "occurs 0 time"),
    ({"topic": "t", "term": "كيري", "doc_id": "000", "line": 1, "occurrence": 2}, "occurrence 2"),
])
def test_passages_report_missing_keys_and_absent_terms(pick, message):
    with pytest.raises(ValueError, match=message):
        passages(TOY, [pick], units=UNITS)


def test_side_by_side_pairs_groups_per_topic():
    p = pd.DataFrame({"topic": ["t", "t", "t", "u"], "era": ["a", "b", "a", "b"],
                      "doc_id": ["1", "2", "3", "2"], "line": [1, 2, 3, 4],
                      "passage": ["س", "ص", "ع", "ق"], "translation": ["s", "p", "e", "q"]})
    wide = side_by_side(p, translation_label="translation")
    assert list(wide.columns) == ["topic", "a: source", "a: passage", "a: translation",
                                  "b: source", "b: passage", "b: translation"]
    assert wide.values.tolist() == [
        ["t", "1, line 1", "س", "s", "2, line 2", "ص", "p"],
        ["t", "3, line 3", "ع", "e", "", "", ""],
        ["u", "", "", "", "2, line 4", "ق", "q"]]
    assert list(side_by_side(p, groups=["b", "a"]).columns)[1] == "b: source"
    with pytest.raises(ValueError, match="leaves out"):
        side_by_side(p, groups=["a"])
    with pytest.raises(ValueError, match="lacks the column"):
        side_by_side(p.drop(columns="translation"))


# --------------------------------------------------------------------------- CLI


def test_cli_kwic_csv(monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_corpus_from_args", lambda args: TOY)
    monkeypatch.setattr(cli, "_kwic_units", lambda corpus, unit: UNITS)
    assert cli.main(["kwic", "المدنيين", "--window", "3"]) == 0
    back = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert list(back.columns) == KWIC_COLUMNS
    assert back["match"].tolist() == run("المدنيين")["match"].tolist()


def test_cli_kwic_html_is_escaped_and_right_to_left(monkeypatch, capsys):
    corpus = toy_corpus(["قال كيري <script>alert(1)</script> & المدنيين"])
    monkeypatch.setattr(cli, "load_corpus_from_args", lambda args: corpus)
    monkeypatch.setattr(cli, "_kwic_units", lambda c, unit: lines_table(c))
    assert cli.main(["kwic", "كيري", "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and 'dir="rtl"' in page and 'charset="utf-8"' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<mark>كيري</mark>" in page


def test_cli_kwic_no_match_is_not_an_error(monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_corpus_from_args", lambda args: TOY)
    monkeypatch.setattr(cli, "_kwic_units", lambda corpus, unit: UNITS)
    assert cli.main(["kwic", "بغداد"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == ",".join(KWIC_COLUMNS) and "no occurrence" in out.err


# --------------------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seeds():
    from corpus_utils.corpus import load_corpus

    return load_corpus()


@pytest.mark.parametrize("term", ["المدنيين", "مجلس الأمن", "كيري", "إيران", "الائتلاف", "2254"])
def test_seed_kwic_offsets_and_lines_match_the_files(seeds, term):
    from corpus_utils.paths import seeds_path

    lines = kwic(seeds, term)
    assert len(lines) > 0
    for row in lines.itertuples():
        doc = seeds.set_index("doc_id").loc[row.doc_id]
        assert doc["raw_text"][row.start:row.end] == row.match
        file_lines = (seeds_path() / row.file).read_text(encoding="utf-8-sig").splitlines()
        assert row.match in file_lines[row.line - 1]


def test_seed_kwic_agrees_with_keyness_counts(seeds):
    """Every term counted by keyness is found by KWIC (by stem) exactly as often."""
    from corpus_utils.keyness import keyness_by_group

    table = keyness_by_group(seeds, target="mustafa", min_count=2)
    lex = corpus_lexicon(seeds)
    sets = {t: {query_keys(t, match="stem", lexicon=lex): t} for t in table["term"]}
    found = scan(seeds, sets, window=0, match="stem", lexicon=lex)["set"].value_counts()
    expected = table.set_index("term")["n_target"] + table.set_index("term")["n_reference"]
    assert found.reindex(expected.index, fill_value=0).to_dict() == expected.to_dict()


def test_seed_cli_kwic_sentence_units(seeds, capsys):
    assert cli.main(["kwic", "الائتلاف", "--unit", "sentence", "--window", "3"]) == 0
    lines = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    raw = seeds.set_index("doc_id")["raw_text"]
    assert len(lines) > 10
    for row in lines.itertuples():
        assert raw[row.doc_id][int(row.start):int(row.end)] == row.match
    assert set(lines["era"]) == {"khoja", "mustafa"}


def test_seed_kwic_terms_cover_every_count_of_the_top_key_terms(seeds):
    """The close-reading tables of notebook 03: every key term's KWIC lines (by stem) are
    exactly its keyness count, and each line's match is a form of the term."""
    from corpus_utils.keyness import key_terms, keyness_by_group

    lex = corpus_lexicon(seeds)
    for era in ("khoja", "mustafa"):
        table = keyness_by_group(seeds, target=era)
        top = key_terms(table, n=10, threshold=0).set_index("term")
        lines = kwic_terms(seeds, top.index.tolist())
        counts = lines.groupby("term").size()
        assert counts.reindex(top.index).tolist() == (top["n_target"] + top["n_reference"]).tolist()
        for row in lines.itertuples():
            assert query_keys(row.match, match="stem", lexicon=lex) == \
                query_keys(row.term, match="stem", lexicon=lex)
