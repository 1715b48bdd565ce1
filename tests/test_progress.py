"""corpus_utils.progress: a tqdm bar when wanted, the iterable untouched otherwise."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus_utils import progress as prog
from corpus_utils.progress import PROGRESS_ENV, progress, progress_enabled


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)


def _terminal(monkeypatch, tty: bool) -> None:
    monkeypatch.setattr(prog, "_stderr_is_tty", lambda: tty)


def _kernel(monkeypatch, shell_class: str | None) -> None:
    """Pretend IPython is loaded and get_ipython() returns a shell of that class (or None)."""
    fake = types.ModuleType("IPython")
    shell = type(shell_class, (), {})() if shell_class else None
    fake.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", fake)


@pytest.mark.parametrize("env, tty, kernel, expected", [
    (None, False, None, False),                   # a pipe or a file: off
    (None, True, None, True),                     # a terminal: on
    (None, False, "ZMQInteractiveShell", True),   # JupyterLab / notebook kernel: on
    (None, False, "TerminalInteractiveShell", False),  # plain IPython with output piped: off
    ("0", True, None, False),                     # switched off beats a terminal
    ("off", False, "ZMQInteractiveShell", False), # ... and a notebook (nbval, corpus-utils run)
    ("false", True, None, False),
    ("1", False, None, True),                     # switched on beats a pipe
    ("yes", False, None, True),
    ("  ", True, None, True),                     # blank counts as unset
])
def test_auto_rules(monkeypatch, env, tty, kernel, expected):
    if env is None:
        monkeypatch.delenv(PROGRESS_ENV, raising=False)
    else:
        monkeypatch.setenv(PROGRESS_ENV, env)
    _terminal(monkeypatch, tty)
    if kernel:
        _kernel(monkeypatch, kernel)
    else:
        monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert progress_enabled() is expected


@pytest.mark.parametrize("env", ["0", "1", None])
@pytest.mark.parametrize("enabled", [True, False])
def test_explicit_choice_beats_environment(monkeypatch, env, enabled):
    if env is None:
        monkeypatch.delenv(PROGRESS_ENV, raising=False)
    else:
        monkeypatch.setenv(PROGRESS_ENV, env)
    _terminal(monkeypatch, not enabled)
    assert progress_enabled(enabled) is enabled


def test_bad_environment_value_names_it(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "sometimes")
    with pytest.raises(ValueError, match=r"CORPUS_UTILS_PROGRESS = 'sometimes' is invalid"):
        progress_enabled()


@pytest.mark.parametrize("bad", [1, 0, "yes", 0.5])
def test_enabled_must_be_bool_or_none(bad):
    with pytest.raises(ValueError, match=r"enabled = .* is invalid"):
        progress([1], enabled=bad)


@pytest.mark.parametrize("bad", [-1, 2.5, True, "10"])
def test_total_must_be_a_count(bad):
    with pytest.raises(ValueError, match=r"total = .* is invalid"):
        progress([1], total=bad, enabled=False)


def test_disabled_returns_the_same_object(no_env):
    items = [3, 1, 2]
    assert progress(items, enabled=False) is items


def test_enabled_draws_a_tqdm_bar_on_stderr(no_env, capsys):
    from tqdm import tqdm

    bar = progress(iter(["الائتلاف", "الوطني"]), total=2, desc="terms", enabled=True)
    assert isinstance(bar, tqdm)
    assert bar.total == 2
    assert list(bar) == ["الائتلاف", "الوطني"]
    captured = capsys.readouterr()
    assert captured.out == ""          # never on stdout: tables and notebooks stay clean
    assert "terms" in captured.err


def test_total_defaults_to_len_and_stays_none_for_generators(no_env):
    assert progress([1, 2, 3], enabled=True).total == 3
    assert progress((x for x in [1, 2]), enabled=True).total is None


def test_switched_off_by_environment_returns_the_iterable(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "0")
    _terminal(monkeypatch, True)
    gen = (x for x in range(3))
    assert progress(gen) is gen


@given(st.lists(st.text(alphabet="ابتثجحخ ،.", max_size=8), max_size=30), st.booleans())
def test_items_and_order_are_kept(items, enabled):
    assert list(progress(items, enabled=enabled, desc="x")) == items


def test_tqdm_is_not_imported_when_no_bar_is_drawn():
    code = ("import sys; from corpus_utils.progress import progress; "
            "assert list(progress([1, 2], enabled=False)) == [1, 2]; "
            "print('tqdm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- notebooks


def _kernel_outputs(code: str) -> list:
    """Run ``code`` in a fresh Jupyter kernel (it inherits this process's environment) and
    return the cell's outputs as nbformat stores them."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb.cells[0].outputs


_KERNEL_CODE = ("from corpus_utils.progress import progress, progress_enabled\n"
                "print(progress_enabled())\n"
                "print(sum(progress(range(5), desc='terms')))")


def test_in_a_kernel_bars_are_on_by_default_and_unstable(monkeypatch):
    """What the module docstring promises for JupyterLab, and why notebook runs switch it off:
    the bar is a widget whose model id is new on every run."""
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    outputs = _kernel_outputs(_KERNEL_CODE)
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert text == "True\n10\n"
    widgets = [o for o in outputs if o.output_type == "display_data"]
    assert widgets and "model_id" in widgets[0].data["application/vnd.jupyter.widget-view+json"]


def test_in_a_kernel_switched_off_the_output_is_only_the_result(monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, "0")  # as nbval (Makefile) and `corpus-utils run` do
    outputs = _kernel_outputs(_KERNEL_CODE)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in outputs] == \
        [("stream", "stdout", "False\n10\n")]


def test_makefile_nbval_switches_bars_off():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nnbval:", 1)[1].split("\n\n", 1)[0]
    (command,) = [line for line in recipe.splitlines() if "pytest" in line]
    assert command.startswith("\t") and f"{PROGRESS_ENV}=0 " in command
    assert command.index(f"{PROGRESS_ENV}=0") < command.index("pytest")
