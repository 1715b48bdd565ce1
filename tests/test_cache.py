"""corpus_utils.cache: terms stored under each document's SHA-256, read back unchanged."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import arabic, cache
from corpus_utils.arabic import Term
from corpus_utils.cache import (CACHE_ENV, TermCache, cached_terms, decode_terms, default_cache_dir,
                                encode_terms, open_cache, preprocessor_fingerprint, text_key)
from corpus_utils.paths import seeds_path

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىة"
SENTENCE = "ودعا خوجة الولايات المتحدة إلى إقامة مناطق آمنة، وقال كيري إن «الأسد» فقد الشرعية."


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A fresh cache folder, also set as $CORPUS_UTILS_CACHE so nothing reaches ~/.cache."""
    path = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(path))
    return path


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(seeds_path().glob("*.txt"))]


# --------------------------------------------------------------------------- keys and location


def test_text_key_is_the_sha256_of_the_utf8_text():
    assert text_key("") == hashlib.sha256(b"").digest()
    assert text_key("الائتلاف") == hashlib.sha256("الائتلاف".encode("utf-8")).digest()
    assert len(text_key(SENTENCE)) == 32
    assert text_key("الائتلاف") != text_key("الإئتلاف")  # one hamza differs: another document


@pytest.mark.parametrize("env, xdg, expected", [
    ("/data/cu-cache", None, "/data/cu-cache"),
    ("0", None, None),
    ("off", "/x", None),
    (None, "/xdg", "/xdg/corpus-utils"),
    ("", "/xdg", "/xdg/corpus-utils"),
    (None, None, "HOME/.cache/corpus-utils"),
])
def test_default_cache_dir(monkeypatch, tmp_path, env, xdg, expected):
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in ((CACHE_ENV, env), ("XDG_CACHE_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    got = default_cache_dir()
    if expected is None:
        assert got is None
    else:
        assert str(got) == expected.replace("HOME", str(tmp_path))


def test_the_seed_corpus_is_never_a_cache_folder():
    inside = seeds_path() / "cache"
    with pytest.raises(ValueError, match=r"lies inside the seed corpus"):
        TermCache(inside)
    with pytest.raises(ValueError, match=r"lies inside the seed corpus"):
        list(cached_terms(["نص"], cache=seeds_path()))
    assert not inside.exists()


def test_switched_off_cache_needs_an_explicit_folder(monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "0")
    assert open_cache(None) is None and open_cache(True) is None
    with pytest.raises(ValueError, match=r"folder = None is invalid"):
        TermCache()


@pytest.mark.parametrize("bad", [3, 1.5, ["a"]])
def test_open_cache_rejects_other_values(bad):
    with pytest.raises(ValueError, match=r"cache = .* is invalid"):
        open_cache(bad)


def test_unwritable_default_folder_warns_and_goes_on(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    with pytest.warns(UserWarning, match=r"cannot be used"):
        assert open_cache(None) is None
    with pytest.warns(UserWarning, match=r"going on without it"):
        assert [t.term for t in next(cached_terms(["قال الائتلاف"]))] == ["ائتلاف"]


# --------------------------------------------------------------------------- fingerprint


def test_fingerprint_is_stable_and_depends_on_options():
    base = preprocessor_fingerprint()
    assert base == preprocessor_fingerprint() and len(base) == 16
    assert preprocessor_fingerprint(news_stopwords=False) != base
    assert preprocessor_fingerprint(keep_numbers=True) != base
    assert preprocessor_fingerprint(news_stopwords=False) == preprocessor_fingerprint(news_stopwords=False)


def test_fingerprint_of_a_lexicon_ignores_order():
    words = [f"كلمة{i}" for i in range(100)]
    a = preprocessor_fingerprint(lexicon=frozenset(words))
    b = preprocessor_fingerprint(lexicon=frozenset(reversed(words)))
    assert a == b != preprocessor_fingerprint(lexicon=frozenset(words[:-1]))


def test_fingerprint_changes_with_the_preprocessing_code(monkeypatch, tmp_path):
    copy = tmp_path / "arabic.py"
    shutil.copy(arabic.__file__, copy)
    monkeypatch.setattr(arabic, "__file__", str(copy))
    same = preprocessor_fingerprint()
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# a changed rule\n", encoding="utf-8")
    assert preprocessor_fingerprint() != same


# --------------------------------------------------------------------------- encoding


def test_encode_decode_round_trip_on_the_seeds(seed_texts):
    for text in seed_texts:
        ts = arabic.terms(text)
        assert decode_terms(text, encode_terms(text, ts)) == ts


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=ARABIC + " ،.؟«»\n0123456789ًٌَّ", max_size=200))
def test_round_trip_any_arabic_text(text):
    ts = arabic.terms(text)
    back = decode_terms(text, encode_terms(text, ts))
    assert back == ts
    assert all(type(t) is Term for t in back)


def test_round_trip_with_surfaces_that_are_not_slices():
    text = "قال الائتلاف"
    ts = [Term("قال", "قال", 0, 3, "قال"), Term("ائتلاف", "ائتلف", 4, 12, "الإئتلاف")]
    assert decode_terms(text, encode_terms(text, ts)) == ts


@pytest.mark.parametrize("start", [0, 255, 256, 65_535, 65_536, 3_000_000])
def test_round_trip_with_large_offsets(start):
    text = " " * start + "الائتلاف الوطني"
    ts = arabic.terms(text)
    assert [t.start for t in ts] == [start, start + 9]
    assert decode_terms(text, encode_terms(text, ts)) == ts


def test_empty_and_foreign_records():
    assert decode_terms("", encode_terms("", [])) == []
    import marshal

    old = marshal.dumps((0, "", "", b"", b"", b"", "BBB", None))
    with pytest.raises(ValueError, match=r"cache record version = 0 is invalid"):
        decode_terms("", old)


# --------------------------------------------------------------------------- the store


def test_put_get_and_counts(folder):
    ts = arabic.terms(SENTENCE)
    with TermCache(folder) as store:
        assert store.get(SENTENCE) is None
        store.put(SENTENCE, ts)
        assert store.get(SENTENCE) == ts
        assert (store.hits, store.misses) == (1, 1)
        assert len(store) == store.count() == 1
    assert (folder / TermCache.FILE_NAME).is_file()
    with TermCache(folder) as again:  # on disk: a new process would see it too
        assert again.get(SENTENCE) == ts


def test_versions_are_kept_apart(folder):
    with TermCache(folder) as store:
        store.put("نص", [Term("نص", "نص", 0, 2, "نص")], fingerprint="v1")
        assert store.get("نص", fingerprint="v2") is None
        store.put("نص", [], fingerprint="v2")
        assert store.count(fingerprint="v1") == store.count(fingerprint="v2") == 1
        store.clear(fingerprint="v1")
        assert store.count(fingerprint="v1") == 0 and len(store) == 1
        store.clear()
        assert len(store) == 0


def test_put_many_checks_lengths(folder):
    with TermCache(folder) as store:
        with pytest.raises(ValueError, match=r"len\(term_lists\) = 1 is invalid"):
            store.put_many(["أ", "ب"], [[]])


def test_a_closed_cache_says_so(folder):
    store = TermCache(folder)
    store.close()
    with pytest.raises(ValueError, match=r"is closed"):
        store.get("نص")


# --------------------------------------------------------------------------- cached_terms


def test_cached_terms_equals_terms_cold_and_warm(folder, seed_texts):
    expected = [arabic.terms(t) for t in seed_texts]
    with TermCache(folder) as store:
        assert list(cached_terms(seed_texts, cache=store, batch_size=2)) == expected
        assert (store.hits, store.misses) == (0, len(seed_texts))
        assert list(cached_terms(seed_texts, cache=store)) == expected
        assert store.hits == len(seed_texts)


def test_a_changed_document_is_a_new_key(folder, seed_texts, monkeypatch):
    list(cached_terms(seed_texts, cache=folder))
    calls = []
    real = cache._terms_of
    monkeypatch.setattr(cache, "_terms_of", lambda text, **kw: calls.append(text) or real(text, **kw))
    edited = seed_texts[:2] + [seed_texts[2] + "\nسطر أضيف لاحقا."] + seed_texts[3:]
    got = list(cached_terms(edited, cache=folder))
    assert calls == [edited[2]]  # only the edited document was preprocessed again
    assert got == [arabic.terms(t) for t in edited]


def test_repeated_texts_in_a_batch_are_computed_once(folder, monkeypatch):
    calls = []
    real = cache._terms_of
    monkeypatch.setattr(cache, "_terms_of", lambda text, **kw: calls.append(text) or real(text, **kw))
    got = list(cached_terms([SENTENCE, "نص آخر", SENTENCE], cache=folder))
    assert sorted(calls) == sorted([SENTENCE, "نص آخر"])
    assert got[0] == got[2] == arabic.terms(SENTENCE)
    assert got[0] is not got[2]  # each position gets its own list


def test_options_are_passed_on_and_cached_apart(folder):
    text = "قال رئيس الائتلاف إن 2254 هو القرار"
    plain = list(cached_terms([text], cache=folder))
    numbers = list(cached_terms([text], cache=folder, keep_numbers=True))
    assert plain == [arabic.terms(text)]
    assert numbers == [arabic.terms(text, keep_numbers=True)]
    assert plain != numbers
    with TermCache(folder) as store:
        assert len(store) == 2


def test_default_location_is_the_environment_folder(folder):
    list(cached_terms([SENTENCE]))  # cache=None: $CORPUS_UTILS_CACHE
    with sqlite3.connect(folder / TermCache.FILE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM terms").fetchone()[0] == 1


def test_without_a_cache_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "c"))
    assert list(cached_terms([SENTENCE], cache=False)) == [arabic.terms(SENTENCE)]
    assert not (tmp_path / "c").exists()


def test_streams_lazily_in_batches(folder):
    seen = []

    def texts():
        for i in range(5):
            seen.append(i)
            yield f"نص رقم {i} عن الائتلاف"

    stream = cached_terms(texts(), cache=folder, batch_size=2)
    assert seen == []           # nothing read before the first result is asked for
    next(stream)
    assert seen == [0, 1]       # one batch read
    assert len(list(stream)) == 4


@pytest.mark.parametrize("kwargs, match", [
    ({"batch_size": 0}, r"batch_size = 0 is invalid"),
    ({"batch_size": 2.5}, r"batch_size = 2.5 is invalid"),
    ({"n_jobs": 0}, r"n_jobs = 0 is invalid"),
])
def test_bad_arguments(folder, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cached_terms(["نص"], cache=folder, **kwargs)


def test_non_string_document_is_refused(folder):
    with pytest.raises(ValueError, match=r"text = 3 is invalid"):
        list(cached_terms(["نص", 3], cache=folder))


def test_two_processes_give_the_same_terms(folder, seed_texts):
    assert list(cached_terms(seed_texts, cache=False, n_jobs=2)) == [arabic.terms(t) for t in seed_texts]


def test_gc_is_enabled_again_after_a_batch(folder):
    import gc

    assert gc.isenabled()
    stream = cached_terms([SENTENCE] * 3, cache=folder, batch_size=1)
    next(stream)
    assert gc.isenabled()  # paused only while a batch is computed, never across a yield
    list(stream)
    assert gc.isenabled()


# --------------------------------------------------------------------------- term_matrix


def _reference_matrix(texts, **options):
    """What term_matrix must equal: counts of t.stem per text, display_forms of all terms."""
    from collections import Counter

    per_doc = [arabic.terms(t, **options) for t in texts]
    stems = list(dict.fromkeys(t.stem for ts in per_doc for t in ts))
    rows = [Counter(t.stem for t in ts) for ts in per_doc]
    dense = [[row.get(s, 0) for s in stems] for row in rows]
    forms = arabic.display_forms(t for ts in per_doc for t in ts)
    return dense, stems, forms, [len(ts) for ts in per_doc]


@pytest.mark.parametrize("cache_arg", [False, "folder"])
def test_term_matrix_equals_counting_terms(folder, seed_texts, cache_arg):
    dense, stems, forms, totals = _reference_matrix(seed_texts)
    for _ in range(2):  # cold, then (with a cache) read back
        m = cache.term_matrix(seed_texts, cache=folder if cache_arg else False, batch_size=2)
        assert m.stems == stems
        assert m.X.toarray().tolist() == dense
        assert m.forms == forms
        assert m.totals.tolist() == totals
        assert m.X.dtype.kind == "i" and m.X.format == "csr"


def test_term_matrix_with_a_corpus_lexicon(folder, seed_texts):
    lexicon = arabic.build_lexicon(seed_texts)
    dense, stems, forms, _ = _reference_matrix(seed_texts, lexicon=lexicon)
    m = cache.term_matrix(seed_texts, cache=folder, lexicon=lexicon)
    assert (m.X.toarray().tolist(), m.stems, m.forms) == (dense, stems, forms)
    # the lexicon is part of the key: without it the same texts are other records
    plain = cache.term_matrix(seed_texts, cache=folder)
    with TermCache(folder) as store:
        assert store.count(fingerprint=preprocessor_fingerprint(lexicon=lexicon) + ":counts") == 5
        assert store.count(fingerprint=preprocessor_fingerprint() + ":counts") == 5
    assert plain.X.shape[0] == 5


def test_term_matrix_ties_go_to_the_shorter_then_first_form():
    # 'مدنيين' and 'مدنيون' share a stem; equal counts: the shorter ... then alphabetical
    texts = ["المدنيين مدنيون", "مدنيون المدنيين"]
    m = cache.term_matrix(texts, cache=False)
    assert m.forms == arabic.display_forms(t for x in texts for t in arabic.terms(x))


@given(st.lists(st.text(alphabet=ARABIC + " ،.\n", max_size=60), max_size=8))
@settings(max_examples=30, deadline=None)
def test_term_matrix_totals_are_row_sums(texts):
    m = cache.term_matrix(texts, cache=False)
    assert m.X.shape == (len(texts), len(m.stems))
    assert m.totals.tolist() == [int(v) for v in m.X.sum(axis=1).A1] == [len(arabic.terms(t)) for t in texts]


def test_term_matrix_on_two_processes(seed_texts):
    lexicon = arabic.build_lexicon(seed_texts)
    one = cache.term_matrix(seed_texts, cache=False, lexicon=lexicon)
    two = cache.term_matrix(seed_texts, cache=False, lexicon=lexicon, n_jobs=2, batch_size=2)
    assert (one.X != two.X).nnz == 0 and one.stems == two.stems and one.forms == two.forms


def test_term_matrix_of_nothing():
    m = cache.term_matrix([], cache=False)
    assert m.X.shape == (0, 0) and m.stems == [] and m.forms == {} and m.totals.tolist() == []
