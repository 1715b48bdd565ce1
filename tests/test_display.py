"""Safe HTML: corpus text is escaped everywhere, Arabic runs right to left, output is stable."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import display

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</td></tr></table><iframe src=javascript:alert(1)>",
    "<a href='javascript:alert(1)'>x</a> & &amp; &lt;",
]
SAFE_TAGS = {"div", "p", "em", "small", "table", "caption", "thead", "tbody", "tr", "th", "td", "mark"}


class Parsed(HTMLParser):
    """Collects tags, attributes and text data as a browser's parser would see them."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.data: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.data.append(data)

    @property
    def text(self) -> str:
        return "".join(self.data)


def assert_inert(markup: str, attack: str) -> Parsed:
    """No element but the module's own; no event handler; the attack is visible as text."""
    parsed = Parsed(markup)
    assert set(parsed.tags) <= SAFE_TAGS, parsed.tags
    assert not [name for name, _ in parsed.attrs if name.startswith("on") or name in {"src", "href"}]
    assert attack in parsed.text
    return parsed


def doc_with(attack: str) -> str:
    return f"قال خوجة {attack} في واشنطن"


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("attack", ATTACKS)
def test_rtl_renders_markup_as_text(attack):
    out = display.rtl(doc_with(attack), translation=f"Khoja said {attack}")
    parsed = assert_inert(out._repr_html_(), attack)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert f"Khoja said {attack}" in parsed.text


@pytest.mark.parametrize("attack", ATTACKS)
def test_html_table_escapes_cells_headers_and_index(attack):
    df = pd.DataFrame({"text": [doc_with(attack)], attack: [1]}, index=[attack])
    out = display.html_table(df, index=True, caption=attack)
    parsed = assert_inert(out.data, attack)
    assert parsed.text.count(attack) == 4  # caption, header, index cell, text cell


@pytest.mark.parametrize("attack", ATTACKS)
def test_kwic_html_escapes_every_column(attack):
    df = pd.DataFrame({"doc_id": [attack], "line": [3], "left": [doc_with(attack)],
                       "match": [attack], "right": [attack]})
    parsed = assert_inert(display.kwic_html(df).data, attack)
    assert parsed.text.count(attack) == 4
    assert parsed.tags.count("mark") == 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("<>&\"'=/ ;:abcs ") + ["ب", "ا", "\n", "<script>", "&lt;", "<!--", "]]>"]))
       .map("".join))
def test_any_text_round_trips_as_text(text):
    """Whatever the text, the parsed HTML shows exactly that text and adds no element."""
    parsed = Parsed(display.html_table(pd.DataFrame({"t": [text]}), rtl_columns=["t"]).data)
    assert set(parsed.tags) <= SAFE_TAGS
    assert text in parsed.text
    kwic = Parsed(display.kwic_html(pd.DataFrame({"left": [text], "match": ["ب"], "right": [text]})).data)
    assert set(kwic.tags) <= SAFE_TAGS and kwic.text.count(text) >= 2


# --------------------------------------------------------------------------- rtl


def test_rtl_markup():
    out = display.rtl("التقى خوجة\n\nكيري", translation="Khoja met\nKerry")
    assert out.data == (
        '<div class="corpus-utils-rtl">\n'
        '<p dir="rtl" style="text-align:right">التقى خوجة</p>\n'
        '<p dir="rtl" style="text-align:right">كيري</p>\n'
        '<p dir="ltr" style="text-align:left"><em>Translation (the package&#x27;s own):</em> Khoja met\nKerry</p>\n'
        "</div>"
    )
    assert repr(out) == "التقى خوجة\n\nكيري\nTranslation (the package's own): Khoja met\nKerry"


@pytest.mark.parametrize(("translation", "n_ltr"), [(None, 0), ("", 0), ("Khoja met Kerry", 1)])
def test_rtl_translation_is_optional(translation, n_ltr):
    out = display.rtl("التقى خوجة كيري", translation=translation, translation_label="Our translation")
    assert out.data.count('dir="ltr"') == n_ltr
    assert ("Our translation" in out.data) == bool(n_ltr)


@pytest.mark.parametrize("bad", [None, 3, ["a"]])
def test_rtl_rejects_non_text(bad):
    with pytest.raises(ValueError, match="text = "):
        display.rtl(bad)


def test_html_object_is_deterministic_and_comparable():
    a, b = display.rtl("كيري"), display.rtl("كيري")
    assert a == b and hash(a) == hash(b) and str(a) == a.data
    assert "0x" not in repr(a)  # no memory address in the text/plain output nbval compares


# --------------------------------------------------------------------------- tables


def test_html_table_directions_and_alignment():
    df = pd.DataFrame({"term": ["ائتلاف", "كيري"], "gloss": ["coalition", "Kerry"], "n": [32, 6],
                       "g2": [12.3456789, float("nan")]})
    out = display.html_table(df)
    rows = out.data.split("<tr>")[2:]
    assert rows[0].startswith('<td dir="rtl" style="padding:2px 6px;vertical-align:top;text-align:right">ائتلاف</td>')
    assert '<td style="padding:2px 6px;vertical-align:top;text-align:left">coalition</td>' in rows[0]
    assert "text-align:right\">32</td>" in rows[0] and ">12.35</td>" in rows[0]
    assert "text-align:right\"></td>" in rows[1]  # NaN is an empty cell
    assert out.data.count('dir="rtl"') == 2  # only the Arabic column
    assert display.html_table(df).data == out.data  # deterministic


@pytest.mark.parametrize(("rtl_columns", "n_rtl"), [(None, 2), ([], 0), (["term", "gloss"], 4), ("gloss", 2)])
def test_html_table_rtl_columns(rtl_columns, n_rtl):
    df = pd.DataFrame({"term": ["ائتلاف", "كيري"], "gloss": ["coalition", "Kerry"]})
    assert display.html_table(df, rtl_columns=rtl_columns).data.count('<td dir="rtl"') == n_rtl


def test_html_table_max_rows_and_errors():
    df = pd.DataFrame({"term": ["ا", "ب", "ت"]})
    out = display.html_table(df, max_rows=2)
    assert out.data.count("<tr>") == 3 and "1 more row(s) not shown" in out.data
    with pytest.raises(ValueError, match=r"rtl_columns \['x'\] not found"):
        display.html_table(df, rtl_columns=["x"])
    with pytest.raises(ValueError, match="max_rows = -1"):
        display.html_table(df, max_rows=-1)
    with pytest.raises(ValueError, match="df = list"):
        display.html_table([1, 2])


def test_html_table_uses_no_styler_ids():
    out = display.html_table(pd.DataFrame({"term": ["كيري"]})).data
    assert " id=" not in out and "T_" not in out


# --------------------------------------------------------------------------- kwic


def test_kwic_html_layout():
    df = pd.DataFrame({"doc_id": ["000"], "line": [1], "left": ["التقى رئيس الائتلاف"],
                       "match": ["خوجة"], "right": ["وزير الخارجية"]})
    out = display.kwic_html(df)
    assert out.data.startswith('<table class="corpus-utils-kwic" dir="rtl"')
    cells = out.data.split("<td")[1:]
    assert [c.split(">", 1)[1].split("</td")[0] for c in cells] == [
        "000", "1", "التقى رئيس الائتلاف", "<mark>خوجة</mark>", "وزير الخارجية"]
    assert "text-align:left" in cells[2]  # the context before the match hugs it from the right
    assert "text-align:right" in cells[4]  # the context after it hugs it from the left
    assert repr(out) == "000 1 التقى رئيس الائتلاف [خوجة] وزير الخارجية"


def test_kwic_html_options_and_errors():
    df = pd.DataFrame({"pre": ["أ"], "kw": ["ب"], "post": ["ت"], "doc_id": ["001"]})
    out = display.kwic_html(df, left="pre", match="kw", right="post", meta_columns=[])
    assert "001" not in out.data and "<mark>ب</mark>" in out.data
    with pytest.raises(ValueError, match=r"\['left', 'match', 'right'\] not found"):
        display.kwic_html(df)
    with pytest.raises(ValueError, match=r"meta_columns \['line'\]"):
        display.kwic_html(df, left="pre", match="kw", right="post", meta_columns=["line"])


def test_has_arabic():
    assert display.has_arabic("كيري") and display.has_arabic("x ﻻ")
    assert not display.has_arabic("Kerry 2254") and not display.has_arabic(None)
