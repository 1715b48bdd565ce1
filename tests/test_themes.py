"""The theme dictionary: schema, overlay, matching like KWIC, rates per 1,000 words."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import yaml

from corpus_utils import cli
from corpus_utils.arabic import normalize
from corpus_utils.themes import (ACTOR_OFFICE_COLUMNS, MENTION_RATE_COLUMNS, THEME_COLUMNS,
                                 THEME_RATE_COLUMNS, THEMES_PATH, actor_offices, load_themes,
                                 mention_rates, theme_matches, theme_rates, word_counts)

REQUIRED = ["civilians", "military_escalation", "political_process", "accountability", "iran",
            "refugees", "turkey_north"]


# --------------------------------------------------------------------------- the dictionary


def test_bundled_dictionary_has_the_seven_themes_in_order():
    themes = load_themes()
    assert list(themes.columns) == THEME_COLUMNS
    assert list(dict.fromkeys(themes["theme"])) == REQUIRED
    assert themes.groupby("theme").size().min() >= 5


def test_every_term_is_glossed_normalised_and_unique():
    themes = load_themes()
    assert (themes["gloss"].str.strip() != "").all()
    assert not themes.duplicated(["theme", "term"]).any()
    for term in themes["term"]:
        assert normalize(term) == term, term                       # stored normalised
        assert all(("\u0600" <= ch <= "\u06ff") or ch.isdigit() or ch == " " for ch in term), term
        assert not any(w.startswith(("ال", "وال", "بال", "لل")) for w in term.split()[:1]), term


def test_labels_are_english():
    labels = load_themes().drop_duplicates("theme").set_index("theme")["label"]
    assert labels["turkey_north"] == "Turkey and the north"
    assert labels.str.isascii().all()


# --------------------------------------------------------------------------- overlay


def write(tmp_path, data) -> str:
    path = tmp_path / "overlay.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_overlay_adds_terms_and_themes(tmp_path):
    path = write(tmp_path, {"themes": [
        {"id": "iran", "terms": [{"term": "فيلق القدس", "gloss": "Quds Force"},
                                 {"term": "ايران", "gloss": "duplicate, ignored"}]},
        {"id": "russia", "label": "Russia", "terms": [{"term": "روسيا", "gloss": "Russia"}]},
    ]})
    themes = load_themes(overlay=path)
    iran = themes[themes["theme"] == "iran"]
    assert iran["term"].tolist()[-1] == "فيلق القدس"
    assert (iran["term"] == "ايران").sum() == 1 and iran.set_index("term").loc["ايران", "gloss"] == "Iran"
    assert themes["theme"].iloc[-1] == "russia"
    assert len(themes) == len(load_themes()) + 2


def test_overlay_replace_and_relabel():
    themes = load_themes(overlay={"themes": [{"id": "refugees", "label": "Displacement",
                                              "replace": True,
                                              "terms": [{"term": "نازحين", "gloss": "displaced"}]}]})
    ref = themes[themes["theme"] == "refugees"]
    assert ref["term"].tolist() == ["نازحين"] and set(ref["label"]) == {"Displacement"}


@pytest.mark.parametrize("overlay, message", [
    ({"themes": "iran"}, r"'themes' = 'iran' is invalid"),
    ({"themes": [{"id": "Iran Theme", "terms": []}]}, r"id = 'Iran Theme' is invalid"),
    ({"themes": [{"id": "new", "terms": [{"term": "روسيا", "gloss": "Russia"}]}]},
     "needs a label and at least one term"),
    ({"themes": [{"id": "iran", "terms": [{"term": "روسيا", "glos": "typo"}]}]},
     r"unknown key\(s\) glos"),
    ({"themes": [{"id": "iran", "terms": [{"term": "", "gloss": "x"}]}]}, r"term = '' is invalid"),
    ({"themes": [{"id": "x", "label": "X", "terms": ["روسيا", "روسيا"]}]}, "appears twice"),
])
def test_bad_overlays_are_reported(overlay, message):
    with pytest.raises(ValueError, match=message):
        load_themes(overlay=overlay)


def test_bad_overlay_file(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("themes: [unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_themes(overlay=bad)
    with pytest.raises(FileNotFoundError):
        load_themes(overlay=tmp_path / "missing.yml")


def test_bundled_file_is_the_default():
    assert load_themes().equals(load_themes(THEMES_PATH))


# --------------------------------------------------------------------------- matching and rates

TEXTS = [
    "قصف المدنيين في إدلب. ودعا إلى حماية المدنيين من القصف",   # 10 words
    "مجلس الأمن أصدر القرار 2254 حول مخيم الركبان",              # 7 words (2254 is a number)
    "اللاجئين في مخيم الهول وفي المخيمات",                       # 6 words
]
TOY = pd.DataFrame({
    "doc_id": ["a", "b", "c"], "file": ["a.txt", "b.txt", "c.txt"],
    "era": ["khoja", "mustafa", "mustafa"], "raw_text": TEXTS, "text": TEXTS,
})
UNITS = pd.DataFrame({"doc_id": ["a", "b", "c"], "paragraph": [1, 1, 1], "start": [0, 0, 0],
                      "end": [len(t) for t in TEXTS], "text": TEXTS})
SMALL = load_themes(overlay={"themes": [
    {"id": "civilians", "replace": True, "terms": [{"term": "مدنيين", "gloss": "civilians"}]},
    {"id": "military_escalation", "replace": True, "terms": [{"term": "قصف", "gloss": "bombing"}]},
    {"id": "political_process", "replace": True,
     "terms": [{"term": "مجلس الامن", "gloss": "UNSC"}, {"term": "قرار 2254", "gloss": "2254"},
               {"term": "2254", "gloss": "2254"}, {"term": "مجلس", "gloss": "council"}]},
    {"id": "refugees", "replace": True,
     "terms": [{"term": "لاجئين", "gloss": "refugees"}, {"term": "مخيم", "gloss": "camp"},
               {"term": "مخيم الركبان", "gloss": "Rukban"}, {"term": "مخيمات", "gloss": "camps"}]},
    {"id": "turkey_north", "replace": True, "terms": [{"term": "ادلب", "gloss": "Idlib"}]},
]})


def test_word_counts_skip_numbers_and_punctuation():
    assert word_counts(TOY).tolist() == [10, 7, 6]


def test_theme_matches_like_kwic_longest_first():
    m = theme_matches(TOY, themes=SMALL, units=UNITS, window=1)
    got = m.groupby("theme")["match"].apply(list).to_dict()
    assert got["civilians"] == ["المدنيين", "المدنيين"]
    assert got["military_escalation"] == ["قصف", "القصف"]
    assert got["political_process"] == ["مجلس الأمن", "القرار 2254"]   # longest wins, once each
    assert got["refugees"] == ["مخيم الركبان", "اللاجئين", "مخيم", "المخيمات"]
    assert got["turkey_north"] == ["إدلب"]
    for row in m.itertuples():
        assert TEXTS["abc".index(row.doc_id)][row.start:row.end] == row.match
    assert m.set_index("match").loc["مخيم الركبان", "gloss"] == "Rukban"


def test_theme_rates_hand_computed():
    rates = theme_rates(TOY, themes=SMALL, units=UNITS)
    assert list(rates.columns) == THEME_RATE_COLUMNS
    rates = rates.set_index(["theme", "group"])
    # khoja: document a, 10 words; mustafa: documents b and c, 13 words
    assert rates.loc[("civilians", "khoja"), ["matches", "words", "n_docs"]].tolist() == [2, 10, 1]
    assert rates.loc[("civilians", "khoja"), "per_1000"] == pytest.approx(200.0)
    assert rates.loc[("refugees", "mustafa"), ["matches", "words", "n_docs"]].tolist() == [4, 13, 2]
    assert rates.loc[("refugees", "mustafa"), "per_1000"] == pytest.approx(4 / 13 * 1000)
    assert rates.loc[("refugees", "khoja"), "per_1000"] == 0.0            # zero rows kept
    assert rates.loc[("iran", "khoja"), "matches"] == 0                 # a theme with no hit
    assert len(rates) == 7 * 2


def test_theme_rates_one_group_and_bad_column():
    rates = theme_rates(TOY, themes=SMALL, units=UNITS, by=None)
    assert set(rates["group"]) == {"all"} and set(rates["words"]) == {23}
    with pytest.raises(ValueError, match=r"by = 'outlet' is not a column"):
        theme_rates(TOY, themes=SMALL, units=UNITS, by="outlet")


def test_mention_rates_hand_computed():
    mentions = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c"],
                             "actor_id": ["iran", "turkey", "iran", "iran", None]})
    rates = mention_rates(mentions, TOY)
    assert list(rates.columns) == MENTION_RATE_COLUMNS
    rates = rates.set_index(["actor_id", "group"])
    assert rates.loc[("iran", "khoja"), ["mentions", "words", "n_docs"]].tolist() == [1, 10, 1]
    assert rates.loc[("iran", "mustafa"), "per_1000"] == pytest.approx(2 / 13 * 1000)
    assert rates.loc[("turkey", "mustafa"), "mentions"] == 0
    assert len(rates) == 4                                              # unresolved left out
    with pytest.raises(ValueError, match="doc_id 'z'"):
        mention_rates(pd.DataFrame({"doc_id": ["z"], "actor_id": ["iran"]}), TOY)


def test_actor_offices_first_office_per_document_and_all_mentions():
    mentions = pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "b", "c"],
        "line": [3, 1, 5, 2, 2, 1],
        "text": ["كيري", "وزير الخارجية الأميركي جون كيري", "المبعوث", "جيفري", "إيران", "المبعوث"],
        "actor_id": ["john_kerry", "john_kerry", None, "james_jeffrey", "iran", "geir_pedersen"],
        "office": ["", "us_secretary_of_state", "un_syria_envoy", "us_syria_envoy", "", None],
    })
    got = actor_offices(mentions, TOY)
    assert list(got.columns) == ACTOR_OFFICE_COLUMNS
    assert got[["group", "doc_id", "actor_id", "office", "mentions", "first_line"]].values.tolist() == [
        ["khoja", "a", "john_kerry", "us_secretary_of_state", 2, 1],
        ["mustafa", "b", "james_jeffrey", "us_syria_envoy", 1, 2]]
    # titles come from the codebook's office table
    assert got["title"].iloc[0] == "US Secretary of State"
    assert "Special Representative for Syria Engagement" in got["title"].iloc[1]
    assert got["first_text"].iloc[0] == "وزير الخارجية الأميركي جون كيري"
    only = actor_offices(mentions, TOY, actor_ids=["james_jeffrey"], by=None)
    assert only[["group", "actor_id"]].values.tolist() == [["all", "james_jeffrey"]]
    with pytest.raises(ValueError, match="lacks the column"):
        actor_offices(mentions.drop(columns="office"), TOY)
    with pytest.raises(ValueError, match="list of actor ids"):
        actor_offices(mentions, TOY, actor_ids="john_kerry")


# --------------------------------------------------------------------------- CLI


def test_cli_themes_list_and_overlay(tmp_path, capsys):
    path = write(tmp_path, {"themes": [{"id": "russia", "label": "Russia",
                                        "terms": [{"term": "روسيا", "gloss": "Russia"}]}]})
    assert cli.main(["themes", "--list", "--themes", path]) == 0
    listed = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert list(listed.columns) == THEME_COLUMNS and listed["theme"].iloc[-1] == "russia"


def test_cli_themes_rates(monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_corpus_from_args", lambda args: TOY)
    import corpus_utils.themes as themes_mod

    real = themes_mod.theme_matches
    monkeypatch.setattr(themes_mod, "theme_matches",
                        lambda corpus, **kw: real(corpus, **{**kw, "units": UNITS}))
    assert cli.main(["themes"]) == 0
    rates = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(rates.columns) == THEME_RATE_COLUMNS
    assert set(rates["group"]) == {"khoja", "mustafa"}


# --------------------------------------------------------------------------- the seeds


def test_every_theme_is_found_in_the_seeds():
    from corpus_utils.corpus import load_corpus

    corpus = load_corpus()
    m = theme_matches(corpus, window=3)
    assert set(m["theme"]) == set(REQUIRED)
    for row in m.itertuples():
        assert corpus.set_index("doc_id").loc[row.doc_id, "raw_text"][row.start:row.end] == row.match
    rates = theme_rates(corpus).set_index(["theme", "group"])
    # the refugees theme belongs to the 2019 texts only (camps, refugees in Lebanon)
    assert rates.loc[("refugees", "khoja"), "matches"] == 0
    assert rates.loc[("refugees", "mustafa"), "matches"] > 0


def test_seed_us_counterparts_and_their_rank():
    """Notebook 03: Kerry in 2015; Jeffrey and his senior adviser Outzen in 2019."""
    from corpus_utils.actors import codebook_table, corpus_mentions
    from corpus_utils.corpus import load_corpus

    corpus = load_corpus()
    cb = codebook_table()
    us = cb[(cb["code"] == "USAGOV") & (cb["type"] == "person")]["actor_id"]
    got = actor_offices(corpus_mentions(corpus), corpus, actor_ids=us)
    assert got[["group", "doc_id", "actor_id", "office"]].values.tolist() == [
        ["khoja", "000", "john_kerry", "us_secretary_of_state"],
        ["khoja", "001", "john_kerry", "us_secretary_of_state"],
        ["mustafa", "003", "james_jeffrey", "us_syria_envoy"],
        ["mustafa", "004", "richard_outzen", "us_syria_envoy_senior_adviser"]]
