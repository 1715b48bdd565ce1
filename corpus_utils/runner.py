"""The main job behind ``make run``: execute every notebook and collect what it produces.

For each ``notebooks/NN-*.ipynb`` (in name order) a fresh kernel executes the notebook top
to bottom; the executed copy is exported as HTML to ``output/<notebook>/<notebook>.html``,
figures and tables are written by the notebook itself through :mod:`corpus_utils.report`,
and ``output/manifest.json`` records versions, parameters, seeds and the SHA-256 of every
corpus file. The committed notebooks are never modified, unless ``in_place=True``
(``make notebooks``), which saves the executed notebooks back with their new outputs.

Progress bars are switched off in the kernels (``CORPUS_UTILS_PROGRESS=0``, see
:mod:`corpus_utils.progress`): inside Jupyter they are on by default, and a bar's rates,
timings and widget ids would make every saved output differ from the last.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from . import RANDOM_STATE, __version__
from .paths import default_corpus_path, repo_root
from .progress import PROGRESS_ENV
from .report import OUTPUT_ENV

#: Environment the notebook kernels get on top of the caller's: no progress bars.
KERNEL_ENV = {PROGRESS_ENV: "0"}

#: Libraries whose versions go into the manifest.
MANIFEST_LIBRARIES = ("jupyterlab", "spacy", "scikit-learn", "matplotlib", "nbval", "pandas",
                      "numpy", "scipy", "networkx", "pyyaml", "nbclient", "nbconvert", "tqdm")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):  # a one-file corpus may be large
            digest.update(block)
    return digest.hexdigest()


def corpus_checksums(path: Path) -> dict[str, str]:
    """SHA-256 of every file of a corpus.

    Args:
        path: a corpus folder (its ``.txt`` files and ``metadata.csv`` are hashed) or a
            one-file corpus (``.csv``, ``.jsonl``, ... : that file is hashed).

    Returns:
        ``{file name: hex digest}``, in name order.
    """
    path = Path(path)
    if path.is_file():
        return {path.name: _sha256_file(path)}
    files = sorted(p for p in path.iterdir() if p.is_file() and (p.suffix == ".txt" or p.name == "metadata.csv"))
    return {p.name: _sha256_file(p) for p in files}


def analysis_parameters() -> dict:
    """The default parameters of every analysis module that defines ``DEFAULTS``."""
    import importlib

    params = {}
    for name in ("arabic", "corpus", "topics", "actors", "cooccurrence", "keyness"):
        try:
            module = importlib.import_module(f"corpus_utils.{name}")
        except ImportError:
            continue
        defaults = getattr(module, "DEFAULTS", None)
        if defaults:
            params[name] = {k: _jsonable(v) for k, v in dict(defaults).items()}
    for module_name, function_name in PARAMETER_FUNCTIONS:
        try:
            function = getattr(importlib.import_module(f"corpus_utils.{module_name}"), function_name)
        except (ImportError, AttributeError):
            continue
        params[f"{module_name}.{function_name}"] = {
            p.name: _jsonable(p.default) for p in inspect.signature(function).parameters.values()
            if p.kind is p.KEYWORD_ONLY and p.default is not p.empty}
    return params


#: Analysis functions whose keyword defaults (thresholds, units, measures) the manifest records.
PARAMETER_FUNCTIONS = (("corpus", "near_duplicates"), ("arabic", "normalize"), ("arabic", "terms"),
                       ("cooccurrence", "cooccurrence"), ("keyness", "keyness_by_group"),
                       ("keyness", "kwic"), ("themes", "theme_rates"))


def _jsonable(value):
    return value if isinstance(value, (int, float, str, bool, type(None), list)) else repr(value)


def build_manifest(*, notebooks: list[dict], corpus: Path) -> dict:
    """Everything needed to say how ``output/`` was made."""
    versions = {}
    for lib in MANIFEST_LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    return {
        "package": "corpus-utils",
        "version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": versions,
        "random_state": RANDOM_STATE,
        "parameters": analysis_parameters(),
        "corpus": {"path": str(corpus), "sha256": corpus_checksums(corpus)},
        "notebooks": notebooks,
    }


def tidy_notebook(nb):
    """Drop what changes from machine to machine before a notebook is committed: cell
    execution metadata and the kernel's full ``language_info`` (its name is kept); and join
    consecutive stream outputs of the same stream (how the kernel splits printed text into
    messages depends on timing, so a busy machine would otherwise save a different file)."""
    language = nb.metadata.get("language_info", {}).get("name", "python")
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": language}}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        outputs = cell.get("outputs")
        if not outputs:
            continue
        joined = []
        for out in outputs:
            prev = joined[-1] if joined else None
            if (out.get("output_type") == "stream" and prev is not None
                    and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
                prev["text"] = "".join(prev["text"]) + "".join(out["text"])
            else:
                joined.append(out)
        cell["outputs"] = joined
    return nb


def _notebooks_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def run_notebooks(*, out_dir: Path = Path("output"), notebooks_dir: str | Path | None = None,
                  in_place: bool = False, timeout: int = 900, only: list[str] | None = None,
                  log=sys.stderr) -> dict:
    """Execute every notebook in a fresh kernel; write HTML, figures, tables, manifest.

    Args:
        out_dir: where ``<notebook>/`` folders and ``manifest.json`` go.
        notebooks_dir: folder of ``NN-*.ipynb``; default: the repository's ``notebooks/``.
        in_place: save the executed notebooks back (``make notebooks``) instead of
            writing ``out_dir``.
        timeout: per-cell timeout in seconds.
        only: run just the notebooks whose names start with one of these (e.g. ``["01"]``).
        log: where progress lines go.

    The kernels run with :data:`KERNEL_ENV` (progress bars off, whatever the caller's
    ``CORPUS_UTILS_PROGRESS``); the caller's environment is restored afterwards.

    Returns:
        The manifest (also written to ``out_dir/manifest.json`` unless ``in_place``).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    if notebooks_dir is None:
        root = repo_root()
        if root is None:
            raise FileNotFoundError("no notebooks folder: run from a checkout or pass --notebooks DIR")
        notebooks_dir = root / "notebooks"
    notebooks_dir = Path(notebooks_dir).resolve()
    paths = _notebooks_in(notebooks_dir)
    if only:
        paths = [p for p in paths if any(p.name.startswith(prefix) for prefix in only)]
    if not paths:
        raise FileNotFoundError(f"no notebooks (NN-*.ipynb) in {notebooks_dir}")
    out_dir = Path(out_dir).resolve()
    records = []
    saved_env = {name: os.environ.get(name) for name in (OUTPUT_ENV, *KERNEL_ENV)}
    os.environ.update(KERNEL_ENV)  # kernels inherit the environment of this process
    try:
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            target = out_dir / path.stem
            if in_place:
                os.environ.pop(OUTPUT_ENV, None)
            else:
                target.mkdir(parents=True, exist_ok=True)
                os.environ[OUTPUT_ENV] = str(target)
            print(f"executing {path.name} ...", file=log, flush=True)
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    record_timing=False,
                                    resources={"metadata": {"path": str(notebooks_dir)}})
            client.execute()
            if in_place:
                nbformat.write(tidy_notebook(nb), path)
                print(f"  saved {path.name} with new outputs", file=log)
                records.append({"notebook": path.name})
                continue
            html, _ = HTMLExporter().from_notebook_node(nb)
            (target / f"{path.stem}.html").write_text(html, encoding="utf-8")
            figures = sorted(p.name for p in (target / "figures").glob("*")) if (target / "figures").is_dir() else []
            tables = sorted(p.name for p in (target / "tables").glob("*")) if (target / "tables").is_dir() else []
            records.append({"notebook": path.name, "html": f"{path.stem}/{path.stem}.html",
                            "figures": figures, "tables": tables})
            print(f"  {target.relative_to(out_dir.parent) if out_dir.parent in target.parents else target}: "
                  f"HTML, {len(figures)} figure files, {len(tables)} tables", file=log)
    finally:
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    manifest = build_manifest(notebooks=records, corpus=default_corpus_path())
    if not in_place:
        (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
        print(f"done: outputs in {out_dir}/ (manifest: {out_dir / 'manifest.json'})", file=log)
    return manifest
