"""Memory at scale: positions without texts, and freed pages handed back.

The peak-memory target itself is measured by ``benchmarks/run.py`` (never in a unit test).
These tests check what the memory savings must not change: units tables without their
``text`` column hold the same positions, the analyses give the same results whether or
not they release memory, and each large analysis does release it when it ends.
"""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corpus_utils
from corpus_utils import memory
from corpus_utils.corpus import UNIT_COLUMNS, corpus_from_texts, load_corpus, paragraphs, sentences


@pytest.fixture(scope="module")
def seeds():
    return load_corpus()


@pytest.mark.parametrize("split", [paragraphs, sentences])
def test_units_without_text_hold_the_same_positions(seeds, split):
    full = split(seeds)
    bare = split(seeds, with_text=False)
    assert list(bare.columns) == [c for c in UNIT_COLUMNS if c != "text"]
    assert len(bare) == len(full) > 0
    pd.testing.assert_frame_equal(bare, full.drop(columns="text"))
    raw = dict(zip(seeds["doc_id"], seeds["raw_text"]))
    # the texts left out are exactly what the positions give back
    got = [raw[d][s:e] for d, s, e in zip(bare["doc_id"], bare["start"], bare["end"])]
    assert got == full["text"].tolist()


_WORDS = st.sampled_from(["قال", "خوجة", "الائتلاف", "كيري", ".", "؟", "\n", "\n\n", " ", "\r\n",
                          "اضغط هنا للاشتراك", "U.S.", "2.5"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_WORDS, max_size=40).map(" ".join), min_size=1, max_size=4))
def test_units_without_text_agree_on_generated_texts(texts):
    corpus = corpus_from_texts(texts)
    for split in (paragraphs, sentences):
        full = split(corpus)
        pd.testing.assert_frame_equal(split(corpus, with_text=False), full.drop(columns="text"))


@pytest.mark.parametrize("bad", [None, 0, "no"])
def test_with_text_must_be_a_bool(seeds, bad):
    with pytest.raises(ValueError, match="with_text"):
        paragraphs(seeds, with_text=bad)


def test_release_memory_trims_on_linux():
    assert memory.release_memory() is sys.platform.startswith("linux")
    assert corpus_utils.release_memory is memory.release_memory


def test_release_after_only_above_the_threshold(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "release_memory", lambda: calls.append(1) or True)
    memory.release_after(memory.RELEASE_ABOVE)
    assert calls == []
    memory.release_after(memory.RELEASE_ABOVE + 1)
    assert calls == [1]


def _run_analyses(corpus):
    from corpus_utils.actors import corpus_mentions
    from corpus_utils.cooccurrence import cooccurrence
    from corpus_utils.keyness import keyness_by_group
    from corpus_utils.topics import topic_model

    model = topic_model(corpus, k=2)
    mentions = corpus_mentions(corpus)
    edges = cooccurrence(mentions, units=corpus, by="era")
    table = keyness_by_group(corpus, group_by="era", target="khoja")
    return model.units, mentions, edges, table


def test_analyses_release_memory_when_large_and_results_do_not_change(seeds, monkeypatch):
    calls = []
    before = _run_analyses(seeds)  # five documents: under the threshold, nothing released
    monkeypatch.setattr(memory, "release_memory", lambda: calls.append(1) or True)
    again = _run_analyses(seeds)
    assert calls == []
    monkeypatch.setattr(memory, "RELEASE_ABOVE", 0)  # every input now counts as large
    after = _run_analyses(seeds)
    assert len(calls) == 4  # topic_model, corpus_mentions, cooccurrence, keyness_by_group
    for a, b, c in zip(before, again, after):
        pd.testing.assert_frame_equal(a, b)
        pd.testing.assert_frame_equal(a, c)


def test_load_corpus_releases_memory_when_large(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "release_memory", lambda: calls.append(1) or True)
    load_corpus()
    assert calls == []
    monkeypatch.setattr(memory, "RELEASE_ABOVE", 0)
    load_corpus()
    assert calls == [1]
