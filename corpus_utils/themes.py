"""A small, transparent theme dictionary, and rates of themes and actors per 1,000 words.

The bundled dictionary (``corpus_utils/data/themes.yml``) has seven themes: civilians and
humanitarian; military escalation; political process and UN resolutions; accountability;
Iran; refugees and camps; Turkey and the north. Each is a short list of Arabic terms with
English glosses, matched exactly as :func:`corpus_utils.keyness.kwic` matches (normalised,
clitic-stripped tokens; multi-word terms allowed), so every count can be read back as KWIC
lines (:func:`theme_matches`). A user overlay adds terms or themes without editing the
package (:func:`load_themes`).

Rates are per 1,000 words of the group's cleaned text, where a word is a ``word`` token
of :func:`corpus_utils.arabic.tokenize` (numbers and punctuation do not count). A
dictionary count is a blunt instrument (Grimmer & Stewart 2013): it misses paraphrase and
negation, and its rates on five documents describe those documents, not an era.

References:
    Grimmer, J. & Stewart, B. M. (2013). Text as data: the promise and pitfalls of
    automatic content analysis methods for political texts. *Political Analysis* 21(3),
    267-297.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .paths import DATA_DIR

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The bundled theme dictionary.
THEMES_PATH = DATA_DIR / "themes.yml"
#: Columns of :func:`load_themes`.
THEME_COLUMNS = ["theme", "label", "term", "gloss", "note"]
#: Columns of :func:`theme_rates`.
THEME_RATE_COLUMNS = ["theme", "label", "group", "matches", "words", "per_1000", "n_docs"]
#: Columns of :func:`mention_rates`.
MENTION_RATE_COLUMNS = ["actor_id", "group", "mentions", "words", "per_1000", "n_docs"]

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_ARABIC_RE = re.compile(r"[\u0600-\u06FF]")


def _read(source: str | Path | Mapping, what: str) -> Mapping:
    import yaml

    if isinstance(source, Mapping):
        return source
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"{what} file {str(path)!r} not found")
    with open(path, encoding="utf-8-sig") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise ValueError(f"{what} file {str(path)!r} is not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} file {str(path)!r} holds {type(data).__name__}; expected a "
                         "mapping with a 'themes' list")
    return data


def _parse(data: Mapping, where: str) -> list[dict[str, Any]]:
    """Validate one dictionary (bundled or overlay); collect every problem, then raise."""
    problems: list[str] = []
    themes = data.get("themes")
    if not isinstance(themes, list):
        raise ValueError(f"{where}: 'themes' = {themes!r} is invalid; expected a list of themes")
    out = []
    seen_ids: set[str] = set()
    for i, th in enumerate(themes):
        if not isinstance(th, Mapping):
            problems.append(f"theme #{i + 1} = {th!r} is not a mapping")
            continue
        tid = th.get("id")
        if not isinstance(tid, str) or not _ID_RE.match(tid):
            problems.append(f"theme #{i + 1}: id = {tid!r} is invalid; use lower-case "
                            "snake_case like 'refugees'")
            continue
        if tid in seen_ids:
            problems.append(f"theme {tid!r} appears twice")
        seen_ids.add(tid)
        label = th.get("label")
        if label is not None and (not isinstance(label, str) or not label.strip()):
            problems.append(f"theme {tid!r}: label = {label!r} is invalid; give an English label")
        terms = th.get("terms", [])
        if not isinstance(terms, list):
            problems.append(f"theme {tid!r}: terms = {terms!r} is invalid; expected a list")
            terms = []
        parsed = []
        seen_terms: set[str] = set()
        for t in terms:
            if isinstance(t, str):
                t = {"term": t, "gloss": ""}
            if not isinstance(t, Mapping):
                problems.append(f"theme {tid!r}: term {t!r} is not a mapping with term and gloss")
                continue
            unknown = set(t) - {"term", "gloss", "note"}
            if unknown:
                problems.append(f"theme {tid!r}: term {t.get('term')!r} has unknown key(s) "
                                f"{', '.join(sorted(map(str, unknown)))}; allowed: term, gloss, note")
            term = t.get("term")
            term = str(term) if isinstance(term, (int, float)) and not isinstance(term, bool) else term
            if not isinstance(term, str) or not term.strip():
                problems.append(f"theme {tid!r}: term = {term!r} is invalid; give Arabic words")
                continue
            if term in seen_terms:
                problems.append(f"theme {tid!r}: term {term!r} appears twice")
            seen_terms.add(term)
            gloss = t.get("gloss", "")
            if gloss is None or not isinstance(gloss, str):
                problems.append(f"theme {tid!r}: term {term!r} has gloss = {gloss!r}; give a string")
                gloss = ""
            note = t.get("note", "")
            parsed.append({"term": term.strip(), "gloss": gloss.strip(),
                           "note": "" if note is None else str(note).strip()})
        out.append({"id": tid, "label": label, "replace": bool(th.get("replace", False)),
                    "terms": parsed})
    if problems:
        raise ValueError(f"{where} has {len(problems)} problem(s):\n" +
                         "\n".join(f"  - {p}" for p in problems))
    return out


def load_themes(path: str | Path | Mapping | None = None, *,
                overlay: str | Path | Mapping | None = None) -> "pd.DataFrame":
    """The theme dictionary as a table, with an optional user overlay.

    A dictionary file is YAML: ``themes:`` a list of ``{id, label, terms: [{term, gloss,
    note}]}`` (see the bundled ``data/themes.yml``). In an overlay, a theme with a known id
    adds its terms to that theme (its ``label``, if given, replaces the old one; with
    ``replace: true`` its terms replace the old ones); a new id adds a theme (it then needs
    a label and at least one term).

    Args:
        path: the dictionary (file or already-parsed mapping); default the bundled one.
        overlay: a user's additions, same shape.

    Returns:
        One row per (theme, term): ``theme, label, term, gloss, note``, themes in file
        order (overlay themes last), terms in file order.

    >>> themes = load_themes()
    >>> sorted(themes["theme"].unique())[:3]
    ['accountability', 'civilians', 'iran']
    """
    import pandas as pd

    base = _parse(_read(THEMES_PATH if path is None else path, "themes"),
                  "themes" if path is None else f"themes {path!s}")
    themes: dict[str, dict[str, Any]] = {}
    for th in base:
        if not th["label"] or not th["terms"]:
            raise ValueError(f"theme {th['id']!r} needs a label and at least one term")
        themes[th["id"]] = {"label": th["label"], "terms": list(th["terms"])}
    if overlay is not None:
        where = "overlay" if isinstance(overlay, Mapping) else f"overlay {overlay!s}"
        for th in _parse(_read(overlay, "overlay"), where):
            if th["id"] in themes:
                old = themes[th["id"]]
                if th["label"]:
                    old["label"] = th["label"]
                if th["replace"]:
                    old["terms"] = list(th["terms"])
                else:
                    known = {t["term"] for t in old["terms"]}
                    old["terms"] += [t for t in th["terms"] if t["term"] not in known]
                if not old["terms"]:
                    raise ValueError(f"{where}: theme {th['id']!r} would have no terms left")
            else:
                if not th["label"] or not th["terms"]:
                    raise ValueError(f"{where}: new theme {th['id']!r} needs a label and at "
                                     "least one term")
                themes[th["id"]] = {"label": th["label"], "terms": list(th["terms"])}
    rows = [{"theme": tid, "label": th["label"], **t}
            for tid, th in themes.items() for t in th["terms"]]
    return pd.DataFrame(rows, columns=THEME_COLUMNS)


def _theme_table(themes) -> "pd.DataFrame":
    if themes is None:
        return load_themes()
    if isinstance(themes, (str, Path)):
        return load_themes(overlay=themes)
    missing = {"theme", "term"} - set(getattr(themes, "columns", []))
    if missing:
        raise ValueError(f"themes lacks the column(s) {', '.join(sorted(missing))}; pass "
                         "load_themes(...) or a path to an overlay file")
    return themes


def theme_matches(corpus: "pd.DataFrame", *, themes: "pd.DataFrame | str | Path | None" = None,
                  window: int = 7, units: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Every match of every theme term, as KWIC lines.

    Args:
        corpus: documents table (:func:`corpus_utils.corpus.load_corpus`).
        themes: :func:`load_themes` output, or a path to an overlay file (added to the
            bundled dictionary); default the bundled dictionary.
        window: words of context on each side.
        units: unit table bounding contexts and matches; default ``paragraphs(corpus)``.

    Returns:
        The KWIC columns (``doc_id, file, date, era, line, start, end, left, match,
        right``) then ``theme, term, gloss``; sorted by doc_id, start, theme.

    >>> from corpus_utils.corpus import load_corpus
    >>> m = theme_matches(load_corpus())  # doctest: +SKIP
    >>> set(m["theme"]) >= {"iran", "refugees"}  # doctest: +SKIP
    True
    """
    from .keyness import KWIC_COLUMNS, corpus_lexicon, query_keys, scan

    table = _theme_table(themes)
    lexicon = corpus_lexicon(corpus)
    sets: dict[str, dict[tuple[str, ...], tuple[str, str]]] = {}
    for row in table.itertuples(index=False):
        keys = query_keys(str(row.term), lexicon=lexicon)
        gloss = getattr(row, "gloss", "")
        sets.setdefault(row.theme, {}).setdefault(keys, (row.term, gloss if isinstance(gloss, str) else ""))
    found = scan(corpus, sets, window=window, units=units, lexicon=lexicon)
    found["theme"] = found["set"].astype("str")
    found["term"] = [lab[0] for lab in found["label"]]
    found["gloss"] = [lab[1] for lab in found["label"]]
    found = found.sort_values(["doc_id", "start", "theme"], kind="mergesort")
    return found[[*KWIC_COLUMNS, "theme", "term", "gloss"]].reset_index(drop=True)


def _groups(corpus: "pd.DataFrame", by: str | None) -> "pd.Series":
    """doc_id -> group label (str) for every document with a group."""
    if by is None:
        return corpus.set_index(corpus["doc_id"].astype("str"))["doc_id"].map(lambda _: "all")
    if by not in corpus.columns:
        raise ValueError(f"by = {by!r} is not a column of the corpus; columns: "
                         f"{', '.join(map(str, corpus.columns))}")
    s = corpus.set_index(corpus["doc_id"].astype("str"))[by]
    return s[s.notna()].astype("str")


def word_counts(corpus: "pd.DataFrame") -> "pd.Series":
    """Number of words (``word`` tokens; no numbers or punctuation) of each document's
    cleaned ``text``, indexed by doc_id: the denominators of the rates.

    >>> import pandas as pd
    >>> word_counts(pd.DataFrame({"doc_id": ["0"], "text": ["قرار 2254، يا سادة."]})).tolist()
    [3]
    """
    import pandas as pd

    from .arabic import tokenize

    counts = [sum(1 for t in tokenize(text) if t.kind == "word") if isinstance(text, str) else 0
              for text in corpus["text"]]
    return pd.Series(counts, index=corpus["doc_id"].astype("str").to_numpy(), dtype="int64",
                     name="words")


def _rates(counts: "pd.DataFrame", key: str, corpus: "pd.DataFrame", by: str | None,
           keys: list[str]) -> "pd.DataFrame":
    """counts: one row per (key, doc_id) hit. Returns key x group with matches/words/rate."""
    import numpy as np
    import pandas as pd

    groups = _groups(corpus, by)
    words = word_counts(corpus)
    words_by_group = words[groups.index].groupby(groups.to_numpy()).sum()
    hits = counts[counts["doc_id"].isin(groups.index)].assign(group=lambda t: t["doc_id"].map(groups))
    n = hits.groupby([key, "group"]).size()
    docs = hits.groupby([key, "group"])["doc_id"].nunique()
    full = pd.MultiIndex.from_product([keys, sorted(words_by_group.index)], names=[key, "group"])
    out = pd.DataFrame({
        "matches": n.reindex(full, fill_value=0).astype("int64"),
        "n_docs": docs.reindex(full, fill_value=0).astype("int64"),
    }).reset_index()
    out["words"] = out["group"].map(words_by_group).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_1000"] = np.where(out["words"] > 0, out["matches"] / out["words"] * 1000, 0.0)
    out["group"] = out["group"].astype("str")
    return out


def theme_rates(corpus: "pd.DataFrame", *, by: str | None = "era",
                themes: "pd.DataFrame | str | Path | None" = None,
                units: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Theme matches per 1,000 words, per group.

    Args:
        corpus: documents table (:func:`corpus_utils.corpus.load_corpus`).
        by: grouping column (default ``"era"``); None for one group ``"all"``. Documents
            without a value are left out.
        themes: :func:`load_themes` output or an overlay path; default the bundled themes.
        units: unit table the matches are found in; default ``paragraphs(corpus)``.

    Returns:
        One row per (theme, group), every combination present (zero rates included):
        ``theme, label, group, matches, words, per_1000, n_docs`` (documents of the group
        with at least one match), themes in dictionary order, groups sorted.

    >>> from corpus_utils.corpus import load_corpus
    >>> rates = theme_rates(load_corpus())  # doctest: +SKIP
    >>> rates.query("theme == 'refugees'")["group"].tolist()  # doctest: +SKIP
    ['khoja', 'mustafa']
    """
    table = _theme_table(themes)
    matches = theme_matches(corpus, themes=table, window=0, units=units)
    order = list(dict.fromkeys(table["theme"]))
    out = _rates(matches, "theme", corpus, by, order)
    labels = dict(zip(table["theme"], table["label"])) if "label" in table.columns else {}
    out["label"] = out["theme"].map(lambda t: labels.get(t, t))
    return out[THEME_RATE_COLUMNS]


def mention_rates(mentions: "pd.DataFrame", corpus: "pd.DataFrame", *,
                  by: str | None = "era") -> "pd.DataFrame":
    """Actor mentions per 1,000 words, per group.

    Args:
        mentions: actor mentions (``corpus_utils.actors.corpus_mentions``); rows without an
            ``actor_id`` (unresolved roles) are left out.
        corpus: the documents table the mentions come from (gives groups and word counts).
        by: grouping column (default ``"era"``); None for one group ``"all"``.

    Returns:
        One row per (actor, group), zero rates included: ``actor_id, group, mentions,
        words, per_1000, n_docs``, sorted by actor_id and group.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"doc_id": ["0", "1"], "era": ["a", "b"],
    ...                   "text": ["التقى خوجة كيري", "التقى مصطفى جيفري"]})
    >>> m = pd.DataFrame({"doc_id": ["0"], "actor_id": ["john_kerry"]})
    >>> mention_rates(m, c)["per_1000"].round(1).tolist()
    [333.3, 0.0]
    """
    missing = {"doc_id", "actor_id"} - set(mentions.columns)
    if missing:
        raise ValueError(f"mentions lacks the column(s) {', '.join(sorted(missing))}")
    m = mentions[mentions["actor_id"].notna()]
    m = m[m["actor_id"].astype("str") != ""]
    m = m.assign(doc_id=m["doc_id"].astype("str"), actor_id=m["actor_id"].astype("str"))
    known = set(corpus["doc_id"].astype("str"))
    unknown = sorted(set(m["doc_id"]) - known)
    if unknown:
        raise ValueError(f"mentions has doc_id {unknown[0]!r}, which is not in the corpus")
    out = _rates(m.rename(columns={"actor_id": "key"}), "key", corpus, by,
                 sorted(m["actor_id"].unique()))
    out = out.rename(columns={"key": "actor_id", "matches": "mentions"})
    return out[MENTION_RATE_COLUMNS]


#: Columns of :func:`actor_offices`.
ACTOR_OFFICE_COLUMNS = ["group", "doc_id", "actor_id", "office", "title", "mentions",
                        "first_line", "first_text"]


def actor_offices(mentions: "pd.DataFrame", corpus: "pd.DataFrame", *, by: str | None = "era",
                  actor_ids: "Iterable[str] | None" = None, codebook=None) -> "pd.DataFrame":
    """Who holds which office in each document: one row per (document, actor with an office).

    The office is the one the actor finder resolved from the text (an apposition such as
    ``وزير الخارجية الأميركي جون كيري``, or a role dated to its holder), so it shows the rank
    at which a text presents a person; its English ``title`` comes from the codebook's
    office table.

    Args:
        mentions: actor mentions (``corpus_utils.actors.corpus_mentions``) with
            ``doc_id, line, text, actor_id, office``.
        corpus: the documents table the mentions come from (gives the groups).
        by: grouping column (default ``"era"``); None for one group ``"all"``.
        actor_ids: keep only these actors (e.g. the US officials of the codebook); default
            every actor with an office.
        codebook: the codebook for office titles, as in ``corpus_utils.actors.find_actors``.

    Returns:
        ``group, doc_id, actor_id, office, title, mentions`` (all mentions of the actor in
        the document) ``, first_line, first_text`` (where the office is first given), one
        row per document and actor (the first office given, when several are), sorted by
        doc_id and first_line.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"doc_id": ["0"], "era": ["a"]})
    >>> m = pd.DataFrame({"doc_id": ["0", "0"], "line": [1, 2], "text": ["وزير الخارجية جون كيري", "كيري"],
    ...                   "actor_id": ["john_kerry"] * 2, "office": ["us_secretary_of_state", ""]})
    >>> actor_offices(m, c)[["actor_id", "title", "mentions"]].values.tolist()
    [['john_kerry', 'US Secretary of State', 2]]
    """
    import pandas as pd

    missing = {"doc_id", "line", "text", "actor_id", "office"} - set(mentions.columns)
    if missing:
        raise ValueError(f"mentions lacks the column(s) {', '.join(sorted(missing))}")
    if isinstance(actor_ids, str):
        raise ValueError(f"actor_ids = {actor_ids!r} is invalid; pass a list of actor ids")
    groups = _groups(corpus, by)
    m = mentions[mentions["actor_id"].notna()].copy()
    m["actor_id"] = m["actor_id"].astype("str")
    m["doc_id"] = m["doc_id"].astype("str")
    m["office"] = m["office"].fillna("").astype("str")
    if actor_ids is not None:
        m = m[m["actor_id"].isin(set(map(str, actor_ids)))]
    m = m[m["doc_id"].isin(groups.index)]
    counts = m.groupby(["doc_id", "actor_id"]).size()
    with_office = m[m["office"] != ""]
    first = with_office.sort_values(["doc_id", "line"], kind="mergesort").groupby(
        ["doc_id", "actor_id"], sort=False).head(1)
    from .actors import offices_table

    titles = offices_table(codebook).drop_duplicates("office").set_index("office")["title"]
    out = pd.DataFrame({
        "group": first["doc_id"].map(groups).astype("str").to_numpy(),
        "doc_id": first["doc_id"].to_numpy(),
        "actor_id": first["actor_id"].to_numpy(),
        "office": first["office"].to_numpy(),
        "title": first["office"].map(titles).fillna("").astype("str").to_numpy(),
        "mentions": [int(counts[(d, a)]) for d, a in zip(first["doc_id"], first["actor_id"])],
        "first_line": first["line"].astype("int64").to_numpy(),
        "first_text": first["text"].astype("str").to_numpy(),
    }, columns=ACTOR_OFFICE_COLUMNS)
    return out.sort_values(["doc_id", "first_line", "actor_id"], kind="mergesort").reset_index(drop=True)
