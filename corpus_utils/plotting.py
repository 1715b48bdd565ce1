"""Every figure of the package: Arabic joined and right to left, with English glosses.

This is the only module that draws. Call :func:`setup` once per notebook, then use the
plot functions: each takes ``ax=None`` (a new figure is made when it is None) and returns
the ``Axes``, like seaborn and scikit-learn's display objects. None of them calls
``plt.show()`` or prints; notebooks show figures, :mod:`corpus_utils.report` saves them.

Arabic needs nothing special here: matplotlib >= 3.11 shapes text with libraqm, so a raw
Arabic string renders with joined letters, right to left, in PNG, SVG and PDF. Strings are
passed as they are. Never feed labels through an Arabic reshaper and a bidi reordering:
with matplotlib >= 3.11 that draws Arabic reversed and unjoined. :func:`label` even turns
presentation forms (the output of such reshapers) back into ordinary letters.

Labels read ``Arabic · English gloss`` (``الائتلاف · the Coalition``), the Arabic alone when
no gloss is known, or English only in slide mode (``setup(english_only=True)``). Glosses
come from :mod:`corpus_utils.glossary` and are the package's own translations.

References:
    Hunter, J. D. (2007). Matplotlib: A 2D graphics environment. Computing in Science &
    Engineering 9(3), 90-95.
    Hagberg, A., Schult, D., Swart, P. (2008). Exploring network structure, dynamics, and
    function using NetworkX. Proc. SciPy 2008.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import RANDOM_STATE

#: Minimum matplotlib version: the first that shapes Arabic (joining, right-to-left) itself.
MIN_MATPLOTLIB = (3, 11)
#: Arabic fonts preferred when installed (Debian: fonts-noto-core, fonts-hosny-amiri).
PREFERRED_ARABIC_FONTS = ("Noto Naskh Arabic", "Amiri")
#: Bundled with matplotlib; covers Arabic and Latin, so it is always the last fallback.
FALLBACK_FONT = "DejaVu Sans"
#: Separator between the Arabic term and its English gloss in a label.
SEPARATOR = " · "
#: Salt for SVG element ids, so that the same figure gives the same SVG bytes.
SVG_HASHSALT = "corpus-utils"

# Arabic presentation forms A (U+FB50-U+FDFF) and B (U+FE70-U+FEFE): glyph forms that a
# reshaper produces; NFKC maps every shaped letter form back to its letter(s).
_PRESENTATION_RE = re.compile("[\uFB50-\uFDFF\uFE70-\uFEFE]+")
_VERSION_RE = re.compile(r"^\s*(\d+)\.(\d+)")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "*")

_state = {"english_only": False}


# --------------------------------------------------------------------------- setup, labels


def check_matplotlib_version(version: str | None = None) -> tuple[int, int]:
    """Check that matplotlib is recent enough to shape Arabic itself.

    Args:
        version: a version string; default the installed matplotlib's.

    Returns:
        ``(major, minor)`` of the version checked.

    Raises:
        RuntimeError: the version is older than 3.11 (Arabic would draw unjoined, left to
            right), with how to fix it.
        ValueError: ``version`` cannot be read as a version number.

    >>> check_matplotlib_version("3.11.2")
    (3, 11)
    """
    if version is None:
        import matplotlib

        version = matplotlib.__version__
    m = _VERSION_RE.match(str(version))
    if not m:
        raise ValueError(f"version = {version!r} is invalid; expected a version such as '3.11.2'")
    found = (int(m.group(1)), int(m.group(2)))
    if found < MIN_MATPLOTLIB:
        need = ".".join(map(str, MIN_MATPLOTLIB))
        raise RuntimeError(
            f"matplotlib {version} is installed, but corpus_utils.plotting needs matplotlib >= "
            f"{need}, the first version that shapes Arabic itself (joined letters, right to "
            f"left). Install the pinned environment (`make install`, or `pip install "
            f"'matplotlib>={need}'`); do not work around it with an Arabic reshaper and bidi reordering."
        )
    return found


def installed_font_names() -> set[str]:
    """Family names of the fonts matplotlib can find on this machine."""
    from matplotlib import font_manager

    return {f.name for f in font_manager.fontManager.ttflist}


def font_families(installed: Iterable[str] | None = None) -> list[str]:
    """The font list for figures: a preferred Arabic font when installed, then DejaVu Sans.

    matplotlib falls back glyph by glyph along the list, so Latin glosses missing from an
    Arabic-only font come from DejaVu Sans, which covers Arabic and Latin by itself.

    Args:
        installed: font family names available; default those matplotlib finds.

    Returns:
        The family list, e.g. ``["Amiri", "DejaVu Sans"]`` or ``["DejaVu Sans"]``.

    >>> font_families(["DejaVu Sans", "Amiri"])
    ['Amiri', 'DejaVu Sans']
    """
    names = set(installed_font_names() if installed is None else installed)
    chosen = [name for name in PREFERRED_ARABIC_FONTS if name in names][:1]
    return [*chosen, FALLBACK_FONT]


def setup(*, english_only: bool = False, font_size: float = 10.0) -> list[str]:
    """Prepare matplotlib for the package's figures. Call once per notebook.

    Sets the font list (:func:`font_families`), deterministic SVG output (fixed
    ``svg.hashsalt``, text as paths, and ``SOURCE_DATE_EPOCH=0`` when unset so that SVG and
    PDF carry a fixed date instead of today's), and quiet defaults (no top/right spines,
    no legend frame). The figure layout engine is left alone: figures that the plot
    functions create themselves use constrained layout. Nothing is printed.

    Args:
        english_only: slide mode: labels show the English gloss only (see :func:`label`).
        font_size: base font size in points.

    Returns:
        The font family list now in use.

    Raises:
        RuntimeError: matplotlib is older than 3.11 (see :func:`check_matplotlib_version`).

    References:
        matplotlib rcParams ``svg.hashsalt``; reproducible-builds.org ``SOURCE_DATE_EPOCH``.

    >>> setup()[-1]
    'DejaVu Sans'
    """
    if not isinstance(english_only, bool):
        raise ValueError(f"english_only = {english_only!r} is invalid; use True or False")
    if not (isinstance(font_size, (int, float)) and font_size > 0):
        raise ValueError(f"font_size = {font_size!r} is invalid; use a number > 0")
    check_matplotlib_version()
    import matplotlib as mpl

    families = font_families()
    mpl.rcParams.update({
        "font.family": families,
        "font.size": font_size,
        "axes.titlesize": font_size * 1.2,
        "axes.labelsize": font_size,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": True,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "image.cmap": "viridis",
        "legend.frameon": False,
    })
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    _state["english_only"] = english_only
    _register_figure_text()
    return families


def figure_text(fig) -> str:
    """A plain-text stand-in for a figure: its titles, for screen readers and text outputs.

    Notebooks store this instead of matplotlib's ``<Figure size 640x480 with 1 Axes>``, so
    the saved text output says what the figure shows and stays the same on every run.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_title("Silhouette by k")
    >>> figure_text(fig)
    '[figure: Silhouette by k]'
    >>> plt.close(fig)
    """
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(suptitle.get_text())
    for ax in fig.get_axes():
        title = ax.get_title() or ax.get_title("left") or ax.get_title("right")
        if title and title not in parts:
            parts.append(title)
    return f"[figure: {'; '.join(parts) if parts else 'untitled'}]"


def _register_figure_text() -> None:
    """Inside IPython, show :func:`figure_text` as a figure's text/plain output."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    # Load the backend now: the inline backend, when it loads, drops every formatter
    # registered for Figure, so it must come before ours.
    plt.close(plt.figure())

    formatter = shell.display_formatter.formatters["text/plain"]
    formatter.for_type(Figure, lambda fig, printer, cycle: printer.text(figure_text(fig)))


def _letters(text: str) -> str:
    """Ordinary letters for any presentation forms (NFKC on those characters only)."""
    return _PRESENTATION_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        if value is pd.NA:
            return True
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return isinstance(value, str) and not value.strip()


def label(term: str, gloss: str | None = None, *, english_only: bool | None = None) -> str:
    """A figure label: ``Arabic · English gloss``, the Arabic alone, or English only.

    The Arabic is passed to matplotlib as it is (matplotlib shapes it); presentation forms
    (U+FB50-U+FDFF, U+FE70-U+FEFE, as left by reshapers or old PDFs) are turned back into
    letters so that the label joins and orders correctly.

    Args:
        term: the Arabic term (normalised, clitic-stripped form) or any label text.
        gloss: its English gloss; None, NaN or '' when there is none.
        english_only: slide mode: the gloss alone (the Arabic when there is no gloss).
            None (the default) uses the mode set by :func:`setup`.

    Returns:
        The label text.

    >>> label("كيري", "Kerry")
    'كيري · Kerry'
    >>> label("كيري", "Kerry", english_only=True)
    'Kerry'
    """
    if _is_missing(term) or not isinstance(term, str):
        raise ValueError(f"term = {term!r} is invalid; expected a non-empty string")
    if english_only is None:
        english_only = _state["english_only"]
    elif not isinstance(english_only, bool):
        raise ValueError(f"english_only = {english_only!r} is invalid; use True, False or None")
    term = _letters(term).strip()
    if _is_missing(gloss):
        return term
    gloss = _letters(str(gloss).strip())
    return gloss if english_only else f"{term}{SEPARATOR}{gloss}"


def labels_for(df, term_col: str, gloss_col: str | None, *, english_only: bool | None = None) -> list[str]:
    """:func:`label` for every row of ``df`` (terms from ``term_col``, glosses from
    ``gloss_col`` when given)."""
    _require_columns(df, [term_col] + ([gloss_col] if gloss_col else []))
    glosses = df[gloss_col].tolist() if gloss_col else [None] * len(df)
    return [label(str(t), g, english_only=english_only) for t, g in zip(df[term_col].tolist(), glosses)]


# --------------------------------------------------------------------------- helpers


def _require_columns(df, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing!r} not found; the table has {list(df.columns)!r}")


def _axes(ax, *, figsize: tuple[float, float]):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _check_top(top: int | None) -> None:
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top = {top!r} is invalid; use an integer >= 1 or None")


def _sorted_categories(values: Iterable[Any]) -> list[Any]:
    """Distinct values in a stable order (numbers numerically, the rest as text)."""
    distinct = {v for v in values if not _is_missing(v)}
    try:
        return sorted(distinct)
    except TypeError:
        return sorted(distinct, key=str)


# --------------------------------------------------------------------------- bar charts


def bar_terms(df, *, term_col: str = "term", value_col: str, gloss_col: str | None = None,
              ax=None, top: int | None = 20, color: str = "C0", xlabel: str | None = None,
              title: str | None = None, english_only: bool | None = None):
    """Horizontal bars of a value per term, the largest on top, labelled ``Arabic · gloss``.

    Args:
        df: one row per term.
        term_col: column with the (Arabic) terms.
        value_col: column with the numbers (frequency, TF-IDF weight, ...).
        gloss_col: column with English glosses (see :func:`corpus_utils.glossary.add_glosses`);
            None for Arabic-only labels.
        ax: the Axes to draw on; a new figure when None.
        top: how many of the largest values to show (None: all).
        color: bar colour.
        xlabel: x-axis label; default ``value_col``.
        title: Axes title.
        english_only: see :func:`label`.

    Returns:
        The Axes.

    >>> import pandas as pd
    >>> bar_terms(pd.DataFrame({"term": ["ائتلاف", "نظام"], "n": [32, 24]}), value_col="n").get_ylabel()
    ''
    """
    _require_columns(df, [term_col, value_col] + ([gloss_col] if gloss_col else []))
    _check_top(top)
    data = df.assign(_term=df[term_col].astype(str)).sort_values(
        [value_col, "_term"], ascending=[False, True], kind="mergesort")
    if top is not None:
        data = data.head(top)
    ax = _axes(ax, figsize=(6.0, 0.6 + 0.28 * max(len(data), 1)))
    labels = labels_for(data, term_col, gloss_col, english_only=english_only)
    positions = list(range(len(data)))[::-1]  # first row (largest) at the top
    ax.barh(positions, data[value_col].astype(float).tolist(), color=color)
    ax.set_yticks(positions, labels)
    ax.set_xlabel(value_col if xlabel is None else xlabel)
    if title:
        ax.set_title(title)
    ax.margins(y=0.01)
    return ax


def diverging_bars(df, *, term_col: str = "term", value_col: str = "log_ratio",
                   gloss_col: str | None = None, sides: tuple[str, str] = ("khoja", "mustafa"),
                   ax=None, top: int | None = 10, colors: tuple[str, str] = ("C1", "C0"),
                   xlabel: str | None = None, title: str | None = None,
                   english_only: bool | None = None):
    """Keyness of two groups as bars to the left (negative) and right (positive) of zero.

    Each term is written beside its bar on the other side of the zero line, so the chart
    reads as two lists: terms typical of ``sides[0]`` (negative values) on the left, of
    ``sides[1]`` (positive values) on the right.

    Args:
        df: one row per term with a signed keyness value (e.g. log ratio, signed G2).
        term_col, gloss_col: as in :func:`bar_terms`.
        value_col: the signed value; positive means typical of ``sides[1]``.
        sides: names of the groups for negative and positive values, e.g. two eras.
        ax: the Axes to draw on; a new figure when None.
        top: how many terms to show on each side (None: all).
        colors: bar colours for the negative and the positive side.
        xlabel: x-axis label; default ``value_col``.
        title: Axes title.
        english_only: see :func:`label`.

    Returns:
        The Axes.

    References:
        Rayson, P., Garside, R. (2000). Comparing corpora using frequency profiling.
        Proc. Workshop on Comparing Corpora, ACL 2000.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"term": ["خوجة", "مصطفي"], "log_ratio": [-3.0, 2.5]})
    >>> len(diverging_bars(df).patches)
    2
    """
    _require_columns(df, [term_col, value_col] + ([gloss_col] if gloss_col else []))
    _check_top(top)
    if len(sides) != 2:
        raise ValueError(f"sides = {sides!r} is invalid; give two group names (negative, positive)")
    data = df.assign(_term=df[term_col].astype(str), _v=df[value_col].astype(float))
    data = data[data["_v"] != 0]
    neg = data[data["_v"] < 0].sort_values(["_v", "_term"], kind="mergesort")
    pos = data[data["_v"] > 0].sort_values(["_v", "_term"], ascending=[False, True], kind="mergesort")
    if top is not None:
        neg, pos = neg.head(top), pos.head(top)
    # strongest at the top: positive block above, negative block below
    import pandas as pd

    rows = pd.concat([pos, neg.iloc[::-1]]) if len(neg) or len(pos) else data.head(0)
    ax = _axes(ax, figsize=(7.0, 0.8 + 0.28 * max(len(rows), 1)))
    labels = labels_for(rows, term_col, gloss_col, english_only=english_only)
    values = rows["_v"].tolist()
    y = list(range(len(rows)))[::-1]
    ax.barh(y, values, color=[colors[1] if v > 0 else colors[0] for v in values])
    span = max((abs(v) for v in values), default=1.0)
    pad = 0.02 * span
    for yi, v, text in zip(y, values, labels):
        ax.text(-pad if v > 0 else pad, yi, text, va="center", ha="right" if v > 0 else "left")
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlim(-1.6 * span, 1.6 * span)
    ax.set_xlabel(value_col if xlabel is None else xlabel)
    ax.text(0.02, 1.0, f"← {sides[0]}", transform=ax.transAxes, ha="left", va="bottom", color=colors[0])
    ax.text(0.98, 1.0, f"{sides[1]} →", transform=ax.transAxes, ha="right", va="bottom", color=colors[1])
    if title:
        ax.set_title(title, pad=18)
    return ax


def steps_vocabulary(steps, *, step_col: str = "step", size_col: str = "vocabulary", ax=None,
                     kind: str = "line", title: str | None = None, ylabel: str = "vocabulary size (types)"):
    """Vocabulary size after each normalisation step, in the order the steps run.

    Args:
        steps: a DataFrame with ``step_col`` and ``size_col``, or a mapping step -> size
            (in order).
        step_col: column naming the step (``raw``, ``NFKC``, ``dediac``, ...).
        size_col: column with the number of distinct word types after that step.
        ax: the Axes to draw on; a new figure when None.
        kind: ``"line"`` (a line with points) or ``"bar"``.
        title: Axes title.
        ylabel: y-axis label.

    Returns:
        The Axes. Each point is annotated with its value.

    >>> steps_vocabulary({"raw": 1200, "NFKC": 1190, "dediac": 1150}).get_ylabel()
    'vocabulary size (types)'
    """
    import pandas as pd

    if kind not in {"line", "bar"}:
        raise ValueError(f"kind = {kind!r} is invalid; use 'line' or 'bar'")
    if isinstance(steps, Mapping):
        steps = pd.DataFrame({step_col: list(steps.keys()), size_col: list(steps.values())})
    _require_columns(steps, [step_col, size_col])
    names = [str(s) for s in steps[step_col].tolist()]
    sizes = [float(v) for v in steps[size_col].tolist()]
    ax = _axes(ax, figsize=(max(4.0, 0.9 * len(names) + 1.5), 3.2))
    x = list(range(len(names)))
    if kind == "bar":
        ax.bar(x, sizes, color="C0")
    else:
        ax.plot(x, sizes, marker="o", color="C0")
    for xi, v in zip(x, sizes):
        ax.annotate(f"{v:,.0f}", (xi, v), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize="small")
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    if sizes:
        low, high = min(sizes), max(sizes)
        margin = max((high - low) * 0.15, high * 0.02, 1.0)
        ax.set_ylim(0 if kind == "bar" else low - margin, high + margin)
    if title:
        ax.set_title(title)
    return ax


# --------------------------------------------------------------------------- matrices, maps


def heatmap(matrix_df, *, ax=None, cmap: str = "viridis", annotate: bool | None = None,
            fmt: str = "{:.2f}", glosses: Mapping[str, str] | None = None,
            colorbar_label: str | None = None, title: str | None = None,
            vmin: float | None = None, vmax: float | None = None,
            english_only: bool | None = None):
    """A matrix as coloured cells, rows and columns labelled from the index and columns.

    Args:
        matrix_df: a numeric DataFrame (e.g. term-by-term co-occurrence, cluster-by-era
            counts); index and columns are the labels.
        ax: the Axes to draw on; a new figure when None.
        cmap: a matplotlib colormap name.
        annotate: write each value in its cell; default only when the matrix has at most
            400 cells.
        fmt: format for the annotations, e.g. ``"{:.0f}"`` for counts.
        glosses: term -> English gloss, to label Arabic rows/columns ``Arabic · gloss``.
        colorbar_label: label of the colour bar.
        title: Axes title.
        vmin, vmax: colour scale limits; default the data range.
        english_only: see :func:`label`.

    Returns:
        The Axes.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[0, 2], [2, 0]], index=["خوجة", "كيري"], columns=["خوجة", "كيري"])
    >>> [t.get_text() for t in heatmap(m).get_xticklabels()]
    ['خوجة', 'كيري']
    """
    import numpy as np

    values = matrix_df.to_numpy(dtype=float)
    if values.ndim != 2:
        raise ValueError(f"matrix_df has shape {values.shape!r}; expected a 2-D table")
    n_rows, n_cols = values.shape
    if annotate is None:
        annotate = n_rows * n_cols <= 400
    glosses = glosses or {}

    def names(items):
        return [label(str(v), glosses.get(str(v)), english_only=english_only) for v in items]

    ax = _axes(ax, figsize=(1.2 + 0.55 * max(n_cols, 1) + 1.5, 0.8 + 0.4 * max(n_rows, 1)))
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if vmin is None and finite.size else (vmin if vmin is not None else 0.0)
    hi = float(finite.max()) if vmax is None and finite.size else (vmax if vmax is not None else 1.0)
    image = ax.imshow(values, cmap=cmap, vmin=lo, vmax=hi, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(n_cols), names(matrix_df.columns), rotation=45, ha="right",
                  rotation_mode="anchor")
    ax.set_yticks(range(n_rows), names(matrix_df.index))
    ax.spines[:].set_visible(False)
    if annotate and n_rows and n_cols:
        cmap_obj = image.get_cmap()
        for i in range(n_rows):
            for j in range(n_cols):
                v = values[i, j]
                if not np.isfinite(v):
                    continue
                r, g, b, _ = cmap_obj(image.norm(v))
                light = (0.299 * r + 0.587 * g + 0.114 * b) > 0.5
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize="small",
                        color="black" if light else "white")
    bar = ax.figure.colorbar(image, ax=ax)
    if colorbar_label:
        bar.set_label(colorbar_label)
    if title:
        ax.set_title(title)
    return ax


def scatter_map(xy_df, *, x: str = "x", y: str = "y", hue: str = "cluster", style: str = "era",
                label_col: str | None = None, ax=None, title: str | None = None,
                xlabel: str | None = None, ylabel: str | None = None):
    """A 2-D map of documents (or terms): colour by ``hue`` (cluster), marker by ``style`` (era).

    Args:
        xy_df: one row per point with coordinates (e.g. from PCA or SVD of TF-IDF).
        x, y: coordinate columns.
        hue: column whose values pick the colour (e.g. ``cluster``).
        style: column whose values pick the marker (e.g. ``era``); None for one marker.
        label_col: column whose values are written beside the points (e.g. ``doc_id``).
        ax: the Axes to draw on; a new figure when None.
        title, xlabel, ylabel: texts; axis labels default to the column names.

    Returns:
        The Axes, with one legend listing both colours and markers.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [0, 1], "y": [1, 0], "cluster": [0, 1], "era": ["khoja", "mustafa"]})
    >>> len(scatter_map(df).collections)
    2
    """
    from matplotlib.lines import Line2D

    cols = [x, y, hue] + ([style] if style else []) + ([label_col] if label_col else [])
    _require_columns(xy_df, cols)
    ax = _axes(ax, figsize=(6.0, 4.5))
    hues = _sorted_categories(xy_df[hue])
    styles = _sorted_categories(xy_df[style]) if style else [None]
    if len(styles) > len(_MARKERS):
        raise ValueError(f"style = {style!r} has {len(styles)} values; at most {len(_MARKERS)} markers")
    colour = {h: f"C{i % 10}" for i, h in enumerate(hues)}
    marker = {s: _MARKERS[i] for i, s in enumerate(styles)}
    for h in hues:
        for s in styles:
            mask = xy_df[hue] == h
            if style:
                mask = mask & (xy_df[style] == s)
            part = xy_df[mask.fillna(False)]
            if len(part):
                ax.scatter(part[x].astype(float), part[y].astype(float), c=colour[h],
                           marker=marker[s], s=60, edgecolors="white", linewidths=0.5)
    if label_col:
        for _, row in xy_df.iterrows():
            ax.annotate(label(str(row[label_col])), (float(row[x]), float(row[y])),
                        textcoords="offset points", xytext=(5, 4), fontsize="small")
    handles = [Line2D([], [], linestyle="", marker="o", color=colour[h], label=f"{hue} {h}")
               for h in hues]
    if style:
        handles += [Line2D([], [], linestyle="", marker=marker[s], color="0.35", label=str(s))
                    for s in styles]
    if handles:
        ax.legend(handles=handles, loc="best", fontsize="small")
    ax.margins(0.08)
    ax.set_xlabel(x if xlabel is None else xlabel)
    ax.set_ylabel(y if ylabel is None else ylabel)
    if title:
        ax.set_title(title)
    return ax


def silhouette_curve(scores, *, k_col: str = "k", score_col: str = "silhouette", ax=None,
                     best: int | None = None, title: str | None = None):
    """Mean silhouette width per number of clusters k, with the chosen k marked.

    Args:
        scores: a DataFrame with ``k_col`` and ``score_col``, or a mapping k -> score.
        k_col, score_col: column names.
        ax: the Axes to draw on; a new figure when None.
        best: the k to mark; default the k with the highest score (the smallest k on ties).
        title: Axes title.

    Returns:
        The Axes.

    References:
        Rousseeuw, P. J. (1987). Silhouettes: a graphical aid to the interpretation and
        validation of cluster analysis. J. Comput. Appl. Math. 20, 53-65.

    >>> silhouette_curve({2: 0.11, 3: 0.14, 4: 0.09}).get_xlabel()
    'number of clusters k'
    """
    import pandas as pd

    if isinstance(scores, Mapping):
        scores = pd.DataFrame({k_col: list(scores.keys()), score_col: list(scores.values())})
    _require_columns(scores, [k_col, score_col])
    data = scores.sort_values(k_col, kind="mergesort")
    ks = [int(k) for k in data[k_col].tolist()]
    vals = [float(v) for v in data[score_col].tolist()]
    if best is None and ks:
        best = ks[max(range(len(ks)), key=lambda i: (vals[i], -ks[i]))]
    elif best is not None and best not in ks:
        raise ValueError(f"best = {best!r} is invalid; it must be one of the k values {ks!r}")
    ax = _axes(ax, figsize=(5.0, 3.2))
    ax.plot(ks, vals, marker="o", color="C0")
    if best is not None:
        ax.axvline(best, color="C3", linestyle="--", linewidth=1)
        ax.plot([best], [vals[ks.index(best)]], marker="o", markersize=10, color="C3",
                label=f"k = {best}")
        ax.legend(loc="best")
    ax.set_xticks(ks)
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("mean silhouette width")
    if title:
        ax.set_title(title)
    return ax


def dendrogram(linkage_matrix, *, labels: Sequence[str] | None = None, ax=None,
               orientation: str = "left", color_threshold: float | None = None,
               title: str | None = None, xlabel: str = "distance"):
    """A hierarchical clustering tree (scipy) with Arabic-safe leaf labels.

    Args:
        linkage_matrix: the ``(n - 1, 4)`` array from ``scipy.cluster.hierarchy.linkage``.
        labels: one label per leaf (n of them), e.g. doc ids or ``Arabic · gloss`` labels.
        ax: the Axes to draw on; a new figure when None.
        orientation: where the root is: ``"left"`` (labels on the right, readable),
            ``"right"``, ``"top"`` or ``"bottom"``.
        color_threshold: distance below which subtrees share a colour (scipy's default when
            None).
        title: Axes title.
        xlabel: label of the distance axis.

    Returns:
        The Axes.

    References:
        Virtanen, P. et al. (2020). SciPy 1.0. Nature Methods 17, 261-272.

    >>> import numpy as np
    >>> Z = np.array([[0, 1, 0.5, 2], [2, 3, 0.9, 3]])
    >>> dendrogram(Z, labels=["000", "001", "002"]).get_xlabel()
    'distance'
    """
    import numpy as np
    from scipy.cluster import hierarchy

    Z = np.asarray(linkage_matrix, dtype=float)
    if Z.ndim != 2 or Z.shape[1] != 4:
        raise ValueError(f"linkage_matrix has shape {Z.shape!r}; expected (n - 1, 4) from "
                         "scipy.cluster.hierarchy.linkage")
    if orientation not in {"left", "right", "top", "bottom"}:
        raise ValueError(f"orientation = {orientation!r} is invalid; use left, right, top or bottom")
    n = Z.shape[0] + 1
    if labels is not None:
        labels = [label(str(v)) for v in labels]
        if len(labels) != n:
            raise ValueError(f"labels has {len(labels)} items; the tree has {n} leaves")
    ax = _axes(ax, figsize=(5.5, 0.8 + 0.3 * n) if orientation in {"left", "right"} else (0.8 + 0.4 * n, 4.0))
    hierarchy.dendrogram(Z, labels=labels, ax=ax, orientation=orientation,
                         color_threshold=color_threshold, leaf_font_size=None)
    if orientation in {"left", "right"}:
        ax.set_xlabel(xlabel)
    else:
        ax.set_ylabel(xlabel)
    if title:
        ax.set_title(title)
    return ax


# --------------------------------------------------------------------------- networks


def _union_graph(graphs, weight: str):
    import networkx as nx

    union = nx.Graph()
    nodes = set()
    edges: dict[tuple, float] = {}
    for g in graphs:
        nodes.update(g.nodes)
        for u, v, data in g.edges(data=True):
            key = tuple(sorted((u, v), key=str))
            edges[key] = edges.get(key, 0.0) + float(data.get(weight, 1.0))
    union.add_nodes_from(sorted(nodes, key=str))
    for (u, v) in sorted(edges, key=lambda e: (str(e[0]), str(e[1]))):
        union.add_edge(u, v, **{weight: edges[(u, v)]})
    return union


def shared_layout(graphs, *, seed: int = RANDOM_STATE, weight: str = "weight",
                  k: float | None = None) -> dict[Any, tuple[float, float]]:
    """One set of node positions for several graphs, so two era networks line up.

    The graphs are merged (edge weights summed), the merged graph is laid out with a
    seeded spring layout, and every node of every graph gets its position from it: a node
    sits in the same place in each era's figure.

    Args:
        graphs: networkx graphs (e.g. one co-occurrence network per era), or one graph.
        seed: random seed of the layout (default ``corpus_utils.RANDOM_STATE``).
        weight: edge attribute used as attraction.
        k: optimal node distance for the spring layout (networkx default when None).

    Returns:
        node -> ``(x, y)``.

    References:
        Fruchterman, T. M. J., Reingold, E. M. (1991). Graph drawing by force-directed
        placement. Software: Practice and Experience 21(11), 1129-1164.

    >>> import networkx as nx
    >>> pos = shared_layout([nx.path_graph(3), nx.path_graph([1, 2, 3])])
    >>> sorted(pos)
    [0, 1, 2, 3]
    """
    import networkx as nx

    if isinstance(graphs, nx.Graph):
        graphs = [graphs]
    graphs = list(graphs)
    if not all(isinstance(g, nx.Graph) for g in graphs):
        raise ValueError(f"graphs = {graphs!r} is invalid; expected networkx graphs")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed = {seed!r} is invalid; use an integer")
    union = _union_graph(graphs, weight)
    if union.number_of_nodes() == 0:
        return {}
    if union.number_of_nodes() == 1:
        return {next(iter(union.nodes)): (0.0, 0.0)}
    pos = nx.spring_layout(union, seed=seed, weight=weight, k=k, method="force")
    return {node: (round(float(xy[0]), 10), round(float(xy[1]), 10)) for node, xy in pos.items()}


def network(graph, *, pos: Mapping[Any, Sequence[float]] | None = None, ax=None,
            size_attr: str = "mentions", weight_attr: str = "weight",
            label_ar: str = "label_ar", label_en: str = "label_en",
            color_attr: str | None = None, node_size: tuple[float, float] = (150.0, 1500.0),
            edge_width: tuple[float, float] = (0.5, 6.0), seed: int = RANDOM_STATE,
            title: str | None = None, english_only: bool | None = None):
    """Draw a network: node size from ``mentions``, edge width from ``weight``, bilingual labels.

    Args:
        graph: a networkx graph; nodes may carry ``mentions`` (count), ``label_ar``,
            ``label_en`` and a colour attribute; edges carry ``weight``.
        pos: node -> (x, y), e.g. from :func:`shared_layout` so two graphs line up;
            default a seeded spring layout of this graph.
        ax: the Axes to draw on; a new figure when None.
        size_attr: node attribute giving the node's size (area grows linearly with it).
        weight_attr: edge attribute giving the edge's width (linear in the weight).
        label_ar, label_en: node attributes with the Arabic label and the English gloss;
            the node itself is used when the Arabic label is missing. Labels read
            ``label_ar · label_en`` (see :func:`label`).
        color_attr: node attribute whose values pick the colour (e.g. actor ``kind``).
        node_size: smallest and largest marker area (points²).
        edge_width: thinnest and widest edge (points).
        seed: layout seed when ``pos`` is None.
        title: Axes title.
        english_only: see :func:`label`.

    Returns:
        The Axes (axis lines hidden).

    >>> import networkx as nx
    >>> g = nx.Graph(); g.add_node("a", mentions=3, label_ar="خوجة", label_en="Khoja")
    >>> g.add_edge("a", "b", weight=2)
    >>> [t.get_text() for t in network(g).texts]
    ['خوجة · Khoja', 'b']
    """
    import networkx as nx

    if not isinstance(graph, nx.Graph):
        raise ValueError(f"graph = {graph!r} is invalid; expected a networkx graph")
    nodes = sorted(graph.nodes, key=str)
    if pos is None:
        pos = shared_layout([graph], seed=seed, weight=weight_attr)
    missing = [n for n in nodes if n not in pos]
    if missing:
        raise ValueError(f"pos has no position for node(s) {missing[:5]!r}")
    ax = _axes(ax, figsize=(7.0, 6.0))

    def scale(values: list[float], lo: float, hi: float) -> list[float]:
        if not values:
            return []
        vmin, vmax = min(values), max(values)
        if vmax == vmin:
            return [(lo + hi) / 2] * len(values)
        return [lo + (hi - lo) * (v - vmin) / (vmax - vmin) for v in values]

    edges = sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
    widths = scale([float(d.get(weight_attr, 1.0)) for _, _, d in edges], *edge_width)
    for (u, v, _), w in zip(edges, widths):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        ax.plot([x0, x1], [y0, y1], color="0.6", linewidth=w, alpha=0.7, zorder=1,
                solid_capstyle="round")
    sizes = scale([float(graph.nodes[n].get(size_attr, 1.0)) for n in nodes], *node_size)
    if color_attr:
        cats = _sorted_categories(graph.nodes[n].get(color_attr) for n in nodes)
        colour = {c: f"C{i % 10}" for i, c in enumerate(cats)}
        colours = [colour.get(graph.nodes[n].get(color_attr), "0.5") for n in nodes]
    else:
        colours = ["C0"] * len(nodes)
    if nodes:
        ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=sizes, c=colours,
                   edgecolors="white", linewidths=1.0, zorder=2)
    for n, area in zip(nodes, sizes):
        data = graph.nodes[n]
        ar = data.get(label_ar)
        text = label(str(n if _is_missing(ar) else ar), data.get(label_en), english_only=english_only)
        # just above the marker: its radius in points is sqrt(area) / 2
        ax.annotate(text, pos[n], textcoords="offset points", xytext=(0, math.sqrt(area) / 2 + 2),
                    ha="center", va="bottom", fontsize="small", zorder=3)
    if color_attr and nodes:
        from matplotlib.lines import Line2D

        ax.legend(handles=[Line2D([], [], linestyle="", marker="o", color=colour[c], label=str(c))
                           for c in cats], loc="best", fontsize="small")
    ax.set_axis_off()
    ax.margins(x=0.22, y=0.12)  # room for the labels of the outermost nodes
    if title:
        ax.set_title(title)
    return ax
