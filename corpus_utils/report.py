"""Saving figures and tables during ``corpus-utils run``.

Notebooks call :func:`save_figure` and :func:`save_table` after showing a result. In an
interactive session (or under nbval) they do nothing; under ``corpus-utils run`` the
environment variable ``CORPUS_UTILS_OUTPUT`` names the notebook's output folder and the
figure is written as ``figures/<name>.png`` and ``.svg``, the table as ``tables/<name>.csv``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

OUTPUT_ENV = "CORPUS_UTILS_OUTPUT"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def output_dir() -> Path | None:
    """The current notebook's output folder, or None outside ``corpus-utils run``."""
    value = os.environ.get(OUTPUT_ENV)
    return Path(value) if value else None


def _check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise ValueError(f"name = {name!r} is invalid; use letters, digits, '_', '-', '.'")
    return name


def save_figure(fig, name: str) -> Path | None:
    """Write ``fig`` as PNG and SVG under ``figures/`` when an output folder is set.

    Args:
        fig: a matplotlib Figure (or an Axes, whose figure is used).
        name: file stem, e.g. ``"silhouette"``.

    Returns:
        The PNG path, or None when not running under ``corpus-utils run``.
    """
    _check_name(name)
    out = output_dir()
    if out is None:
        return None
    fig = getattr(fig, "figure", fig)
    folder = out / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{name}.png"
    fig.savefig(png, dpi=150, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(folder / f"{name}.svg", bbox_inches="tight", metadata={"Date": None})
    return png


def save_table(df, name: str, *, index: bool = False):
    """Write ``df`` as ``tables/<name>.csv`` (UTF-8) when an output folder is set.

    Returns the DataFrame unchanged, so a notebook cell can end with
    ``save_table(df, "clusters")`` and still display the table.
    """
    _check_name(name)
    out = output_dir()
    if out is not None:
        folder = out / "tables"
        folder.mkdir(parents=True, exist_ok=True)
        df.to_csv(folder / f"{name}.csv", index=index, lineterminator="\n")
    return df
