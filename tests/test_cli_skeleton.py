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


# --------------------------------------------------------------------------- one-file corpus options


def _subparsers():
    parser = cli.build_parser()
    (action,) = [a for a in parser._actions if a.dest == "command"]
    return action.choices


def _option_strings(p):
    return {s for a in p._actions for s in a.option_strings}


def test_every_subcommand_reading_a_corpus_has_the_table_options():
    readers = {name for name, p in _subparsers().items() if "--encoding" in _option_strings(p)}
    assert {"stats", "clean", "topics", "actors", "cooccurrence", "keyness", "kwic", "themes"} <= readers
    for name in readers:
        assert set(cli.TABLE_OPTIONS) <= _option_strings(_subparsers()[name]), name


@pytest.mark.parametrize("argv, expected", [
    (["stats"], {}),
    (["stats", "a.csv", "--text-col", "body"], {"text_col": "body"}),
    (["keyness", "a.jsonl", "--target", "khoja", "--id-col", "id", "--text-col", "نص"],
     {"text_col": "نص", "id_col": "id"}),
    (["stats", "a.csv", "--metadata-cols", "era", "outlet"], {"metadata_cols": ["era", "outlet"]}),
    (["kwic", "الائتلاف", "a.csv", "--metadata-cols", "era", "--text-col", "body"],
     {"metadata_cols": ["era"], "text_col": "body"}),
])
def test_table_options_are_passed_only_when_given(argv, expected):
    args = cli.build_parser().parse_args(argv)
    assert cli.table_options_from_args(args) == expected
    if len(argv) > 1:
        assert args.corpus == ("a.csv" if argv[0] != "keyness" else "a.jsonl")


def _fake_load_corpus(calls, *, with_table_options: bool):
    """A stand-in for corpus.load_corpus recording its keywords (no corpus is read)."""
    from corpus_utils.corpus import corpus_from_texts

    def old(path=None, *, encoding="utf-8", on_error="raise", rules=None):
        calls.append({"path": path, "encoding": encoding, "on_error": on_error})
        return corpus_from_texts({"000": "قال رئيس الائتلاف."})

    def new(path=None, *, encoding="utf-8", on_error="raise", rules=None, text_col="text",
            id_col=None, metadata_cols=None):
        calls.append({"path": path, "encoding": encoding, "on_error": on_error, "text_col": text_col,
                      "id_col": id_col, "metadata_cols": metadata_cols})
        return corpus_from_texts({"000": "قال رئيس الائتلاف."})

    return new if with_table_options else old


def test_folder_corpus_is_loaded_without_the_new_keywords(monkeypatch, capsys):
    import corpus_utils.corpus

    calls = []
    monkeypatch.setattr(corpus_utils.corpus, "load_corpus", _fake_load_corpus(calls, with_table_options=False))
    assert cli.main(["stats", "some/folder"]) == 0
    assert calls == [{"path": "some/folder", "encoding": "utf-8", "on_error": "raise"}]
    assert capsys.readouterr().out.startswith("group,documents")


def test_table_options_reach_load_corpus(monkeypatch, capsys):
    import corpus_utils.corpus

    calls = []
    monkeypatch.setattr(corpus_utils.corpus, "load_corpus", _fake_load_corpus(calls, with_table_options=True))
    assert cli.main(["stats", "a.csv", "--text-col", "body", "--id-col", "id", "--skip-bad",
                     "--metadata-cols", "era", "outlet"]) == 0
    assert calls == [{"path": "a.csv", "encoding": "utf-8", "on_error": "skip", "text_col": "body",
                      "id_col": "id", "metadata_cols": ["era", "outlet"]}]


def test_table_options_without_support_are_an_input_error(monkeypatch, capsys):
    import corpus_utils.corpus

    calls = []
    monkeypatch.setattr(corpus_utils.corpus, "load_corpus", _fake_load_corpus(calls, with_table_options=False))
    assert cli.main(["stats", "a.csv", "--text-col", "body"]) == 1
    err = capsys.readouterr().err
    assert "--text-col" in err and "leave the option out" in err and "Traceback" not in err
    assert calls == []


def test_lazy_names_resolve_to_their_modules():
    from corpus_utils import cache, sources

    assert corpus_utils.iter_source is sources.iter_source
    assert corpus_utils.read_source is sources.read_source
    assert corpus_utils.check_source is sources.check_source
    assert corpus_utils.cached_terms is cache.cached_terms
    assert corpus_utils.term_matrix is cache.term_matrix
    assert {"iter_source", "read_source", "cached_terms", "term_matrix"} <= set(dir(corpus_utils))


# ``cooccurrence`` predates this check: the function and its module share the name, so
# ``corpus_utils.cooccurrence`` is whichever was bound last. Kept because it is public, and
# the module is callable as the function (tested below), so either works.
_SHADOWING_KEPT = {"cooccurrence"}


@pytest.mark.parametrize("first", ["module", "function"])
def test_cooccurrence_name_calls_the_function_whichever_is_bound(first):
    code = (
        "import pandas as pd\n"
        + ("from corpus_utils.cooccurrence import write_gexf\nimport corpus_utils\n" if first == "module"
           else "import corpus_utils\nf = corpus_utils.cooccurrence\nimport corpus_utils.cooccurrence\n")
        + "m = pd.DataFrame({'doc_id': ['0', '0', '1', '1'], 'paragraph': [1, 1, 1, 1],\n"
        "                  'actor_id': ['kerry', 'khoja', 'kerry', 'khoja']})\n"
        "print(type(corpus_utils.cooccurrence).__name__)\n"
        "print(corpus_utils.cooccurrence(m, by=None)[['source', 'target', 'count']].values.tolist())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    kind, result = out.strip().splitlines()
    assert kind == ("_CallableModule" if first == "module" else "function")
    assert result == "[['kerry', 'khoja', 2]]"


def test_no_lazy_name_shadows_a_submodule():
    from pathlib import Path

    modules = {p.stem for p in Path(cli.__file__).parent.glob("*.py")}
    clash = (modules & set(corpus_utils._LAZY)) - _SHADOWING_KEPT
    assert not clash, f"lazy names equal to submodules (importing one rebinds the other): {clash}"


def test_import_stays_light_with_the_scale_modules_listed():
    code = ("import sys, corpus_utils; "
            "print(sorted(m for m in ('pandas', 'sklearn', 'spacy', 'matplotlib', 'tqdm', 'pyarrow', "
            "'sqlite3', 'corpus_utils.sources', 'corpus_utils.cache', 'corpus_utils.progress') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _readme_commands() -> list[list[str]]:
    import re
    import shlex
    from pathlib import Path

    readme = (Path(cli.__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own corpus", 1)[1].split("\n## ", 1)[0]
    lines = re.findall(r"^corpus-utils .*$", section, flags=re.M)
    return [shlex.split(line.split("  #")[0])[1:] for line in lines]


def test_readme_own_corpus_commands_parse():
    commands = _readme_commands()
    assert any("--text-col" in argv for argv in commands)
    for argv in commands:
        args = cli.build_parser().parse_args(argv)  # a usage error exits 2 here
        assert args.func.__name__ == f"_cmd_{argv[0]}"


@pytest.mark.parametrize("ids, names", [
    (["000", "001"], ["000.txt", "001.txt"]),
    (["a/b", "a_b", "A_B"], ["a_b.txt", "a_b_2.txt", "A_B_3.txt"]),  # no two rows share a file
    (["../x", "", "الأسد 2"], ["x.txt", "group.txt", "الأسد_2.txt"]),  # never outside --out-dir
])
def test_folder_file_names(ids, names):
    assert cli.folder_file_names(ids) == names
