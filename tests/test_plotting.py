"""Figures with Arabic: labels, shaping and order, determinism, and every plot function.

Rendering checks use the Agg backend only. matplotlib >= 3.11 shapes Arabic itself, so the
tests measure what it draws: joined letters (a rendered ``ببب`` is much narrower than three
``ب``) and right-to-left order (where the ink of each letter lands).
"""

from __future__ import annotations

import ast
import io
import os
import re
import unicodedata
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from corpus_utils import RANDOM_STATE, plotting  # noqa: E402

PRESENTATION_RE = re.compile("[\uFB50-\uFDFF\uFE70-\uFEFE]")
ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)]
# presentation forms that are shaped letters (they have a compatibility decomposition)
SHAPED_FORMS = [chr(c) for c in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFEFF)]
                if unicodedata.normalize("NFKC", chr(c)) != chr(c)
                and not PRESENTATION_RE.search(unicodedata.normalize("NFKC", chr(c)))]


@pytest.fixture(autouse=True)
def _clean_state(monkeypatch):
    """Every test starts from matplotlib's defaults plus setup(), and closes its figures."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with matplotlib.rc_context():
        monkeypatch.setitem(plotting._state, "english_only", False)
        yield
        plt.close("all")


def all_texts(ax) -> list[str]:
    """Every text drawn in the Axes' figure (titles, ticks, annotations, legends)."""
    return [t.get_text() for t in ax.figure.findobj(Text) if t.get_text()]


# --------------------------------------------------------------------------- label


@pytest.mark.parametrize(
    ("term", "gloss", "english_only", "expected"),
    [
        ("ائتلاف", "coalition", False, "ائتلاف · coalition"),
        ("كيري", "Kerry", False, "كيري · Kerry"),
        ("خوجة", None, False, "خوجة"),
        ("خوجة", "", False, "خوجة"),
        ("خوجة", float("nan"), False, "خوجة"),
        ("خوجة", pd.NA, False, "خوجة"),
        ("خوجة", "Khoja", True, "Khoja"),
        ("خوجة", None, True, "خوجة"),  # slide mode without a gloss: the Arabic rather than nothing
        (" نظام ", " regime ", False, "نظام · regime"),
        ("ﻛﻴﺮﻱ", "Kerry", False, "كيري · Kerry"),  # presentation forms back to letters
        ("\uFEFB", None, False, "لا"),  # lam-alef ligature -> two letters
        ("\uFEF7", None, False, "لأ"),  # lam-alef with hamza above
    ],
)
def test_label(term, gloss, english_only, expected):
    assert plotting.label(term, gloss, english_only=english_only) == expected


@pytest.mark.parametrize("bad", ["", "   ", None, 3, float("nan")])
def test_label_rejects_missing_term(bad):
    with pytest.raises(ValueError, match="term"):
        plotting.label(bad, "x")


def test_label_rejects_bad_mode():
    with pytest.raises(ValueError, match="english_only = 'yes'"):
        plotting.label("كيري", "Kerry", english_only="yes")


def test_setup_english_only_sets_the_default_mode():
    plotting.setup(english_only=True)
    assert plotting.label("كيري", "Kerry") == "Kerry"
    assert plotting.label("كيري", "Kerry", english_only=False) == "كيري · Kerry"
    plotting.setup()
    assert plotting.label("كيري", "Kerry") == "كيري · Kerry"


@settings(max_examples=200, deadline=None)
@given(term=st.text(alphabet=st.sampled_from(ARABIC_LETTERS + SHAPED_FORMS + [" "]), min_size=1)
       .filter(lambda s: s.strip()),
       gloss=st.one_of(st.none(), st.text(alphabet="abc ·", max_size=8)))
def test_label_never_contains_presentation_forms(term, gloss):
    out = plotting.label(term, gloss)
    assert not PRESENTATION_RE.search(out)
    # no letter is lost: the label's Arabic is the term with its forms decomposed (NFKC)
    arabic = unicodedata.normalize("NFKC", term).strip()
    assert out == arabic if not (gloss or "").strip() else out.startswith(arabic + plotting.SEPARATOR)


# --------------------------------------------------------------------------- setup


@pytest.mark.parametrize(
    ("installed", "expected"),
    [
        ({"DejaVu Sans"}, ["DejaVu Sans"]),
        ({"DejaVu Sans", "Amiri"}, ["Amiri", "DejaVu Sans"]),
        ({"DejaVu Sans", "Amiri", "Noto Naskh Arabic"}, ["Noto Naskh Arabic", "DejaVu Sans"]),
        ({"Noto Sans Arabic", "DejaVu Sans"}, ["DejaVu Sans"]),  # no Latin glyphs: not preferred
        (set(), ["DejaVu Sans"]),
    ],
)
def test_font_families(installed, expected):
    assert plotting.font_families(installed) == expected


@pytest.mark.parametrize(("version", "ok"), [("3.11.2", True), ("3.11.0rc1", True), ("3.12.0", True),
                                             ("4.0.1", True), ("3.10.8", False), ("2.2.5", False)])
def test_check_matplotlib_version(version, ok):
    if ok:
        assert plotting.check_matplotlib_version(version) >= (3, 11)
    else:
        with pytest.raises(RuntimeError, match=r"matplotlib >= 3\.11.*reshaper"):
            plotting.check_matplotlib_version(version)


def test_check_matplotlib_version_rejects_garbage():
    with pytest.raises(ValueError, match="version = 'latest'"):
        plotting.check_matplotlib_version("latest")


def test_setup_checks_the_installed_version(monkeypatch):
    monkeypatch.setattr(matplotlib, "__version__", "3.10.3")
    with pytest.raises(RuntimeError, match="3.10.3"):
        plotting.setup()


def test_setup_sets_fonts_and_deterministic_svg(capsys):
    families = plotting.setup()
    assert families[-1] == "DejaVu Sans"
    assert list(matplotlib.rcParams["font.family"]) == families
    assert matplotlib.rcParams["svg.hashsalt"] == plotting.SVG_HASHSALT
    assert os.environ["SOURCE_DATE_EPOCH"] == "0"
    assert capsys.readouterr() == ("", "")  # the font choice is not printed


@pytest.mark.parametrize("bad", [{"english_only": 1}, {"font_size": 0}, {"font_size": "big"}])
def test_setup_rejects_bad_arguments(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        plotting.setup(**bad)


# --------------------------------------------------------------------------- rendering


def _text_width(s: str, size: float = 40) -> float:
    fig = plt.figure()
    renderer = fig.canvas.get_renderer()
    w, _, _ = renderer.get_text_width_height_descent(s, FontProperties(family="DejaVu Sans", size=size),
                                                     ismath=False)
    plt.close(fig)
    return w


def test_joined_letters_are_narrower_than_separate_ones():
    one, three = _text_width("ب"), _text_width("ببب")
    assert three < 0.75 * 3 * one, (one, three)
    # control: Latin letters do not join, so three of them take about three widths
    assert _text_width("lll") == pytest.approx(3 * _text_width("l"), rel=0.1)


def _ink(word: str) -> np.ndarray:
    """Boolean ink mask of ``word`` rendered large, black on white, with Agg."""
    fig = plt.figure(figsize=(3, 2), dpi=100)
    fig.text(0.5, 0.5, word, fontsize=60, ha="center", va="center", family="DejaVu Sans")
    fig.canvas.draw()
    grey = np.asarray(fig.canvas.buffer_rgba())[..., :3].mean(axis=2)
    plt.close(fig)
    return grey < 128


def _alef_side(word: str) -> str:
    """Which side of the word's ink the alef (the only tall letter) lands on."""
    mask = _ink(word)
    rows, cols = np.where(mask.any(axis=1))[0], np.where(mask.any(axis=0))[0]
    top, height = rows.min(), rows.max() - rows.min()
    band = mask[top: top + int(0.25 * height) + 1]  # only the alef reaches the top quarter
    alef_x = np.where(band.any(axis=0))[0].mean()
    return "right" if alef_x > (cols.min() + cols.max()) / 2 else "left"


@pytest.mark.parametrize(("word", "side"), [
    ("اب", "right"),  # alef first in reading order -> rightmost
    ("با", "left"),   # alef last -> leftmost
    ("ان", "right"),
    ("نا", "left"),
    ("اد", "right"),  # dal does not join: two separate glyphs, still right to left
    ("دا", "left"),
])
def test_rendered_word_runs_right_to_left(word, side):
    assert _alef_side(word) == side


def test_glyph_order_runs_right_to_left_in_matplotlib_layout():
    """matplotlib's own text layout (libraqm): glyphs come out left to right on the page,
    so a right-to-left word lists its letters last-first, at increasing x."""
    helpers = pytest.importorskip("matplotlib._text_helpers")
    from matplotlib.font_manager import findfont, get_font

    font = get_font(findfont(FontProperties(family="DejaVu Sans")))
    font.set_size(40, 72)
    for word in ["سورية", "حلب", "خوجة", "بيان"]:
        items = list(helpers.layout(word, font))
        assert [it.char for it in items] == list(reversed(word)), word
        xs = [it.x for it in items]
        assert xs == sorted(xs) and len(set(xs)) == len(xs), word
    latin = list(helpers.layout("Kerry", font))
    assert [it.char for it in latin] == list("Kerry")


# --------------------------------------------------------------------------- data for plots


@pytest.fixture
def terms_df():
    return pd.DataFrame({
        "term": ["نظام", "ائتلاف", "سوري", "خوجة", "كيري", "مبادرة"],
        "n": [24, 32, 26, 11, 6, 7],
        "gloss": ["regime", "coalition", "Syrian", "Khoja", "Kerry", ""],
    })


@pytest.fixture
def keyness_df():
    return pd.DataFrame({
        "term": ["خوجة", "كيري", "حلب", "مصطفي", "جيفري", "بروكسل", "سوري"],
        "log_ratio": [-3.0, -2.2, -1.5, 3.1, 2.4, 1.2, 0.0],
        "gloss": ["Khoja", "Kerry", "Aleppo", "Mustafa", "Jeffrey", "Brussels", "Syrian"],
    })


@pytest.fixture
def era_graphs():
    def graph(edges, mentions):
        g = nx.Graph()
        for node, m in mentions.items():
            g.add_node(node, mentions=m, label_ar=AR[node], label_en=EN[node])
        for u, v, w in edges:
            g.add_edge(u, v, weight=w)
        return g

    AR = {"khoja": "خوجة", "kerry": "كيري", "assad": "الأسد", "mustafa": "مصطفى", "jeffrey": "جيفري"}
    EN = {"khoja": "Khoja", "kerry": "Kerry", "assad": "Assad", "mustafa": "Mustafa", "jeffrey": "Jeffrey"}
    g1 = graph([("khoja", "kerry", 5), ("khoja", "assad", 2), ("kerry", "assad", 1)],
               {"khoja": 11, "kerry": 6, "assad": 13})
    g2 = graph([("mustafa", "jeffrey", 3), ("mustafa", "assad", 4)],
               {"mustafa": 8, "jeffrey": 2, "assad": 9})
    return g1, g2


def _ytick_labels(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


# --------------------------------------------------------------------------- plot functions


def test_bar_terms_orders_and_labels(terms_df):
    ax = plotting.bar_terms(terms_df, term_col="term", value_col="n", gloss_col="gloss", top=4)
    assert len(ax.patches) == 4
    ticks = sorted(zip(ax.get_yticks(), _ytick_labels(ax)), reverse=True)
    assert [t for _, t in ticks] == ["ائتلاف · coalition", "سوري · Syrian", "نظام · regime", "خوجة · Khoja"]
    widths = sorted(((p.get_y(), p.get_width()) for p in ax.patches), reverse=True)
    assert [w for _, w in widths] == [32, 26, 24, 11]
    assert ax.get_xlabel() == "n"


def test_bar_terms_without_gloss_and_english_only(terms_df):
    ax = plotting.bar_terms(terms_df, value_col="n", top=None)
    assert "مبادرة" in _ytick_labels(ax) and len(ax.patches) == 6
    ax = plotting.bar_terms(terms_df, value_col="n", gloss_col="gloss", english_only=True)
    assert set(_ytick_labels(ax)) == {"regime", "coalition", "Syrian", "Khoja", "Kerry", "مبادرة"}


def test_bar_terms_draws_on_the_given_axes(terms_df):
    fig, (a, b) = plt.subplots(1, 2)
    assert plotting.bar_terms(terms_df, value_col="n", ax=b) is b
    assert len(a.patches) == 0 and len(b.patches) == 6


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"value_col": "freq"}, r"\['freq'\] not found"),
    ({"value_col": "n", "gloss_col": "english"}, r"\['english'\] not found"),
    ({"value_col": "n", "top": 0}, "top = 0 is invalid"),
])
def test_bar_terms_rejects_bad_arguments(terms_df, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plotting.bar_terms(terms_df, **kwargs)


def test_diverging_bars(keyness_df):
    ax = plotting.diverging_bars(keyness_df, value_col="log_ratio", gloss_col="gloss", top=2,
                                 sides=("khoja", "mustafa"))
    widths = [p.get_width() for p in ax.patches]
    assert sorted(widths) == [-3.0, -2.2, 2.4, 3.1]  # two per side; zero dropped
    texts = all_texts(ax)
    assert "خوجة · Khoja" in texts and "مصطفي · Mustafa" in texts
    assert "حلب · Aleppo" not in texts and "سوري · Syrian" not in texts
    assert any("khoja" in t for t in texts) and any("mustafa" in t for t in texts)
    # labels stand on the other side of zero from their bar
    for t in ax.texts:
        if t.get_text() == "خوجة · Khoja":
            assert t.get_position()[0] > 0
        if t.get_text() == "مصطفي · Mustafa":
            assert t.get_position()[0] < 0


def test_diverging_bars_rejects_bad_sides(keyness_df):
    with pytest.raises(ValueError, match="sides"):
        plotting.diverging_bars(keyness_df, sides=("a",))


def test_heatmap_labels_and_annotations():
    names = ["خوجة", "كيري", "الأسد"]
    m = pd.DataFrame([[0, 5, 2], [5, 0, 1], [2, 1, 0]], index=names, columns=names)
    ax = plotting.heatmap(m, glosses={"كيري": "Kerry"}, fmt="{:.0f}", colorbar_label="co-occurrences")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["خوجة", "كيري · Kerry", "الأسد"]
    assert _ytick_labels(ax) == ["خوجة", "كيري · Kerry", "الأسد"]
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 9 and cells.count("5") == 2
    assert len(plotting.heatmap(m, annotate=False).texts) == 0


def test_scatter_map_colours_and_markers():
    df = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0], "y": [1.0, 0.0, 1.0, 0.5, 2.0],
                       "cluster": [0, 0, 1, 1, 2], "era": ["khoja", "khoja", "khoja", "mustafa", "mustafa"],
                       "doc_id": ["000", "001", "002", "003", "004"]})
    ax = plotting.scatter_map(df, hue="cluster", style="era", label_col="doc_id")
    # one collection per (cluster, era) pair present: (0,k) (1,k) (1,m) (2,m)
    assert len(ax.collections) == 4
    assert sum(len(c.get_offsets()) for c in ax.collections) == 5
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["cluster 0", "cluster 1", "cluster 2", "khoja", "mustafa"]
    assert {"000", "004"} <= set(all_texts(ax))


def test_silhouette_curve_marks_the_best_k():
    ax = plotting.silhouette_curve(pd.DataFrame({"k": [4, 2, 3], "silhouette": [0.09, 0.11, 0.14]}))
    xs = [line.get_xdata()[0] for line in ax.lines if len(line.get_xdata()) and line.get_linestyle() == "--"]
    assert xs == [3]
    assert list(ax.get_xticks()) == [2, 3, 4]
    with pytest.raises(ValueError, match="best = 7"):
        plotting.silhouette_curve({2: 0.1, 3: 0.2}, best=7)


def test_dendrogram_labels_leaves():
    Z = np.array([[0, 1, 0.5, 2], [2, 3, 0.9, 3]])
    ax = plotting.dendrogram(Z, labels=["000", "001", "كيري"])
    assert set(_ytick_labels(ax)) == {"000", "001", "كيري"}
    with pytest.raises(ValueError, match="shape"):
        plotting.dendrogram(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="2 items; the tree has 3 leaves"):
        plotting.dendrogram(Z, labels=["a", "b"])


def test_steps_vocabulary():
    steps = pd.DataFrame({"step": ["raw", "NFKC", "dediac", "alef"], "vocabulary": [1290, 1288, 1270, 1201]})
    ax = plotting.steps_vocabulary(steps)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["raw", "NFKC", "dediac", "alef"]
    assert [t.get_text() for t in ax.texts] == ["1,290", "1,288", "1,270", "1,201"]
    assert list(ax.lines[0].get_ydata()) == [1290, 1288, 1270, 1201]
    assert len(plotting.steps_vocabulary({"a": 3, "b": 2}, kind="bar").patches) == 2
    with pytest.raises(ValueError, match="kind = 'pie'"):
        plotting.steps_vocabulary(steps, kind="pie")


def test_network_sizes_widths_and_labels(era_graphs):
    g1, _ = era_graphs
    ax = plotting.network(g1)
    nodes = sorted(g1.nodes, key=str)  # drawing order
    sizes = dict(zip(nodes, ax.collections[0].get_sizes()))
    assert sizes["assad"] > sizes["khoja"] > sizes["kerry"]  # mentions 13 > 11 > 6
    widths = {tuple(sorted((round(line.get_xdata()[0], 6), round(line.get_xdata()[1], 6)))): line.get_linewidth()
              for line in ax.lines}
    assert max(widths.values()) == pytest.approx(6.0) and min(widths.values()) == pytest.approx(0.5)
    assert {"خوجة · Khoja", "كيري · Kerry", "الأسد · Assad"} <= set(all_texts(ax))
    assert "Khoja" in all_texts(plotting.network(g1, english_only=True))


def test_shared_layout_aligns_two_graphs(era_graphs):
    g1, g2 = era_graphs
    pos = plotting.shared_layout([g1, g2])
    assert set(pos) == set(g1) | set(g2)
    assert pos == plotting.shared_layout([g1, g2], seed=RANDOM_STATE)  # deterministic
    assert pos == plotting.shared_layout([g2, g1])  # the order of the graphs does not matter
    assert pos != plotting.shared_layout([g1, g2], seed=1)
    fig, (a, b) = plt.subplots(1, 2)
    plotting.network(g1, pos=pos, ax=a)
    plotting.network(g2, pos=pos, ax=b)
    assad_a = a.collections[0].get_offsets()[sorted(g1, key=str).index("assad")]
    assad_b = b.collections[0].get_offsets()[sorted(g2, key=str).index("assad")]
    assert tuple(assad_a) == tuple(assad_b) == pos["assad"]


def test_network_rejects_incomplete_positions(era_graphs):
    g1, _ = era_graphs
    with pytest.raises(ValueError, match="no position"):
        plotting.network(g1, pos={"khoja": (0, 0)})
    with pytest.raises(ValueError, match="seed = 'x'"):
        plotting.shared_layout([g1], seed="x")


# --------------------------------------------------------------------------- all figures


def _every_figure(terms_df, keyness_df, era_graphs):
    names = ["خوجة", "كيري"]
    g1, g2 = era_graphs
    yield plotting.bar_terms(terms_df, value_col="n", gloss_col="gloss")
    yield plotting.diverging_bars(keyness_df, gloss_col="gloss")
    yield plotting.heatmap(pd.DataFrame([[1, 2], [3, 4]], index=names, columns=names))
    yield plotting.scatter_map(pd.DataFrame({"x": [0, 1], "y": [1, 0], "cluster": [0, 1],
                                             "era": ["khoja", "mustafa"], "term": ["ﻛﻴﺮﻱ", "خوجة"]}),
                               label_col="term")
    yield plotting.silhouette_curve({2: 0.1, 3: 0.2})
    yield plotting.dendrogram(np.array([[0, 1, 0.5, 2]]), labels=["ﺧﻮﺟﺔ", "كيري"])
    yield plotting.network(g1, pos=plotting.shared_layout([g1, g2]))
    yield plotting.steps_vocabulary({"raw": 10, "NFKC": 9})


def test_no_figure_text_contains_presentation_forms(terms_df, keyness_df, era_graphs):
    plotting.setup()
    for ax in _every_figure(terms_df, keyness_df, era_graphs):
        ax.figure.canvas.draw()
        texts = all_texts(ax)
        assert texts
        assert not [t for t in texts if PRESENTATION_RE.search(t)]


def test_plot_functions_print_nothing(terms_df, keyness_df, era_graphs, capsys):
    plotting.setup()
    for ax in _every_figure(terms_df, keyness_df, era_graphs):
        assert ax.figure is not None
    assert capsys.readouterr() == ("", "")


def test_module_never_shows_prints_or_reshapes():
    tree = ast.parse(Path(plotting.__file__).read_text(encoding="utf-8"))
    called = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
              for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert not {"print", "show", "get_display", "reshape"} & called
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names} | {node.module for node in ast.walk(tree)
                                            if isinstance(node, ast.ImportFrom) and node.module}
    assert not {"arabic_reshaper", "bidi", "bidi.algorithm"} & imported


def _render(fmt: str, terms_df, era_graphs) -> bytes:
    plotting.setup()
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3))
    plotting.bar_terms(terms_df, value_col="n", gloss_col="gloss", ax=a)
    plotting.network(era_graphs[0], ax=b)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt)
    plt.close(fig)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_figures_are_deterministic(fmt, terms_df, era_graphs):
    first, second = _render(fmt, terms_df, era_graphs), _render(fmt, terms_df, era_graphs)
    assert first == second
    if fmt == "svg":
        text = first.decode("utf-8")
        assert "<dc:date>1970-01-01" in text  # SOURCE_DATE_EPOCH=0, not today's date
        assert not PRESENTATION_RE.search(text)


def test_setup_leaves_the_layout_engine_alone():
    """Notebook code may call tight_layout on its own figures without a warning."""
    import warnings

    plotting.setup()
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.tight_layout()


def test_notebook_figures_store_their_titles_not_a_figure_repr():
    """In IPython, setup() makes a figure's text/plain output its titles, so saved notebooks
    hold no ``<Figure size ...>`` repr."""
    import matplotlib.pyplot as plt
    from IPython.core.interactiveshell import InteractiveShell

    from corpus_utils import plotting

    shell = InteractiveShell.instance()
    try:
        plotting.setup()
        fig, ax = plt.subplots()
        ax.set_title("الائتلاف · coalition")
        data, _ = shell.display_formatter.format(fig)
        assert data["text/plain"] == "[figure: الائتلاف · coalition]"
        assert "Figure size" not in data["text/plain"]
        plt.close(fig)
    finally:
        InteractiveShell.clear_instance()
