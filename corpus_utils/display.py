"""Safe, right-to-left HTML for notebooks: paragraphs, tables and KWIC lines.

Every piece of corpus text (and every header, label and translation) goes through
``html.escape`` before it is placed in markup, so a document that contains
``<script>alert(1)</script>`` shows those characters instead of running them. Arabic is
wrapped in ``dir="rtl"`` with an explicit ``text-align:right``: JupyterLab's CSS
left-aligns ``<p>`` even inside a right-to-left ``<div>``.

The functions return an :class:`Html` object. Jupyter displays it through
``_repr_html_``; its plain-text ``repr`` is the text without markup. Both are
deterministic (no random ids, no pandas Styler), so nbval can compare them run to run.
English shown beside Arabic is the package's own translation and is labelled so.

References:
    W3C (2016). Structural markup and right-to-left text in HTML.
    https://www.w3.org/International/questions/qa-html-dir
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: Default label in front of English translations shown beside Arabic text.
TRANSLATION_LABEL = "Translation (the package's own)"
#: Style of right-to-left blocks (JupyterLab needs the explicit text-align).
RTL_STYLE = "text-align:right"

_ARABIC_RE = re.compile("[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LINE_RE = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
_CELL = "padding:2px 6px;vertical-align:top"


class Html:
    """A piece of HTML for notebooks, with a deterministic plain-text ``repr``.

    Works wherever ``IPython.display.HTML`` does: Jupyter calls ``_repr_html_``.

    Args:
        markup: the HTML (already escaped by the functions of this module).
        text: the plain-text form shown by ``repr``.

    >>> Html("<p>a</p>", "a")._repr_html_()
    '<p>a</p>'
    """

    __slots__ = ("data", "text")

    def __init__(self, markup: str, text: str = "") -> None:
        self.data = markup
        self.text = text

    def _repr_html_(self) -> str:
        return self.data

    def __str__(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Html) and other.data == self.data

    def __hash__(self) -> int:
        return hash(self.data)


def _escape(value: Any) -> str:
    return html.escape(_cell_text(value), quote=True)


def _cell_text(value: Any, float_format: str = "{:.4g}") -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else float_format.format(value)
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def has_arabic(text: Any) -> bool:
    """Whether ``text`` contains an Arabic letter or mark.

    >>> has_arabic("كيري (Kerry)"), has_arabic("Kerry")
    (True, False)
    """
    return bool(_ARABIC_RE.search(_cell_text(text)))


def _rtl_lines(text: str) -> list[str]:
    lines = [line for line in _LINE_RE.split(text) if line.strip()]
    return lines or [""]


def rtl(text: str, *, translation: str | None = None,
        translation_label: str = TRANSLATION_LABEL) -> Html:
    """Arabic text as right-to-left paragraphs, with an English translation below it.

    Each non-empty line of ``text`` becomes one ``<p dir="rtl" style="text-align:right">``.
    The translation (when given) follows in a left-to-right paragraph, introduced by
    ``translation_label`` so a reader knows it is the package's own, not the outlet's.

    Args:
        text: Arabic (or any) text; escaped.
        translation: English translation; escaped. None or '' for none.
        translation_label: words in front of the translation; escaped.

    Returns:
        An :class:`Html` object.

    >>> rtl("قال <b>", translation="said").data.splitlines()[1]
    '<p dir="rtl" style="text-align:right">قال &lt;b&gt;</p>'
    """
    if not isinstance(text, str):
        raise ValueError(f"text = {text!r} is invalid; expected a string")
    if translation is not None and not isinstance(translation, str):
        raise ValueError(f"translation = {translation!r} is invalid; expected a string or None")
    parts = ['<div class="corpus-utils-rtl">']
    parts += [f'<p dir="rtl" style="{RTL_STYLE}">{_escape(line)}</p>' for line in _rtl_lines(text)]
    plain = text
    if translation:
        parts.append(f'<p dir="ltr" style="text-align:left"><em>{_escape(translation_label)}:</em> '
                     f"{_escape(translation)}</p>")
        plain = f"{text}\n{translation_label}: {translation}"
    parts.append("</div>")
    return Html("\n".join(parts), plain)


def _resolve_rtl_columns(df, rtl_columns: Iterable[str] | None) -> set[str]:
    if rtl_columns is None:
        return {c for c in df.columns if any(has_arabic(v) for v in df[c].tolist())}
    if isinstance(rtl_columns, str):
        rtl_columns = [rtl_columns]
    chosen = set(rtl_columns)
    unknown = sorted(chosen - set(df.columns), key=str)
    if unknown:
        raise ValueError(f"rtl_columns {unknown!r} not found; the table has {list(df.columns)!r}")
    return chosen


def html_table(df, *, rtl_columns: Iterable[str] | None = None, index: bool = False,
               max_rows: int | None = 200, float_format: str = "{:.4g}",
               caption: str | None = None) -> Html:
    """A DataFrame as a plain HTML table, every cell escaped, Arabic cells right to left.

    Deterministic: no pandas Styler, no generated ids. Numbers are right-aligned, missing
    values are empty cells.

    Args:
        df: the table.
        rtl_columns: columns to show right to left; default every column that contains
            Arabic.
        index: include the index as the first column.
        max_rows: show at most this many rows, with a note of how many were left out
            (None: all).
        float_format: format for floating-point cells.
        caption: a caption above the table; escaped.

    Returns:
        An :class:`Html` object.

    >>> import pandas as pd
    >>> "<td dir=\\"rtl\\"" in html_table(pd.DataFrame({"term": ["كيري"]})).data
    True
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"df = {type(df).__name__} is invalid; expected a pandas DataFrame")
    if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 0):
        raise ValueError(f"max_rows = {max_rows!r} is invalid; use an integer >= 0 or None")
    data = df.reset_index() if index else df
    rtl_cols = _resolve_rtl_columns(data, rtl_columns)
    shown = data if max_rows is None else data.head(max_rows)
    columns = list(data.columns)
    numeric = {c for c in columns if pd.api.types.is_numeric_dtype(data[c])
               and not pd.api.types.is_bool_dtype(data[c])}

    def th(c):
        return f'<th style="{_CELL};text-align:center">{_escape(c)}</th>'

    def td(c, v):
        text = html.escape(_cell_text(v, float_format), quote=True)
        if c in rtl_cols:
            return f'<td dir="rtl" style="{_CELL};text-align:right">{text}</td>'
        align = "right" if c in numeric else "left"
        return f'<td style="{_CELL};text-align:{align}">{text}</td>'

    out = ['<table class="corpus-utils-table" style="border-collapse:collapse">']
    if caption:
        out.append(f"<caption>{_escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(th(c) for c in columns) + "</tr></thead>")
    out.append("<tbody>")
    for row in shown.itertuples(index=False, name=None):
        out.append("<tr>" + "".join(td(c, v) for c, v in zip(columns, row)) + "</tr>")
    out.append("</tbody>")
    out.append("</table>")
    left_out = len(data) - len(shown)
    if left_out:
        out.append(f"<p><small>{left_out} more row(s) not shown</small></p>")
    plain = "\t".join(map(str, columns)) + "\n" + "\n".join(
        "\t".join(_cell_text(v, float_format) for v in row) for row in shown.itertuples(index=False, name=None))
    return Html("\n".join(out), plain)


def kwic_html(df, *, left: str = "left", match: str = "match", right: str = "right",
              meta_columns: Sequence[str] | None = None, max_rows: int | None = 200) -> Html:
    """Keyword-in-context lines as a right-to-left table, the match in ``<mark>``.

    ``left`` is the context before the match in reading order and ``right`` the context
    after it (as in the KWIC tables of :mod:`corpus_utils.keyness`). In a right-to-left
    line the text before the match stands to its right, so the table runs right to left:
    the ``left`` column is drawn on the right, aligned towards the match, and the
    ``right`` column on the left. Everything is escaped.

    Args:
        df: one row per hit with ``left``, ``match`` and ``right`` columns.
        left, match, right: the names of those columns.
        meta_columns: columns shown first (on the right), e.g. ``doc_id`` and ``line``;
            default those of ``doc_id``, ``line`` that exist.
        max_rows: show at most this many lines (None: all).

    Returns:
        An :class:`Html` object.

    >>> import pandas as pd
    >>> k = pd.DataFrame({"left": ["التقى"], "match": ["كيري"], "right": ["في"]})
    >>> "<mark>كيري</mark>" in kwic_html(k).data
    True
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"df = {type(df).__name__} is invalid; expected a pandas DataFrame")
    missing = [c for c in (left, match, right) if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing!r} not found; a KWIC table needs {[left, match, right]!r}, "
                         f"this one has {list(df.columns)!r}")
    if meta_columns is None:
        meta_columns = [c for c in ("doc_id", "line") if c in df.columns]
    else:
        meta_columns = list(meta_columns)
        unknown = [c for c in meta_columns if c not in df.columns]
        if unknown:
            raise ValueError(f"meta_columns {unknown!r} not found; the table has {list(df.columns)!r}")
    if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 0):
        raise ValueError(f"max_rows = {max_rows!r} is invalid; use an integer >= 0 or None")
    shown = df if max_rows is None else df.head(max_rows)
    out = ['<table class="corpus-utils-kwic" dir="rtl" style="border-collapse:collapse">']
    head = [*meta_columns, left, match, right]
    out.append("<thead><tr>" + "".join(f'<th style="{_CELL};text-align:center">{_escape(c)}</th>'
                                       for c in head) + "</tr></thead>")
    out.append("<tbody>")
    plain = []
    for _, row in shown.iterrows():
        cells = [f'<td dir="auto" style="{_CELL};text-align:right">{_escape(row[c])}</td>' for c in meta_columns]
        cells.append(f'<td dir="rtl" style="{_CELL};text-align:left;white-space:nowrap">{_escape(row[left])}</td>')
        cells.append(f'<td dir="rtl" style="{_CELL};text-align:center;white-space:nowrap">'
                     f"<mark>{_escape(row[match])}</mark></td>")
        cells.append(f'<td dir="rtl" style="{_CELL};text-align:right;white-space:nowrap">{_escape(row[right])}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
        plain.append(" ".join(_cell_text(row[c]) for c in meta_columns) + (" " if meta_columns else "")
                     + f"{_cell_text(row[left])} [{_cell_text(row[match])}] {_cell_text(row[right])}")
    out.append("</tbody>")
    out.append("</table>")
    left_out = len(df) - len(shown)
    if left_out:
        out.append(f"<p><small>{left_out} more line(s) not shown</small></p>")
    return Html("\n".join(out), "\n".join(plain))
