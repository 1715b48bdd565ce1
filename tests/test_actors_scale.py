"""Tests of the actor finder's scale machinery (issue 10, item 4): the document read as
space-separated chunks, the per-chunk cache and its word-ending filter, the caches' limits,
and corpus_mentions built from per-corpus unit arrays. The rules themselves are tested in
tests/test_actors.py; here every test checks that the fast paths give what the plain
definition gives."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corpus_utils import actors, arabic
from corpus_utils.actors import Codebook, corpus_mentions, find_actors, load_codebook
from corpus_utils.corpus import corpus_from_texts, load_corpus
from corpus_utils.paths import DATA_DIR, seeds_path

_LETTERS = st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويىةأإآؤئءـ") + ["ک", "ی", "ﻻ", "ٱ"])
_WORDS = st.text(alphabet=_LETTERS, min_size=1, max_size=9)
_CHARS = st.one_of(_LETTERS, st.sampled_from(list(" \n\r\t\u00a0،؛.«»()-–0123456789a_²\u064e\u0651")))


def fresh_codebook(**extra) -> Codebook:
    """A codebook built anew (empty caches), the bundled entries plus ``extra`` lists."""
    with open(DATA_DIR / "actors.yml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for key, entries in extra.items():
        data[key] = list(data.get(key) or []) + entries
    return Codebook(data, sources=("test",))


def positions(doc: actors._Doc) -> list[tuple[int, int]]:
    return [(c, k) for c, chunk in enumerate(doc.chunks) for k in range(len(actors._chunk_tokens(chunk)[0]))]


# =========================================================================== chunks


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_CHARS, max_size=60))
@example(text="قال  خوجة\n\n«الأسد»\r\n- سورية")
@example(text="رئيس \n الائتلاف \r\n  \n خوجة")
def test_next_prev_and_span_walk_the_tokens_of_arabic_tokenize(text):
    doc = actors._Doc(text)
    pos = positions(doc)
    tokens = arabic.tokenize(text)
    assert [doc.span(p) for p in pos] == [(t.start, t.end) for t in tokens]
    for p, q, t, u in zip(pos, pos[1:], tokens, tokens[1:]):
        gap = text[t.end:u.start]
        line_break = "\n" in gap or "\r" in gap
        assert doc.next(p) == (q, u.text, line_break)
        assert doc.prev(q) == (p, t.text, line_break)
    if pos:
        assert doc.next(pos[-1]) is None and doc.prev(pos[0]) is None


def test_chunk_tokens_of_a_word_are_the_word():
    assert actors._chunk_tokens("الائتلاف") == (("الائتلاف",), (0,), (8,), (False, False))
    texts, starts, ends, breaks = actors._chunk_tokens("سياسي.\nودعا")
    assert texts == ("سياسي", ".", "ودعا") and starts == (0, 5, 7) and breaks == (False, False, True, False)


# =========================================================================== chunk cache


@pytest.fixture(scope="module")
def cb() -> Codebook:
    return fresh_codebook()


@settings(max_examples=400, deadline=None)
@given(word=st.one_of(_WORDS, st.sampled_from(["على", "الأسد", "للنظام", "وبالائتلاف", "ولواشنطن",
                                              "الأمريكية", "أمريك", "خوجة", "ـخوجةـ", "كيريء"])))
def test_the_ending_filter_rules_out_only_words_that_start_no_alias(cb, word):
    # _hits rules most words out by their last two letters: it must agree with the trie
    hits = cb._hits(word)
    nodes = cb._start_nodes(word) if word.isalpha() else None
    if nodes is not None:
        assert bool(hits) == bool(nodes)
        if nodes:
            assert hits == ((0, 0, len(word), actors._forms(nodes), None),)


def test_an_alias_spelled_amrik_is_found_though_its_key_ends_differently():
    # أمريك folds to اميرك: its last letters are not those of the text; no filter may drop it
    cb = Codebook({"actors": [{"id": "amrik_group", "name": "Amrik", "type": "armed group",
                               "code": "AMRIKGRP", "verified": False, "aliases": ["أمريك"]}]})
    assert "يك" not in cb._first_endings
    assert [m.actor_id for m in find_actors("قالت أمريك إن", codebook=cb)] == ["amrik_group"]


def test_a_one_letter_alias_turns_the_ending_filter_off():
    cb = fresh_codebook(actors=[{"id": "sin_group", "name": "Sin", "type": "armed group",
                                 "code": "SINGRP", "verified": False, "aliases": ["ص"]}])
    assert cb._first_endings == frozenset()
    assert [m.actor_id for m in find_actors("وقالت ص إن", codebook=cb)] == ["sin_group"]


@pytest.mark.parametrize("text, expected", [
    ("رئيس الائتلاف خالد خوجة", [("رئيس الائتلاف خالد خوجة", "apposition")]),
    # "رئيس\nالائتلاف" is one chunk: the line break inside it still cuts the alias
    ("رئيس\nالائتلاف خالد خوجة", [("الائتلاف", "alias"), ("خالد خوجة", "alias")]),
    # and a role and a name on two lines are two mentions
    ("رئيس الائتلاف\nخالد خوجة", [("رئيس الائتلاف", "date"), ("خالد خوجة", "alias")]),
    # "هيئة\n" ends in a line break, and "التفاوض" starts no alias: no "هيئة التفاوض" across it
    ("هيئة\n التفاوض", []),
    ("هيئة \nالتفاوض", []),
])
def test_a_line_break_inside_a_chunk_still_breaks(cb, text, expected):
    assert [m.text for m in find_actors("هيئة التفاوض", codebook=cb)] == ["هيئة التفاوض"]  # cached now
    assert [(m.text, m.resolved_by) for m in find_actors(text, date="2015-05-01", codebook=cb)] == expected


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(seeds_path().glob("*.txt"))]


def test_cache_limits_change_no_mention(monkeypatch):
    expected = [find_actors(t, codebook=fresh_codebook()) for t in seed_texts()]
    monkeypatch.setattr(actors, "_TYPE_CACHE_SIZE", 0)  # nothing cached per chunk type
    monkeypatch.setattr(actors, "_CHUNK_CACHE_SIZE", 3)  # the token table emptied all the time
    monkeypatch.setattr(actors, "_FLAG_CACHE_SIZE", 2)
    monkeypatch.setattr(actors, "_CHUNK_TOKENS", {})
    monkeypatch.setattr(actors, "_FLAGS", {})
    cb = fresh_codebook()
    assert [find_actors(t, codebook=cb) for t in seed_texts()] == expected
    assert cb._chunk_hits == {} and len(actors._CHUNK_TOKENS) <= 3 and len(actors._FLAGS) <= 2


def test_the_codebook_keeps_the_trie_its_check_built():
    with open(DATA_DIR / "actors.yml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert load_codebook()._trie == actors._build_trie(data["actors"], data["offices"], data["non_actors"])


# =========================================================================== spacing


_PIECES = st.sampled_from(
    "خوجة خالد رئيس الائتلاف الوطني السوري وزير الخارجية الأميركي جون كيري واشنطن دعا قال في "
    "إلى زار بلاده نظامه الأسد بشار النظام على سورية لبنان الكرملين البيت الأبيض المبعوث الأممي "
    "دي ميستورا مصطفى عبد الرحمن هيئة التفاوض الخوذ البيضاء الجيش الحر ، . ( ) - « » لا".split())
_SEPARATORS = st.sampled_from([" ", " ", " ", "، ", "\n", " (", ") "])


@settings(max_examples=200, deadline=None)
@given(words=st.lists(_PIECES, min_size=1, max_size=25), seps=st.lists(_SEPARATORS, min_size=25, max_size=25),
       date=st.sampled_from([None, "2015-05-01", "2019-03-14", "2016"]))
@example(words=["التفاوض", "هيئة", "التفاوض", "وزير", "الخارجية"], seps=[" ", "\n", " ", "\n"] + [" "] * 21,
         date="2015-05-01")
def test_mentions_do_not_depend_on_how_words_are_spaced(words, seps, date):
    # spaces, runs of spaces and tabs separate tokens alike: the chunks differ, not the mentions
    text = "".join(w + s for w, s in zip(words, seps))

    def seen(t: str) -> list[tuple]:
        return [(re.sub(r"[ \t]+", " ", m.text), *m[3:]) for m in find_actors(t, date=date)]

    expected = seen(text)
    assert seen(text.replace(" ", "  ")) == expected
    assert seen(text.replace(" ", "\t")) == expected
    assert seen(" " + text) == expected
    assert seen(text.replace("\n", " \n ")) == expected  # line breaks as chunks of their own
    assert seen(text.replace("\n", "\n ")) == expected  # and at the end of a chunk
    assert seen(text.replace("\n", " \n")) == expected  # and at its start


# =========================================================================== corpus_mentions


@pytest.fixture(scope="module")
def seeds():
    return load_corpus()


def test_corpus_mentions_do_not_depend_on_document_order(seeds):
    expected = corpus_mentions(seeds)
    shuffled = seeds.sample(frac=1, random_state=3)
    assert corpus_mentions(shuffled).equals(expected)
    assert corpus_mentions(shuffled, raw=True).equals(corpus_mentions(seeds, raw=True))


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_mention_lines_follow_the_file_line_ends(end):
    raw = end.join(["قال خوجة إن الحل سياسي.", "ودعا كيري واشنطن.", "", "وقال الأسد"])
    m = corpus_mentions(corpus_from_texts({"a": raw}))
    assert m["text"].tolist() == ["خوجة", "كيري", "واشنطن", "الأسد"]
    assert m["line"].tolist() == [1, 2, 2, 4]
    assert [raw[a:b] for a, b in zip(m.start, m.end)] == m["text"].tolist()
    assert m["paragraph"].tolist() == [1, 2, 2, 3]


def test_a_corpus_without_mentions_gives_an_empty_table_of_the_same_types(seeds):
    empty = corpus_mentions(corpus_from_texts({"a": "نص بلا أسماء.", "b": "text"}))
    assert empty.empty and list(empty.columns) == actors.MENTION_COLUMNS
    assert empty.dtypes.equals(corpus_mentions(seeds).dtypes)


def test_units_are_grouped_by_document_in_table_order():
    table = pd.DataFrame({"doc_id": ["b", "a", "b", "c", None],
                          "paragraph": [1, 1, 2, 1, 1],
                          "sentence": pd.array([pd.NA, 1, pd.NA, pd.NA, 1], dtype="Int64"),
                          "start": [0, 5, 10, 0, 0], "end": [4, 9, 20, 3, 1]})
    units = actors._Units(table)
    assert units.of("b") == ([0, 10], [4, 20], [1, 2])  # rows apart, paragraph numbers
    assert units.of("a") == ([5], [9], [1])  # sentence numbers
    assert units.of("zz") == ([], [], [])
