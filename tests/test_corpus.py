"""The corpus: loading, units traced back to the raw text, the audit, stats, near-duplicates."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corpus_utils
from corpus_utils import cli
from corpus_utils.arabic import word_tokens
from corpus_utils.corpus import (
    AUDIT_COLUMNS, CLEANING_COLUMNS, NEAR_DUPLICATE_THRESHOLD, UNIT_COLUMNS, cleaning_audit,
    corpus_from_texts, corpus_stats, iter_corpus, load_corpus, near_duplicates, paragraphs,
    rebuild_raw, sentences, shared_passages, split_sentences,
)
from corpus_utils.paths import seeds_path

SEEDS = seeds_path()


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEEDS)


@pytest.fixture(scope="module")
def paras(corpus):
    return paragraphs(corpus)


@pytest.fixture(scope="module")
def sents(corpus):
    return sentences(corpus)


# --------------------------------------------------------------------------- documents table


def test_documents_table_columns_and_ids(corpus):
    assert corpus["doc_id"].tolist() == ["000", "001", "002", "003", "004"]
    meta = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False)
    expected = ["doc_id", "file", "raw_text", "text", *[c for c in meta.columns if c not in ("doc_id", "file")],
                *CLEANING_COLUMNS]
    assert list(corpus.columns) == expected
    assert corpus["file"].tolist() == meta["file"].tolist()
    assert corpus["era"].tolist() == ["khoja", "khoja", "khoja", "mustafa", "mustafa"]
    assert corpus["event_date"].tolist() == meta["event_date"].tolist()  # other columns stay strings


def test_date_is_parsed_with_its_precision(corpus):
    assert pd.api.types.is_datetime64_any_dtype(corpus["date"])
    assert corpus["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2015-05-01", "2015-05-01", "2015-03-01", "2019-03-14", "2019-06-29"]
    assert corpus["date_precision"].tolist() == ["day"] * 5


def test_raw_text_is_the_file_decoded(corpus):
    for file, raw in zip(corpus["file"], corpus["raw_text"]):
        assert raw == (SEEDS / file).read_bytes().decode("utf-8")


@pytest.mark.parametrize("doc_id, column, value", [
    ("001", "headline", "رئيس الائتلاف السوري يحث واشنطن على إقامة «مناطق آمنة» بعد لقائه وزير الخارجية الأميركي"),
    ("001", "deck", "كيري: يجب ملاحقة الأسد قضائيًا على الجرائم التي ارتكبها"),
    ("002", "dateline", "أخبار الآن | كلس – تركيا"),
    ("002", "byline", "مصطفى عباس"),
    ("004", "source_line", "المصدر: الدائرة الإعلامية للائتلاف الوطني السوري"),
])
def test_moved_lines_fill_their_columns(corpus, doc_id, column, value):
    assert corpus.set_index("doc_id").at[doc_id, column] == value


def test_columns_without_a_moved_line_are_missing(corpus):
    filled = {c: corpus.loc[corpus[c].notna(), "doc_id"].tolist() for c in CLEANING_COLUMNS}
    assert filled == {"headline": ["001"], "deck": ["001"], "dateline": ["002"], "byline": ["002"],
                      "source_line": ["004"]}


def test_cleaned_text_drops_the_clutter_and_nothing_else(corpus):
    text = dict(zip(corpus["doc_id"], corpus["text"]))
    assert "الائتلاف" == corpus.raw_text[0].splitlines()[-1] and not text["000"].endswith("الائتلاف")
    assert "لم تشترك بعد" not in text["001"] and "واتساب" not in text["003"]
    assert "\nفرصة هامة\n" not in text["003"] and "المصدر:" not in text["004"]
    assert text["002"].startswith("\n" + "قال خالد خوجة")  # line 1 moved, the blank line 2 kept


# --------------------------------------------------------------------------- audit

SEED_AUDIT = [
    ("000", 8, "removed", "tag_line", ""),
    ("001", 4, "moved", "repeated_headline", "headline"),
    ("001", 5, "moved", "repeated_headline", "deck"),
    ("001", 6, "removed", "repeated_headline", ""),
    ("001", 7, "removed", "subscription_prompt", ""),
    ("001", 8, "removed", "subscription_prompt", ""),
    ("002", 1, "moved", "dateline", "dateline,byline"),
    ("003", 1, "removed", "app_banner", ""),
    ("003", 2, "removed", "app_banner", ""),
    ("003", 3, "removed", "app_banner", ""),
    ("003", 9, "removed", "subheading", ""),
    ("003", 21, "removed", "subheading", ""),
    ("004", 12, "moved", "source_line", "source_line"),
]


def test_seed_audit_lists_exactly_the_documented_lines(corpus):
    audit = cleaning_audit(corpus)
    assert list(audit.columns) == AUDIT_COLUMNS
    lines = audit[audit["action"] != "file"]
    got = list(zip(lines["doc_id"], lines["line"], lines["action"], lines["rule"], lines["target_column"]))
    assert got == SEED_AUDIT


def test_audit_rows_point_at_their_raw_lines(corpus):
    audit = cleaning_audit(corpus)
    raw = dict(zip(corpus["doc_id"], corpus["raw_text"]))
    lines = audit[audit["action"] != "file"]
    for d, line, s, e, text in zip(lines["doc_id"], lines["line"], lines["start"], lines["end"], lines["text"]):
        assert raw[d][s:e] == text == raw[d].split("\n")[line - 1]


def test_audit_file_rows_record_how_each_file_is_stored(corpus):
    files = cleaning_audit(corpus).query("action == 'file'").set_index("doc_id")
    assert files["encoding"].tolist() == ["utf-8"] * 5
    assert files["bom"].tolist() == [""] * 5
    assert files["line_ends"].tolist() == ["LF"] * 5
    assert files["final_newline"].tolist() == [False] * 5  # no seed ends with a newline
    assert files["lines"].tolist() == [8, 8, 21, 25, 12]
    import hashlib
    for d, f in zip(corpus["doc_id"], corpus["file"]):
        assert files.at[d, "sha256"] == hashlib.sha256((SEEDS / f).read_bytes()).hexdigest()


def test_rebuild_every_seed_byte_for_byte(corpus):
    audit = cleaning_audit(corpus)
    for d, f, text in zip(corpus["doc_id"], corpus["file"], corpus["text"]):
        assert rebuild_raw(text, audit, doc_id=d) == (SEEDS / f).read_bytes()


def test_rebuild_from_the_audit_written_as_csv(corpus, tmp_path):
    out = tmp_path / "audit.csv"
    assert cli.main(["clean", str(SEEDS), "--out-dir", str(tmp_path / "clean"), "--audit", str(out)]) == 0
    audit = pd.read_csv(out, dtype=str, keep_default_na=False)
    for d, f in zip(corpus["doc_id"], corpus["file"]):
        text = (tmp_path / "clean" / f).read_text(encoding="utf-8")
        assert rebuild_raw(text, audit, doc_id=d) == (SEEDS / f).read_bytes()


def test_rebuild_refuses_an_edited_text(corpus):
    with pytest.raises(ValueError, match="lines"):
        rebuild_raw(corpus.text[0] + "\nسطر مضاف", cleaning_audit(corpus), doc_id="000")
    with pytest.raises(ValueError, match="doc_id"):
        rebuild_raw(corpus.text[0], cleaning_audit(corpus))


def test_audit_follows_a_subset_and_survives_lost_attrs(corpus):
    full = cleaning_audit(corpus)
    sub = corpus[corpus["era"] == "mustafa"]
    assert set(cleaning_audit(sub)["doc_id"]) == {"003", "004"}
    bare = corpus.copy()
    bare.attrs = {}
    recomputed = cleaning_audit(bare)
    cols = ["doc_id", "line", "start", "end", "action", "rule", "target_column", "text"]
    lines = full["action"] != "file"
    assert recomputed.loc[recomputed["action"] != "file", cols].reset_index(drop=True).equals(
        full.loc[lines, cols].reset_index(drop=True))
    assert recomputed.loc[recomputed["action"] == "file", "encoding"].isna().all()


# --------------------------------------------------------------------------- units


def test_forty_paragraphs(paras):
    assert len(paras) == 40
    assert paras.groupby("doc_id").size().to_dict() == {"000": 7, "001": 3, "002": 10, "003": 9, "004": 11}
    assert list(paras.columns) == UNIT_COLUMNS
    assert paras["sentence"].isna().all()


def test_paragraphs_are_numbered_from_one_and_on_their_lines(paras):
    for _, group in paras.groupby("doc_id"):
        assert group["paragraph"].tolist() == list(range(1, len(group) + 1))
    assert paras.query("doc_id == '002'")["line"].tolist() == [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]
    assert paras.query("doc_id == '003'")["line"].tolist() == [5, 7, 11, 13, 15, 17, 19, 23, 25]


@pytest.mark.parametrize("units", ["paras", "sents"])
def test_unit_text_is_a_slice_of_raw_text(corpus, units, request):
    table = request.getfixturevalue(units)
    raw = dict(zip(corpus["doc_id"], corpus["raw_text"]))
    for d, line, s, e, text in zip(table["doc_id"], table["line"], table["start"], table["end"], table["text"]):
        assert raw[d][s:e] == text
        assert text == text.strip() and text
        assert raw[d].count("\n", 0, s) + 1 == line  # the line where the unit starts


def test_paragraph_leading_space_is_outside_the_span(corpus, paras):
    p = paras.query("doc_id == '002' and line == 5").iloc[0]
    raw = corpus.raw_text[2]
    assert raw[p.start - 1].isspace() and p.text.startswith("بهدف")


def test_sentences_count_and_numbering(sents, paras):
    assert len(sents) == 49
    assert sents.groupby("doc_id").size().to_dict() == {"000": 9, "001": 9, "002": 11, "003": 9, "004": 11}
    for _, group in sents.groupby("doc_id"):
        assert group["sentence"].tolist() == list(range(1, len(group) + 1))
    merged = sents.merge(paras[["doc_id", "paragraph", "start", "end"]], on=["doc_id", "paragraph"],
                         suffixes=("", "_p"))
    assert ((merged["start"] >= merged["start_p"]) & (merged["end"] <= merged["end_p"])).all()


def test_sentences_keep_the_bracketed_ellipsis(sents):
    s = sents.query("doc_id == '001'")["text"].tolist()
    assert "وأردف: «يجب ملاحقته قضائيا (..) على الجرائم التي ارتكبها ضد الشعب السوري»." in s
    assert sents.query("doc_id == '003'")["text"].iloc[-1].endswith("بحقه..")


def test_units_refuse_a_changed_text(corpus):
    changed = corpus.copy()
    changed.loc[0, "text"] = "نص آخر"
    with pytest.raises(ValueError, match="000"):
        paragraphs(changed)


def test_units_of_a_non_corpus_table_are_a_value_error():
    with pytest.raises(ValueError, match="raw_text"):
        paragraphs(pd.DataFrame({"doc_id": ["1"], "text": ["x"]}))


# --------------------------------------------------------------------------- the splitter

SPLITS = [
    ("قال خوجة. وأضاف كيري!", ["قال خوجة.", "وأضاف كيري!"]),
    ("هل انتهى؟ لا؛ لم ينته", ["هل انتهى؟", "لا؛", "لم ينته"]),
    ("الحل سياسي، لا عسكري", ["الحل سياسي، لا عسكري"]),                      # ، never splits
    ("يجب ملاحقته (..) على الجرائم.", ["يجب ملاحقته (..) على الجرائم."]),     # (..) is no boundary
    ("قال (...) ثم مضى", ["قال (...) ثم مضى"]),
    ("بحقه..", ["بحقه.."]),                                                   # final .. : one sentence
    ("انتهى... وبدأ", ["انتهى...", "وبدأ"]),
    ("قال: «فاقد الشرعية». وأردف", ["قال: «فاقد الشرعية».", "وأردف"]),         # closers stay left
    ("بلغت 2.5 مليار دولار.", ["بلغت 2.5 مليار دولار."]),                     # decimal point
    ("see www.alaan.tv/news today.", ["see www.alaan.tv/news today."]),       # . between letters
    ("سطر أول\nسطر ثان", ["سطر أول", "سطر ثان"]),                             # a line break splits
    ("سطر\r\nثان\rثالث", ["سطر", "ثان", "ثالث"]),
    ("..) ثم قال", ["ثم قال"]),                                               # a piece without letters is dropped
    ("  \n . \n", []),                                                         # no letter: no sentence
    ("", []),
]


@pytest.mark.parametrize("text, expected", SPLITS)
def test_split_sentences_table(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_split_sentences_rejects_non_text():
    with pytest.raises(ValueError, match="str"):
        split_sentences(None)


_SPLIT_ALPHABET = st.sampled_from(list("قال خوجة إن الحل سياسي") + list(".!؟؛،()«»\"\n\r 0123456789.") + ["\u200f"])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_SPLIT_ALPHABET, max_size=80))
def test_splitting_loses_no_letter_and_spans_are_ordered(text):
    spans = split_sentences(text)
    covered = set()
    last_end = 0
    for s, e in spans:
        assert last_end <= s < e <= len(text)
        assert "\n" not in text[s:e] and "\r" not in text[s:e]
        assert text[s:e] == text[s:e].strip()
        covered.update(range(s, e))
        last_end = e
    assert all(k in covered for k, ch in enumerate(text) if ch.isalnum())


# --------------------------------------------------------------------------- iteration


def test_iter_corpus_yields_the_same_documents(corpus):
    docs = list(iter_corpus(SEEDS))
    assert [d["doc_id"] for d in docs] == corpus["doc_id"].tolist()
    assert [d["text"] for d in docs] == corpus["text"].tolist()
    assert docs[1]["headline"] == corpus["headline"][1]
    audit = cleaning_audit(corpus)
    assert sum(len([r for r in d["audit"] if r["action"] != "file"]) for d in docs) == int(
        (audit["action"] != "file").sum())


def test_iter_corpus_reads_one_file_per_document(monkeypatch):
    reads = []
    original = Path.read_bytes

    def counting(self):
        if self.suffix == ".txt":
            reads.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    it = iter_corpus(SEEDS, check=False)
    first = next(it)
    assert first["doc_id"] == "000" and reads == ["000_8c72360f9050c17f.txt"]
    next(it)
    assert len(reads) == 2


# --------------------------------------------------------------------------- stats and CLI


def test_stats_command_prints_the_documented_rows(capsys, corpus):
    assert cli.main(["stats", str(SEEDS)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"group": str})
    assert list(table.columns) == ["group", "documents", "paragraphs", "sentences", "tokens"]
    assert table["group"].tolist() == ["khoja", "mustafa", "all"]
    assert table[["documents", "paragraphs", "sentences"]].values.tolist() == [[3, 20, 29], [2, 20, 20], [5, 40, 49]]
    tokens = {era: sum(len(word_tokens(t)) for t in corpus.loc[corpus.era == era, "text"])
              for era in ("khoja", "mustafa")}
    assert table["tokens"].tolist() == [tokens["khoja"], tokens["mustafa"], tokens["khoja"] + tokens["mustafa"]]


def test_stats_group_by_another_column_and_a_bad_one(capsys, corpus):
    table = corpus_stats(corpus, group_by="outlet")
    assert table["group"].iloc[-1] == "all" and len(table) == 6 and table["documents"].iloc[:-1].sum() == 5
    with pytest.raises(ValueError, match="'nope'"):
        corpus_stats(corpus, group_by="nope")
    assert cli.main(["stats", str(SEEDS), "--group-by", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_stats_without_era_has_only_all():
    table = corpus_stats(corpus_from_texts(["قال خوجة إن الحل سياسي."]))
    assert table.values.tolist() == [["all", 1, 1, 1, len(word_tokens("قال خوجة إن الحل سياسي."))]]


def test_clean_command_writes_a_corpus_that_loads_unchanged(tmp_path, capsys, corpus):
    out = tmp_path / "clean"
    assert cli.main(["clean", str(SEEDS), "--out-dir", str(out), "--audit", str(tmp_path / "a.csv")]) == 0
    assert "13 line(s) taken out" in capsys.readouterr().err
    again = load_corpus(out)
    assert again["text"].tolist() == corpus["text"].tolist()
    assert again["headline"].tolist()[1] == corpus["headline"][1]
    assert again["date"].tolist() == corpus["date"].tolist()
    assert (cleaning_audit(again)["action"] == "file").all()  # cleaning the cleaned: nothing more
    assert len(pd.read_csv(tmp_path / "a.csv")) == 5 + 13


def test_clean_command_never_writes_into_the_corpus(tmp_path, capsys):
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    assert cli.main(["clean", str(copy), "--out-dir", str(copy)]) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before
    seeds_before = {p.name: p.read_bytes() for p in SEEDS.iterdir()}
    clutter = Path(__file__).parent / "data" / "clutter"
    assert cli.main(["clean", str(clutter), "--out-dir", str(SEEDS)]) == 1  # nor into the seeds
    assert {p.name: p.read_bytes() for p in SEEDS.iterdir()} == seeds_before


# --------------------------------------------------------------------------- near-duplicates


def test_no_near_duplicates_in_the_seeds(corpus):
    assert near_duplicates(corpus).empty
    every = near_duplicates(corpus, threshold=0)
    assert not every.empty and every["overlap"].max() < NEAR_DUPLICATE_THRESHOLD / 5


def test_000_and_001_share_only_a_formulaic_title(corpus):
    shared = shared_passages(corpus)
    pair = shared[(shared.doc_id_a == "000") & (shared.doc_id_b == "001")]
    assert pair["text_a"].tolist() == ["وزير الخارجية الأميركي جون كيري"]
    assert pair["words"].tolist() == [5]
    raw = dict(zip(corpus["doc_id"], corpus["raw_text"]))
    for row in shared.itertuples():
        assert raw[row.doc_id_a][row.start_a:row.end_a] == row.text_a
        assert raw[row.doc_id_b][row.start_b:row.end_b] == row.text_b


def test_a_lightly_edited_wire_copy_is_found(tmp_path, corpus):
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    source = paragraphs(corpus).query("doc_id == '004' and paragraph == 2")["text"].iloc[0]
    edited = (source.replace("صباح الأمس الجمعة", "يوم الجمعة")
              .replace("كبير مستشاري", "مستشار")
              .replace("الشمال الغربي", "شمال غرب"))
    assert edited != source
    (folder / "900_wire.txt").write_text(
        "نشرت وكالة محلية اليوم تقريراً عن لقاء في واشنطن.\n" + edited + "\nوتابعت الوكالة تغطية الخبر.\n",
        encoding="utf-8")
    with open(folder / "metadata.csv", "a", encoding="utf-8") as fh:
        fh.write("900,900_wire.txt,mustafa,,2019-06-30,day,,,,,,,\n")
    found = near_duplicates(load_corpus(folder))
    assert found[["doc_id_a", "paragraph_a", "doc_id_b", "paragraph_b"]].values.tolist() == [["004", 2, "900", 2]]
    assert found["overlap"].iloc[0] > 0.6


@pytest.mark.parametrize("kwargs", [{"shingle": 0}, {"shingle": 2.5}, {"threshold": 1.5}, {"threshold": -0.1}])
def test_near_duplicates_bad_arguments(corpus, kwargs):
    with pytest.raises(ValueError, match="invalid"):
        near_duplicates(corpus, **kwargs)


# --------------------------------------------------------------------------- in memory


def test_corpus_from_texts_cleans_like_the_loader(corpus):
    mem = corpus_from_texts(dict(zip(corpus["doc_id"], corpus["raw_text"])),
                            metadata=corpus[["doc_id", "era", "date"]])
    assert mem["text"].tolist() == corpus["text"].tolist()
    assert mem["era"].tolist() == corpus["era"].tolist()
    assert mem["date"].tolist() == corpus["date"].tolist()
    assert len(paragraphs(mem)) == 40
    with pytest.raises(ValueError, match="repeat"):
        corpus_from_texts({1: "نص.", "1": "نص آخر."})
    empty = corpus_from_texts([])  # empty input is handled on purpose
    assert empty.empty and paragraphs(empty).empty and list(empty.columns[:4]) == ["doc_id", "file", "raw_text", "text"]


def test_lazy_public_names_resolve():
    assert corpus_utils.load_corpus is load_corpus
    assert corpus_utils.split_sentences is split_sentences
