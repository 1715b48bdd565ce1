"""The fast preprocessing path of corpus_utils.arabic (issue 10): ``term_pairs`` gives exactly
the (term, stem) of ``terms``; the per-type shortcuts (plain-word normalisation, the stop-word
lookup, the article regex, lexicon interning, the chunked lexicon) give exactly what the
step-by-step definitions give. Speed is measured in benchmarks/, not here."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus_utils import arabic
from corpus_utils.arabic import build_lexicon, normalize, term_pairs, terms
from corpus_utils.paths import seeds_path

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHARS = st.one_of(
    st.integers(0x0621, 0x0670).map(chr),
    st.sampled_from(list("ابتةثجحخدذرزسشصضطظعغفقكلمنهوي" "أإآىؤئءـ")),
    st.sampled_from(list(" \n\t\u00a0.,،؛؟«»()-_0123456789٠١٢٣\u200c\u200f\ufeff")),
    st.integers(0x0041, 0x007A).map(chr),
    st.integers(0xFB50, 0xFDFF).map(chr),
    st.characters(codec=None),
)
TEXTS = st.text(CHARS, max_size=80)


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [f.read_text(encoding="utf-8-sig") for f in sorted(seeds_path().glob("*.txt"))]


def _pairs(text, **options):
    return [(t.term, t.stem) for t in terms(text, **options)]


OPTIONS = [{}, {"news_stopwords": False}, {"keep_numbers": True},
           {"extra_stopwords": ["القرار", "سوريا"]}]


@pytest.mark.parametrize("options", OPTIONS)
def test_term_pairs_equal_terms_on_the_seeds(seed_texts, options):
    lexicon = build_lexicon(seed_texts)
    for text in seed_texts:
        assert term_pairs(text, **options) == _pairs(text, **options)
        assert term_pairs(text, lexicon=lexicon, **options) == _pairs(text, lexicon=lexicon, **options)
        # twice: the second call reads the chunk cache
        assert term_pairs(text, lexicon=lexicon, **options) == _pairs(text, lexicon=lexicon, **options)


@FUZZ
@given(TEXTS, st.booleans())
def test_term_pairs_equal_terms_on_any_text(text, keep_numbers):
    assert term_pairs(text, keep_numbers=keep_numbers) == _pairs(text, keep_numbers=keep_numbers)
    lexicon = build_lexicon([text, "دعا وزير حكومة ولاية"])
    assert term_pairs(text, lexicon=lexicon) == _pairs(text, lexicon=lexicon)


def test_a_chunk_with_several_terms_and_a_chunk_with_none():
    text = "قال «الأسد»،المبادرة abc٢٠١٥ـ والمعارضة… ، 2254"
    assert term_pairs(text) == _pairs(text)
    assert term_pairs(text)[:2] == [("اسد", "اسد"), ("مبادرة", "مبادرة")]  # one chunk, two terms
    assert "«الأسد»،المبادرة" in arabic._PAIR_CACHES[(True, frozenset(), False, None)][1]
    assert term_pairs(text, keep_numbers=True) == _pairs(text, keep_numbers=True)
    assert ("2254", "2254") in term_pairs(text, keep_numbers=True)
    assert term_pairs("") == [] and term_pairs(" ،. ") == []


def test_term_pairs_rejects_what_terms_rejects():
    with pytest.raises(ValueError, match="value must be a str"):
        term_pairs(None)
    with pytest.raises(ValueError, match="extra_stopwords"):
        term_pairs("نص", extra_stopwords="قال")


def test_plain_letters_are_their_own_normal_form():
    plain = [chr(c) for c in range(0x0600, 0x0700) if arabic._PLAIN_WORD_RE.fullmatch(chr(c))]
    assert len(plain) == 32  # ء ؤ, ئ to غ (21), ف to و (8), ي
    for c in plain + list("abcXYZ"):
        assert normalize(c) == c
    # the letters normalisation changes are not in the plain set
    for c in "آأإٱىـ\u064b\u0651":
        assert not arabic._PLAIN_WORD_RE.fullmatch(c)


@FUZZ
@given(TEXTS)
def test_normalize_word_is_normalize(text):
    for word in arabic._WORD_ONLY_RE.findall(text):
        assert arabic._normalize_word(word) == normalize(word)


def _stop_by_candidates(w, stops):
    return any(c in stops for c in arabic._stop_candidates(w))


def test_stop_lookup_equals_every_clitic_split():
    rng = random.Random(20150430)
    stops = arabic._default_stops()
    procs = ("",) + arabic._ARTICLE_PROCLITICS + arabic._PLAIN_PROCLITICS
    words = sorted(stops) + ["ذين", "لذي", "ك", "ائتلاف", "وزير", "بيان"]
    cases = {rng.choice(procs) + rng.choice(words) + rng.choice(("",) + arabic._PRONOUN_SUFFIXES)
             for _ in range(20_000)}
    cases |= set(arabic._clitic_exceptions())
    cases |= {"للذين", "فللذين", "والتي", "وفي", "عليه", "الائتلاف", "لله"}
    for extra in ((), ("ائتلاف",)):
        stops_x = arabic.stopwords(extra=extra) if extra else stops
        wrong = [w for w in cases if arabic._is_stop_form(w, stops_x) != _stop_by_candidates(w, stops_x)]
        assert wrong == []
    # the cases include both answers
    assert {arabic._is_stop_form(w, stops) for w in cases} == {True, False}


def test_article_regex_finds_the_article_the_ordered_loop_finds():
    procs = arabic._ARTICLE_PROCLITICS
    for p in procs:
        for q in procs:
            assert p == q or not p.startswith(q)  # so at most one begins a word
    for w in ("والائتلاف", "للقاء", "فبالتالي", "ال", "الا", "كالعادة", "ولله", "الله"):
        expected = next((p for p in procs if w.startswith(p)), None)
        m = arabic._ARTICLE_RE.match(w)
        assert (m.group() if m else None) == expected


def _lexicon_by_definition(texts):
    words = {normalize(m.group()) for t in texts for m in arabic._WORD_ONLY_RE.finditer(t)}
    words.discard("")
    return frozenset(words | {arabic.split_clitics(w)[1] for w in words})


def test_build_lexicon_is_its_definition_and_interned(seed_texts):
    lexicon = build_lexicon(seed_texts)
    assert lexicon == _lexicon_by_definition(seed_texts)
    again = build_lexicon(list(seed_texts))
    assert again is lexicon  # equal lexicons are one object
    copy = frozenset(set(lexicon))
    assert copy is not lexicon and arabic._intern_lexicon(copy) is lexicon
    assert arabic._intern_lexicon(None) is None


@FUZZ
@given(st.lists(TEXTS, max_size=4))
def test_build_lexicon_on_any_text(texts):
    assert build_lexicon(texts) == _lexicon_by_definition(texts)


def test_build_lexicon_keeps_the_bases_of_clitic_exceptions():
    words = [w for w in arabic._clitic_exceptions()]
    texts = [" ".join(words), " ".join("و" + w for w in words), " ".join("ف" + w for w in words)]
    assert build_lexicon(texts) == _lexicon_by_definition(texts)


def test_equal_lexicons_share_the_term_caches(seed_texts):
    lexicon = build_lexicon(seed_texts)
    copy = frozenset(set(lexicon))
    term_pairs(seed_texts[0], lexicon=copy)
    lexicons = [k[3] for k in arabic._PAIR_CACHES]
    assert any(x is lexicon for x in lexicons) and not any(x is copy for x in lexicons)


def test_full_caches_keep_their_types_and_give_the_same_terms(seed_texts, monkeypatch):
    monkeypatch.setattr(arabic, "_MAX_CACHED_TYPES", 40)
    monkeypatch.setattr(arabic, "_PAIR_CACHES", {})
    monkeypatch.setattr(arabic, "_TERM_CACHES", {})
    text = seed_texts[0] + " «الأسد»،المبادرة"
    first = term_pairs(seed_texts[1])  # fills the cache past its size
    cache = arabic._PAIR_CACHES[(True, frozenset(), False, None)][0]
    kept = dict(cache)
    assert len(kept) >= 40
    assert term_pairs(text) == _pairs(text)  # new chunks analysed without being kept
    assert cache == kept
    assert term_pairs(seed_texts[1]) == first == _pairs(seed_texts[1])
    terms(seed_texts[2])
    assert all(len(c) <= 40 for c in arabic._TERM_CACHES.values())
    assert [(t.term, t.stem) for t in terms(seed_texts[2])] == term_pairs(seed_texts[2])


def test_interning_forgets_the_oldest_lexicon_only():
    made = [frozenset({f"كلمة{i}"}) for i in range(arabic._MAX_LEXICONS + 3)]
    for lex in made:
        assert arabic._intern_lexicon(lex) is lex
    assert len(arabic._LEXICONS) <= arabic._MAX_LEXICONS
    latest = made[-1]
    assert arabic._intern_lexicon(frozenset(set(latest))) is latest  # recent ones are kept
    assert arabic._intern_lexicon(made[0]) is made[0]  # a forgotten one comes back as itself


def test_a_rebuilt_lexicon_is_not_kept_alive(seed_texts):
    lexicon = build_lexicon(seed_texts)
    before = len(arabic._LEXICON_IDS)
    again = build_lexicon(seed_texts)  # an equal frozenset is built, then dropped for `lexicon`
    assert again is lexicon
    assert len(arabic._LEXICON_IDS) == before
    assert all(copy is canonical or canonical is not lexicon
               for copy, canonical in arabic._LEXICON_IDS.values())
