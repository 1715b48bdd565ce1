"""Actor co-occurrence: each measure by hand, graphs, centrality, GEXF with Arabic labels."""

from __future__ import annotations

import io
import itertools
import math
import os
import sys
import types

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import cli
from corpus_utils.cooccurrence import (AGREEMENT_COLUMNS, CENTRALITY_COLUMNS, EDGE_COLUMNS,
                                       LEAVE_ONE_OUT_COLUMNS, MEASURE_TABLE_COLUMNS,
                                       UNIT_COMPARISON_COLUMNS, measure_table,
                                       actor_labels, centrality_table, compare_units,
                                       cooccurrence, edge_agreement, graphs, leave_one_out, pmi,
                                       shared_layout, short_label, without_types, write_gexf)

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
    {"id": "A", "name": "John Kerry", "code": "USAGOV", "type": "person",
     "aliases": ["جون كيري", "كيري"]},
    {"id": "B", "name": "Khaled Khoja", "code": "SYROPP", "type": "person", "aliases": ["خالد خوجة"]},
    {"id": "C", "name": "Bashar al-Assad", "code": "SYRGOV", "type": "person",
     "aliases": ["بشار {|الأسد}"]},
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


# --------------------------------------------------------------------------- PMI by hand


@pytest.mark.parametrize("n_ab, n_a, n_b, n, expected_pmi, expected_npmi", [
    # a pair seen once, each actor once, in 20 units: the largest PMI possible, NPMI 1
    (1, 1, 1, 20, math.log(20), 1.0),
    # p_ab = .3, p_a = .5, p_b = .4 (A-B of the toy era k)
    (3, 5, 4, 10, math.log(1.5), math.log(1.5) / -math.log(0.3)),
    # independence: p_ab = p_a p_b = .2
    (2, 5, 4, 10, 0.0, 0.0),
    # never together: -inf and -1 by definition
    (0, 3, 4, 10, -math.inf, -1.0),
    # together in every unit: PMI 0, NPMI 1
    (6, 6, 6, 6, 0.0, 1.0),
    # Kerry and Khoja in the Khoja era: 3 of 20 paragraphs, n = 4 and 12
    (3, 4, 12, 20, math.log(1.25), math.log(1.25) / -math.log(0.15)),
])
def test_pmi_by_hand(n_ab, n_a, n_b, n, expected_pmi, expected_npmi):
    assert pmi(n_ab, n_a, n_b, n) == pytest.approx(expected_pmi, abs=1e-12)
    assert pmi(n_ab, n_a, n_b, n, normalized=True) == pytest.approx(expected_npmi, abs=1e-12)
    assert isinstance(pmi(n_ab, n_a, n_b, n), float)


def test_pmi_on_arrays_matches_scalars():
    import numpy as np

    got = pmi(np.array([1, 3, 2]), np.array([1, 5, 5]), np.array([1, 4, 4]), 10, normalized=True)
    assert isinstance(got, np.ndarray)
    assert got.tolist() == pytest.approx([pmi(1, 1, 1, 10, normalized=True),
                                          pmi(3, 5, 4, 10, normalized=True), 0.0])


@pytest.mark.parametrize("args", [(2, 1, 3, 10), (1, 11, 1, 10), (1, 1, 1, 0), (-1, 2, 2, 10),
                                  (1, 6, 6, 10)])
def test_pmi_rejects_counts_no_table_can_give(args):
    with pytest.raises(ValueError, match=r"n_ab = .* invalid"):
        pmi(*args)


def test_pmi_error_names_the_first_bad_position():
    import numpy as np

    with pytest.raises(ValueError, match=r"n_ab = 3, n_a = 2, n_b = 4, n = 10 \(at position 1\) are invalid"):
        pmi(np.array([1, 3, 5]), np.array([1, 2, 5]), 4, 10)


@st.composite
def contingency(draw):
    """(n, n_a, n_b, n_ab) that one table of n units can give, with n_ab >= 1."""
    n = draw(st.integers(1, 60))
    n_a, n_b = draw(st.integers(1, n)), draw(st.integers(1, n))
    return n, n_a, n_b, draw(st.integers(max(1, n_a + n_b - n), min(n_a, n_b)))


@settings(max_examples=60, deadline=None)
@given(contingency())
def test_pmi_laws(case):
    n, n_a, n_b, n_ab = case
    value = pmi(n_ab, n_a, n_b, n)
    # symmetric; bounded by log(n / max(n_a, n_b)), and so by log n, which only a pair seen
    # once, each actor once, reaches: the rare pair has the largest PMI of all
    assert value == pytest.approx(pmi(n_ab, n_b, n_a, n))
    assert value <= math.log(n / max(n_a, n_b)) + 1e-12 <= math.log(n) + 1e-12
    assert pmi(1, 1, 1, n) == pytest.approx(math.log(n)) and pmi(1, 1, 1, n) >= value - 1e-12
    npmi_value = pmi(n_ab, n_a, n_b, n, normalized=True)
    assert -1 - 1e-12 <= npmi_value <= 1 + 1e-12
    if n_ab < n:
        assert npmi_value == pytest.approx(value / -math.log(n_ab / n))


def test_cooccurrence_npmi_is_pmi_normalized():
    edges = cooccurrence(MENTIONS, units=UNITS, measure="npmi", min_count=1)
    for r in edges.itertuples():
        n = edges.attrs["n_units"][r.group]
        assert r.weight == pytest.approx(pmi(r.count, r.n_a, r.n_b, n, normalized=True))


def test_measure_table_puts_every_measure_side_by_side():
    table = measure_table(MENTIONS, units=UNITS, min_count=1)
    assert list(table.columns) == MEASURE_TABLE_COLUMNS
    assert table.attrs["n_units"] == {"k": 10, "m": 2}
    rows = {(r.source, r.target, r.group): r for r in table.itertuples()}
    ab = rows[("A", "B", "k")]
    assert (ab.n_a, ab.n_b, ab.count) == (5, 4, 3)
    assert (ab.jaccard, ab.dice) == (pytest.approx(3 / 6), pytest.approx(6 / 9))
    assert ab.pmi == pytest.approx(math.log(1.5)) and ab.npmi == pytest.approx(npmi(3, 5, 4, 10))
    assert rows[("A", "C", "k")].pmi == pytest.approx(0.0)
    for measure in ("jaccard", "dice", "npmi"):
        assert {k: getattr(r, measure) for k, r in rows.items()} == pytest.approx(weights(measure))
    # sorted by group, then count descending
    assert table[["group", "count"]].values.tolist() == [["k", 3], ["k", 2], ["k", 2], ["m", 2]]
    assert measure_table(MENTIONS, units=UNITS, min_count=5).empty


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
                                  "type": "person", "mentions": 6, "label": "جون كيري · John Kerry"}
    assert k.nodes["C"]["label_ar"] == "بشار"     # "{|الأسد}": the first alternative
    assert k.edges["A", "B"]["weight"] == pytest.approx(0.5) and k.edges["A", "B"]["count"] == 3
    # an actor missing from the codebook falls back to its mention text and its id
    assert era_graphs["m"].nodes["D"]["label_ar"] == "إيران"
    assert era_graphs["m"].nodes["D"]["label_en"] == "D"
    assert era_graphs["m"].nodes["D"]["type"] == "" and era_graphs["m"].nodes["D"]["code"] == ""


def test_graphs_keep_actors_without_edges():
    edges = cooccurrence(MENTIONS, units=UNITS)          # min_count 2: A-D in m stays
    lonely = pd.concat([MENTIONS, pd.DataFrame({"doc_id": ["0"], "paragraph": [5], "sentence": [5],
                                                "actor_id": ["E"], "text": ["روسيا"]})])
    g = graphs(edges, lonely, CODEBOOK, corpus=CORPUS)["k"]
    assert "E" in g and g.degree("E") == 0 and g.nodes["E"]["mentions"] == 1


@pytest.mark.parametrize("name, width, expected", [
    ("Syrian rebel factions (armed opposition)", 28, "Syrian rebel factions"),
    ("Government of Syria (the Assad government to December 2024)", 28, "Government of Syria"),
    ("IRNA (Islamic Republic News Agency)", 28, "IRNA"),
    ("National Coalition for Syrian Revolutionary and Opposition Forces", 28,
     "National Coalition for\nSyrian Revolutionary and\nOpposition Forces"),
    ("National Coalition for Syrian Revolutionary and Opposition Forces", None,
     "National Coalition for Syrian Revolutionary and Opposition Forces"),
    ("John Kerry", 4, "John\nKerry"),
    ("Counterinsurgency", 5, "Counterinsurgency"),     # a long word stays whole
    ("(unknown)", 28, "(unknown)"),                     # nothing left: the name itself
    ("  the   Syrian  opposition (as a whole) ", 28, "the Syrian opposition"),
])
def test_short_label(name, width, expected):
    assert short_label(name, width=width) == expected


@pytest.mark.parametrize("kwargs, message", [
    ({"name": None}, r"name = None is invalid"),
    ({"name": "x", "width": 0}, r"width = 0 is invalid"),
    ({"name": "x", "width": True}, r"width = True is invalid"),
])
def test_short_label_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        short_label(**kwargs)


def test_without_types_drops_only_the_given_types():
    codebook = {"actors": CODEBOOK["actors"] + [
        {"id": "D", "name": "SANA", "type": "media", "code": "SYRMED", "aliases": ["سانا"]}]}
    m = pd.concat([MENTIONS, MENTIONS.iloc[[0]].assign(actor_id="")], ignore_index=True)
    kept = without_types(m, codebook)
    assert "D" not in set(kept["actor_id"]) and (m["actor_id"] == "D").sum() == 2
    assert len(kept) == len(m) - 2 and (kept["actor_id"] == "").sum() == 1   # unresolved stays
    assert kept.index.tolist() == list(range(len(kept)))
    persons = without_types(m, codebook, types=["person"])
    assert set(persons["actor_id"]) == {"D", ""}
    # an actor missing from the codebook has no type and stays
    assert set(without_types(m, CODEBOOK, types=["media"])["actor_id"]) == {"A", "B", "C", "D", ""}


@pytest.mark.parametrize("types", ["media", [1]])
def test_without_types_bad_types(types):
    with pytest.raises(ValueError, match=r"types = .* is invalid"):
        without_types(MENTIONS, CODEBOOK, types=types)


def test_actor_labels_read_the_bundled_codebook():
    from corpus_utils.actors import load_codebook

    labels = actor_labels(load_codebook())
    assert labels["john_kerry"] == {"label_ar": "جون كيري", "label_en": "John Kerry",
                                    "code": "USAGOV", "type": "person"}
    assert labels["sana"]["type"] == "media"
    # actors known only by group nouns are labelled with the first of them
    assert labels["syrian_opposition"]["label_ar"] == "المعارضة"
    assert all(info["label_ar"] and info["label_en"] for info in labels.values())
    with pytest.raises(ValueError, match=r"codebook = 'actors.yml' is invalid"):
        actor_labels("actors.yml")


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


def test_shared_layout_puts_isolates_on_a_ring():
    g = nx.Graph()
    g.add_edges_from([("a", "b"), ("b", "c")])
    g.add_nodes_from(["z", "y", "x", "w"])
    pos = shared_layout({"g": g})
    # isolates in id order, clockwise from the top, at radius 1.35; the core inside radius 1
    assert [pos[n] for n in ["w", "x", "y", "z"]] == [(0.0, 1.35), (1.35, 0.0), (0.0, -1.35), (-1.35, 0.0)]
    assert all(max(abs(pos[n][0]), abs(pos[n][1])) <= 1 for n in "abc")
    assert shared_layout({"g": g}, ring_radius=2.0)["w"] == (0.0, 2.0)
    spring = shared_layout({"g": g}, isolates="spring")
    assert set(spring) == set(pos) and spring != pos


@pytest.mark.parametrize("kwargs, message", [
    ({"isolates": "circle"}, r"isolates = 'circle' is invalid"),
    ({"k": 0}, r"k = 0 is invalid"),
    ({"ring_radius": -1}, r"ring_radius = -1 is invalid"),
])
def test_shared_layout_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        shared_layout({"g": nx.path_graph(3)}, **kwargs)


def test_shared_layout_does_not_depend_on_the_hash_seed():
    # a core of fewer than half the nodes: networkx subgraph views would iterate a set
    import subprocess

    script = ("import json, networkx as nx\n"
              "from corpus_utils.cooccurrence import shared_layout\n"
              "g = nx.Graph(); g.add_edges_from([('kerry', 'khoja'), ('khoja', 'assad'), ('assad', 'iran')])\n"
              "g.add_nodes_from(f'isolated_{i}' for i in range(12))\n"
              "print(json.dumps(shared_layout({'k': g}), sort_keys=True))")
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2", "3")}
    assert len(outputs) == 1


def test_actor_labels_fall_back_to_other_alias_lists():
    labels = actor_labels({"actors": [
        {"id": "opp", "name": "the opposition", "collectives": ["المعارضة {|السورية}"]},
        {"id": "usa", "name": "United States", "capitals": ["واشنطن"], "metonyms": ["البيت الأبيض"]},
        {"id": "x", "name": "X", "aliases": ["إكس"], "collectives": ["الإكسيون"]}]})
    assert {a: v["label_ar"] for a, v in labels.items()} == {"opp": "المعارضة", "usa": "البيت الأبيض",
                                                            "x": "إكس"}


@pytest.mark.parametrize("codebook", [
    CODEBOOK,
    CODEBOOK["actors"],
    {e["id"]: e for e in CODEBOOK["actors"]},
    pd.DataFrame(CODEBOOK["actors"]).rename(columns={"id": "actor_id"}),
])
def test_actor_labels_accept_codebook_shapes(codebook):
    labels = actor_labels(codebook)
    assert labels["A"] == {"label_ar": "جون كيري", "label_en": "John Kerry", "code": "USAGOV",
                           "type": "person"}


def test_write_gexf_round_trip_keeps_arabic(tmp_path, era_graphs):
    path = write_gexf(era_graphs["k"], tmp_path / "sub" / "k.gexf")
    assert "جون كيري" in path.read_text(encoding="utf-8")       # stored as text, not escaped
    back = nx.read_gexf(path)
    assert back.nodes["A"]["label_ar"] == "جون كيري"
    assert back.nodes["A"]["label"] == "جون كيري · John Kerry"
    assert back.nodes["A"]["mentions"] == 6
    assert back.edges["A", "B"]["weight"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- robustness


def edge_table(weights: dict, group: str = "g") -> pd.DataFrame:
    return pd.DataFrame({"source": [a for a, _ in weights], "target": [b for _, b in weights],
                         "group": group, "weight": list(weights.values())})


def test_edge_agreement_by_hand():
    a = edge_table({("A", "B"): 3.0, ("A", "C"): 2.0, ("B", "C"): 2.0})
    b = edge_table({("A", "B"): 3.0, ("A", "C"): 2.0, ("D", "A"): 1.0})   # D-A is pair A-D
    got = edge_agreement(a, b)
    assert list(got.columns) == AGREEMENT_COLUMNS
    row = got.iloc[0]
    assert (row["edges_a"], row["edges_b"], row["shared"], row["pairs"]) == (2 + 1, 3, 2, 4)
    assert row["jaccard"] == pytest.approx(0.5)
    # pairs AB, AC, AD, BC: a = 3, 2, 0, 2 -> ranks 4, 2.5, 1, 2.5; b = 3, 2, 1, 0 -> 4, 3, 2, 1
    assert row["spearman"] == pytest.approx(3 / math.sqrt(22.5))


def test_edge_agreement_groups_empty_sides_and_too_few_pairs():
    a = pd.concat([edge_table({("A", "B"): 1.0}, "x"), edge_table({("A", "B"): 2.0, ("A", "C"): 1.0,
                                                                   ("B", "C"): 3.0}, "y")])
    b = edge_table({("A", "B"): 5.0, ("A", "C"): 4.0, ("B", "C"): 6.0}, "y")
    got = edge_agreement(a, b).set_index("group")
    assert got.index.tolist() == ["x", "y"]
    assert got.loc["x", ["edges_a", "edges_b", "shared"]].tolist() == [1, 0, 0]
    assert got.loc["x", "jaccard"] == 0 and math.isnan(got.loc["x", "spearman"])   # one pair
    assert got.loc["y", "jaccard"] == 1 and got.loc["y", "spearman"] == pytest.approx(1.0)
    empty = edge_agreement(a.head(0), b.head(0))
    assert empty.empty and list(empty.columns) == AGREEMENT_COLUMNS
    with pytest.raises(ValueError, match="edges_b lacks the column"):
        edge_agreement(a, b.drop(columns="weight"))
    with pytest.raises(ValueError, match="fill = 'x' is invalid"):
        edge_agreement(a, b, fill="x")


# Two documents; paragraphs (lines) and sentences as corpus.paragraphs/sentences cut them:
#   0/1 = sentences 1 {minister, president} + 2 {envoy};  0/2 = s3 {minister, president};
#   0/3 = s4 {president, envoy};  1/1 = s1 {envoy} + s2 {president};  1/2 = s3 {minister}
# (sentences are numbered within each document)
# paragraph counts: minister-president 2, envoy-president 3, envoy-minister 1
# sentence counts: minister-president 2, envoy-president 1;  document: every pair 2
TOY_TEXTS = {
    "0": "التقى الوزير والرئيس في العاصمة صباح اليوم. وتحدث المبعوث عن الخطة الجديدة.\n"
         "وقال الوزير إن الرئيس سيعود غدا إلى بلاده.\nوأكد الرئيس أن المبعوث يعمل بجد منذ شهور.",
    "1": "وصل المبعوث إلى المدينة صباح الأمس مع الوفد. ثم التقى الرئيس في المساء.\n"
         "وتحدث الوزير مع الصحفيين عن نتائج الاجتماع الطويل.",
}
TOY_INCIDENCE = [("0", 1, 1, "minister"), ("0", 1, 1, "president"), ("0", 1, 2, "envoy"),
                 ("0", 2, 3, "minister"), ("0", 2, 3, "president"), ("0", 3, 4, "president"),
                 ("0", 3, 4, "envoy"), ("1", 1, 1, "envoy"), ("1", 1, 2, "president"),
                 ("1", 2, 3, "minister")]


@pytest.fixture(scope="module")
def toy_corpus():
    from corpus_utils.corpus import corpus_from_texts, paragraphs, sentences

    corpus = corpus_from_texts(TOY_TEXTS)
    assert len(paragraphs(corpus)) == 5 and len(sentences(corpus)) == 7   # as drawn above
    mentions = pd.DataFrame(TOY_INCIDENCE, columns=["doc_id", "paragraph", "sentence", "actor_id"])
    return corpus, mentions


def test_compare_units_by_hand(toy_corpus):
    corpus, mentions = toy_corpus
    got = compare_units(mentions, units=corpus, by=None)
    assert list(got.columns) == UNIT_COMPARISON_COLUMNS
    sent, doc = (got.set_index("unit").loc[u] for u in ("sentence", "document"))
    # networks at min count 2: paragraph {m-p, e-p}, sentence {m-p}, document {all three}
    assert (sent["edges"], sent["reference_edges"], sent["shared"]) == (1, 2, 1)
    assert sent["jaccard"] == pytest.approx(0.5)
    # every pair seen once or more: sentence e-m 0, e-p 1, m-p 2 against 1, 3, 2 -> ranks
    # 1, 2, 3 and 1, 3, 2: rho = 1 - 6 * 2 / (3 * 8) = 0.5
    assert sent["pairs"] == 3 and sent["spearman"] == pytest.approx(0.5)
    assert (doc["edges"], doc["reference_edges"], doc["shared"]) == (3, 2, 2)
    assert doc["jaccard"] == pytest.approx(2 / 3)
    assert math.isnan(doc["spearman"])            # every document count is 2: no ranking
    assert got["group"].tolist() == ["all", "all"]


def test_compare_units_needs_the_corpus(toy_corpus):
    _, mentions = toy_corpus
    with pytest.raises(ValueError, match="pass the corpus"):
        compare_units(mentions, units=UNITS, by=None)
    with pytest.raises(ValueError, match="unit = 'line' is invalid"):
        compare_units(mentions, units=CORPUS, others=["line"], by=None)


def test_leave_one_out_by_hand():
    # era k = documents 0 and 1: A-B lies only in document 0 (0/1, 0/2, 0/6); A-C and B-C
    # need both documents; era m = document 2 alone
    got = leave_one_out(MENTIONS, units=UNITS, measure="jaccard")
    assert list(got.columns) == LEAVE_ONE_OUT_COLUMNS
    rows = {(r.source, r.target): r for r in got.itertuples()}
    assert set(rows) == {("A", "B"), ("A", "C"), ("B", "C"), ("A", "D")}
    ab = rows[("A", "B")]
    assert (ab.runs, ab.kept, ab.dropped_by) == (2, 1, "0")
    # without document 1, era k is document 0: n_A = 4, n_B = 3, n_AB = 3 -> 3 / 4
    assert ab.weight == pytest.approx(0.5) and ab.weight_min == ab.weight_max == pytest.approx(0.75)
    for pair in (("A", "C"), ("B", "C")):
        assert (rows[pair].runs, rows[pair].kept, rows[pair].dropped_by) == (2, 0, "0, 1")
        assert math.isnan(rows[pair].weight_min)
    assert (rows[("A", "D")].runs, rows[("A", "D")].kept, rows[("A", "D")].dropped_by) == (1, 0, "2")
    pd.testing.assert_frame_equal(
        got[["source", "target", "group", "count", "weight"]],
        cooccurrence(MENTIONS, units=UNITS, measure="jaccard")[["source", "target", "group",
                                                               "count", "weight"]])


def test_leave_one_out_one_group_and_from_the_corpus(toy_corpus):
    corpus, mentions = toy_corpus
    got = leave_one_out(mentions, units=corpus, by=None, min_count=2)
    rows = {(r.source, r.target): (r.count, r.runs, r.kept, r.dropped_by) for r in got.itertuples()}
    # minister-president: 0/1, 0/2 (document 0 only); envoy-president: 0/1, 0/3, 1/1
    assert rows == {("minister", "president"): (2, 2, 1, "0"),
                    ("envoy", "president"): (3, 2, 1, "0")}
    with pytest.raises(ValueError, match="units is invalid"):
        leave_one_out(mentions, units=None, by=None)


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def fake_actors(monkeypatch):
    """The CLI plumbing on the toy data: corpus and actor finder replaced."""
    module = types.ModuleType("corpus_utils.actors")
    module.corpus_mentions = lambda corpus, **kw: MENTIONS
    module.load_codebook = lambda *a, **kw: CODEBOOK
    module.ACTOR_TYPES = ("person", "organisation", "state", "international organisation",
                          "armed group", "media")
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


def test_cli_exclude_type_bad_value(fake_actors, capsys):
    assert cli.main(["cooccurrence", "--exclude-type", "journalists"]) == 2
    err = capsys.readouterr().err
    assert "--exclude-type 'journalists' is invalid" in err and "media" in err


def test_seed_cli_exclude_type_media(capsys):
    assert cli.main(["cooccurrence", "--min-count", "1", "--by", "none"]) == 0
    every = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert cli.main(["cooccurrence", "--min-count", "1", "--by", "none",
                     "--exclude-type", "media"]) == 0
    political = pd.read_csv(io.StringIO(capsys.readouterr().out))
    media = {"sana", "irna", "elaph", "akhbar_al_aan"}
    actors = lambda t: set(t["source"]) | set(t["target"])
    assert media <= actors(every) and not media & actors(political)
    # the pairs without a media actor are the same, with the same counts
    no_media = every[~every["source"].isin(media) & ~every["target"].isin(media)]
    pd.testing.assert_frame_equal(no_media.reset_index(drop=True), political)


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
            assert data["label"] == f"{data['label_ar']} · {data['label_en']}"
    khoja = nx.read_gexf(tmp_path / "khoja.gexf")
    assert khoja.nodes["khaled_khoja"]["label_ar"] == "خالد خوجة"
    assert khoja.nodes["syrian_opposition"]["label_ar"] == "المعارضة"
    assert khoja.edges["john_kerry", "khaled_khoja"]["count"] == 3
