"""Who is mentioned with whom: actor co-occurrence, association measures, graphs, GEXF.

Two actors *co-occur* when both are mentioned in the same unit: a paragraph by default
(news paragraphs are short and usually about one exchange), a sentence or a whole document
as robustness checks. Each unit counts once however often the actors recur in it, so the
data are a binary incidence matrix ``X`` (units x actors, sparse) and ``X.T @ X`` holds
every pair's number of shared units on its off-diagonal and each actor's number of units
on its diagonal.

For actors ``a`` and ``b`` in a group of ``N`` units, with ``n_a``, ``n_b`` the units
mentioning each and ``n_ab`` the units mentioning both:

* ``count``   = ``n_ab``;
* ``jaccard`` = ``n_ab / (n_a + n_b - n_ab)``;
* ``dice``    = ``2 n_ab / (n_a + n_b)``;
* ``npmi``    = ``log(p_ab / (p_a p_b)) / -log(p_ab)`` with ``p = n / N`` (Bouma 2009),
  pointwise mutual information (Church & Hanks 1990) normalised to [-1, 1]; 1 when the
  two always occur together (``p_ab = 1``).

``N`` counts *every* unit of the group, including units that mention no actor: that is
why :func:`cooccurrence` takes the unit table (or the corpus, from which it builds one).
Without it, ``N`` is the number of units with at least one mention, which inflates
``p_a`` and ``p_b`` and lowers NPMI. PMI inflates rare pairs, hence ``min_count`` (default
2): a pair seen in one unit is not reported.

References:
    Bouma, G. (2009). Normalized (pointwise) mutual information in collocation extraction.
    *Proceedings of GSCL*, 31-40.
    Church, K. W. & Hanks, P. (1990). Word association norms, mutual information, and
    lexicography. *Computational Linguistics* 16(1), 22-29.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd

UNITS = ("paragraph", "sentence", "document")
MEASURES = ("count", "jaccard", "dice", "npmi")
#: Columns of :func:`cooccurrence`, in order.
EDGE_COLUMNS = ["source", "target", "group", "n_a", "n_b", "count", "weight"]
#: Columns of :func:`centrality_table`, in order.
CENTRALITY_COLUMNS = ["group", "actor_id", "label_ar", "label_en", "mentions", "degree",
                      "weighted_degree", "betweenness"]
#: Group name used when ``by=None`` (one group for the whole corpus).
ALL = "all"

#: "{a|b|}" alternatives in a codebook alias (see data/actors.yml).
_ALTERNATIVES_RE = re.compile(r"\{([^{}]*)\}")


def _unit_keys(unit: str) -> list[str]:
    if unit not in UNITS:
        raise ValueError(f"unit = {unit!r} is invalid; choose one of {', '.join(UNITS)}")
    return ["doc_id"] if unit == "document" else ["doc_id", unit]


def _is_corpus(table: "pd.DataFrame") -> bool:
    return "raw_text" in table.columns


def _unit_table(units: "pd.DataFrame", unit: str, by: str | None) -> "pd.DataFrame":
    """(doc_id[, unit], group) for every unit, from a corpus or a unit table."""
    keys = _unit_keys(unit)
    if _is_corpus(units):
        corpus = units
        if unit == "document":
            table = corpus[["doc_id"]].copy()
        else:
            from . import corpus as corpus_mod

            split = corpus_mod.paragraphs if unit == "paragraph" else corpus_mod.sentences
            table = split(corpus)[keys].drop_duplicates()
        if by is not None:
            if by not in corpus.columns:
                raise ValueError(f"by = {by!r} is not a column of the corpus; columns: "
                                 f"{', '.join(map(str, corpus.columns))}")
            groups = dict(zip(corpus["doc_id"].astype("str"), corpus[by]))
            table["group"] = table["doc_id"].astype("str").map(groups)
    else:
        missing = set(keys) - set(units.columns)
        if missing:
            raise ValueError(f"units lacks the column(s) {', '.join(sorted(missing))} needed "
                             f"for unit = {unit!r}; pass the corpus or its "
                             f"{unit}s table")
        cols = keys + ([by] if by is not None else [])
        if by is not None and by not in units.columns:
            raise ValueError(f"by = {by!r} is not a column of units; pass the corpus "
                             "instead, which carries the metadata")
        table = units[cols].drop_duplicates(subset=keys).rename(columns={by: "group"} if by else {})
    if by is None:
        table["group"] = ALL
    table = table.assign(doc_id=table["doc_id"].astype("str"))
    table = table[table["group"].notna()]
    table = table.assign(group=table["group"].astype("str"))
    return table[keys + ["group"]].reset_index(drop=True)


def cooccurrence(mentions: "pd.DataFrame", *, unit: str = "paragraph", measure: str = "count",
                 min_count: int = 2, by: str | None = "era",
                 units: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Pairs of distinct actors mentioned in the same unit, per group, with a weight.

    Args:
        mentions: actor mentions (``corpus_utils.actors.corpus_mentions``): needs
            ``doc_id``, ``actor_id`` and the unit's column (``paragraph`` or ``sentence``).
            Mentions without an ``actor_id`` (unresolved roles) or without a unit number
            (outside the cleaned text) are left out.
        unit: ``"paragraph"`` (default), ``"sentence"`` or ``"document"``.
        measure: the ``weight``: ``"count"``, ``"jaccard"``, ``"dice"`` or ``"npmi"``.
        min_count: report pairs sharing at least this many units (default 2).
        by: the grouping column (default ``"era"``), looked up in ``units`` (or in the
            corpus passed as ``units``); None for one group named ``"all"``.
        units: the corpus (documents table; its paragraphs or sentences are built with
            :mod:`corpus_utils.corpus`) or a unit table with ``doc_id``, the unit column and
            ``by``. It gives ``N``, the number of units per group *including units without
            any actor*. When None, ``N`` is the number of units with a mention and ``by``
            must be a column of ``mentions``. Units without a group value are left out.

    Returns:
        A DataFrame with columns ``source, target, group, n_a, n_b, count, weight``
        (``source < target``; ``n_a``/``n_b`` = units mentioning source/target), sorted by
        group, weight descending, source, target. ``attrs["n_units"]`` maps each group to
        its ``N``.

    References:
        Church & Hanks (1990) for PMI; Bouma (2009) for NPMI.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"doc_id": ["0", "0", "1", "1"], "paragraph": [1, 1, 1, 1],
    ...                   "actor_id": ["kerry", "khoja", "kerry", "khoja"]})
    >>> cooccurrence(m, by=None)[["source", "target", "count"]].values.tolist()
    [['kerry', 'khoja', 2]]
    """
    import numpy as np
    import pandas as pd
    from scipy import sparse

    keys = _unit_keys(unit)
    if measure not in MEASURES:
        raise ValueError(f"measure = {measure!r} is invalid; choose one of {', '.join(MEASURES)}")
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count = {min_count!r} is invalid; it must be a whole number >= 1")
    missing = ({"actor_id"} | set(keys)) - set(mentions.columns)
    if missing:
        raise ValueError(f"mentions lacks the column(s) {', '.join(sorted(missing))}")

    m = mentions[mentions["actor_id"].notna()]
    m = m[m["actor_id"].astype("str") != ""]
    m = m.assign(doc_id=m["doc_id"].astype("str"), actor_id=m["actor_id"].astype("str"))
    if units is None:
        if by is not None and by not in m.columns:
            raise ValueError(f"by = {by!r} is not a column of mentions; pass units=corpus "
                             "(which carries the metadata) or by=None")
        table = m[keys + ([by] if by else [])].drop_duplicates(subset=keys)
        table = table.rename(columns={by: "group"}) if by else table.assign(group=ALL)
        table = table[table["group"].notna()].assign(group=lambda t: t["group"].astype("str"))
        table = table.reset_index(drop=True)
    else:
        table = _unit_table(units, unit, by)
    # the unit columns must compare equal between the two tables
    for k in keys[1:]:
        table = table.astype({k: "int64"})
        m = m[m[k].notna()].astype({k: "int64"})
    uid = pd.MultiIndex.from_frame(table[keys])
    if uid.has_duplicates:
        raise ValueError(f"units has the same {unit} twice in one document; pass one row per unit")
    pos = uid.get_indexer(pd.MultiIndex.from_frame(m[keys]))
    if (pos < 0).any():
        bad = [_plain(v) for v in m[keys][pos < 0].iloc[0]]
        raise ValueError(f"a mention lies in {unit} {bad}, which is not in units; were the "
                         "mentions and the units made from the same corpus?")

    rows = []
    n_units: dict[str, int] = {}
    m = m.assign(_unit=pos, _group=table["group"].to_numpy()[pos])
    for group, g_units in table.groupby("group", sort=True):
        n = len(g_units)
        n_units[str(group)] = n
        gm = m[m["_group"] == group]
        if gm.empty:
            continue
        actors = np.asarray(sorted(gm["actor_id"].unique()), dtype=object)
        a_idx = {a: i for i, a in enumerate(actors)}
        u_idx = {u: i for i, u in enumerate(g_units.index)}
        r = np.fromiter((u_idx[u] for u in gm["_unit"]), dtype="int64", count=len(gm))
        c = np.fromiter((a_idx[a] for a in gm["actor_id"]), dtype="int64", count=len(gm))
        x = sparse.csr_matrix((np.ones(len(gm), dtype="int64"), (r, c)), shape=(n, len(actors)))
        x.sum_duplicates()
        x.data[:] = 1                      # an actor twice in a unit counts once: 0/1 incidence
        co = (x.T @ x).tocoo()
        n_a = np.asarray(x.sum(axis=0)).ravel()
        upper = (co.row < co.col) & (co.data >= min_count)
        i, j, n_ab = co.row[upper], co.col[upper], co.data[upper].astype("float64")
        na, nb = n_a[i].astype("float64"), n_a[j].astype("float64")
        if measure == "count":
            w = n_ab
        elif measure == "jaccard":
            w = n_ab / (na + nb - n_ab)
        elif measure == "dice":
            w = 2 * n_ab / (na + nb)
        else:
            p_ab, p_a, p_b = n_ab / n, na / n, nb / n
            with np.errstate(divide="ignore", invalid="ignore"):
                w = np.where(p_ab < 1, np.log(p_ab / (p_a * p_b)) / -np.log(p_ab), 1.0)
        rows.append(pd.DataFrame({
            "source": actors[i], "target": actors[j], "group": str(group),
            "n_a": n_a[i].astype("int64"), "n_b": n_a[j].astype("int64"),
            "count": n_ab.astype("int64"), "weight": w.astype("float64"),
        }))
    edges = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        {c: pd.Series(dtype="float64" if c == "weight" else "int64" if c.startswith("n_") or c == "count"
                      else "str") for c in EDGE_COLUMNS})
    edges = edges.astype({"source": "str", "target": "str", "group": "str"})
    edges = edges.sort_values(["group", "weight", "source", "target"],
                              ascending=[True, False, True, True], kind="mergesort")
    edges = edges[EDGE_COLUMNS].reset_index(drop=True)
    edges.attrs["n_units"] = n_units
    edges.attrs["unit"] = unit
    edges.attrs["measure"] = measure
    return edges


# --------------------------------------------------------------------------- graphs


def _entry_get(entry: Any, *names: str):
    for name in names:
        value = entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name, None)
        if value not in (None, "") and not (isinstance(value, float) and value != value):
            return value
    return None


def _first_form(alias: str) -> str:
    """The first spelling of a codebook alias pattern: ``"المبعوث {الأممي|الدولي}"`` ->
    ``"المبعوث الأممي"``, ``"الائتلاف {|الوطني}"`` -> ``"الائتلاف"``."""
    return " ".join(_ALTERNATIVES_RE.sub(lambda m: m.group(1).split("|")[0], alias).split())


def _entries(items) -> dict:
    if isinstance(items, Mapping):
        return {str(k): v for k, v in items.items()}
    out = {}
    for e in items:
        key = _entry_get(e, "id", "actor_id")
        if key is None:
            raise ValueError(f"codebook entry {e!r} has no 'id'")
        out[str(key)] = e
    return out


def actor_labels(codebook: Any = None) -> dict[str, dict[str, str]]:
    """actor_id -> {"label_ar", "label_en", "code"} from a codebook.

    Accepts what ``corpus_utils.actors.load_codebook()`` returns: a mapping from actor id
    to an entry (dict or object), a list of entries with an ``id``, or a DataFrame with an
    ``id``/``actor_id`` column. The Arabic label is the entry's ``label_ar``/``name_ar`` or
    its first Arabic alias; the English label its ``label_en``/``name_en``/``name``; the
    code its ``code``/``cameo``. Alias patterns with ``{a|b}`` alternatives give their first
    spelling.

    >>> actor_labels({"john_kerry": {"name_en": "John Kerry", "aliases": ["كيري"],
    ...                              "code": "USAGOV"}})["john_kerry"]["label_ar"]
    'كيري'
    """
    if codebook is None:
        return {}
    if hasattr(codebook, "to_dict") and hasattr(codebook, "columns"):
        key = "actor_id" if "actor_id" in codebook.columns else "id"
        entries = {str(r[key]): r for r in codebook.to_dict("records")}
    elif isinstance(codebook, Mapping):
        inner = codebook.get("actors") if isinstance(codebook.get("actors"), (list, Mapping)) else None
        entries = _entries(inner) if inner is not None else _entries(codebook)
    elif hasattr(codebook, "actors"):
        return actor_labels(codebook.actors)
    else:
        entries = _entries(codebook)
    out = {}
    for actor_id, e in entries.items():
        aliases = _entry_get(e, "aliases_ar", "aliases", "arabic")
        first_alias = None
        if isinstance(aliases, str):
            first_alias = aliases
        elif aliases:
            first_alias = next((a if isinstance(a, str) else _entry_get(a, "text", "alias")
                                for a in aliases), None)
        out[actor_id] = {
            "label_ar": str(_entry_get(e, "label_ar", "name_ar") or _first_form(first_alias or "")),
            "label_en": str(_entry_get(e, "label_en", "name_en", "english", "name") or ""),
            "code": str(_entry_get(e, "code", "cameo", "cameo_code") or ""),
        }
    return out



def _mention_groups(mentions: "pd.DataFrame", by: str | None,
                    corpus: "pd.DataFrame | None") -> "pd.Series":
    if by is None:
        return mentions["doc_id"].map(lambda _: ALL)
    if by in mentions.columns:
        return mentions[by].astype("str")
    if corpus is None or by not in corpus.columns:
        raise ValueError(f"by = {by!r} is not a column of mentions; pass corpus= (which "
                         "carries the metadata) or by=None")
    groups = dict(zip(corpus["doc_id"].astype("str"), corpus[by].astype("str")))
    return mentions["doc_id"].astype("str").map(groups)


def graphs(edges: "pd.DataFrame", mentions: "pd.DataFrame", codebook: Any = None, *,
           by: str | None = "era", corpus: "pd.DataFrame | None" = None) -> dict[str, "nx.Graph"]:
    """One undirected graph per group: actors as nodes, co-occurrences as edges.

    Every actor mentioned in the group is a node, including actors that co-occur with no
    one (their isolation is a finding). Node attributes: ``label_ar``, ``label_en``,
    ``code`` (from the codebook; the Arabic label falls back to the actor's most frequent
    mention text, the English one to the id), ``mentions`` (number of mentions in the
    group) and ``label`` = ``"Arabic · English"`` (what Gephi shows). Edge attributes:
    ``weight`` and ``count``.

    Args:
        edges: output of :func:`cooccurrence`.
        mentions: the mentions the edges were made from.
        codebook: actor codebook (see :func:`actor_labels`), or None.
        by: the grouping column, as given to :func:`cooccurrence`.
        corpus: documents table, needed when ``by`` is not a column of ``mentions``.

    Returns:
        group -> ``networkx.Graph`` (graph attributes ``group``, ``unit``, ``measure``),
        in sorted group order; groups with mentions but no edge are included.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"doc_id": ["0", "0"], "paragraph": [1, 1], "actor_id": ["a", "b"],
    ...                   "text": ["كيري", "خوجة"]})
    >>> g = graphs(cooccurrence(m, by=None, min_count=1), m, by=None)["all"]
    >>> g.nodes["a"]["label_ar"], g.edges["a", "b"]["weight"]
    ('كيري', 1.0)
    """
    import networkx as nx

    labels = actor_labels(codebook)
    m = mentions[mentions["actor_id"].notna()]
    m = m[m["actor_id"].astype("str") != ""]
    m = m.assign(actor_id=m["actor_id"].astype("str"), _group=_mention_groups(m, by, corpus))
    m = m[m["_group"].notna()]
    text_col = "text" if "text" in m.columns else None
    out: dict[str, nx.Graph] = {}
    groups = sorted(set(m["_group"]) | set(edges["group"].astype("str")))
    for group in groups:
        g = nx.Graph(group=group, unit=edges.attrs.get("unit", ""),
                     measure=edges.attrs.get("measure", ""))
        gm = m[m["_group"] == group]
        for actor_id, rows in gm.groupby("actor_id", sort=True):
            info = labels.get(actor_id, {})
            label_ar = info.get("label_ar") or (
                str(rows[text_col].value_counts().sort_index().idxmax()) if text_col else "")
            label_ar = label_ar or actor_id
            label_en = info.get("label_en") or actor_id.replace("_", " ")
            g.add_node(actor_id, label_ar=label_ar, label_en=label_en,
                       code=info.get("code", ""), mentions=int(len(rows)),
                       label=f"{label_ar} · {label_en}")
        for e in edges[edges["group"].astype("str") == group].itertuples(index=False):
            for node in (e.source, e.target):
                if node not in g:
                    raise ValueError(f"edge {e.source}-{e.target} in group {group!r} names "
                                     f"{node!r}, who has no mention in that group; pass the "
                                     "mentions the edges were made from")
            g.add_edge(e.source, e.target, weight=float(e.weight), count=int(e.count))
        out[group] = g
    return out


def centrality_table(graphs: Mapping[str, "nx.Graph"]) -> "pd.DataFrame":
    """Degree, weighted degree and betweenness of every actor in every group's graph.

    ``degree`` = number of co-occurring actors; ``weighted_degree`` = sum of the edge
    weights (strength); ``betweenness`` = normalised betweenness centrality on unweighted
    shortest paths (association weights are similarities, not distances, so they are not
    used as path lengths).

    Args:
        graphs: output of :func:`graphs`.

    Returns:
        Columns ``group, actor_id, label_ar, label_en, mentions, degree, weighted_degree,
        betweenness``, sorted by group, weighted degree descending, actor_id.

    >>> import networkx as nx
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> centrality_table({"all": g}).set_index("actor_id").loc["b", "betweenness"]
    np.float64(1.0)
    """
    import networkx as nx
    import pandas as pd

    rows = []
    for group, g in graphs.items():
        between = nx.betweenness_centrality(g, normalized=True)
        strength = dict(g.degree(weight="weight"))
        for node, data in g.nodes(data=True):
            rows.append({
                "group": str(group), "actor_id": str(node),
                "label_ar": data.get("label_ar", ""), "label_en": data.get("label_en", ""),
                "mentions": int(data.get("mentions", 0)), "degree": int(g.degree(node)),
                "weighted_degree": float(strength[node]), "betweenness": float(between[node]),
            })
    table = pd.DataFrame(rows, columns=CENTRALITY_COLUMNS)
    table = table.astype({"mentions": "int64", "degree": "int64",
                          "weighted_degree": "float64", "betweenness": "float64"})
    return table.sort_values(["group", "weighted_degree", "actor_id"],
                             ascending=[True, False, True], kind="mergesort").reset_index(drop=True)


def shared_layout(graphs: Mapping[str, "nx.Graph"], *,
                  random_state: int | None = None) -> dict[str, tuple[float, float]]:
    """One set of node positions for several graphs, so the groups can be compared.

    A spring layout of the union of the graphs (an edge present in any group pulls its
    actors together), seeded so it is the same on every run.

    Args:
        graphs: group -> graph (output of :func:`graphs`).
        random_state: seed of the layout; default ``corpus_utils.RANDOM_STATE``.

    Returns:
        node -> (x, y).

    >>> import networkx as nx
    >>> pos = shared_layout({"a": nx.path_graph(3), "b": nx.path_graph(4)})
    >>> sorted(pos)
    [0, 1, 2, 3]
    """
    import networkx as nx

    from . import RANDOM_STATE

    seed = RANDOM_STATE if random_state is None else random_state
    union = nx.Graph()
    for g in graphs.values():
        union.add_nodes_from(sorted(g.nodes, key=str))
        union.add_edges_from(sorted((tuple(sorted((u, v), key=str)) for u, v in g.edges),
                                    key=lambda e: (str(e[0]), str(e[1]))))
    pos = nx.spring_layout(union, seed=seed)
    return {n: (float(xy[0]), float(xy[1])) for n, xy in pos.items()}


def write_gexf(graph: "nx.Graph", path: str | Path) -> Path:
    """Write one graph as GEXF 1.2 (UTF-8), for Gephi; Arabic labels are kept as text.

    Args:
        graph: a graph from :func:`graphs` (attribute values must be str, int or float).
        path: the file to write; parent folders are created.

    Returns:
        The path written.

    >>> import networkx as nx, tempfile, pathlib
    >>> g = nx.Graph(); g.add_node("iran", label="إيران · Iran")
    >>> p = write_gexf(g, pathlib.Path(tempfile.mkdtemp()) / "x.gexf")
    >>> nx.read_gexf(p).nodes["iran"]["label"]
    'إيران · Iran'
    """
    import networkx as nx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = nx.Graph()
    clean.graph.update({k: v for k, v in graph.graph.items() if isinstance(v, (str, int, float))})
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **{k: _plain(v) for k, v in data.items()})
    for u, v, data in graph.edges(data=True):
        clean.add_edge(u, v, **{k: _plain(v) for k, v in data.items()})
    nx.write_gexf(clean, path, encoding="utf-8", prettyprint=True)
    return path


def _plain(value):
    """numpy scalars -> Python (GEXF knows str, int, float, bool)."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value
