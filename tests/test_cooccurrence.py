"""Actor co-occurrence: each measure by hand, graphs, centrality, GEXF with Arabic labels."""

from __future__ import annotations

import io
import itertools
import math
import sys
import types

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import cli
from corpus_utils.cooccurrence import (CENTRALITY_COLUMNS, EDGE_COLUMNS, actor_labels,
                                       centrality_table, cooccurrence, graphs, shared_layout,
                                       write_gexf)

# Era "k": documents 0 (paragraphs 1-6) and 1 (paragraphs 1-4), N = 10 paragraphs, three
# of them without any actor. Era "m": document 2, two paragraphs, both with A and D.
#   0/1 A B   0/2 A B C   0/3 A   0/4 C   0/5 -   0/6 A A B
#   1/1 B C   1/2 A C     1/3 -   1/4 -
#   2/1 A D   2/2 A D
# Era k: n_A = 5, n_B = 4, n_C = 4; n_AB = 3, n_AC = 2, n_BC = 2.
INCIDENCE = [
    ("0", 1, "A"), ("0", 1, "B"), ("0", 2, "A"), ("0", 2, "B"), ("0", 2, "C"), ("0", 3, "A"),
    ("0", 4, "C"), ("0", 6, "A"), ("0", 6, "A"), ("0", 6, "B"), ("1", 1, "B"), ("1", 1, "C"),
    ("1", 2, "A"), ("1", 2, "C"), ("2", 1, "A"), ("2", 1, "D"), ("2", 2, "A"), ("2", 2, "D"),
]
NAMES = {"A": "كيري", "B": "خوجة", "C": "الأسد", "D": "إيران"}
MENTIONS = pd.DataFrame({
    "doc_id": [d for d, _, _ in INCIDENCE], "paragraph": [p for _, p, _ in INCIDENCE],
    "sentence": [p for _, p, _ in INCIDENCE],
    "actor_id": [a for _, _, a in INCIDENCE], "text": [NAMES[a] for _, _, a in INCIDENCE],
})
UNITS = pd.DataFrame({
    "doc_id": ["0"] * 6 + ["1"] * 4 + ["2"] * 2,
    "paragraph": [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 1, 2],
    "era": ["k"] * 10 + ["m"] * 2,
})
CORPUS = pd.DataFrame({"doc_id": ["0", "1", "2"], "era": ["k", "k", "m"],
                       "raw_text": ["-", "-", "-"], "text": ["-", "-", "-"]})
CODEBOOK = {"actors": [
    {"id": "A", "name": "John Kerry", "code": "USAGOV", "aliases": ["جون كيري", "كيري"]},
    {"id": "B", "name": "Khaled Khoja", "code": "SYROPP", "aliases": ["خالد خوجة"]},
    {"id": "C", "name": "Bashar al-Assad", "code": "SYRGOV", "aliases": ["بشار {|الأسد}"]},
]}


def weights(measure, **kw):
    kw.setdefault("units", UNITS)
    edges = cooccurrence(MENTIONS, measure=measure, min_count=kw.pop("min_count", 1), **kw)
    return {(r.source, r.target, r.group): r.weight for r in edges.itertuples()}


def npmi(n_ab, n_a, n_b, n):
    p_ab, p_a, p_b = n_ab / n, n_a / n, n_b / n
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


@pytest.mark.parametrize("measure, expected", [
    ("count", {("A", "B", "k"): 3, ("A", "C", "k"): 2, ("B", "C", "k"): 2, ("A", "D", "m"): 2}),
    ("jaccard", {("A", "B", "k"): 3 / 6, ("A", "C", "k"): 2 / 7, ("B", "C", "k"): 2 / 6,
                 ("A", "D", "m"): 1.0}),
    ("dice", {("A", "B", "k"): 6 / 9, ("A", "C", "k"): 4 / 9, ("B", "C", "k"): 4 / 8,
              ("A", "D", "m"): 1.0}),
    # p_AB = .3, p_A = .5, p_B = .4: log(1.5) / -log(.3); A-C is independent: 0;
    # A and D in every unit of era m: p_AD = 1, NPMI = 1 by definition
    ("npmi", {("A", "B", "k"): math.log(1.5) / -math.log(0.3), ("A", "C", "k"): 0.0,
              ("B", "C", "k"): math.log(1.25) / -math.log(0.2), ("A", "D", "m"): 1.0}),
])
def test_each_measure_on_the_hand_computed_example(measure, expected):
    got = weights(measure)
    assert got.keys() == expected.keys()
    for pair, value in expected.items():
        assert got[pair] == pytest.approx(value, abs=1e-12), pair


def test_npmi_hand_values():
    assert math.log(1.5) / -math.log(0.3) == pytest.approx(0.336773, abs=1e-6)
    assert weights("npmi")[("A", "B", "k")] == pytest.approx(npmi(3, 5, 4, 10))


def test_edge_table_columns_margins_and_order():
    edges = cooccurrence(MENTIONS, units=UNITS, min_count=1)
    assert list(edges.columns) == EDGE_COLUMNS
    assert (edges["source"] < edges["target"]).all()
    ab = edges.set_index(["source", "target"]).loc[("A", "B")]
    assert (ab["n_a"], ab["n_b"], ab["count"]) == (5, 4, 3)
    assert edges.attrs["n_units"] == {"k": 10, "m": 2}
    assert edges["group"].tolist() == ["k", "k", "k", "m"]
    assert edges["weight"].tolist()[:3] == [3.0, 2.0, 2.0]   # weight descending within group


def test_min_count_default_two_drops_single_unit_pairs():
    m = pd.concat([MENTIONS, pd.DataFrame({"doc_id": ["1"], "paragraph": [3], "sentence": [3],
                                           "actor_id": ["D"], "text": ["إيران"]}),
                   pd.DataFrame({"doc_id": ["1"], "paragraph": [3], "sentence": [3],
                                 "actor_id": ["B"], "text": ["خوجة"]})])
    pairs = set(zip(*cooccurrence(m, units=UNITS)[["source", "target"]].T.values))
    assert ("B", "D") not in pairs and ("A", "B") in pairs
    assert ("B", "D") in set(zip(*cooccurrence(m, units=UNITS, min_count=1)[["source", "target"]].T.values))


def test_n_counts_units_without_actors():
    with_empty = weights("npmi")
    without = weights("npmi", units=None, by=None)  # N = units with a mention: 7 in k + 2 in m
    assert with_empty[("A", "B", "k")] == pytest.approx(npmi(3, 5, 4, 10))
    assert without[("A", "B", "all")] == pytest.approx(npmi(3, 7, 4, 9))  # A also in 2/1, 2/2
    # jaccard and dice do not depend on N
    with_era = MENTIONS.assign(era=MENTIONS["doc_id"].map({"0": "k", "1": "k", "2": "m"}))
    for measure in ("jaccard", "dice"):
        pd.testing.assert_frame_equal(
            cooccurrence(with_era, measure=measure, units=None, min_count=1),
            cooccurrence(MENTIONS, measure=measure, units=UNITS, min_count=1))


def test_units_without_by_column_need_the_corpus():
    with pytest.raises(ValueError, match="pass units=corpus"):
        cooccurrence(MENTIONS, units=None, by="era")
    by_mentions = cooccurrence(MENTIONS.assign(era=MENTIONS["doc_id"].map({"0": "k", "1": "k", "2": "m"})),
                               units=None, min_count=1)
    assert set(by_mentions["group"]) == {"k", "m"}


@pytest.mark.parametrize("unit, expected", [
    ("document", {("A", "B", "k"): 2, ("A", "C", "k"): 2, ("B", "C", "k"): 2, ("A", "D", "m"): 1}),
    ("sentence", {("A", "B", "k"): 3, ("A", "C", "k"): 2, ("B", "C", "k"): 2, ("A", "D", "m"): 2}),
])
def test_other_units(unit, expected):
    units = UNITS.rename(columns={"paragraph": "sentence"}) if unit == "sentence" else CORPUS
    edges = cooccurrence(MENTIONS, unit=unit, units=units, min_count=1)
    assert {(r.source, r.target, r.group): r.count for r in edges.itertuples()} == expected


def test_document_unit_from_the_corpus_counts_documents():
    edges = cooccurrence(MENTIONS, unit="document", units=CORPUS, measure="npmi", min_count=1)
    assert edges.attrs["n_units"] == {"k": 2, "m": 1}


@pytest.mark.parametrize("kwargs, message", [
    ({"unit": "line"}, r"unit = 'line' is invalid"),
    ({"measure": "pmi"}, r"measure = 'pmi' is invalid"),
    ({"min_count": 0}, r"min_count = 0 is invalid"),
    ({"by": "outlet"}, r"by = 'outlet' is not a column of units"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cooccurrence(MENTIONS, units=UNITS, **kwargs)


def test_mentions_outside_the_units_are_an_error():
    with pytest.raises(ValueError, match=r"paragraph \['0', 9\], which is not in units"):
        cooccurrence(pd.concat([MENTIONS, MENTIONS.iloc[[0]].assign(paragraph=9)]), units=UNITS)


def test_unresolved_mentions_are_left_out():
    m = pd.concat([MENTIONS, MENTIONS.iloc[[0, 1]].assign(actor_id=[None, ""])])
    pd.testing.assert_frame_equal(cooccurrence(m, units=UNITS), cooccurrence(MENTIONS, units=UNITS))


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.sampled_from("ABCDE")), min_size=1, max_size=60),
       st.integers(12, 20))
def test_counts_match_brute_force_and_measures_stay_in_range(pairs, n_units):
    m = pd.DataFrame({"doc_id": "0", "paragraph": [p for p, _ in pairs],
                      "actor_id": [a for _, a in pairs]})
    units = pd.DataFrame({"doc_id": "0", "paragraph": range(1, n_units + 1)})
    sets: dict[str, set[int]] = {}
    for p, a in pairs:
        sets.setdefault(a, set()).add(p)
    tables = {ms: cooccurrence(m, units=units, by=None, measure=ms, min_count=1)
              for ms in ("count", "jaccard", "dice", "npmi")}
    expected = {(a, b): len(sets[a] & sets[b]) for a, b in itertools.combinations(sorted(sets), 2)
                if sets[a] & sets[b]}
    got = {(r.source, r.target): r.count for r in tables["count"].itertuples()}
    assert got == expected
    j, d, n = (tables[k]["weight"].to_numpy() for k in ("jaccard", "dice", "npmi"))
    assert ((0 < j) & (j <= d) & (d <= 1)).all()
    assert ((-1 - 1e-12 <= n) & (n <= 1 + 1e-12)).all()


# --------------------------------------------------------------------------- graphs


@pytest.fixture(scope="module")
def era_graphs():
    edges = cooccurrence(MENTIONS, units=UNITS, measure="jaccard", min_count=1)
    return graphs(edges, MENTIONS, CODEBOOK, corpus=CORPUS)


def test_graph_nodes_carry_labels_mentions_and_codes(era_graphs):
    k = era_graphs["k"]
    assert sorted(era_graphs) == ["k", "m"]
    assert dict(k.nodes["A"]) == {"label_ar": "جون كيري", "label_en": "John Kerry", "code": "USAGOV",
                                  "mentions": 6, "label": "جون كيري · John Kerry"}
    assert k.nodes["C"]["label_ar"] == "بشار"     # "{|الأسد}": the first alternative
    assert k.edges["A", "B"]["weight"] == pytest.approx(0.5) and k.edges["A", "B"]["count"] == 3
    # an actor missing from the codebook falls back to its mention text and its id
    assert era_graphs["m"].nodes["D"]["label_ar"] == "إيران"
    assert era_graphs["m"].nodes["D"]["label_en"] == "D"


def test_graphs_keep_actors_without_edges():
    edges = cooccurrence(MENTIONS, units=UNITS)          # min_count 2: A-D in m stays
    lonely = pd.concat([MENTIONS, pd.DataFrame({"doc_id": ["0"], "paragraph": [5], "sentence": [5],
                                                "actor_id": ["E"], "text": ["روسيا"]})])
    g = graphs(edges, lonely, CODEBOOK, corpus=CORPUS)["k"]
    assert "E" in g and g.degree("E") == 0 and g.nodes["E"]["mentions"] == 1


def test_centrality_table_by_hand():
    path = nx.Graph()
    path.add_edge("a", "b", weight=2.0)
    path.add_edge("b", "c", weight=0.5)
    path.add_node("d")
    t = centrality_table({"x": path})
    assert list(t.columns) == CENTRALITY_COLUMNS
    t = t.set_index("actor_id")
    assert t["degree"].to_dict() == {"b": 2, "a": 1, "c": 1, "d": 0}
    assert t["weighted_degree"].to_dict() == {"b": 2.5, "a": 2.0, "c": 0.5, "d": 0.0}
    # b lies on the one shortest path a-c of the 3 pairs not involving b: 1 / 3 normalised
    assert t.loc["b", "betweenness"] == pytest.approx(1 / 3)
    assert t.index.tolist() == ["b", "a", "c", "d"]


def test_centrality_table_per_group(era_graphs):
    t = centrality_table(era_graphs)
    assert t.groupby("group").size().to_dict() == {"k": 3, "m": 2}
    a = t[(t["group"] == "k") & (t["actor_id"] == "A")].iloc[0]
    assert (a["degree"], a["weighted_degree"]) == (2, pytest.approx(0.5 + 2 / 7))


def test_shared_layout_is_deterministic_and_covers_every_group(era_graphs):
    one, two = shared_layout(era_graphs), shared_layout(era_graphs)
    assert one == two and set(one) == {"A", "B", "C", "D"}
    assert shared_layout(era_graphs, random_state=1) != one


@pytest.mark.parametrize("codebook", [
    CODEBOOK,
    CODEBOOK["actors"],
    {e["id"]: e for e in CODEBOOK["actors"]},
    pd.DataFrame(CODEBOOK["actors"]).rename(columns={"id": "actor_id"}),
])
def test_actor_labels_accept_codebook_shapes(codebook):
    labels = actor_labels(codebook)
    assert labels["A"] == {"label_ar": "جون كيري", "label_en": "John Kerry", "code": "USAGOV"}


def test_write_gexf_round_trip_keeps_arabic(tmp_path, era_graphs):
    path = write_gexf(era_graphs["k"], tmp_path / "sub" / "k.gexf")
    assert "جون كيري" in path.read_text(encoding="utf-8")       # stored as text, not escaped
    back = nx.read_gexf(path)
    assert back.nodes["A"]["label_ar"] == "جون كيري"
    assert back.nodes["A"]["label"] == "جون كيري · John Kerry"
    assert back.nodes["A"]["mentions"] == 6
    assert back.edges["A", "B"]["weight"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def fake_actors(monkeypatch):
    """The CLI plumbing on the toy data: corpus and actor finder replaced."""
    module = types.ModuleType("corpus_utils.actors")
    module.corpus_mentions = lambda corpus, **kw: MENTIONS
    module.load_codebook = lambda *a, **kw: CODEBOOK
    monkeypatch.setitem(sys.modules, "corpus_utils.actors", module)
    monkeypatch.setattr(cli, "load_corpus_from_args", lambda args: CORPUS)


def test_cli_gexf_reads_back_with_arabic_labels(fake_actors, tmp_path, capsys):
    code = cli.main(["cooccurrence", "--unit", "document", "--min-count", "1", "--format", "gexf",
                     "--out-dir", str(tmp_path)])
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.gexf", "m.gexf"]
    k = nx.read_gexf(tmp_path / "k.gexf")
    assert {n: d["label_ar"] for n, d in k.nodes(data=True)} == {"A": "جون كيري", "B": "خالد خوجة",
                                                                "C": "بشار"}
    assert k.nodes["B"]["code"] == "SYROPP" and k.nodes["B"]["label_en"] == "Khaled Khoja"
    assert k.edges["A", "B"]["count"] == 2
    assert "wrote" in capsys.readouterr().err


def test_cli_csv(fake_actors, capsys):
    assert cli.main(["cooccurrence", "--unit", "document", "--measure", "dice"]) == 0
    back = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"group": str})
    assert list(back.columns) == EDGE_COLUMNS
    assert back[["source", "target", "group", "count", "weight"]].values.tolist() == [
        ["A", "B", "k", 2, 1.0], ["A", "C", "k", 2, 1.0], ["B", "C", "k", 2, 1.0]]


def test_cli_gexf_needs_out_dir(fake_actors, capsys):
    assert cli.main(["cooccurrence", "--format", "gexf"]) == 2
    assert "--out-dir" in capsys.readouterr().err


# --------------------------------------------------------------------------- the seeds


def test_seed_cli_gexf_round_trip(tmp_path):
    assert cli.main(["cooccurrence", "--format", "gexf", "--out-dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["khoja.gexf", "mustafa.gexf"]
    for path in tmp_path.iterdir():
        g = nx.read_gexf(path)
        assert g.number_of_nodes() > 0
        for _, data in g.nodes(data=True):
            assert any("\u0600" <= ch <= "\u06ff" for ch in data["label_ar"])
            assert data["label_en"] and data["mentions"] >= 1
