"""corpus_utils.parallel: n_jobs for per-document steps, results in input order."""

from __future__ import annotations

import os

import pytest

from corpus_utils.parallel import imap_documents, map_documents, resolve_n_jobs

CORES = os.cpu_count() or 1


@pytest.mark.parametrize("n_jobs, expected", [
    (None, 1), (1, 1), (-1, CORES), (-(CORES + 5), 1), (10**6, CORES),
])
def test_resolve_n_jobs(n_jobs, expected):
    assert resolve_n_jobs(n_jobs) == expected


@pytest.mark.parametrize("bad", [0, 1.5, True, "2"])
def test_resolve_n_jobs_rejects(bad):
    with pytest.raises(ValueError, match=r"n_jobs = .* is invalid"):
        resolve_n_jobs(bad)


def test_one_job_is_lazy_and_ordered():
    seen = []

    def items():
        for w in ["الائتلاف", "الوطني", "السوري"]:
            seen.append(w)
            yield w

    stream = imap_documents(len, items(), n_jobs=1)
    assert seen == []
    assert next(stream) == 8 and seen == ["الائتلاف"]
    assert list(stream) == [6, 6]


def test_two_jobs_keep_the_input_order():
    words = [f"كلمة{'ا' * (i % 7)}" for i in range(200)]
    assert map_documents(len, words, n_jobs=2) == [len(w) for w in words]


def test_empty_input():
    assert map_documents(len, [], n_jobs=1) == []


_CONTEXT = {}


def _install(words):
    _CONTEXT["words"] = words
    _CONTEXT["installs"] = _CONTEXT.get("installs", 0) + 1


def _count_known(text):
    return sum(w in _CONTEXT["words"] for w in text.split())


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_initializer_installs_context_once_per_process(n_jobs):
    _CONTEXT.clear()
    words = frozenset({"الائتلاف", "الوطني"})
    texts = ["الائتلاف الوطني السوري", "قال الائتلاف", "لا شيء"] * 20
    got = map_documents(_count_known, texts, n_jobs=n_jobs, initializer=_install, initargs=(words,),
                        chunksize=4)
    assert got == [2, 1, 0] * 20
    if n_jobs == 1:
        assert _CONTEXT["installs"] == 1  # run here, once


@pytest.mark.parametrize("bad", [0, 1.5, True])
def test_chunksize_is_checked(bad):
    with pytest.raises(ValueError, match=r"chunksize = .* is invalid"):
        imap_documents(len, ["a"], chunksize=bad)
