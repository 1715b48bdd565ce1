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
``p_a`` and ``p_b`` and lowers NPMI. PMI inflates rare pairs (:func:`pmi`), hence
``min_count`` (default 2): a pair seen in one unit is not reported.

Then :func:`graphs` (one networkx graph per group, labelled ``Arabic · English``),
:func:`centrality_table`, :func:`shared_layout` and :func:`write_gexf` (for Gephi); and,
because a network from a handful of texts is a description, not an estimate, two checks
of how much it depends on choices and on single texts: :func:`compare_units` (the same
network with sentences or documents as the unit, via :func:`edge_agreement`) and
:func:`leave_one_out` (each document left out in turn). :func:`without_types` leaves out
actors of some codebook types (the media a report cites as its sources).

References:
    Bouma, G. (2009). Normalized (pointwise) mutual information in collocation extraction.
    *Proceedings of GSCL*, 31-40.
    Church, K. W. & Hanks, P. (1990). Word association norms, mutual information, and
    lexicography. *Computational Linguistics* 16(1), 22-29.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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
            table = split(corpus, with_text=False)[keys].drop_duplicates()
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


def pmi(n_ab, n_a, n_b, n, *, normalized: bool = False):
    """Pointwise mutual information of two actors over ``n`` units, or its normalised form.

    ``pmi = log(p_ab / (p_a p_b))`` with ``p = count / n`` (natural log; Church & Hanks
    1990). It compares how often two actors share a unit with how often they would by
    chance. Its maximum, ``log(n / max(n_a, n_b))``, is highest for the *rarest* actors: a
    pair seen once, each actor once, gets ``log n``, more than any frequent pair can, which
    is why PMI inflates rare pairs. ``normalized=True`` gives NPMI (Bouma 2009),
    ``pmi / -log(p_ab)`` in [-1, 1]: -1 for actors never together (``n_ab = 0``), 0 for
    independence, 1 for actors that only ever occur together (a pair seen once, each actor
    once, too: NPMI needs a minimum count just as PMI does).

    Args:
        n_ab: units mentioning both (number or array).
        n_a, n_b: units mentioning each actor.
        n: number of units (all of them, with or without an actor).
        normalized: return NPMI instead of PMI.

    Returns:
        A float, or a numpy array when any argument is an array. ``n_ab = 0`` gives
        ``-inf`` (PMI) or ``-1`` (NPMI); ``n_ab = n`` gives NPMI 1.

    Raises:
        ValueError: counts that cannot come from one table (``n_ab > min(n_a, n_b)``,
            ``max(n_a, n_b) > n``, ``n_a + n_b - n_ab > n``, negative counts, ``n < 1``).

    References:
        Church, K. W. & Hanks, P. (1990). Word association norms, mutual information, and
        lexicography. *Computational Linguistics* 16(1), 22-29.
        Bouma, G. (2009). Normalized (pointwise) mutual information in collocation
        extraction. *Proceedings of GSCL*, 31-40.

    >>> round(pmi(1, 1, 1, 20), 4), pmi(1, 1, 1, 20, normalized=True)
    (2.9957, 1.0)
    """
    import numpy as np

    scalar = all(np.ndim(v) == 0 for v in (n_ab, n_a, n_b, n))
    ab, a, b, total = np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in (n_ab, n_a, n_b, n)))
    for bad, rule in (((total < 1) | (ab < 0) | (a < 0) | (b < 0), "counts must be >= 0 and n >= 1"),
                      ((ab > np.minimum(a, b)) | (np.maximum(a, b) > total) | (a + b - ab > total),
                       "they need n_ab <= min(n_a, n_b) and n_a + n_b - n_ab <= n")):
        if bad.any():
            k = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
            where = "" if scalar else f" (at position {k[0] if len(k) == 1 else k})"
            values = ", ".join(f"{name} = {float(v[k]):g}" for name, v in
                               (("n_ab", ab), ("n_a", a), ("n_b", b), ("n", total)))
            raise ValueError(f"{values}{where} are invalid; {rule}")
    p_ab, p_a, p_b = ab / total, a / total, b / total
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log(p_ab / (p_a * p_b))
        if normalized:
            value = np.where(ab == 0, -1.0, np.where(p_ab < 1, value / -np.log(p_ab), 1.0))
        else:
            value = np.where(ab == 0, -np.inf, value)
    return float(value) if scalar else value


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

    # only the columns used here (a mentions table also carries texts, dates, files...)
    used = ["doc_id", "actor_id", *keys[1:]]
    if units is None and by is not None and by in mentions.columns and by not in used:
        used.append(by)
    m = mentions.loc[mentions["actor_id"].notna().to_numpy(), used]
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
            w = np.asarray(pmi(n_ab, na, nb, n, normalized=True), dtype="float64")
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
    from .memory import release_after

    release_after(len(table))  # the unit and mention tables of a large corpus are freed
    return edges


#: Columns of :func:`measure_table`, in order.
MEASURE_TABLE_COLUMNS = ["source", "target", "group", "n_a", "n_b", "count", "jaccard", "dice",
                         "pmi", "npmi"]


def measure_table(mentions: "pd.DataFrame", *, unit: str = "paragraph", min_count: int = 2,
                  by: str | None = "era", units: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Every association measure side by side, one row per pair: to compare the measures.

    Args:
        mentions, unit, min_count, by, units: as in :func:`cooccurrence`.

    Returns:
        Columns :data:`MEASURE_TABLE_COLUMNS`: the margins and ``count`` of
        :func:`cooccurrence`, then ``jaccard``, ``dice``, ``pmi`` (:func:`pmi`, natural log,
        not normalised: shown to see why it needs a minimum count) and ``npmi``. Sorted by
        group, count descending, source, target; ``attrs["n_units"]`` as in
        :func:`cooccurrence`.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"doc_id": ["0", "0", "1"], "paragraph": [1, 1, 1],
    ...                   "actor_id": ["kerry", "khoja", "khoja"]})
    >>> measure_table(m, by=None, min_count=1)[["count", "jaccard", "dice"]].values.tolist()
    [[1.0, 0.5, 0.6666666666666666]]
    """
    key = ["source", "target", "group"]
    counts = cooccurrence(mentions, unit=unit, measure="count", min_count=min_count, by=by,
                          units=units)
    out = counts.drop(columns="weight")
    for measure in ("jaccard", "dice", "npmi"):
        weights = cooccurrence(mentions, unit=unit, measure=measure, min_count=min_count, by=by,
                               units=units)
        out = out.merge(weights[key + ["weight"]].rename(columns={"weight": measure}),
                        on=key, how="left", validate="one_to_one")
    n = out["group"].map(counts.attrs["n_units"])
    out["pmi"] = pmi(out["count"].to_numpy(), out["n_a"].to_numpy(), out["n_b"].to_numpy(),
                     n.to_numpy()) if len(out) else out["count"].astype("float64")
    out = out.sort_values(["group", "count", "source", "target"],
                          ascending=[True, False, True, True], kind="mergesort")
    out = out[MEASURE_TABLE_COLUMNS].reset_index(drop=True)
    out.attrs["n_units"] = counts.attrs["n_units"]
    out.attrs["unit"] = unit
    return out


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


def _codebook_entries(codebook: Any) -> dict:
    """actor_id -> entry for the codebook shapes :func:`actor_labels` accepts."""
    if codebook is None:
        return {}
    if hasattr(codebook, "to_dict") and hasattr(codebook, "columns"):
        key = "actor_id" if "actor_id" in codebook.columns else "id"
        return {str(r[key]): r for r in codebook.to_dict("records")}
    if isinstance(codebook, Mapping):
        inner = codebook.get("actors") if isinstance(codebook.get("actors"), (list, Mapping)) else None
        return _entries(inner) if inner is not None else _entries(codebook)
    if hasattr(codebook, "actors"):
        return _codebook_entries(codebook.actors)
    if isinstance(codebook, (str, bytes)):
        raise ValueError(f"codebook = {codebook!r} is invalid; pass a loaded codebook "
                         "(corpus_utils.actors.load_codebook(...)), a mapping, a list or a DataFrame")
    return _entries(codebook)


def actor_labels(codebook: Any = None) -> dict[str, dict[str, str]]:
    """actor_id -> {"label_ar", "label_en", "code", "type"} from a codebook.

    Accepts what ``corpus_utils.actors.load_codebook()`` returns: a mapping from actor id
    to an entry (dict or object), a list of entries with an ``id``, or a DataFrame with an
    ``id``/``actor_id`` column. The Arabic label is the entry's ``label_ar``/``name_ar`` or
    its first Arabic alias (from ``aliases``, else ``short_aliases``, ``collectives``,
    ``metonyms`` or ``capitals``: an actor known only by a group noun, such as
    ``المعارضة`` "the opposition", is labelled with it); the English label its ``label_en``/``name_en``/``name``; the
    code its ``code``/``cameo``; the type its ``type`` (person, state, ...; ``""`` when
    missing). Alias patterns with ``{a|b}`` alternatives give their first spelling.

    >>> actor_labels({"john_kerry": {"name_en": "John Kerry", "aliases": ["كيري"],
    ...                              "code": "USAGOV"}})["john_kerry"]["label_ar"]
    'كيري'
    """
    entries = _codebook_entries(codebook)
    out = {}
    for actor_id, e in entries.items():
        aliases = _entry_get(e, "aliases_ar", "aliases", "arabic", "short_aliases", "collectives",
                             "metonyms", "capitals")
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
            "type": str(_entry_get(e, "type") or ""),
        }
    return out


#: Parenthesised remarks in an English name: "Syrian rebel factions (armed opposition)".
_PARENTHESES_RE = re.compile(r"\s*\([^()]*\)")


def short_label(name: str, *, width: int | None = 28) -> str:
    """A figure-sized English label: parenthesised remarks dropped, long names wrapped.

    Codebook names are precise ("Government of Syria (the Assad government to December
    2024)"); a network figure needs them short. The full name stays in the codebook, the
    tables and the GEXF files.

    Args:
        name: an English actor name (``label_en``).
        width: wrap onto lines of at most this many characters (a longer word stays
            whole); None for one line.

    Returns:
        The shortened name, lines joined by ``"\\n"``; the name itself when nothing is
        left after removing the remarks.

    >>> short_label("Syrian rebel factions (armed opposition)")
    'Syrian rebel factions'
    >>> print(short_label("National Coalition for Syrian Revolutionary and Opposition Forces"))
    National Coalition for
    Syrian Revolutionary and
    Opposition Forces
    """
    import textwrap

    if not isinstance(name, str):
        raise ValueError(f"name = {name!r} is invalid; expected a string")
    if width is not None and (isinstance(width, bool) or not isinstance(width, int) or width < 1):
        raise ValueError(f"width = {width!r} is invalid; use an integer >= 1 or None")
    short = " ".join(_PARENTHESES_RE.sub("", name).split()) or " ".join(name.split())
    if width is None:
        return short
    return "\n".join(textwrap.wrap(short, width=width, break_long_words=False,
                                   break_on_hyphens=False)) or short


def without_types(mentions: "pd.DataFrame", codebook: Any, *,
                  types: "Iterable[str]" = ("media",)) -> "pd.DataFrame":
    """The mentions whose actor is not of the given codebook types.

    The outlets a report cites (``سانا``, ``إرنا``, an outlet quoting itself) are mentions
    of a media actor, but as sources, not as participants: leave them out of an
    interaction network with ``types=("media",)`` (the default). Unresolved mentions
    (empty ``actor_id``) and actors missing from the codebook are kept.

    Args:
        mentions: actor mentions with an ``actor_id`` column.
        codebook: a codebook (see :func:`actor_labels`) that gives each actor's ``type``.
        types: the types to leave out (``corpus_utils.actors.ACTOR_TYPES``).

    Returns:
        The remaining rows, index reset.

    >>> import pandas as pd
    >>> cb = {"sana": {"type": "media", "aliases": ["سانا"]}, "iran": {"type": "state", "aliases": ["إيران"]}}
    >>> without_types(pd.DataFrame({"actor_id": ["sana", "iran", ""]}), cb)["actor_id"].tolist()
    ['iran', '']
    """
    if isinstance(types, str) or not all(isinstance(t, str) for t in types):
        raise ValueError(f"types = {types!r} is invalid; pass a list of actor types, e.g. ['media']")
    if "actor_id" not in mentions.columns:
        raise ValueError("mentions lacks the column actor_id")
    drop = {a for a, info in actor_labels(codebook).items() if info["type"] in set(types)}
    keep = ~mentions["actor_id"].astype("str").isin(drop)
    return mentions[keep.to_numpy()].reset_index(drop=True)


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
    ``code``, ``type`` (from the codebook; the Arabic label falls back to the actor's most
    frequent mention text, the English one to the id, code and type to ``""``),
    ``mentions`` (number of mentions in the group) and ``label`` = ``"Arabic · English"``
    (what Gephi shows). Edge attributes: ``weight`` and ``count``.

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
                       code=info.get("code", ""), type=info.get("type", ""),
                       mentions=int(len(rows)), label=f"{label_ar} · {label_en}")
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


#: Columns of :func:`edge_agreement`, in order.
AGREEMENT_COLUMNS = ["group", "edges_a", "edges_b", "shared", "jaccard", "pairs", "spearman"]
#: Columns of :func:`compare_units`, in order.
UNIT_COMPARISON_COLUMNS = ["unit", "group", "edges", "reference_edges", "shared", "jaccard",
                           "pairs", "spearman"]
#: Columns of :func:`leave_one_out`, in order.
LEAVE_ONE_OUT_COLUMNS = ["source", "target", "group", "count", "weight", "runs", "kept",
                         "dropped_by", "weight_min", "weight_max"]


def _spearman(x, y) -> float:
    """Spearman's rho, NaN when fewer than three pairs or a side is constant."""
    import numpy as np
    from scipy import stats

    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(stats.spearmanr(x, y).statistic)


def edge_agreement(edges_a: "pd.DataFrame", edges_b: "pd.DataFrame", *,
                   fill: float = 0.0) -> "pd.DataFrame":
    """How far two edge tables agree, group by group: shared edges and rank correlation.

    For two tables from :func:`cooccurrence` (e.g. the same mentions with paragraphs and
    with sentences as the unit): ``edges_a``, ``edges_b`` = edges in each; ``shared`` =
    edges in both; ``jaccard`` = shared / edges in either (the overlap of the two edge
    sets; NaN when both are empty); ``spearman`` = Spearman's rank correlation of the two
    weights over the ``pairs`` in either table, a pair missing from one table taking the
    weight ``fill`` there (0: "never together", right for count, Jaccard and Dice; for NPMI
    compare the edge sets only, or pass ``fill=-1``). NaN when fewer than three pairs or
    one side has a single value.

    Args:
        edges_a, edges_b: edge tables with ``source, target, group, weight``.
        fill: weight of a pair missing from one table.

    Returns:
        One row per group present in either table, columns :data:`AGREEMENT_COLUMNS`,
        sorted by group.

    References:
        Spearman, C. (1904). The proof and measurement of association between two things.
        *American Journal of Psychology* 15(1), 72-101.

    >>> import pandas as pd
    >>> a = pd.DataFrame({"source": ["a", "a"], "target": ["b", "c"], "group": "g", "weight": [2.0, 1.0]})
    >>> row = edge_agreement(a, a.head(1)).iloc[0]
    >>> int(row["edges_a"]), int(row["shared"]), float(row["jaccard"])
    (2, 1, 0.5)
    """
    import pandas as pd

    for name, table in (("edges_a", edges_a), ("edges_b", edges_b)):
        missing = {"source", "target", "group", "weight"} - set(table.columns)
        if missing:
            raise ValueError(f"{name} lacks the column(s) {', '.join(sorted(missing))}")
    if isinstance(fill, bool) or not isinstance(fill, (int, float)):
        raise ValueError(f"fill = {fill!r} is invalid; use a number")

    def weights(table) -> dict:
        out: dict[str, dict[tuple[str, str], float]] = {}
        for s, t, g, w in zip(table["source"].astype("str"), table["target"].astype("str"),
                              table["group"].astype("str"), table["weight"].astype("float64")):
            out.setdefault(g, {})[tuple(sorted((s, t)))] = float(w)
        return out

    wa, wb = weights(edges_a), weights(edges_b)
    rows = []
    for group in sorted(set(wa) | set(wb)):
        a, b = wa.get(group, {}), wb.get(group, {})
        union = sorted(set(a) | set(b))
        shared = len(set(a) & set(b))
        rows.append({
            "group": group, "edges_a": len(a), "edges_b": len(b), "shared": shared,
            "jaccard": shared / len(union) if union else float("nan"), "pairs": len(union),
            "spearman": _spearman([a.get(k, fill) for k in union], [b.get(k, fill) for k in union]),
        })
    out = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return out.astype({"edges_a": "int64", "edges_b": "int64", "shared": "int64",
                       "pairs": "int64", "jaccard": "float64", "spearman": "float64"})


def compare_units(mentions: "pd.DataFrame", *, units: "pd.DataFrame",
                  reference: str = "paragraph", others: "Iterable[str]" = ("sentence", "document"),
                  measure: str = "count", min_count: int = 2,
                  by: str | None = "era") -> "pd.DataFrame":
    """The network of one unit against the networks of other units: a robustness check.

    For each unit in ``others`` and each group: the edges of its network (pairs sharing at
    least ``min_count`` units), the edges of the ``reference`` network, how many they
    share and their Jaccard overlap (:func:`edge_agreement`), and Spearman's rank
    correlation of the weights over every pair that co-occurs at least once in either
    (``min_count=1``, missing pairs 0), so that a pair just below the threshold in one
    network still counts as a weak edge, not as none.

    Args:
        mentions: actor mentions (``corpus_utils.actors.corpus_mentions``).
        units: the corpus (documents table); each unit's table is built from it.
        reference: the unit the others are compared with (default ``"paragraph"``).
        others: the units to compare.
        measure: the weight (see :func:`cooccurrence`); the rank correlation uses it too.
        min_count: threshold of the networks compared.
        by: grouping column, as in :func:`cooccurrence`.

    Returns:
        Columns :data:`UNIT_COMPARISON_COLUMNS`, one row per (unit, group).

    >>> import pandas as pd
    >>> c = pd.DataFrame({"doc_id": ["0"], "raw_text": ["-"], "text": ["-"]})
    >>> m = pd.DataFrame({"doc_id": ["0"] * 2, "paragraph": [1, 1], "sentence": [1, 1],
    ...                   "actor_id": ["a", "b"]})
    >>> compare_units(m, units=c, others=["document"], min_count=1, by=None)["shared"].tolist()
    [1]
    """
    import pandas as pd

    _unit_keys(reference)
    others = [others] if isinstance(others, str) else list(others)
    for unit in others:
        _unit_keys(unit)
    if units is None or not _is_corpus(units):
        raise ValueError("units is invalid; pass the corpus (documents table), from which each "
                         "unit's table is built")
    kw = {"measure": measure, "by": by, "units": units}
    ref = cooccurrence(mentions, unit=reference, min_count=min_count, **kw)
    ref_all = cooccurrence(mentions, unit=reference, min_count=1, **kw)
    rows = []
    for unit in others:
        drawn = edge_agreement(cooccurrence(mentions, unit=unit, min_count=min_count, **kw), ref)
        ranks = edge_agreement(cooccurrence(mentions, unit=unit, min_count=1, **kw), ref_all)
        table = drawn.drop(columns=["pairs", "spearman"]).merge(
            ranks[["group", "pairs", "spearman"]], on="group", how="outer")
        rows.append(table.rename(columns={"edges_a": "edges", "edges_b": "reference_edges"})
                    .assign(unit=unit))
    if not rows:
        return pd.DataFrame(columns=UNIT_COMPARISON_COLUMNS)
    out = pd.concat(rows, ignore_index=True)
    for col in ("edges", "reference_edges", "shared", "pairs"):
        out[col] = out[col].fillna(0).astype("int64")
    return out[UNIT_COMPARISON_COLUMNS].reset_index(drop=True)


def leave_one_out(mentions: "pd.DataFrame", *, units: "pd.DataFrame", unit: str = "paragraph",
                  measure: str = "count", min_count: int = 2,
                  by: str | None = "era") -> "pd.DataFrame":
    """Which edges survive when one document is left out: how much each rests on one text.

    The network of each group is rebuilt once per document of the group, without that
    document (its mentions and its units). With few documents per group an edge that
    disappears when one text is dropped is that text's, not the group's. Leaving a
    document out can only lower a pair's count, so no edge appears that the full network
    lacks.

    Args:
        mentions: actor mentions.
        units: the corpus (documents table) or a unit table, as in :func:`cooccurrence`.
        unit, measure, min_count, by: as in :func:`cooccurrence`.

    Returns:
        One row per edge of the full network, columns :data:`LEAVE_ONE_OUT_COLUMNS`:
        ``count``/``weight`` of the full network; ``runs`` = documents in the group (one
        run each); ``kept`` = runs in which the edge stays (count >= ``min_count``);
        ``dropped_by`` = the documents whose removal drops it, comma-separated (``""``
        when none); ``weight_min``/``weight_max`` = its weight over the runs that keep it
        (NaN when none). Sorted like :func:`cooccurrence`.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"doc_id": ["0", "0", "1", "1", "2", "2"], "paragraph": 1,
    ...                   "actor_id": ["a", "b"] * 3})
    >>> u = pd.DataFrame({"doc_id": ["0", "1", "2"], "paragraph": 1})
    >>> leave_one_out(m, units=u, by=None)[["count", "runs", "kept"]].values.tolist()
    [[3, 3, 3]]
    """
    import numpy as np
    import pandas as pd

    if units is None:
        raise ValueError("units is invalid; pass the corpus or a unit table (leave-one-out "
                         "needs every document's units)")
    full = cooccurrence(mentions, unit=unit, measure=measure, min_count=min_count, by=by,
                        units=units)
    table = _unit_table(units, unit, by)
    m = mentions.assign(doc_id=mentions["doc_id"].astype("str"))
    key = ["source", "target", "group"]
    runs = table.groupby("group")["doc_id"].nunique().to_dict()
    kept: dict[tuple, list[float]] = {}
    dropped: dict[tuple, list[str]] = {}
    edges = set(map(tuple, full[key].to_numpy().tolist()))
    for doc_id, group in table[["doc_id", "group"]].drop_duplicates().itertuples(index=False):
        sub_units = table[table["doc_id"] != doc_id]
        sub = cooccurrence(m[m["doc_id"] != doc_id], unit=unit, measure=measure,
                           min_count=min_count, by="group", units=sub_units)
        sub = sub[sub["group"] == group]
        found = dict(zip(map(tuple, sub[key].to_numpy().tolist()), sub["weight"]))
        for edge in edges:
            if edge[2] != group:
                continue
            if edge in found:
                kept.setdefault(edge, []).append(float(found[edge]))
            else:
                dropped.setdefault(edge, []).append(str(doc_id))
    out = full.drop(columns=["n_a", "n_b"]).copy()
    edge_keys = list(map(tuple, full[key].to_numpy().tolist()))
    out["runs"] = [int(runs.get(k[2], 0)) for k in edge_keys]
    out["kept"] = [len(kept.get(k, [])) for k in edge_keys]
    out["dropped_by"] = [", ".join(sorted(dropped.get(k, []))) for k in edge_keys]
    out["weight_min"] = [min(kept[k]) if k in kept else np.nan for k in edge_keys]
    out["weight_max"] = [max(kept[k]) if k in kept else np.nan for k in edge_keys]
    out = out.astype({"runs": "int64", "kept": "int64", "dropped_by": "str",
                      "weight_min": "float64", "weight_max": "float64"})
    return out[LEAVE_ONE_OUT_COLUMNS].reset_index(drop=True)


def shared_layout(graphs: Mapping[str, "nx.Graph"], *, random_state: int | None = None,
                  isolates: str = "ring", k: float | None = None, weight: str | None = None,
                  ring_radius: float = 1.35) -> dict[str, tuple[float, float]]:
    """One set of node positions for several graphs, so the groups can be compared.

    A seeded spring layout (Fruchterman & Reingold 1991) of the union of the graphs: an
    edge present in any group pulls its actors together, so an actor sits in the same place
    in every group's figure. Actors with no edge in any group have nothing to hold them:
    a spring layout pushes them far out and squeezes the connected actors into the middle.
    With ``isolates="ring"`` (the default) they are instead set on a circle around the
    connected core (radius ``ring_radius``; the core is scaled into the square [-1, 1]²),
    evenly spaced in order of their ids, starting at the top and going clockwise.

    Args:
        graphs: group -> graph (output of :func:`graphs`), or a list of graphs.
        random_state: seed of the layout; default ``corpus_utils.RANDOM_STATE``.
        isolates: ``"ring"`` or ``"spring"`` (everything in the spring layout).
        k: optimal distance between nodes of the spring layout (networkx default
            ``1/sqrt(n)`` when None); larger spreads the core.
        weight: edge attribute used as attraction (summed over groups), or None for
            every edge alike (the default: weights of different measures do not compare).
        ring_radius: radius of the ring of isolated actors (> 1.0 keeps it off the core's
            square, > 1.42 outside it entirely); 1 when there is no core.

    Returns:
        node -> (x, y), rounded to 10 decimals so the same input gives the same numbers.

    References:
        Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed
        placement. *Software: Practice and Experience* 21(11), 1129-1164.

    >>> import networkx as nx
    >>> g = nx.path_graph(3); g.add_node("alone")
    >>> pos = shared_layout({"a": g, "b": nx.path_graph(4)})
    >>> sorted(pos, key=str), pos["alone"]
    ([0, 1, 2, 3, 'alone'], (0.0, 1.35))
    """
    import math

    import networkx as nx

    from . import RANDOM_STATE

    if isolates not in ("ring", "spring"):
        raise ValueError(f"isolates = {isolates!r} is invalid; choose 'ring' or 'spring'")
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, float)) or k <= 0):
        raise ValueError(f"k = {k!r} is invalid; use a number > 0 or None")
    if isinstance(ring_radius, bool) or not isinstance(ring_radius, (int, float)) or ring_radius <= 0:
        raise ValueError(f"ring_radius = {ring_radius!r} is invalid; use a number > 0")
    seed = RANDOM_STATE if random_state is None else random_state
    items = list(graphs.values()) if isinstance(graphs, Mapping) else list(graphs)
    union = nx.Graph()
    for g in items:
        union.add_nodes_from(sorted(g.nodes, key=str))
        for u, v, data in sorted(g.edges(data=True), key=lambda e: tuple(sorted((str(e[0]), str(e[1]))))):
            w = float(data.get(weight, 1.0)) if weight else 1.0
            prev = union.edges[u, v]["w"] if union.has_edge(u, v) else 0.0
            union.add_edge(u, v, w=prev + w)
    if isolates == "ring":
        lonely = sorted((n for n in union if union.degree(n) == 0), key=str)
        # a new graph, not union.subgraph(): a subgraph view of less than half the nodes
        # iterates them in set order, which changes with Python's hash seed
        core = nx.Graph()
        core.add_nodes_from(n for n in union if union.degree(n) > 0)
        core.add_edges_from(union.edges(data=True))
    else:
        lonely, core = [], union
    pos: dict = {}
    if core.number_of_nodes() == 1:
        pos = {next(iter(core)): (0.0, 0.0)}
    elif core.number_of_nodes() > 1:
        layout = nx.spring_layout(core, seed=seed, k=k, weight="w")
        pos = {n: (float(xy[0]), float(xy[1])) for n, xy in layout.items()}
    radius = float(ring_radius) if pos else 1.0
    for i, node in enumerate(lonely):
        angle = math.pi / 2 - 2 * math.pi * i / len(lonely)
        pos[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return {n: (round(x, 10) + 0.0, round(y, 10) + 0.0) for n, (x, y) in pos.items()}


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


class _CallableModule(type(re)):
    """This module, callable as :func:`cooccurrence`.

    ``corpus_utils.cooccurrence`` names both the function (a lazy public name of the
    package) and this module; once the module is imported, Python binds the package's
    attribute to the module. Calling the module calls the function, so
    ``corpus_utils.cooccurrence(mentions, ...)`` works whichever of the two the name holds.
    """

    def __call__(self, *args: Any, **kwargs: Any):
        return cooccurrence(*args, **kwargs)


import sys as _sys  # noqa: E402  (only for the line below)

_sys.modules[__name__].__class__ = _CallableModule
