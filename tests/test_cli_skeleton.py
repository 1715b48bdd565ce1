"""Conventions every subcommand shares: --version, exit codes, --out, --excel."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import corpus_utils
from corpus_utils import cli


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"corpus-utils {corpus_utils.__version__}"


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "corpus_utils", "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"corpus-utils {corpus_utils.__version__}"


def test_no_command_is_a_usage_error(capsys):
    assert cli.main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        cli.main(["--no-such-option"])
    assert exc.value.code == 2


@pytest.mark.parametrize("excel, bom", [(False, b""), (True, b"\xef\xbb\xbf")])
def test_write_table_out_and_excel(tmp_path, excel, bom):
    df = pd.DataFrame({"term": ["الائتلاف"], "n": [3]})
    args = type("Args", (), {"out": str(tmp_path / "t.csv"), "excel": excel})()
    cli.write_table(df, args)
    data = (tmp_path / "t.csv").read_bytes()
    assert data == bom + "term,n\nالائتلاف,3\n".encode("utf-8")


def test_corpus_env_variable_changes_the_default(monkeypatch, tmp_path):
    from corpus_utils.paths import default_corpus_path, seeds_path

    monkeypatch.delenv("CORPUS_UTILS_CORPUS", raising=False)
    assert default_corpus_path() == seeds_path()
    monkeypatch.setenv("CORPUS_UTILS_CORPUS", str(tmp_path))
    assert default_corpus_path() == tmp_path


def test_import_is_light():
    code = "import sys, corpus_utils; print(sorted(m for m in ('pandas','sklearn','spacy','matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
