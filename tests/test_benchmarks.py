"""benchmarks/generate.py: the synthetic corpus is deterministic, in the seeds' format, and
loads with the package; benchmarks/run.py reports ratios the way the Makefile promises."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _module("generate")
run = _module("run")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return generate.write_corpus(40, tmp_path_factory.mktemp("bench") / "corpus-40")


def test_same_seed_same_corpus(tmp_path, small):
    again = generate.write_corpus(40, tmp_path / "again")
    names = sorted(p.name for p in small.glob("*.txt"))
    assert names == sorted(p.name for p in again.glob("*.txt"))
    assert all((small / n).read_bytes() == (again / n).read_bytes() for n in names)
    assert (small / "metadata.csv").read_bytes() == (again / "metadata.csv").read_bytes()


def test_seeds_format_and_size(small):
    with open(small / "metadata.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["doc_id"] for r in rows] == [f"{i:03d}" for i in range(40)]
    assert {r["era"] for r in rows} <= {"khoja", "mustafa"}
    assert all(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", r["date"]) for r in rows)
    assert all((small / r["file"]).is_file() for r in rows)
    stats = generate.corpus_stats(small)
    assert stats["documents"] == 40
    assert 300 <= stats["tokens_per_document"] <= 400  # about 350 words, like the seeds


def test_the_vocabulary_keeps_growing():
    material = generate.seed_material()
    vocab = generate.Vocabulary()
    words = {vocab.word(r) for r in range(5000)}
    assert len(words) > 4500  # synthetic types are (almost all) distinct
    assert all(re.fullmatch(r"[\u0621-\u064A]+", w) for w in words)
    assert sum(len(v) for v in material["sentences"].values()) > 50


def test_the_package_loads_the_synthetic_corpus(small):
    from corpus_utils.corpus import load_corpus

    corpus = load_corpus(small)
    assert len(corpus) == 40
    assert corpus["doc_id"].tolist()[:2] == ["000", "001"]


def test_table_formats_load_through_sources(tmp_path):
    from corpus_utils.sources import read_source

    path = generate.write_corpus(12, tmp_path / "c.parquet", fmt="parquet")
    table = read_source(path)
    assert len(table) == 12 and table["doc_id"].tolist()[0] == "000"
    assert {"era", "date", "outlet"} <= set(table.columns)


def test_ratios_and_targets_are_computed_from_times():
    res = {"n": 100_000, "tokens": 1000,
           "cpu": {"spacy": 4.0, "regex": 1.0, "preprocess": 2.0, "find_actors": 8.0},
           "wall": {"spacy": 4.0, "regex": 1.0, "preprocess": 2.0, "find_actors": 8.0},
           "e2e_wall_s": 250.0, "e2e_complete": True, "peak_rss_mb": 5000.0}
    r = run.ratios(res)
    assert r["preprocess_speed_vs_spacy"] == 2.0 and r["preprocess_speed_vs_regex"] == 0.5
    assert r["actors_speed_vs_spacy"] == 0.5
    lines = run.targets([{"n": 10_000, "e2e_wall_s": 20.0}, res], {"import_time_s": 0.2})
    assert "target N=100000 preprocess_speed_vs_spacy >= 2.0: met (2)" in lines
    assert "target N=100000 actors_speed_vs_spacy >= 1.0: NOT met (0.5)" in lines
    assert "target N=100000 end to end < 300 s: met (250 s)" in lines
    assert "target N=100000 peak memory < 4 GB (3,815 MiB): NOT met (5,000 MiB)" in lines
    # "under 4 GB" read strictly: 4e9 bytes, so 3,900 MiB (4.09e9 bytes) is over
    over = run.targets([{**res, "peak_rss_mb": 3900.0}], {})
    assert "target N=100000 peak memory < 4 GB (3,815 MiB): NOT met (3,900 MiB)" in over
    under = run.targets([{**res, "peak_rss_mb": 3800.0}], {})
    assert "target N=100000 peak memory < 4 GB (3,815 MiB): met (3,800 MiB)" in under
    assert "target time growth 10000 -> 100000 <= 12x: NOT met (12.5x)" in lines
    assert "target import_time_s < 1: met (0.2)" in lines


def test_matrix_digest_tells_equal_count_matrices_from_different_ones():
    from corpus_utils.cache import term_matrix

    a = term_matrix(["الائتلاف الوطني", "والائتلاف"], cache=False)
    same = term_matrix(["الائتلاف الوطني", "الائتلاف"], cache=False)  # the same stems and counts
    more = term_matrix(["الائتلاف الوطني الوطني", "والائتلاف"], cache=False)  # one count differs
    other = term_matrix(["الائتلاف الوطني", "الوطني"], cache=False)  # another stem in row 2
    assert run._matrix_digest(a) == run._matrix_digest(same)
    assert run._matrix_digest(a) != run._matrix_digest(more)
    assert run._matrix_digest(a) != run._matrix_digest(other)
