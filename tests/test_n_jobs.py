"""``n_jobs`` of the analyses a user calls: corpus_mentions, topic_model, keyness_by_group
and the ``--n-jobs`` option of the command line give exactly the n_jobs=1 results.

Worker processes take about a second to start, so every n_jobs=2 result is computed once
in a module-scoped fixture, and the runs sharing an initializer (the same codebook, the
same term options) follow each other so that loky reuses its workers.
"""

from __future__ import annotations

import csv
import io
import pickle
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from corpus_utils import actors, cache, cli, keyness, parallel, topics
from corpus_utils.actors import Codebook, corpus_mentions, find_actors, load_codebook
from corpus_utils.corpus import corpus_from_texts, load_corpus
from corpus_utils.keyness import keyness_by_group
from corpus_utils.topics import tfidf, topic_model

SYNTHETIC = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "corpus-1000"
N_SYNTHETIC = 300

needs_synthetic = pytest.mark.skipif(not (SYNTHETIC / "metadata.csv").is_file(),
                                     reason="benchmarks/results/corpus-1000 not generated")


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    return load_corpus()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> pd.DataFrame:
    """The first 300 articles of the benchmark's corpus-1000, with their metadata rows."""
    if not (SYNTHETIC / "metadata.csv").is_file():
        pytest.skip("benchmarks/results/corpus-1000 not generated")
    folder = tmp_path_factory.mktemp("synthetic") / "corpus"
    folder.mkdir()
    with open(SYNTHETIC / "metadata.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, rows = rows[0], rows[1:N_SYNTHETIC + 1]
    with open(folder / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])
    for row in rows:
        shutil.copyfile(SYNTHETIC / row[header.index("file")], folder / row[header.index("file")])
    return load_corpus(folder)


@pytest.fixture(scope="module")
def user_codebook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("codebook") / "mine.yml"
    path.write_text(yaml.safe_dump({"actors": [
        {"id": "local_council_head", "name": "Head of a local council", "type": "person",
         "code": "SYROPP", "verified": False, "aliases": ["أبو أحمد الحلبي"]}]},
        allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def user_corpus() -> pd.DataFrame:
    texts = {f"u{i:02d}": f"قال أبو أحمد الحلبي إن رئيس الائتلاف التقى ظريف في دمشق. ({i})"
             for i in range(40)}
    meta = pd.DataFrame({"doc_id": list(texts), "date": ["2015-05-01"] * len(texts)})
    return corpus_from_texts(texts, metadata=meta)


# --------------------------------------------------------------------------- the runs


@pytest.fixture(scope="module")
def mention_runs(seeds, synthetic, user_corpus, user_codebook) -> dict:
    """``{(case, n_jobs): mentions}``; the bundled-codebook runs share their workers."""
    cases = {"seeds": dict(corpus=seeds), "seeds_raw": dict(corpus=seeds, raw=True),
             "synthetic": dict(corpus=synthetic),
             "user": dict(corpus=user_corpus, codebook=user_codebook)}
    return {(case, n): corpus_mentions(**kw, n_jobs=n) for n in (1, 2)
            for case, kw in cases.items()}


_SYNTHETIC_TOPICS = dict(k=4)  # k given: the same matrix is clustered without the k search


@pytest.fixture(scope="module")
def topic_runs(seeds, synthetic) -> dict:
    return {(case, n): topic_model(corpus, n_jobs=n, **options) for n in (1, 2)
            for case, corpus, options in [("seeds", seeds, {}),
                                          ("synthetic", synthetic, _SYNTHETIC_TOPICS)]}


@pytest.fixture(scope="module")
def keyness_runs(seeds, synthetic) -> dict:
    return {(case, n): keyness_by_group(corpus, target="khoja", n_jobs=n) for n in (1, 2)
            for case, corpus in [("seeds", seeds), ("synthetic", synthetic)]}


# --------------------------------------------------------------------------- the codebook


def test_a_codebook_pickles_without_its_type_caches(seeds):
    cb = load_codebook()
    text = seeds["text"].iloc[0]
    expected = find_actors(text, date="2015-05-01", codebook=cb)
    assert cb._chunk_hits and cb._endings  # warmed up by the text
    copy = pickle.loads(pickle.dumps(cb))
    assert isinstance(copy, Codebook) and copy is not cb
    assert copy._chunk_hits == {} and copy._endings == {}
    assert cb._chunk_hits and cb._endings  # the original keeps its caches
    assert copy.actors == cb.actors and copy.offices == cb.offices
    assert copy._trie == cb._trie and copy.sources == cb.sources
    assert find_actors(text, date="2015-05-01", codebook=copy) == expected
    # what a pickle would otherwise carry
    assert len(pickle.dumps(cb)) < len(pickle.dumps(cb.__dict__))


def test_a_user_codebook_pickles(user_codebook):
    cb = load_codebook(extra=user_codebook)
    copy = pickle.loads(pickle.dumps(cb))
    text = "قال أبو أحمد الحلبي إن ظريف زار دمشق"
    assert [m.actor_id for m in find_actors(text, codebook=copy)] == ["local_council_head"]
    assert find_actors(text, codebook=copy) == find_actors(text, codebook=cb)


# --------------------------------------------------------------------------- same results


@pytest.mark.parametrize("case", ["seeds", "seeds_raw", "synthetic", "user"])
def test_corpus_mentions_two_jobs_equal_one(mention_runs, case):
    one, two = mention_runs[case, 1], mention_runs[case, 2]
    assert len(one) > 0
    assert_frame_equal(two, one, check_exact=True)
    assert two.equals(one)


def test_a_user_codebook_works_on_workers(mention_runs, user_corpus):
    found = mention_runs["user", 2]
    assert (found["actor_id"] == "local_council_head").sum() == len(user_corpus)


@pytest.mark.parametrize("case", ["seeds", "synthetic"])
def test_topic_model_two_jobs_equal_one(topic_runs, case):
    one, two = topic_runs[case, 1], topic_runs[case, 2]
    assert_frame_equal(two.units, one.units, check_exact=True)
    assert_frame_equal(two.terms, one.terms, check_exact=True)
    assert two.labels.tolist() == one.labels.tolist() and two.k == one.k
    assert two.features.tolist() == one.features.tolist()
    assert (two.X != one.X).nnz == 0 and two.notes == one.notes
    assert "n_jobs" not in two.options  # not an option of DEFAULTS


@pytest.mark.parametrize("case", ["seeds", "synthetic"])
def test_keyness_by_group_two_jobs_equal_one(keyness_runs, case):
    one, two = keyness_runs[case, 1], keyness_runs[case, 2]
    assert len(one) > 0
    assert_frame_equal(two, one, check_exact=True)


# --------------------------------------------------------------------------- wiring


class _Stop(Exception):
    """Raised by a stand-in to end a call once it has seen its arguments."""


def _stop(seen: dict):
    """A stand-in that records its keyword arguments in ``seen``, then raises _Stop."""

    def stand_in(*args, **kwargs):
        seen.update(kwargs)
        raise _Stop
    return stand_in


def test_corpus_mentions_sends_its_codebook_once_per_worker(monkeypatch, seeds, user_codebook):
    seen: dict = {}

    def imap_documents(func, items, **kwargs):
        seen.update(kwargs, func=func)
        return iter(())

    monkeypatch.setattr(parallel, "imap_documents", imap_documents)
    table = corpus_mentions(seeds, codebook=user_codebook, n_jobs=2)
    assert table.empty  # the stand-in found nothing
    assert seen["n_jobs"] == 2 and seen["func"] is actors._find_in_worker
    assert seen["initializer"] is actors._install_codebook
    assert seen["initargs"] == (load_codebook(extra=user_codebook),)


@pytest.mark.parametrize("call, target", [
    (lambda corpus: topic_model(corpus, n_jobs=2), "pair_matrix"),
    (lambda corpus: tfidf(corpus["text"].tolist(), n_jobs=-1), "pair_matrix"),
    (lambda corpus: keyness_by_group(corpus, target="khoja", n_jobs=2), "term_matrix"),
])
def test_n_jobs_reaches_the_term_counting(monkeypatch, seeds, call, target):
    seen: dict = {}
    monkeypatch.setattr(cache, target, _stop(seen))
    with pytest.raises(_Stop):
        call(seeds)
    assert seen["n_jobs"] in (2, -1)


def test_one_job_starts_no_pool(monkeypatch, seeds):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started with n_jobs=1")

    monkeypatch.setattr(parallel, "_imap_pool", no_pool)
    assert len(corpus_mentions(seeds, n_jobs=1)) > 0
    assert topic_model(seeds, n_jobs=1).k >= 2
    assert len(keyness_by_group(seeds, target="khoja", n_jobs=1)) > 0


# --------------------------------------------------------------------------- bad values


_CALLS = {
    "corpus_mentions": lambda corpus, n: corpus_mentions(corpus, n_jobs=n),
    "topic_model": lambda corpus, n: topic_model(corpus, n_jobs=n),
    "topic_model_char": lambda corpus, n: topic_model(corpus, analyzer="char", n_jobs=n),
    "tfidf": lambda corpus, n: tfidf(corpus["text"].tolist(), n_jobs=n),
    "keyness_by_group": lambda corpus, n: keyness_by_group(corpus, target="khoja", n_jobs=n),
}


@pytest.mark.parametrize("bad", [0, "2", True, 1.5])
@pytest.mark.parametrize("name", list(_CALLS))
def test_invalid_n_jobs_is_refused(seeds, name, bad):
    with pytest.raises(ValueError, match=r"n_jobs = .* is invalid"):
        _CALLS[name](seeds, bad)


# --------------------------------------------------------------------------- command line


_SUBCOMMANDS = {
    "topics": ["topics", "--terms"],
    "actors": ["actors"],
    "cooccurrence": ["cooccurrence"],
    "keyness": ["keyness", "--target", "khoja"],
}


def _cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(argv)
    return code, out.getvalue()


@pytest.mark.parametrize("bad", ["0", "two", "1.5", "True"])
@pytest.mark.parametrize("name", list(_SUBCOMMANDS))
def test_cli_invalid_n_jobs_is_a_usage_error(capsys, name, bad):
    with pytest.raises(SystemExit) as info:
        _cli([*_SUBCOMMANDS[name], "--n-jobs", bad])
    assert info.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "argument --n-jobs: n_jobs = " in err and "is invalid" in err


@pytest.mark.parametrize("name, module, function", [
    ("topics", topics, "topic_model"), ("actors", actors, "corpus_mentions"),
    ("cooccurrence", actors, "corpus_mentions"), ("keyness", keyness, "keyness_by_group"),
])
@pytest.mark.parametrize("flag, expected", [([], 1), (["--n-jobs", "2"], 2), (["--n-jobs", "-1"], -1)])
def test_cli_passes_n_jobs_on(monkeypatch, name, module, function, flag, expected):
    seen: dict = {}
    monkeypatch.setattr(module, function, _stop(seen))
    with pytest.raises(_Stop):
        _cli([*_SUBCOMMANDS[name], *flag])
    assert seen["n_jobs"] == expected


@pytest.fixture(scope="module")
def cli_outputs() -> dict:
    """stdout of each subcommand on the seeds, without --n-jobs and with --n-jobs 2."""
    runs = {}
    for name, argv in _SUBCOMMANDS.items():
        for flag in ([], ["--n-jobs", "2"]):
            code, out = _cli([*argv, *flag])
            assert code == cli.EXIT_OK
            runs[name, bool(flag)] = out
    return runs


@pytest.mark.parametrize("name", list(_SUBCOMMANDS))
def test_cli_output_is_the_same_with_two_jobs(cli_outputs, name):
    assert cli_outputs[name, False]
    assert cli_outputs[name, True].encode("utf-8") == cli_outputs[name, False].encode("utf-8")


def test_the_help_explains_n_jobs():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in _SUBCOMMANDS:
        text = sub.choices[name].format_help()
        assert "--n-jobs N" in text and "-1 uses every core" in " ".join(text.split())
