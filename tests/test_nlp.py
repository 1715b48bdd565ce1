"""Tests of corpus_utils.nlp: the spaCy pipeline built on the Arabic layer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spacy

from corpus_utils import arabic
from corpus_utils.nlp import PIPE_NAMES, ArabicTokenizer, arabic_pipeline

TEXT = ("ونوّه خوجة إلى أن الائتلاف فتح مسارات حوار (تيار بناء الدولة)، وذلك بهدف توحيد "
        "الجهود؛ كما بدأ الائتلاف بلقاءات.\n\n  وقال كيري:  “الأسد فقد الشرعية” 2254.")


@pytest.fixture(scope="module")
def nlp_no_sents():
    return arabic_pipeline(sentences=False)


@pytest.fixture
def fake_splitter(monkeypatch):
    """A simple stand-in for the corpus splitter (split after . ! ؟ ؛ and line breaks), to
    test how the component maps spans to tokens independently of the splitter's rules."""
    import re

    def split_sentences(text):
        spans, start = [], 0
        for m in re.finditer(r"[.!؟؛]+|\n+", text):
            spans.append((start, m.end()))
            start = m.end()
        if start < len(text):
            spans.append((start, len(text)))
        return spans

    import corpus_utils.corpus

    monkeypatch.setattr(corpus_utils.corpus, "split_sentences", split_sentences)
    return split_sentences


def test_pipeline_components(nlp_no_sents):
    nlp = arabic_pipeline()
    assert nlp.pipe_names == list(PIPE_NAMES)
    assert isinstance(nlp.tokenizer, ArabicTokenizer)
    assert nlp_no_sents.pipe_names == ["arabic_normalizer", "arabic_terms"]
    assert arabic_pipeline(sentences=False, terms=False).pipe_names == ["arabic_normalizer"]


def test_tokens_are_the_arabic_layer_tokens(nlp_no_sents):
    doc = nlp_no_sents(TEXT)
    assert doc.text == TEXT
    words = [(t.text, t.idx) for t in doc if not t.is_space]
    assert words == [(t.text, t.start) for t in arabic.tokenize(TEXT)]
    # the fixes over spacy.blank("ar"): no final "." and no cut at a diacritic
    assert "ونوّه" in [t.text for t in doc]
    assert ["2254", "."] == [t.text for t in doc][-2:]
    assert not [t for t in doc if t.text != "." and t.text.endswith(".")]


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ابتثوفلكة ّ ً\n\t.،؛؟«»“”()0123٤5 ")),
                    max_size=40))
def test_doc_text_is_the_input(text):
    nlp = _shared_tokenizer()
    doc = nlp(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx:token.idx + len(token.text)] == token.text


_TOKENIZER = []


def _shared_tokenizer():
    if not _TOKENIZER:
        nlp = spacy.blank("ar")
        _TOKENIZER.append(ArabicTokenizer(nlp.vocab))
    return _TOKENIZER[0]


def test_norm_and_extensions(nlp_no_sents):
    doc = nlp_no_sents(TEXT)
    expected = {t.start: t for t in arabic.terms(TEXT)}
    assert expected, "the example must have terms"
    for token in doc:
        if not token.is_space:
            assert token.norm_ == arabic.normalize(token.text)
        hit = expected.get(token.idx)
        assert token._.term == (hit.term if hit else None)
        assert token._.stem == (hit.stem if hit else None)
    by_text = {t.text: t for t in doc}
    assert by_text["الأسد"].norm_ == "الاسد" and by_text["الأسد"]._.term == "اسد"
    assert by_text["“"].norm_ == '"'
    assert by_text["وقال"]._.term is None and by_text["2254"]._.term is None


def test_components_can_be_added_by_name():
    nlp = spacy.blank("ar", config={"nlp": {"tokenizer":
                                            {"@tokenizers": "corpus_utils.arabic_tokenizer"}}})
    assert isinstance(nlp.tokenizer, ArabicTokenizer)
    nlp.add_pipe("arabic_normalizer")
    nlp.add_pipe("arabic_terms", config={"keep_numbers": True, "news_stopwords": False,
                                         "extra_stopwords": ["كيري"]})
    doc = nlp("وقال كيري إن القرار 2254.")
    terms = {t.text: t._.term for t in doc}
    assert terms["2254"] == "2254"          # keep_numbers
    assert terms["كيري"] is None            # extra stop word
    assert terms["القرار"] == "قرار"


def test_pipeline_round_trips_through_disk(tmp_path, nlp_no_sents):
    nlp_no_sents.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert isinstance(loaded.tokenizer, ArabicTokenizer)
    assert [t._.term for t in loaded("الائتلاف.")] == ["ائتلاف", None]


def test_sentence_component_maps_spans_to_tokens(fake_splitter):
    nlp = arabic_pipeline(terms=False)
    doc = nlp(TEXT)
    sents = [s.text.strip() for s in doc.sents]
    assert sents == [TEXT[s:e].strip() for s, e in fake_splitter(TEXT) if TEXT[s:e].strip()]
    assert sents[0].endswith("الجهود؛")          # ؛ ends a sentence, ، does not
    assert len(sents) == 3
    assert nlp("").text == ""


def test_sentences_come_from_the_corpus_splitter():
    from corpus_utils.corpus import split_sentences

    nlp = arabic_pipeline(terms=False)
    doc = nlp(TEXT)
    spans = [(s, e) for s, e in split_sentences(TEXT) if TEXT[s:e].strip()]
    starts = [s.start_char for s in doc.sents]
    # every sentence of the splitter starts at a spaCy sentence start (up to whitespace)
    assert len(starts) == len(spans)
    for (s, e), got in zip(spans, starts):
        assert TEXT[s:got].strip() == ""
    assert any(s.text.rstrip().endswith("؛") for s in doc.sents)
