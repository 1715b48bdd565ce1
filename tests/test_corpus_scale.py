"""Loading at scale: the fast paths of corpus.py give exactly what the plain code gives.

The loader, the cleaner and the units take shortcuts for speed and memory (texts stored in
Arrow batches, lines cut with ``str.split``, word counts capped, sentence ends found with
``str.find``, a text equal to its raw text compared once). Each test below states the plain
definition (a reference implementation, or the slow path of the same function) and checks
that the shortcut agrees with it, on tables of cases and on generated texts.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import corpus as C
from corpus_utils.corpus import (
    LOAD_BATCH, cleaning_audit, clean_text, corpus_from_texts, iter_corpus, load_corpus,
    load_rules, paragraphs, rebuild_raw, sentences, split_sentences,
)
from corpus_utils.paths import seeds_path

SEEDS = seeds_path()

# an alphabet with every kind of line end, blank and format character, clutter words and
# sentence punctuation, so that generated texts reach every branch
_PIECES = (list("قال خوجة إن الحل سياسي") + ["\n", "\n", "\r\n", "\r", "\x0b", "\u2028", " ", "\t",
           "\u200f", "\u00a0", ".", "..", "(..)", "!", "؟", "؛", "«", "»", ")", "2.5", "U.S.", "a", "_"]
           + ["اضغط هنا للاشتراك", "المصدر: وكالة", "الائتلاف", "تابعونا على تلغرام"])
texts = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


# --------------------------------------------------------------------------- lines


def _reference_lines(raw: str) -> list[tuple[int, int, str]]:
    """The line regex, as the loader used it for every text before the split fast path."""
    out = []
    for m in C._LINE_RE.finditer(raw):
        if m.start() == len(raw):
            break
        out.append((m.start(1), m.end(1), m.group(2)))
    return out


@pytest.mark.parametrize("raw", ["", "\n", "a", "a\n", "a\n\nb", "a\r\nb\rc\n", "\r", "a\n\r\n", "ب\u2028ج\n"])
def test_lines_table(raw):
    spans, contents = C._lines(raw)
    assert spans == _reference_lines(raw)
    assert contents == [raw[s:e] for s, e, _ in spans]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_lines_agree_with_the_line_regex(raw):
    spans, contents = C._lines(raw)
    assert spans == _reference_lines(raw)
    assert contents == [raw[s:e] for s, e, _ in spans]


# --------------------------------------------------------------------------- cleaning


def _uncapped_rules():
    """The package rules with word counts not capped (every line split into all its words)."""
    rules = load_rules()
    plain = C.CleaningRules(rules.path, rules.edge_lines, rules.closing_punctuation,
                            rules.trailing_closers, rules.rules)
    object.__setattr__(plain, "word_cap", 10**9)
    return plain


def test_word_cap_is_the_largest_limit_of_the_rules():
    rules = load_rules()
    limits = [r.max_words for r in rules.rules] + [int(r.options.get("deck_max_words", 30)) for r in rules.rules]
    assert rules.word_cap == max(limits) == 30


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    [line for f in sorted(SEEDS.glob("*.txt")) for line in f.read_text(encoding="utf-8").split("\n")]
    + ["", "  ", "اضغط هنا للاشتراك في قناتنا", "قرائنا من مستخدمي واتساب", "الائتلاف",
       "بقلم: أحمد خليل", "دمشق – خاص", "فرصة هامة", "المصدر: الدائرة الإعلامية للائتلاف الوطني"]),
    max_size=25), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_capped_word_counts_clean_exactly_as_full_counts(lines, eol, final):
    raw = eol.join(lines) + (eol if final else "")
    assert tuple(clean_text(raw)) == tuple(clean_text(raw, rules=_uncapped_rules()))


@pytest.mark.parametrize("raw", ["سطر أول.\nسطر ثان.", "سطر أول.\nسطر ثان.\n", "", "\n"])
def test_a_text_that_loses_no_line_is_the_raw_text_itself(raw):
    cleaned = clean_text(raw)
    assert not cleaned.actions and cleaned.text is raw  # shared, not a copy


def test_crlf_text_that_loses_no_line_gets_lf():
    assert clean_text("سطر أول.\r\nسطر ثان.\r\n").text == "سطر أول.\nسطر ثان.\n"


def test_patterns_are_joined_only_when_that_keeps_their_meaning():
    one, two = re.compile("اضغط"), re.compile("هنا")
    joined = C._any_of((one, two))
    assert len(joined) == 1 and joined[0].search("انقر هنا")
    backref = (re.compile(r"(ا)\1"), two)
    assert C._any_of(backref) == backref  # \1 would point at another group once joined


# --------------------------------------------------------------------------- texts in Arrow batches


def test_texts_are_stored_in_batches_equal_to_one_conversion(monkeypatch):
    monkeypatch.setattr(C, "LOAD_BATCH", 2)
    column = C._StrColumn()
    values = ["قال", "", "خوجة\n", "emoji 🙂", "x"]
    for v in values:
        column.append(v)
        assert len(column.pending) < 2  # never more than one batch of Python values
    series = column.series()
    assert series.equals(C._as_str(pd.Series(values, dtype=object)))
    assert series.dtype == pd.Series(["x"], dtype=object).astype("str").dtype


def test_a_text_arrow_cannot_store_keeps_the_column_as_objects(monkeypatch):
    monkeypatch.setattr(C, "LOAD_BATCH", 2)
    column = C._StrColumn()
    values = ["أ", "ب", "ج", "bad \udcff", "د"]
    for v in values:
        column.append(v)
    series = column.series()
    assert series.dtype == object and series.tolist() == values
    assert series.equals(C._as_str(pd.Series(values, dtype=object)))


def test_loading_in_small_batches_gives_the_same_table(monkeypatch):
    whole = load_corpus(SEEDS)
    monkeypatch.setattr(C, "LOAD_BATCH", 2)
    batched = load_corpus(SEEDS)
    assert batched.equals(whole) and list(batched.dtypes) == list(whole.dtypes)
    assert cleaning_audit(batched).equals(cleaning_audit(whole))
    assert batched["raw_text"].array._pa_array.num_chunks == 3  # 5 documents, 2 a batch


def test_load_corpus_reads_each_file_once(monkeypatch):
    reads = []
    original = C._FolderReader.__call__

    def counting(self, name):
        reads.append(name)
        return original(self, name)

    monkeypatch.setattr(C._FolderReader, "__call__", counting)
    corpus = load_corpus(SEEDS)
    assert reads == corpus["file"].tolist()


def test_utf8_bytes_are_used_as_they_are_and_other_encodings_are_encoded(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(SEEDS, folder)
    text = (folder / "000_8c72360f9050c17f.txt").read_text(encoding="utf-8")
    (folder / "000_8c72360f9050c17f.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # with a BOM
    (folder / "001_1fcbad4de958934f.txt").write_bytes(
        (folder / "001_1fcbad4de958934f.txt").read_text(encoding="utf-8").encode("utf-16"))
    corpus = load_corpus(folder)
    assert corpus["raw_text"][0] == text
    assert corpus["raw_text"][1] == (SEEDS / "001_1fcbad4de958934f.txt").read_text(encoding="utf-8")
    audit = cleaning_audit(corpus)
    for d, f, t in zip(corpus["doc_id"], corpus["file"], corpus["text"]):
        assert rebuild_raw(t, audit, doc_id=d) == (folder / f).read_bytes()


# --------------------------------------------------------------------------- audit


def test_audit_of_the_loaded_table_is_a_copy():
    corpus = load_corpus(SEEDS)
    audit = cleaning_audit(corpus)
    audit.loc[0, "encoding"] = "changed"
    assert cleaning_audit(corpus).loc[0, "encoding"] == "utf-8"


def test_audit_fast_path_equals_the_reordering_path():
    corpus = load_corpus(SEEDS)
    fast = cleaning_audit(corpus)
    reversed_ = cleaning_audit(corpus.iloc[::-1])  # not the stored order: the general path
    again = pd.concat([reversed_[reversed_["doc_id"] == d] for d in corpus["doc_id"]], ignore_index=True)
    assert again.equals(fast)


# --------------------------------------------------------------------------- units


def _reference_units(corpus: pd.DataFrame) -> tuple[list, list]:
    """Paragraph and sentence rows computed the plain way, from the audit and the raw text."""
    taken = {}
    audit = cleaning_audit(corpus)
    for d, line in zip(audit["doc_id"], audit["line"]):
        if not pd.isna(line):
            taken.setdefault(d, set()).add(int(line))
    paras, sents = [], []
    for d, raw in zip(corpus["doc_id"], corpus["raw_text"]):
        p = k = 0
        for i, (s, e, _) in enumerate(_reference_lines(raw), 1):
            if i in taken.get(d, ()):
                continue
            while s < e and raw[s].isspace():
                s += 1
            while e > s and raw[e - 1].isspace():
                e -= 1
            if s < e and not C._is_blank(raw[s:e]):
                p += 1
                paras.append((d, p, i, s, e, raw[s:e]))
                for a, b in _reference_split(raw[s:e]):
                    k += 1
                    sents.append((d, p, k, i, s + a, s + b, raw[s + a:s + b]))
    return paras, sents


MIXED = {
    "crlf": "عنوان الخبر\r\n\r\nقال خوجة. وأضاف: «الحل سياسي».\r\nالائتلاف\r\n",
    "cr": "سطر أول.\rسطر ثان؟ نعم!",
    "same": "قال خوجة إن الحل سياسي.\n\n  وأضاف كيري (..) أن الأمر صعب.  \n",
    "format": "\u200f\n\u200fقال مصطفى 2.5 مليار.\n\u200f  \n",
    "tail": "نص الخبر.\n\nالمصدر: الدائرة الإعلامية للائتلاف الوطني",
    "empty": "",
}


def test_units_of_mixed_texts_match_the_plain_computation():
    corpus = corpus_from_texts(MIXED)
    paras, sents = _reference_units(corpus)
    p, s = paragraphs(corpus), sentences(corpus)
    assert list(zip(p["doc_id"], p["paragraph"], p["line"], p["start"], p["end"], p["text"])) == paras
    assert list(zip(s["doc_id"], s["paragraph"], s["sentence"], s["line"], s["start"], s["end"], s["text"])) == sents
    assert p["sentence"].isna().all() and str(p["sentence"].dtype) == "Int64"


def test_units_of_the_seeds_match_the_plain_computation():
    corpus = load_corpus(SEEDS)
    paras, sents = _reference_units(corpus)
    assert len(paras) == 40 and len(sents) == 49
    s = sentences(corpus)
    assert list(zip(s["doc_id"], s["paragraph"], s["sentence"], s["line"], s["start"], s["end"], s["text"])) == sents


@pytest.mark.parametrize("raw", ["سطر أول.\nسطر ثان.", "سطر أول.\nسطر ثان.\n"])
@pytest.mark.parametrize("change", [lambda t: t + "x", lambda t: t[:-2], lambda t: "\n" + t,
                                    lambda t: t.replace("أول", "ثالث")])
def test_units_refuse_a_text_that_no_longer_matches_even_without_cleaning(change, raw):
    corpus = corpus_from_texts({"1": raw})
    assert corpus["text"][0] == corpus["raw_text"][0]  # nothing taken out: the fast check
    corpus.loc[0, "text"] = change(corpus["text"][0])
    with pytest.raises(ValueError, match="'1'"):
        paragraphs(corpus)


def test_a_final_newline_added_or_dropped_is_accepted():
    corpus = corpus_from_texts({"1": "سطر أول.\nسطر ثان.", "2": "سطر.\n"})
    before = paragraphs(corpus)
    corpus.loc[0, "text"] = corpus["text"][0] + "\n"
    corpus.loc[1, "text"] = corpus["text"][1][:-1]
    assert paragraphs(corpus).equals(before)


def test_units_are_read_in_batches(monkeypatch):
    monkeypatch.setattr(C, "ROW_BATCH", 2)
    corpus = load_corpus(SEEDS)
    assert len(paragraphs(corpus)) == 40 and len(sentences(corpus)) == 49


# --------------------------------------------------------------------------- sentences


_CLOSERS = "\"'”’»)]}›"
_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_END = re.compile(r"[.!؟؛]+[\"'”’»)\]}›]*")


def _reference_split(text: str) -> list[tuple[int, int]]:
    """split_sentences as first written: a regex scan per segment, rules checked per run."""
    spans = []

    def emit(a, b):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b and any(ch.isalnum() for ch in text[a:b]):
            spans.append((a, b))

    pos = 0
    while pos <= len(text):
        br = _BREAK.search(text, pos)
        seg_end = br.start() if br else len(text)
        cur = pos
        for m in _END.finditer(text, pos, seg_end):
            run = m.group()
            core = run.rstrip(_CLOSERS)
            prev = text[m.start() - 1] if m.start() > pos else ""
            nxt = text[m.end()] if m.end() < seg_end else ""
            if set(core) == {"."}:
                if prev and prev in "([" and run[len(core):len(core) + 1] in (")", "]"):
                    continue
                if core == "." and len(run) == 1 and ((prev.isdigit() and nxt.isdigit()) or (
                        prev.isascii() and prev.isalpha() and nxt.isascii() and nxt.isalpha())):
                    continue
            emit(cur, m.end())
            cur = m.end()
        emit(cur, seg_end)
        if not br:
            break
        pos = br.end()
    return spans


@settings(max_examples=500, deadline=None)
@given(texts)
def test_split_sentences_agrees_with_the_plain_scan(text):
    assert split_sentences(text) == _reference_split(text)


def test_split_sentences_on_long_runs_of_dots():
    text = "قال" + "." * 5000 + " ثم" + "(" + "." * 3 + ")" + " انتهى.\r\nسطر"
    assert split_sentences(text) == _reference_split(text)


def test_alnum_regex_is_isalnum():
    sample = "".join(map(chr, range(0, 0x3000))) + "٠١٢ـ\u0670\u064b"
    assert [bool(C._ALNUM_RE.match(ch)) for ch in sample] == [ch.isalnum() for ch in sample]


# --------------------------------------------------------------------------- streaming


def test_iter_corpus_rows_have_the_columns_of_load_corpus():
    corpus = load_corpus(SEEDS)
    row = next(iter_corpus(SEEDS))
    assert [k for k in row if k != "audit"] == list(corpus.columns)
    assert row["audit"][0]["action"] == "file" and set(row["audit"][0]) == set(C.AUDIT_COLUMNS)
    lines = [r for d in iter_corpus(SEEDS) for r in d["audit"] if r["action"] != "file"]
    assert lines and all(list(r) == C.AUDIT_COLUMNS[:9] for r in lines)


def test_load_batch_is_documented():
    assert LOAD_BATCH >= 100 and C.ROW_BATCH >= 100
    assert "LOAD_BATCH" in (C.__doc__ or "")
