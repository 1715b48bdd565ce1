"""The glossary: file format, coverage of the seeds' terms, lookup by normalised term."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from corpus_utils import arabic, glossary
from corpus_utils.paths import seeds_path

ARABIC_RE = re.compile("[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    # the raw files: the coverage check must not depend on the cleaning rules
    return [p.read_text(encoding="utf-8-sig") for p in sorted(seeds_path().glob("*.txt"))]


@pytest.fixture(scope="module")
def seed_counts(seed_texts) -> Counter:
    return Counter(t.term for doc in arabic.corpus_terms(seed_texts) for t in doc)


@pytest.fixture
def custom(tmp_path) -> Path:
    path = tmp_path / "glossary.csv"
    path.write_text("term,gloss,note\nالأسد,Assad,\nحلب,Aleppo,city\nفارغ,,no gloss yet\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the file


def test_file_has_the_shared_columns_and_is_sorted():
    with open(glossary.GLOSSARY_PATH, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["term", "gloss", "note"]
    terms = [r[0] for r in rows[1:]]
    assert terms == sorted(terms), "keep data/glossary.csv sorted by term"
    assert len(terms) == len(set(terms)), [t for t, n in Counter(terms).items() if n > 1]
    assert all(len(r) == 3 for r in rows)
    assert len(terms) >= 150


def test_file_is_utf8_without_bom_with_unix_line_ends():
    raw = glossary.GLOSSARY_PATH.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw and raw.endswith(b"\n")


def test_every_row_has_an_english_gloss():
    for row in glossary.read_rows():
        assert row["gloss"], row
        assert not ARABIC_RE.search(row["gloss"]), row  # Arabic belongs in the note, not the gloss


def test_keys_are_normalised_analysis_terms(seed_texts):
    """Each key is already what tidy_rows makes of it: normalised and, for one word, the
    clitic-stripped analysis term the notebooks show (with the seeds' lexicon)."""
    rows = glossary.read_rows()
    for row in rows:
        assert arabic.normalize(row["term"]) == row["term"], row
    lexicon = arabic.build_lexicon(seed_texts)
    assert glossary.tidy_rows(rows, lexicon=lexicon) == rows


def test_the_seeds_frequent_terms_all_have_glosses(seed_counts):
    """Every term occurring at least twice in the seeds (the ~150 most frequent and more)."""
    frequent = sorted(t for t, n in seed_counts.items() if n >= 2)
    assert len(frequent) >= 150
    assert glossary.missing_glosses(frequent) == []


@pytest.mark.parametrize(("name", "english"), [
    ("خوجة", "Khoja"), ("كيري", "Kerry"), ("مصطفى", "Mustafa"), ("جيفري", "Jeffrey"),
    ("ميستورا", "Mistura"), ("الأسد", "Assad"), ("الفريج", "Freij"), ("أوتزن", "Outzen"),
])
def test_actor_names(name, english):
    assert glossary.gloss(name) == english


# --------------------------------------------------------------------------- gloss()


@pytest.mark.parametrize(("term", "expected"), [
    ("ائتلاف", "coalition"),
    ("الائتلاف", "coalition"),     # the article is split off
    ("والائتلاف", "coalition"),
    ("للائتلاف", "coalition"),
    ("كِيرِي", "Kerry"),            # diacritics
    ("كـيري", "Kerry"),             # tatweel
    ("ﻛﻴﺮﻱ", "Kerry"),             # presentation forms
    ("الاسد", "Assad"),             # alef variants
    ("حكومته", "government"),       # pronoun suffix, and ت read as ة
    ("وروسيا", "Russia"),           # plain proclitic, split because روسيا has a gloss
    ("مصطفي", "Mustafa"),           # alef maksura already normalised
    ("", ""),
    ("   ", ""),
    ("xyz", ""),
    ("بطيخ", ""),
])
def test_gloss(term, expected):
    assert glossary.gloss(term) == expected


@pytest.mark.parametrize("value", [None, 3, float("nan"), pd.NA])
def test_gloss_of_a_non_string_is_empty(value):
    assert glossary.gloss(value) == ""


def test_gloss_does_not_split_a_root_letter():
    # وزير is not و + زير; بيان is not ب + يان
    assert glossary.gloss("وزير") == "minister" and glossary.gloss("بيان") == "statement"
    # a word found as it is is never split, even where the split would be attested
    assert glossary.gloss("وزير", glossary={"وزير": "minister", "زير": "pot"}) == "minister"


def test_gloss_with_a_dict_or_a_file(custom):
    assert glossary.gloss("الأسد", glossary={"اسد": "lion"}) == "lion"
    assert glossary.gloss("أسد", glossary={"أسد": "lion"}) == "lion"  # dict keys normalised too
    assert glossary.gloss("الأسد", glossary=custom) == "Assad"
    assert glossary.gloss("حلب", glossary=str(custom)) == "Aleppo"
    assert glossary.gloss("فارغ", glossary=custom) == ""
    assert glossary.gloss("كيري", glossary=custom) == ""
    with pytest.raises(ValueError, match="glossary = 3"):
        glossary.gloss("حلب", glossary=3)


def test_an_edited_file_is_read_again(custom):
    assert glossary.gloss("حلب", glossary=custom) == "Aleppo"
    custom.write_text("term,gloss,note\nحلب,Halab (Aleppo),\n", encoding="utf-8")
    import os

    stat = custom.stat()
    os.utime(custom, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert glossary.gloss("حلب", glossary=custom) == "Halab (Aleppo)"


# --------------------------------------------------------------------------- tables


def test_load_glossary(custom):
    df = glossary.load_glossary()
    assert list(df.columns) == ["term", "gloss", "note"]
    assert df["term"].tolist() == sorted(df["term"].tolist())
    assert df.loc[df["term"] == "كيري", "gloss"].tolist() == ["Kerry"]
    small = glossary.load_glossary(custom)
    assert small["term"].tolist() == ["الاسد", "حلب", "فارغ"]  # normalised, sorted
    assert small["gloss"].tolist() == ["Assad", "Aleppo", ""]
    # the lookup also knows the entry by its analysis term, the form notebooks show
    assert glossary.load_glossary(custom, as_dict=True) == {"الاسد": "Assad", "حلب": "Aleppo", "اسد": "Assad"}
    assert glossary.gloss("اسد", glossary=custom) == "Assad"


def test_load_glossary_rejects_a_file_without_the_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("word,english\nحلب,Aleppo\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"missing \['term', 'gloss'\]"):
        glossary.load_glossary(bad)


def test_load_glossary_reads_a_bom(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("term,gloss\nحلب,Aleppo\n", encoding="utf-8-sig")
    assert glossary.load_glossary(path, as_dict=True) == {"حلب": "Aleppo"}


def test_add_glosses():
    df = pd.DataFrame({"term": ["ائتلاف", "بطيخ", None, "كيري"], "n": [32, 1, 0, 6]})
    out = glossary.add_glosses(df)
    assert out["gloss"].tolist() == ["coalition", "", "", "Kerry"]
    assert "gloss" not in df.columns  # the input is not changed
    assert out["n"].tolist() == [32, 1, 0, 6]
    other = glossary.add_glosses(df.rename(columns={"term": "word"}), term_col="word", gloss_col="en")
    assert other["en"].tolist() == ["coalition", "", "", "Kerry"]
    with pytest.raises(ValueError, match="term_col = 'word' not found"):
        glossary.add_glosses(df, term_col="word")


def test_missing_glosses():
    shown = ["ائتلاف", "بطيخ", "كيري", "بطيخ", "زعتر"]
    assert glossary.missing_glosses(shown) == ["بطيخ", "زعتر"]
    assert glossary.missing_glosses(pd.Series(shown)) == ["بطيخ", "زعتر"]
    assert glossary.missing_glosses([]) == []
    with pytest.raises(ValueError, match="not one string"):
        glossary.missing_glosses("بطيخ")


# --------------------------------------------------------------------------- upkeep


def test_tidy_rows_normalises_merges_and_sorts():
    rows = [{"term": "الأسد", "gloss": "Assad"}, {"term": "ودعا", "gloss": "called"},
            {"term": "اسد", "gloss": "Assad", "note": "dup"}, {"term": "حلب", "gloss": " Aleppo "}]
    tidy = glossary.tidy_rows(rows, lexicon=frozenset({"دعا"}))
    assert tidy == [{"term": "اسد", "gloss": "Assad", "note": ""},
                    {"term": "حلب", "gloss": "Aleppo", "note": ""},
                    {"term": "دعا", "gloss": "called", "note": ""}]
    # without a lexicon only the article forms are split
    assert [r["term"] for r in glossary.tidy_rows(rows)] == ["اسد", "حلب", "ودعا"]


@pytest.mark.parametrize(("rows", "match"), [
    ([{"term": "الأسد", "gloss": "Assad"}, {"term": "أسد", "gloss": "lion"}], "two glosses"),
    ([{"term": "حلب", "gloss": ""}], "needs a term and a gloss"),
    ([{"term": "", "gloss": "x"}], "needs a term and a gloss"),
])
def test_tidy_rows_rejects_conflicts_and_gaps(rows, match):
    with pytest.raises(ValueError, match=match):
        glossary.tidy_rows(rows)


def test_write_rows_round_trips(tmp_path):
    rows = glossary.read_rows()
    path = glossary.write_rows(rows, tmp_path / "copy.csv")
    assert path.read_bytes() == glossary.GLOSSARY_PATH.read_bytes()
    assert glossary.read_rows(path) == rows
