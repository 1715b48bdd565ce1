"""Fuzzing over arbitrary Unicode (issue 5): the Arabic layer, sentence splitting, cleaning,
actor finding and KWIC never crash, keep offsets inside the text, and normalise idempotently.

The texts mix Arabic (letters, marks, presentation forms, Arabic-Indic digits), Latin,
combining marks, control and format characters (zero-width, bidi), emoji, line and
paragraph separators, and unpaired surrogates as produced by
``bytes.decode(errors="surrogateescape")`` (U+DC80-U+DCFF).
"""

from __future__ import annotations

import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus_utils import arabic
from corpus_utils.corpus import clean_text, corpus_from_texts, split_sentences


def _range(lo: int, hi: int):
    return st.integers(lo, hi).map(chr)


CHARS = st.one_of(
    _range(0x0621, 0x064A),                      # Arabic letters
    _range(0x064B, 0x0670),                      # Arabic marks, tatweel, Arabic-Indic digits
    _range(0x0600, 0x06FF),                      # the whole Arabic block
    _range(0xFB50, 0xFDFF), _range(0xFE70, 0xFEFF),  # presentation forms (NFKC changes them)
    _range(0x0041, 0x007A), _range(0x0030, 0x0039),  # Latin, digits
    _range(0x0300, 0x036F),                      # combining marks
    _range(0x0000, 0x001F), st.just("\x7f"),     # C0 controls (tab, line ends, NUL ...)
    st.sampled_from(list("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                         "\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad")),  # format characters
    st.sampled_from(list(" \u00a0\u2028\u2029\u3000.,،؛؟!«»“”()[]-–—:\"'#&<>;/")),
    _range(0x1F300, 0x1FAFF),                    # emoji
    _range(0xDC80, 0xDCFF),                      # surrogate-escaped bytes
    st.characters(codec=None),                   # anything else
)
TEXTS = st.text(CHARS, max_size=120)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(TEXTS)
def test_normalize_is_idempotent_and_total(text):
    once = arabic.normalize(text)
    assert isinstance(once, str)
    assert arabic.normalize(once) == once


@FUZZ
@given(TEXTS)
def test_tokens_slice_the_text(text):
    tokens = arabic.tokenize(text)
    last = 0
    for t in tokens:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start:t.end] == t.text
        assert t.kind in ("word", "number", "punct")
        assert t.start >= last  # in order, not overlapping
        last = t.end
    words = arabic.word_tokens(text)
    assert all(w.kind in ("word", "number") for w in words)
    assert set(words) <= set(tokens)


@FUZZ
@given(TEXTS)
def test_stem_and_stopwords_never_crash(text):
    for t in arabic.word_tokens(text):
        assert isinstance(arabic.stem(t.text), str)
        assert isinstance(arabic.is_stopword(t.text), bool)
    assert isinstance(arabic.stem(text), str)


@FUZZ
@given(TEXTS)
def test_terms_point_back_into_the_text(text):
    terms = arabic.terms(text)
    for t in terms:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start:t.end] == t.surface
        assert isinstance(t.term, str) and isinstance(t.stem, str)
    forms = arabic.display_forms(terms)
    assert set(forms) == {t.stem for t in terms}


@FUZZ
@given(TEXTS)
def test_sentences_and_cleaning_never_crash(text):
    for s, e in split_sentences(text):
        assert 0 <= s < e <= len(text)
    result = clean_text(text)
    assert all(text[a.start:a.end] == a.text for a in result.actions)


def _optional(module: str, name: str):
    try:
        return getattr(importlib.import_module(f"corpus_utils.{module}"), name)
    except (ImportError, AttributeError):
        pytest.skip(f"corpus_utils.{module}.{name} does not exist yet")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_find_actors_never_crashes_and_spans_are_in_bounds(text):
    find_actors = _optional("actors", "find_actors")
    for m in find_actors(text):
        start = m["start"] if isinstance(m, dict) else m.start
        end = m["end"] if isinstance(m, dict) else m.end
        assert 0 <= start < end <= len(text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.integers(0, 10))
def test_kwic_never_crashes_and_offsets_point_back(text, pick):
    kwic = _optional("keyness", "kwic")
    words = [t.text for t in arabic.word_tokens(text)]
    term = words[pick % len(words)] if words else "الائتلاف"
    corpus = corpus_from_texts({"x": text})
    raw = corpus.raw_text[0]
    try:
        lines = kwic(corpus, term)
    except ValueError:  # a term with no analysable word is refused with a ValueError: fine
        return
    for row in lines.itertuples():
        assert 0 <= row.start < row.end <= len(raw)
        assert raw[row.start:row.end] == row.match
