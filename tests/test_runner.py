"""The main job: execute notebooks, export HTML, collect figures/tables, write a manifest."""

from __future__ import annotations

import hashlib
import json

import nbformat
import pytest

from corpus_utils import RANDOM_STATE, __version__
from corpus_utils.paths import seeds_path
from corpus_utils.report import save_figure, save_table
from corpus_utils.runner import corpus_checksums, run_notebooks


def _tiny_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny"),
        nbformat.v4.new_code_cell(
            "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "import pandas as pd\nfrom corpus_utils.report import save_figure, save_table\n"
            "fig, ax = plt.subplots()\nax.plot([1, 2], [3, 4])\nsave_figure(fig, 'line')\n"
            "save_table(pd.DataFrame({'a': [1]}), 'one')\nprint('ran')"),
    ]
    nbformat.write(nb, path)


def test_run_notebooks_writes_outputs_and_manifest(tmp_path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    _tiny_notebook(nbdir / "00-tiny.ipynb")
    before = (nbdir / "00-tiny.ipynb").read_bytes()
    out = tmp_path / "output"
    manifest = run_notebooks(out_dir=out, notebooks_dir=nbdir, timeout=120, log=open("/dev/null", "w"))
    assert (nbdir / "00-tiny.ipynb").read_bytes() == before  # never modifies the notebooks
    assert "ran" in (out / "00-tiny" / "00-tiny.html").read_text(encoding="utf-8")
    assert (out / "00-tiny" / "figures" / "line.png").stat().st_size > 0
    assert (out / "00-tiny" / "figures" / "line.svg").read_text().lstrip().startswith("<?xml")
    assert (out / "00-tiny" / "tables" / "one.csv").read_text() == "a\n1\n"
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(manifest))
    assert on_disk["version"] == __version__
    assert on_disk["random_state"] == RANDOM_STATE
    assert on_disk["libraries"]["spacy"]
    sha = hashlib.sha256((seeds_path() / "metadata.csv").read_bytes()).hexdigest()
    assert on_disk["corpus"]["sha256"]["metadata.csv"] == sha
    assert len(on_disk["corpus"]["sha256"]) == 6
    assert on_disk["notebooks"][0]["figures"] == ["line.png", "line.svg"]


def test_save_helpers_do_nothing_outside_run(monkeypatch):
    monkeypatch.delenv("CORPUS_UTILS_OUTPUT", raising=False)
    import pandas as pd

    df = pd.DataFrame({"a": [1]})
    assert save_table(df, "x") is df
    assert save_figure(object(), "x") is None


@pytest.mark.parametrize("bad", ["../escape", "", "a b", "/abs"])
def test_save_rejects_unsafe_names(bad):
    with pytest.raises(ValueError, match="invalid"):
        save_table(None, bad)


def test_corpus_checksums_cover_texts_and_metadata():
    sums = corpus_checksums(seeds_path())
    assert sorted(sums) == sorted(p.name for p in seeds_path().iterdir() if p.suffix == ".txt") + ["metadata.csv"]


def test_manifest_parameters_record_analysis_defaults():
    from corpus_utils.keyness import keyness_by_group
    from corpus_utils.runner import analysis_parameters
    import inspect

    params = analysis_parameters()
    assert params["topics"]["random_state"] == RANDOM_STATE
    expected = inspect.signature(keyness_by_group).parameters["min_count"].default
    assert params["keyness.keyness_by_group"]["min_count"] == expected
    assert params["cooccurrence.cooccurrence"]["unit"] == "paragraph"
    json.dumps(params)  # serialisable


# --------------------------------------------------------------------------- progress bars, one-file corpora


def _progress_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import os\nfrom corpus_utils.progress import progress, progress_enabled\n"
        "print(os.environ.get('CORPUS_UTILS_PROGRESS'), progress_enabled())\n"
        "print(sum(progress(range(5), desc='terms')))")]
    nbformat.write(nb, path)


@pytest.mark.parametrize("caller", [None, "1"])
def test_kernels_run_without_progress_bars(tmp_path, monkeypatch, caller):
    from corpus_utils.progress import PROGRESS_ENV

    if caller is None:
        monkeypatch.delenv(PROGRESS_ENV, raising=False)
    else:
        monkeypatch.setenv(PROGRESS_ENV, caller)  # even a caller who wants bars gets none
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    _progress_notebook(nbdir / "00-bars.ipynb")
    run_notebooks(notebooks_dir=nbdir, in_place=True, timeout=120, log=open("/dev/null", "w"))
    outputs = nbformat.read(nbdir / "00-bars.ipynb", as_version=4).cells[0].outputs
    assert [(o.output_type, o.name, o.text) for o in outputs] == [("stream", "stdout", "0 False\n10\n")]
    import os

    assert os.environ.get(PROGRESS_ENV) == caller  # the caller's environment is restored


def test_corpus_checksums_of_a_one_file_corpus(tmp_path):
    table = tmp_path / "articles.csv"
    table.write_text("text,era\nقال رئيس الائتلاف,khoja\n", encoding="utf-8")
    assert corpus_checksums(table) == {"articles.csv": hashlib.sha256(table.read_bytes()).hexdigest()}


def test_tidy_notebook_joins_split_stream_outputs():
    import nbformat

    from corpus_utils.runner import tidy_notebook

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a'); print('b')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a"),
                    nbformat.v4.new_output("stream", name="stdout", text="\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warn\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="b\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "1"},
                                           execution_count=1, metadata={})]
    nb.cells.append(cell)
    tidy_notebook(nb)
    outs = nb.cells[0].outputs
    assert [(o.output_type, o.get("name"), o.get("text")) for o in outs[:3]] == [
        ("stream", "stdout", "a\n"), ("stream", "stderr", "warn\n"), ("stream", "stdout", "b\n")]
    assert outs[3].output_type == "execute_result"
    nbformat.validate(nb)
