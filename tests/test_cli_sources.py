"""The command line on one-file corpora: a CSV or JSON-lines file with a text column.

The five seed articles are written as one CSV and one JSON-lines file (texts as stored in
the ``.txt`` files, the metadata of ``metadata.csv``); every subcommand must then give what
it gives on the seeds folder. The module is skipped only while ``corpus.load_corpus`` does
not yet take ``text_col`` (the one-file corpus change of issue 10).
"""

from __future__ import annotations

import inspect
import io
import json

import pandas as pd
import pytest

from corpus_utils import cli
from corpus_utils.corpus import load_corpus
from corpus_utils.paths import seeds_path

pytestmark = pytest.mark.skipif("text_col" not in inspect.signature(load_corpus).parameters,
                                reason="corpus.load_corpus does not read one-file corpora yet")


def _seed_records() -> list[dict]:
    meta = pd.read_csv(seeds_path() / "metadata.csv", dtype=str, keep_default_na=False)
    records = []
    for row in meta.to_dict("records"):
        text = (seeds_path() / row.pop("file")).read_bytes().decode("utf-8-sig")
        records.append({**row, "body": text})
    return records


@pytest.fixture(scope="module")
def seed_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "articles.csv"
    pd.DataFrame(_seed_records()).to_csv(path, index=False, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_jsonl(tmp_path_factory):
    path = tmp_path_factory.mktemp("jsonl") / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for r in _seed_records():
            r = {"id": r.pop("doc_id"), "text": r.pop("body"), **r}  # other names: --id-col id
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def _run(capsys, argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _table(out: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)


def test_stats_of_a_csv_equal_those_of_the_folder(capsys, seed_csv):
    code, folder, _ = _run(capsys, ["stats"])
    assert code == 0
    code, table, err = _run(capsys, ["stats", seed_csv, "--text-col", "body"])
    assert (code, err) == (0, "")
    assert table == folder


def test_stats_of_a_jsonl_with_id_col_equal_those_of_the_folder(capsys, seed_jsonl):
    _, folder, _ = _run(capsys, ["stats", "--group-by", "outlet"])
    code, table, err = _run(capsys, ["stats", seed_jsonl, "--id-col", "id", "--group-by", "outlet"])
    assert (code, err) == (0, "")
    assert table == folder


def test_kwic_of_a_jsonl_finds_the_same_lines(capsys, seed_jsonl):
    keep = ["doc_id", "line", "start", "end", "left", "match", "right"]
    _, folder, _ = _run(capsys, ["kwic", "الائتلاف"])
    code, lines, _ = _run(capsys, ["kwic", "الائتلاف", seed_jsonl, "--id-col", "id"])
    assert code == 0
    assert len(_table(folder)) > 0
    assert _table(lines)[keep].equals(_table(folder)[keep])


def test_actors_read_a_csv_as_a_corpus_not_as_one_text(capsys, seed_csv):
    keep = ["doc_id", "start", "end", "actor_id"]
    _, folder, _ = _run(capsys, ["actors"])
    code, mentions, _ = _run(capsys, ["actors", seed_csv, "--text-col", "body"])
    assert code == 0
    assert _table(mentions)[keep].equals(_table(folder)[keep])


def test_metadata_cols_keep_only_the_columns_named(capsys, seed_csv):
    code, table, _ = _run(capsys, ["stats", seed_csv, "--text-col", "body", "--metadata-cols", "era",
                                   "--group-by", "era"])
    assert code == 0 and _table(table)["group"].tolist()[-1] == "all"
    code, _, err = _run(capsys, ["stats", seed_csv, "--text-col", "body", "--metadata-cols", "era",
                                 "--group-by", "outlet"])
    assert code != 0 and "outlet" in err


@pytest.mark.parametrize("fixture", ["seed_csv", "seed_jsonl"])
def test_missing_text_column_names_the_file_the_columns_and_the_fix(capsys, request, fixture):
    path = request.getfixturevalue(fixture)
    code, out, err = _run(capsys, ["stats", path, "--text-col", "article"])
    assert code == 1 and out == ""
    assert "E_TEXT_COLUMN" in err and str(path) in err and "'article'" in err
    assert "--text-col" in err
    assert ("'body'" if fixture == "seed_csv" else "'text'") in err  # the columns there are
    assert "'era'" in err and "Traceback" not in err


def test_csv_without_text_col_says_to_pass_it(capsys, seed_csv):
    code, _, err = _run(capsys, ["stats", seed_csv])
    assert code == 1
    assert "no text column 'text'" in err and "--text-col" in err and "'body'" in err


@pytest.mark.parametrize("option, code_name", [("--id-col", "E_ID_COLUMN"),
                                                ("--metadata-cols", "E_METADATA_COLUMN")])
def test_missing_id_or_metadata_column_is_exit_1(capsys, seed_csv, option, code_name):
    code, _, err = _run(capsys, ["stats", seed_csv, "--text-col", "body", option, "nope"])
    assert code == 1 and code_name in err and "'nope'" in err and str(seed_csv) in err


def test_subprocess_end_to_end(seed_csv, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "stats.csv"
    done = subprocess.run([sys.executable, "-m", "corpus_utils", "stats", str(seed_csv), "--text-col",
                           "body", "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _table(out.read_text(encoding="utf-8"))["documents"].tolist()[-1] == "5"


def test_clean_writes_a_one_file_corpus_as_a_folder_that_loads(capsys, seed_csv, tmp_path):
    out = tmp_path / "cleaned"
    code, _, err = _run(capsys, ["clean", seed_csv, "--text-col", "body", "--out-dir", out,
                                 "--audit", tmp_path / "audit.csv"])
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["000.txt", "001.txt", "002.txt", "003.txt",
                                                    "004.txt", "metadata.csv"]
    table = load_corpus(seed_csv, text_col="body")
    again = load_corpus(out)
    assert again["doc_id"].tolist() == table["doc_id"].tolist()
    assert again["raw_text"].tolist() == table["text"].tolist()  # the cleaned texts, as written
    audit = pd.read_csv(tmp_path / "audit.csv", dtype=str, keep_default_na=False)
    assert audit["file"].iloc[0] == "articles.csv#1"  # the audit still cites the source row
    _, folder, _ = _run(capsys, ["stats"])
    _, cleaned, _ = _run(capsys, ["stats", out])
    assert cleaned == folder


def test_table_options_on_a_folder_are_a_usage_error(capsys):
    code, out, err = _run(capsys, ["stats", "--text-col", "body"])
    assert code == 2 and out == ""
    assert "one-file corpus" in err and "Traceback" not in err
