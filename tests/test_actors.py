"""Tests of corpus_utils.actors: the codebook (schema, dated offices), the finder (clitics,
spelling variants, metonyms and traps, role resolution, apposition), the corpus table, the
`corpus-utils actors` subcommand on every case of issue 7 (items 3 and 4), the spaCy
component, and evaluate_mentions on constructed cases."""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import actors, arabic, cli
from corpus_utils.actors import (
    ACTOR_TYPES, KINDS, MENTION_COLUMNS, RESOLVED_BY, Codebook, CodebookError, alias_key,
    corpus_mentions, evaluate_mentions, expand_alias, find_actors, load_codebook,
    offices_table, unknown_phrases, validate_codebook,
)
from corpus_utils.paths import DATA_DIR, seeds_path

DATE_KHOJA = "2015-05-01"
DATE_MUSTAFA = "2019-03-14"


@pytest.fixture(scope="module")
def cb() -> Codebook:
    return load_codebook()


@pytest.fixture(scope="module")
def raw_yaml() -> dict:
    with open(DATA_DIR / "actors.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def ids(text: str, **kw) -> list[str]:
    return [m.actor_id for m in find_actors(text, **kw)]


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["actors", *argv])
    return code, out.getvalue()


def cli_rows(*argv: str) -> list[dict]:
    code, out = run_cli(*argv)
    assert code == 0
    return list(csv.DictReader(io.StringIO(out)))


# =========================================================================== codebook


def test_bundled_codebook_is_valid(raw_yaml):
    assert validate_codebook(raw_yaml) == []


def test_bundled_codebook_matches_the_json_schema(raw_yaml):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(actors.SCHEMA_PATH.read_text(encoding="utf-8"))
    data = copy.deepcopy(raw_yaml)
    for office in data["offices"]:  # YAML reads 2015-01-04 as a date and 2017 as an int
        for h in office["holders"]:
            h["start"] = actors._as_text(h["start"])
            h["end"] = actors._as_text(h["end"])
    jsonschema.validate(data, schema)


@pytest.mark.parametrize("actor_id", [
    "khaled_khoja", "abdulrahman_mustafa", "john_kerry", "bashar_al_assad", "staffan_de_mistura",
    "james_jeffrey", "richard_outzen", "syrian_national_coalition", "syrian_government",
    "syrian_interim_government", "united_states", "iran", "russia", "turkey", "united_nations",
    "un_security_council", "isis", "european_union", "arab_league", "saudi_arabia", "qatar",
    "united_arab_emirates", "kofi_annan", "lakhdar_brahimi", "geir_pedersen", "hossein_dehghan",
    "fahd_jassem_al_freij", "hayat_tahrir_al_sham", "free_syrian_army", "syrian_democratic_forces",
])
def test_required_actors_exist(cb, actor_id):
    entry = cb.actors[actor_id]
    assert entry["type"] in ACTOR_TYPES
    assert re.fullmatch(r"[A-Z]{3,12}", entry["code"])


@pytest.mark.parametrize("actor_id, code", [
    ("syrian_national_coalition", "SYROPP"), ("syrian_government", "SYRGOV"),
    ("john_kerry", "USAGOV"), ("iran", "IRN"), ("russia", "RUS"), ("turkey", "TUR"),
    ("united_nations", "IGOUNO"),
])
def test_cameo_codes(cb, actor_id, code):
    assert cb.actors[actor_id]["code"] == code


@pytest.mark.parametrize("office, holders", [
    ("coalition_president", ["moaz_al_khatib", "george_sabra", "ahmad_jarba", "hadi_al_bahra",
                             "khaled_khoja", "anas_al_abdah", "riad_seif", "abdulrahman_mustafa",
                             "anas_al_abdah", "naser_al_hariri", "salem_al_meslet", "hadi_al_bahra"]),
    ("un_syria_envoy", ["kofi_annan", "lakhdar_brahimi", "staffan_de_mistura", "geir_pedersen"]),
    ("us_president", ["barack_obama", "donald_trump", "joe_biden", "donald_trump"]),
    ("us_secretary_of_state", ["hillary_clinton", "john_kerry", "rex_tillerson", "mike_pompeo",
                               "antony_blinken", "marco_rubio"]),
    ("us_syria_envoy", ["daniel_rubinstein", "michael_ratney", "james_jeffrey", "joel_rayburn"]),
    ("snc_president", ["naser_al_hariri", "anas_al_abdah", "badr_jamous"]),
])
def test_office_holders_in_order(office, holders):
    t = offices_table()
    assert t[t.office == office].holder.tolist() == holders


@pytest.mark.parametrize("office", [
    "syrian_president", "syrian_foreign_minister", "russian_president", "russian_foreign_minister",
    "turkish_president", "turkish_foreign_minister", "iranian_president", "iranian_foreign_minister",
    "hnc_general_coordinator", "eu_high_representative", "arab_league_secretary_general",
])
def test_coverage_of_offices(cb, office):
    assert cb.offices[office]["holders"]


def test_office_periods_never_overlap(cb):
    # the law the validator enforces, checked directly on the loaded periods
    for office, periods in cb._periods.items():
        for a, b in zip(periods, periods[1:]):
            assert b.first > a.last or (a.end == b.start), (office, a, b)


def test_every_entry_says_how_sure_it_is(raw_yaml):
    for a in raw_yaml["actors"]:
        assert isinstance(a["verified"], bool) and a.get("source"), a["id"]
    confidences = [h["confidence"] for o in raw_yaml["offices"] for h in o["holders"]]
    assert set(confidences) <= {"high", "medium", "low"} and "low" in confidences
    assert any(not a["verified"] for a in raw_yaml["actors"])


@pytest.mark.parametrize("office, date, expected", [
    # seeds/README.md: Khoja elected 4 Jan 2015, successor elected 5 Mar 2016
    ("coalition_president", "2015-01-03", ("hadi_al_bahra", "date")),
    ("coalition_president", "2015-01-04", ("hadi_al_bahra", "date_handover")),
    ("coalition_president", "2015-01-05", ("khaled_khoja", "date")),
    ("coalition_president", "2016-03-05", ("khaled_khoja", "date_handover")),
    ("coalition_president", "2016-03-06", ("anas_al_abdah", "date")),
    # Mustafa acting from March 2018, elected 6 May 2018; 29 June 2019 is his last day
    ("coalition_president", "2018-04-01", ("abdulrahman_mustafa", "date")),
    ("coalition_president", "2018-05-06", ("abdulrahman_mustafa", "date")),
    ("coalition_president", "2019-06-29", ("abdulrahman_mustafa", "date_handover")),
    ("coalition_president", "2019-06-30", ("anas_al_abdah", "date")),
    ("coalition_president", "2018-03", ("", "date_ambiguous")),
    ("coalition_president", "2010-01-01", ("", "no_holder")),
    ("coalition_president", None, ("", "no_date")),
    # Kerry Feb 2013 - Jan 2017; de Mistura Jul 2014 - Dec 2018, Pedersen from Jan 2019;
    # Jeffrey Aug 2018 - Nov 2020
    ("us_secretary_of_state", "2013-02", ("", "date_ambiguous")),
    ("us_secretary_of_state", "2015-05-01", ("john_kerry", "date")),
    ("us_secretary_of_state", "2016-12-31", ("john_kerry", "date")),
    ("us_secretary_of_state", "2017-01-25", ("", "no_holder")),
    ("un_syria_envoy", "2014-07-15", ("staffan_de_mistura", "date")),
    ("un_syria_envoy", "2018-12-31", ("staffan_de_mistura", "date")),
    ("un_syria_envoy", "2019-01", ("geir_pedersen", "date")),
    ("us_syria_envoy", "2018-08", ("james_jeffrey", "date")),
    ("us_syria_envoy", "2020-11-30", ("james_jeffrey", "date_handover")),
    ("us_syria_envoy", "2019", ("james_jeffrey", "date")),
])
def test_holder_on_dates(cb, office, date, expected):
    assert cb.holder_on(office, date) == expected


def _minimal(**extra) -> dict:
    data = {"actors": [
        {"id": "a_person", "name": "A", "type": "person", "code": "XXXGOV", "verified": False,
         "aliases": ["أحمد سعيد"]},
        {"id": "b_person", "name": "B", "type": "person", "code": "XXXGOV", "verified": False,
         "aliases": ["محمود كمال"]},
    ], "offices": [
        {"id": "minister", "title": "Minister", "aliases": ["الوزير الأول"], "holders": [
            {"holder": "a_person", "start": "2010-01-01", "end": "2012-05-01", "source": "s",
             "confidence": "high"},
            {"holder": "b_person", "start": "2012-05-01", "end": None, "source": "s",
             "confidence": "low"}]}]}
    data.update(extra)
    return data


def _broken(change):
    data = _minimal()
    change(data)
    return data


@pytest.mark.parametrize("data, fragment", [
    (_broken(lambda d: d["offices"][0]["holders"][1].update(start="2012-04-01")), "overlap"),
    (_broken(lambda d: d["offices"][0]["holders"][1].update(start="2012-05")), "overlap"),
    (_broken(lambda d: d["offices"][0]["holders"][1].update(holder="nobody")), "'nobody' is not an actor id"),
    (_broken(lambda d: d["actors"][0].update(type="planet")), "type = 'planet' is invalid"),
    (_broken(lambda d: d["actors"][0].update(id="Khaled Khoja")), "snake_case"),
    (_broken(lambda d: d["actors"][1].update(id="a_person")), "used twice"),
    (_broken(lambda d: d["actors"][1].update(aliases=["أحمد  سعيد"])), "also belongs to"),
    (_broken(lambda d: d["actors"][1].update(aliases=["{محمود"])), "braces"),
    (_broken(lambda d: d["offices"][0]["holders"][0].update(end="2009-01-01")), "before start"),
    (_broken(lambda d: d["offices"][0]["holders"][0].update(start="2010-02-30")), "not a calendar date"),
    (_broken(lambda d: d["offices"][0]["holders"][0].update(confidence="sure")), "confidence = 'sure'"),
    (_broken(lambda d: d["offices"][0]["holders"][0].pop("source")), "required field 'source'"),
    # what a comma in an unquoted YAML flow mapping produces: a stray key
    (_broken(lambda d: d["offices"][0]["holders"][0].update({"accepted 22 April 2013": None})),
     "unknown field 'accepted 22 April 2013'"),
    (_broken(lambda d: d["actors"][0].pop("aliases")), "no alias"),
    (_broken(lambda d: d["offices"][0].update(organisation="ghost")), "'ghost' is not an actor id"),
    (_broken(lambda d: d["actors"][0].update(code="usa")), "code = 'usa' is invalid"),
])
def test_validator_names_each_problem(data, fragment):
    problems = validate_codebook(data)
    assert any(fragment in p for p in problems), problems


def test_handover_day_is_not_an_overlap():
    assert validate_codebook(_minimal()) == []


def test_invalid_codebook_raises_with_every_problem():
    data = _minimal()
    data["actors"][0]["code"] = "usa"
    data["offices"][0]["holders"][0]["confidence"] = "sure"
    with pytest.raises(CodebookError) as exc:
        Codebook(data)
    assert len(exc.value.problems) == 2 and "code = 'usa'" in str(exc.value)


def test_user_codebook_adds_and_replaces(tmp_path):
    user = tmp_path / "mine.yml"
    user.write_text(yaml.safe_dump({"actors": [
        {"id": "mohammad_javad_zarif", "name": "Zarif", "type": "person", "code": "IRNGOV",
         "verified": True, "aliases": ["ظريف"]},
        {"id": "local_council_head", "name": "Head of a local council", "type": "person",
         "code": "SYROPP", "verified": False, "aliases": ["أبو أحمد الحلبي"]}]},
        allow_unicode=True), encoding="utf-8")
    text = "قال أبو أحمد الحلبي إن ظريف زار دمشق"
    assert ids(text) == []
    assert ids(text, codebook=user) == ["local_council_head", "mohammad_javad_zarif"]
    assert ids(text, codebook=load_codebook(extra=user)) == ["local_council_head", "mohammad_javad_zarif"]


# =========================================================================== aliases and keys


@pytest.mark.parametrize("alias, expected", [
    ("الأسد", ["الأسد"]),
    ("{دي ميستورا|ديمستورا}", ["دي ميستورا", "ديمستورا"]),
    ("رئيس الائتلاف {|الوطني}", ["رئيس الائتلاف", "رئيس الائتلاف الوطني"]),
    ("{أ|ب} {ج|د}", ["أ ج", "أ د", "ب ج", "ب د"]),
])
def test_expand_alias(alias, expected):
    assert expand_alias(alias) == expected


@pytest.mark.parametrize("a, b", [
    ("الأميركية", "الأمريكية"), ("الإئتلاف", "الائتلاف"), ("الائتلاف", "الايتلاف"),
    ("مؤتمر", "موتمر"), ("خوجة", "خوجه"), ("كارثيّاً", "كارثيا"), ("الـنـظـام", "النظام"),
    ("أنقرة", "انقره"), ("إيران", "ايران"), ("علىٰ", "علي"),
])
def test_alias_key_folds_spelling_variants(a, b):
    assert alias_key(a) == alias_key(b)


_ALPHABET = st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآؤئىة")
                            + ["\u064e", "\u0651", "\u0652", "\u0654", "\u0655", "\u0653", "\u0640",
                               "\u0670", "\u06c0", "\u06d5", "\ufefb", "\u200c", "ﻻ", "ک", "ی"])
_ANY_TEXT = st.text(alphabet=st.one_of(_ALPHABET, st.sampled_from(list(" \n\t،؛.«»()-–0123456789٢٥a_²"))),
                    max_size=60)


@settings(max_examples=300, deadline=None)
@given(word=st.text(alphabet=_ALPHABET, min_size=1, max_size=8))
def test_the_fast_key_path_equals_normalize_then_fold(word):
    # alias_key skips arabic.normalize for plain Arabic words: the result must be the same
    slow = arabic.normalize(word).translate(actors._FOLD)
    assert alias_key(word) == actors._VARIANTS_RE.sub(lambda m: actors._VARIANTS[m.group()], slow)


def finder_tokens(text: str) -> list[arabic.Token]:
    """The tokens the finder reads: those of each chunk of ``text.split(" ")``, in order."""
    out, off = [], 0
    for chunk in actors._Doc(text).chunks:
        texts, starts, ends, _ = actors._chunk_tokens(chunk)
        out += [arabic.Token(t, off + a, off + b, actors._kind(t)) for t, a, b in zip(texts, starts, ends)]
        off += len(chunk) + 1
    return out


@settings(max_examples=300, deadline=None)
@given(text=_ANY_TEXT)
def test_finder_tokens_are_the_tokens_of_arabic_tokenize(text):
    assert finder_tokens(text) == arabic.tokenize(text)


def test_finder_tokens_on_the_seeds():
    for path in sorted(seeds_path().glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert finder_tokens(text) == arabic.tokenize(text)


# =========================================================================== finder: variants


@pytest.mark.parametrize("text, expected", [
    ("وكيري", ["john_kerry"]),
    ("قال وكيري", ["john_kerry"]),
    ("التابع للنظام على", ["syrian_government"]),
    ("تحارب نظام الأسد ولداعش", ["syrian_government", "isis"]),
    ("ندد بالأسد", ["bashar_al_assad"]),
    ("وبالأسد", ["bashar_al_assad"]),
    ("فالأسد", ["bashar_al_assad"]),
    ("للائتلاف الوطني السوري", ["syrian_national_coalition"]),
    ("وداعش", ["isis"]),
    ("كوفي عنان", ["kofi_annan"]),
    ("المبعوث ستيفان دي ميستورا", ["staffan_de_mistura"]),
    ("ستيفان ديمستورا", ["staffan_de_mistura"]),
    ("ديمستورا", ["staffan_de_mistura"]),
    ("دي مستورا", ["staffan_de_mistura"]),
    ("الولايات المتحدة الأمريكية", ["united_states"]),
    ("الولايات المتحدة الأميركية", ["united_states"]),
    ("الإئتلاف", ["syrian_national_coalition"]),
    ("الايتلاف", ["syrian_national_coalition"]),
    ("الائْتِلافُ", ["syrian_national_coalition"]),
    ("خالد خوجه", ["khaled_khoja"]),
    ("بشّار الأسد", ["bashar_al_assad"]),
    ("ايران", ["iran"]),
    ("تنظيم الدولة الإسلامية", ["isis"]),
    ("عبدالرحمن مصطفى", ["abdulrahman_mustafa"]),
    ("الاتحاد الأوروبي وجامعة الدول العربية", ["european_union", "arab_league"]),
])
def test_clitics_diacritics_and_variants(text, expected):
    assert ids(text) == expected


def test_mentions_keep_offsets_into_the_text_given():
    text = "ندد  وكيري بالأسد"
    ms = find_actors(text)
    assert [(m.start, m.end, m.text) for m in ms] == [(5, 10, "وكيري"), (11, 17, "بالأسد")]
    assert [m.normalized for m in ms] == ["كيري", "الاسد"]


def test_a_mention_never_crosses_a_line_break():
    assert ids("قال خالد\nخوجة") == ["khaled_khoja"]
    ms = find_actors("وزير الخارجية الأميركي\nكيري", date=DATE_KHOJA)
    assert [(m.text, m.resolved_by) for m in ms] == [("وزير الخارجية الأميركي", "date"),
                                                      ("كيري", "alias")]


# =========================================================================== finder: metonyms, traps


@pytest.mark.parametrize("text, expected", [
    ("دعا خوجة واشنطن إلى المساعدة", ["khaled_khoja", "united_states"]),
    ("رئيس الائتلاف يحث واشنطن على إقامة مناطق آمنة", ["khaled_khoja", "united_states"]),
    ("أكد أن واشنطن لا ترى أي حل", ["united_states"]),
    ("وقالت موسكو إن الحل سياسي", ["russia"]),
    ("التقى خوجة كيري في واشنطن", ["khaled_khoja", "john_kerry"]),
    ("في مبنى الخارجية الأميركية بواشنطن", ["us_state_department"]),  # an organisation, not a place
    ("اجتماع في البيت الأبيض", []),
    ("وأعلن البيت الأبيض أن", ["united_states"]),
    ("وقال خوجة في واشنطن إنه اطلع كيري", ["khaled_khoja", "john_kerry"]),
    ("زيارة جديدة لدمشق", []),
    ("زار موسكو", []),
    ("وصل إلى أنقرة", []),
    ("حي الوعر في حمص والغوطة في دمشق", []),
    ("اجتمعوا أمس في طهران", []),
    ("مع وفد من الخارجية الأمريكية", ["us_state_department"]),
    ("تدخل إيران في الشؤون الداخلية بسورية", ["iran"]),
    ("اللاجئين السوريين في لبنان", []),
    ("الزيارة التي يقوم بها رئيس الائتلاف إلى أمريكا", ["khaled_khoja"]),
    ("رسالة الائتلاف إلى أمريكا", ["syrian_national_coalition", "united_states"]),
    ("كلس – تركيا", []),
    ("ضرورة التنسيق مع تركيا", ["turkey"]),
])
def test_capitals_states_and_places(text, expected):
    assert ids(text, date=DATE_KHOJA) == expected


@pytest.mark.parametrize("text, expected", [
    ("نظام المحاسبة والعدالة الانتقالية", []),
    ("نظام حوكمة للمناطق المحررة", []),
    ("ونظام العقوبات الاقتصادية", []),
    ("وجهات النظر", []),
    ("النظام الداخلي للائتلاف", ["syrian_national_coalition"]),
    ("التابع للنظام على المناطق", ["syrian_government"]),
    ("نظام الأسد", ["syrian_government"]),
    ("نظام بشار الأسد متهالك", ["syrian_government"]),
    ("انسحاب قوات النظام", ["syrian_government"]),
    ("ووقف تدخل النظام الإيراني", ["iran"]),
    ("النظام السوري", ["syrian_government"]),
    ("رأس النظام", ["bashar_al_assad"]),
])
def test_the_regime_and_the_system(text, expected):
    assert ids(text, date=DATE_KHOJA) == expected


@pytest.mark.parametrize("text, expected", [
    ("أخبار الآن | كلس – تركيا – (مصطفى عباس)", ["akhbar_al_aan"]),
    ("وقال مصطفى إن المؤتمر فرصة", []),
    ("التقى عبد الرحمن مصطفى جيفري. وقال مصطفى إن", ["abdulrahman_mustafa", "james_jeffrey",
                                                     "abdulrahman_mustafa"]),
    ("وقال المعلم إن", []),
    ("قال وليد المعلم ثم أضاف المعلم", ["walid_muallem", "walid_muallem"]),
])
def test_short_aliases_need_an_earlier_full_name(text, expected):
    assert ids(text, date=DATE_MUSTAFA) == expected


# =========================================================================== finder: roles


def test_role_resolves_to_earlier_named_holder_before_the_date():
    text = "التقى خالد خوجة الوفد. وقال رئيس الائتلاف إن"
    # the document's date says Mustafa, but the text named Khoja as a Coalition president
    ms = find_actors(text, date="2015-05-01")
    assert [(m.actor_id, m.resolved_by) for m in ms] == [("khaled_khoja", "alias"),
                                                          ("khaled_khoja", "earlier_mention")]


def test_a_named_person_who_did_not_hold_the_office_then_is_skipped():
    text = "التقى خالد خوجة الوفد. وقال رئيس الائتلاف إن"
    ms = find_actors(text, date="2019-03-14")  # Khoja was not president in 2019
    assert [(m.actor_id, m.resolved_by) for m in ms][1] == ("abdulrahman_mustafa", "date")


def test_apposition_links_a_person_to_an_office_for_the_rest_of_the_text():
    text = "قال رئيس الائتلاف خالد خوجة إن. وأضاف رئيس الائتلاف"
    ms = find_actors(text)  # no date at all
    assert [(m.text, m.actor_id, m.kind, m.office, m.resolved_by) for m in ms] == [
        ("رئيس الائتلاف خالد خوجة", "khaled_khoja", "name", "coalition_president", "apposition"),
        ("رئيس الائتلاف", "khaled_khoja", "role", "coalition_president", "earlier_mention")]


@pytest.mark.parametrize("text, date, expected", [
    ("وقال رئيس الائتلاف", "2019-06-29", ("abdulrahman_mustafa", "date_handover")),
    ("وقال رئيس الائتلاف", "2019-06-30", ("anas_al_abdah", "date")),
    ("وقال رئيس الائتلاف", None, ("", "no_date")),
    ("وقال رئيس الائتلاف", "1990-01-01", ("", "no_holder")),
    ("وقال المبعوث الأممي", "2015-03-01", ("staffan_de_mistura", "date")),
    ("وقال المبعوث الدولي", "2019-06-29", ("geir_pedersen", "date")),
    ("وقال المبعوث الأمريكي", "2019-06-29", ("james_jeffrey", "date")),
    ("دعا إلى محاسبة رأس النظام", "2015-05-01", ("bashar_al_assad", "date")),
    ("ورد وزير الخارجية الأميركي", "2015-05-01", ("john_kerry", "date")),
    ("ورد وزير الخارجية الأمريكي", "2019-03-14", ("mike_pompeo", "date")),
])
def test_roles_resolve_by_date(text, date, expected):
    (m,) = find_actors(text, date=date)
    assert (m.actor_id, m.resolved_by) == expected
    assert m.kind == "role" and m.office


def test_unresolved_role_keeps_its_office():
    (m,) = find_actors("وقال المبعوث الأممي")
    assert (m.actor_id, m.office, m.resolved_by) == ("", "un_syria_envoy", "no_date")


@pytest.mark.parametrize("text, expected", [
    ("أصدر الرئيس بشار الأسد مرسوما لعائلات القتلى من نظامه", ("نظامه", "syrian_government")),
    ("أكد جيفري أن الائتلاف الوطني مهم، وجدد دعم بلاده", ("بلاده", "united_states")),
    ("قال وزير الخارجية الإيراني إن بلاده لن تنسحب", ("بلاده", "iran")),
    ("وشكر مصطفى الوفد الأمريكي على الجهود التي تبذلها بلادهم", ("بلادهم", "united_states")),
    ("قالت روسيا إن حكومتها", ("حكومتها", "")),  # "her government": no official named
    ("وجدد دعم بلاده", ("بلاده", "")),  # nobody to refer back to
])
def test_his_country_and_his_regime_refer_back_to_a_state(text, expected):
    ms = find_actors(text, date=DATE_MUSTAFA)
    word, actor = expected
    hits = [(m.actor_id, m.kind, m.resolved_by) for m in ms if m.text == word]
    assert hits == ([(actor, "collective", "anaphor")] if actor else [])


@pytest.mark.parametrize("text, expected", [
    ("التقى رئيس الائتلاف الوطني السوري خالد خوجة، وزير الخارجية الأميركي جون كيري",
     [("رئيس الائتلاف الوطني السوري خالد خوجة", "khaled_khoja"),
      ("وزير الخارجية الأميركي جون كيري", "john_kerry")]),
    ("دعا الدكتور خالد خوجة، رئيس الائتلاف الوطني السوري المعارض واشنطن",
     [("خالد خوجة، رئيس الائتلاف الوطني السوري المعارض", "khaled_khoja"), ("واشنطن", "united_states")]),
    ("برئاسة عبد الرحمن مصطفى رئيس الائتلاف، وآخر",
     [("عبد الرحمن مصطفى رئيس الائتلاف", "abdulrahman_mustafa")]),
    # a holder of another office is not merged: Khoja is no US Secretary of State
    ("استقبل وزير الخارجية الأميركي خالد خوجة",
     [("وزير الخارجية الأميركي", "john_kerry"), ("خالد خوجة", "khaled_khoja")]),
    # a complement and an epithet between the role and the name
    ("دعا إلى محاسبة رأس النظام في سورية، المجرم بشار الأسد، على",
     [("رأس النظام في سورية، المجرم بشار الأسد", "bashar_al_assad")]),
    # ... but not a clause: "the president said that Assad ..."
    ("وقال الرئيس السوري إن بشار الأسد", [("الرئيس السوري", "bashar_al_assad"),
                                           ("بشار الأسد", "bashar_al_assad")]),
    # the role in brackets after the name, brackets included
    ("مبادرة ستيفان دي ميستورا (المبعوث الدولي إلى سوريا).",
     [("ستيفان دي ميستورا (المبعوث الدولي إلى سوريا)", "staffan_de_mistura")]),
    # two names of one actor, the second in brackets
    ("حسب وكالة الأنباء السورية الرسمية (سانا).", [("وكالة الأنباء السورية الرسمية (سانا)", "sana")]),
    ("حسب وكالة سانا (إرنا).", [("وكالة سانا", "sana"), ("إرنا", "irna")]),
])
def test_apposition_is_one_mention(text, expected):
    assert [(m.text, m.actor_id) for m in find_actors(text, date=DATE_KHOJA)] == expected


# =========================================================================== finder: laws

_WORDS = ["قال", "إن", "في", "على", "الحل", "سياسي", "التقى", "دعا", "مع", "واشنطن", "كيري",
          "وكيري", "الأسد", "بالأسد", "للنظام", "نظام", "المحاسبة", "رئيس", "الائتلاف",
          "الوطني", "السوري", "خالد", "خوجة", "مصطفى", "عبد", "الرحمن", "وزير", "الخارجية",
          "الأميركي", "جون", "المبعوث", "الأممي", "دي", "ميستورا", "إيران", "الإيراني", "رأس",
          "قوات", "داعش", "لداعش", "موسكو", "بواشنطن", "تركيا", "الولايات", "المتحدة"]
_SEPS = [" ", " ", " ", "، ", ". ", "\n", " (", ") ", ": ", "«", "» ", " – "]
_phrases = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPS)), max_size=40).map(
    lambda pairs: "".join(w + s for w, s in pairs))


@settings(max_examples=80, deadline=None)
@given(text=_phrases, date=st.sampled_from([None, "2015-05-01", "2019-06-29", "2019"]))
def test_mentions_are_ordered_disjoint_and_point_into_the_text(text, date):
    cb = load_codebook()
    ms = find_actors(text, date=date)
    last = 0
    for m in ms:
        assert last <= m.start < m.end
        last = m.end
        assert text[m.start:m.end] == m.text
        assert m.kind in KINDS and m.resolved_by in RESOLVED_BY
        assert m.actor_id in cb.actors or (m.actor_id == "" and m.kind == "role")
        assert m.office == "" or m.office in cb.offices
        assert "\n" not in m.text


_DIACRITICS = "\u064e\u064f\u0650\u0651\u0652\u064b\u0640"


@settings(max_examples=60, deadline=None)
@given(text=_phrases, seed=st.integers(0, 2**16))
def test_diacritics_and_tatweel_change_nothing(text, seed):
    import random

    rng = random.Random(seed)
    marked = "".join(ch + (rng.choice(_DIACRITICS) if "\u0621" <= ch <= "\u064a" and rng.random() < 0.3
                           else "") for ch in text)
    plain = [(m.actor_id, m.kind, m.office, m.resolved_by) for m in find_actors(text, date=DATE_KHOJA)]
    fancy = [(m.actor_id, m.kind, m.office, m.resolved_by) for m in find_actors(marked, date=DATE_KHOJA)]
    assert fancy == plain


@pytest.mark.parametrize("bad, kw", [
    (123, {}), ("نص", {"date": "15/05/2015"}), ("نص", {"date": "2015-02-30"}),
    ("نص", {"codebook": 5}),
])
def test_bad_arguments_raise_value_error(bad, kw):
    with pytest.raises(ValueError):
        find_actors(bad, **kw)


def test_empty_text_has_no_mentions():
    assert find_actors("") == [] and find_actors("   \n") == []


# =========================================================================== corpus table


@pytest.fixture(scope="module")
def seeds_mentions():
    return corpus_mentions()


@pytest.fixture(scope="module")
def seeds_raw_mentions():
    return corpus_mentions(raw=True)


def test_corpus_mentions_columns_order_and_sorting(seeds_mentions):
    df = seeds_mentions
    assert list(df.columns) == MENTION_COLUMNS
    keys = list(zip(df.doc_id, df.start))
    assert keys == sorted(keys)
    assert set(df.kind) == set(KINDS)


@pytest.mark.parametrize("raw", [False, True])
def test_positions_are_raw_file_positions(raw, seeds_mentions, seeds_raw_mentions):
    import pandas as pd

    from corpus_utils.corpus import load_corpus, sentences

    corpus = load_corpus().set_index("doc_id")
    df = seeds_raw_mentions if raw else seeds_mentions
    sents = sentences(load_corpus())
    for r in df.itertuples():
        raw_text = corpus.loc[r.doc_id, "raw_text"]
        assert raw_text[r.start:r.end] == r.text
        assert raw_text.count("\n", 0, r.start) + 1 == r.line
        if pd.notna(r.sentence):
            s = sents[(sents.doc_id == r.doc_id) & (sents.sentence == r.sentence)].iloc[0]
            assert s.start <= r.start and r.end <= s.end and s.paragraph == r.paragraph


def test_cleaned_mentions_are_the_raw_mentions_of_kept_lines(seeds_mentions, seeds_raw_mentions):
    # reading the raw files adds mentions in the lines cleaning took out, and changes nothing else
    key = ["doc_id", "start", "end", "actor_id", "kind"]
    clean = set(map(tuple, seeds_mentions[key].values))
    raw = set(map(tuple, seeds_raw_mentions[key].values))
    assert clean <= raw
    extra = seeds_raw_mentions[[tuple(v) not in clean for v in seeds_raw_mentions[key].values]]
    assert extra["paragraph"].isna().all()
    assert sorted(set(zip(extra.doc_id, extra.line))) == [
        ("000", 8), ("001", 4), ("001", 5), ("001", 6), ("002", 1), ("004", 12)]


def test_corpus_mentions_rejects_a_table_without_texts():
    import pandas as pd

    with pytest.raises(ValueError, match="load_corpus"):
        corpus_mentions(pd.DataFrame({"doc_id": ["x"]}))


# =========================================================================== CLI: issue 7 items 3, 4


@pytest.fixture(scope="module")
def cli_clean() -> list[dict]:
    return cli_rows()


@pytest.fixture(scope="module")
def cli_raw() -> list[dict]:
    return cli_rows("--raw")


def at(rows: list[dict], doc: str, line: int) -> list[tuple[str, str, str]]:
    return [(r["text"], r["actor_id"], r["kind"]) for r in rows
            if r["doc_id"] == doc and int(r["line"]) == line]


def test_cli_prints_the_fields_in_order(cli_clean):
    code, out = run_cli()
    assert out.splitlines()[0].split(",") == MENTION_COLUMNS
    assert len(cli_clean) == len(out.splitlines()) - 1 > 100


@pytest.mark.parametrize("doc, line, expected", [
    # item 3: office phrases resolve to the holder
    ("000", 1, [("رئيس الائتلاف الوطني السوري خالد خوجة", "khaled_khoja", "name"),
                ("وزير الخارجية الأميركي جون كيري", "john_kerry", "name"),
                ("رئيس الائتلاف", "khaled_khoja", "role")]),
    ("000", 3, [("رئيس الائتلاف", "khaled_khoja", "role"),
                ("رأس النظام في سورية، المجرم بشار الأسد", "bashar_al_assad", "name")]),
    ("002", 5, [("المبعوث الأممي ستيفان ديمستورا", "staffan_de_mistura", "name")]),
    ("004", 3, [("رئيس الائتلاف الوطني", "abdulrahman_mustafa", "role"),
                ("الوفد الأمريكي", "united_states", "collective"),
                ("المبعوث الدولي", "geir_pedersen", "role")]),
    # item 4: metonyms and traps
    ("000", 2, [("خوجة", "khaled_khoja", "name"),
                ("الولايات المتحدة الأميركية", "united_states", "name"),
                ("للنظام", "syrian_government", "collective")]),
    ("003", 25, [("واشنطن", "united_states", "metonym"), ("النظام", "syrian_government", "collective")]),
    ("004", 5, [("مصطفى", "abdulrahman_mustafa", "name"),
                ("قوات النظام", "syrian_government", "collective")]),
    ("004", 8, []),
    ("004", 10, [("النظام الإيراني", "iran", "collective")]),
    ("004", 11, []),
])
def test_cli_seed_lines(cli_clean, doc, line, expected):
    assert at(cli_clean, doc, line) == expected


@pytest.mark.parametrize("doc, line", [("003", 7), ("003", 11), ("003", 17), ("004", 4), ("004", 5)])
def test_cli_bare_mustafa_is_abdulrahman_mustafa(cli_clean, doc, line):
    assert ("مصطفى", "abdulrahman_mustafa", "name") in at(cli_clean, doc, line)


@pytest.mark.parametrize("doc, line, text, kind", [
    ("000", 3, "رأس النظام في سورية، المجرم بشار الأسد", "name"),  # in apposition to his name
    ("002", 19, "رأس النظام", "role")])
def test_cli_head_of_the_regime_is_assad(cli_clean, doc, line, text, kind):
    assert (text, "bashar_al_assad", kind) in at(cli_clean, doc, line)
    office = [r["office"] for r in cli_clean if r["doc_id"] == doc and r["text"] == text]
    assert office == ["syrian_president"]


@pytest.mark.parametrize("doc, line, text, actor", [
    ("003", 5, "نظام الأسد", "syrian_government"),
    ("003", 11, "نظام الأسد", "syrian_government"),
    ("002", 9, "نظام بشار الأسد", "syrian_government"),
    ("001", 2, "وزير الخارجية الأميركي", "john_kerry"),
])
def test_cli_more_seed_cases(cli_clean, doc, line, text, actor):
    assert any(t == text and a == actor for t, a, _ in at(cli_clean, doc, line))


def test_cli_washington_as_actor_and_as_place(cli_clean, cli_raw):
    wash = [(r["doc_id"], int(r["line"]), r["resolved_by"]) for r in cli_raw if r["text"] == "واشنطن"]
    # دعا ... واشنطن (001:1), يحث واشنطن (001:4, 001:6 headlines), واشنطن لا ترى (003:25)
    assert wash == [("001", 1, "capital_verb"), ("001", 4, "capital_verb"),
                    ("001", 6, "capital_verb"), ("003", 25, "capital_verb")]
    # في واشنطن (000:1, 001:2) and بواشنطن (001:1) are places
    assert not any("واشنطن" in r["text"] and r["text"] != "واشنطن" for r in cli_raw)
    assert [r["text"] for r in cli_clean if r["doc_id"] == "000" and r["line"] == "1"
            and "واشنطن" in r["text"]] == []


def test_cli_reporter_in_the_dateline_is_not_mustafa(cli_raw):
    dateline = at(cli_raw, "002", 1)
    assert dateline == [("أخبار الآن", "akhbar_al_aan", "name")]
    assert not any(r["actor_id"] == "abdulrahman_mustafa" for r in cli_raw if r["doc_id"] == "002")


def test_cli_single_file_with_date_and_handover(tmp_path):
    f = tmp_path / "note.txt"
    f.write_text("قال رئيس الائتلاف إن المبعوث الأممي وصل.\n", encoding="utf-8")
    rows = cli_rows(str(f), "--date", "2019-06-29")
    assert [(r["doc_id"], r["file"], r["date"], r["actor_id"], r["resolved_by"]) for r in rows] == [
        ("note", "note.txt", "2019-06-29", "abdulrahman_mustafa", "date_handover"),
        ("note", "note.txt", "2019-06-29", "geir_pedersen", "date")]
    rows = cli_rows(str(f))
    assert [(r["actor_id"], r["office"], r["resolved_by"]) for r in rows] == [
        ("", "coalition_president", "no_date"), ("", "un_syria_envoy", "no_date")]


@pytest.mark.parametrize("with_date_column", [False, True])
def test_cli_date_fills_undated_documents_of_a_folder(tmp_path, with_date_column):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("وقال رئيس الائتلاف إن الحل سياسي.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("وقال رئيس الائتلاف إن الحل سياسي.\n", encoding="utf-8")
    meta = "doc_id,file,date\na,a.txt,2015-05-01\nb,b.txt,\n" if with_date_column else \
        "doc_id,file\na,a.txt\nb,b.txt\n"
    (corpus / "metadata.csv").write_text(meta, encoding="utf-8")
    rows = cli_rows(str(corpus), "--date", "2019-03")
    expected_a = ("2015-05-01", "khaled_khoja") if with_date_column else ("2019-03", "abdulrahman_mustafa")
    assert [(r["doc_id"], r["date"], r["actor_id"]) for r in rows] == [
        ("a", *expected_a), ("b", "2019-03", "abdulrahman_mustafa")]


def test_cli_single_seed_file_raw_keeps_raw_positions():
    path = seeds_path() / "002_3c1a74828c475d62.txt"
    rows = cli_rows(str(path), "--raw", "--date", "2015-03-01")
    raw = path.read_text(encoding="utf-8")
    assert rows[0]["doc_id"] == "002_3c1a74828c475d62"
    for r in rows:
        assert raw[int(r["start"]):int(r["end"])] == r["text"]
    assert not any(r["text"].startswith("مصطفى") for r in rows)


def test_cli_jsonl_has_the_same_records(cli_clean):
    code, out = run_cli("--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == len(cli_clean)
    assert list(records[0]) == MENTION_COLUMNS
    assert isinstance(records[0]["line"], int) and isinstance(records[0]["paragraph"], int)


def test_cli_codebook_adds_user_entries(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("وقال الفنان أبو صياح إن", encoding="utf-8")
    cb_file = tmp_path / "mine.yml"
    cb_file.write_text("actors:\n  - {id: abu_sayyah, name: Abu Sayyah, type: person, code: SYRCVL,"
                       " verified: false, aliases: [أبو صياح]}\n", encoding="utf-8")
    assert cli_rows(str(f)) == []
    assert [r["actor_id"] for r in cli_rows(str(f), "--codebook", str(cb_file))] == ["abu_sayyah"]


def test_cli_bad_codebook_is_an_input_error(tmp_path, capsys):
    cb_file = tmp_path / "bad.yml"
    cb_file.write_text("actors:\n  - {id: X, name: x, type: planet, code: X, verified: no}\n",
                       encoding="utf-8")
    code, _ = run_cli("--codebook", str(cb_file))
    err = capsys.readouterr().err
    assert code == 1 and "type = 'planet'" in err and "snake_case" in err


@pytest.mark.parametrize("date", ["2015-13-01", "01/05/2015"])
def test_cli_bad_date_is_a_usage_error(date, capsys):
    code, _ = run_cli("--date", date)
    assert code == 2 and "--date" in capsys.readouterr().err


def test_cli_unknown_lists_names_after_titles(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("وقال وزير الخارجية الإيراني محمد جواد ظريفي إن بلاده.\n"
                                  "وأكد المتحدث باسم الخارجية سعيد خطيب زاده أن.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("التقى وزير الخارجية الإيراني محمد جواد ظريفي نظيره.\n",
                                  encoding="utf-8")
    (corpus / "metadata.csv").write_text("doc_id,file,date\na,a.txt,2015-05-01\nb,b.txt,2015-06-01\n",
                                         encoding="utf-8")
    rows = cli_rows(str(corpus), "--unknown")
    top = rows[0]
    assert (top["phrase"], top["after"], top["count"], top["documents"]) == (
        "محمد جواد ظريفي", "وزير الخارجية الايراني", "2", "2")
    assert top["example"] == "a:1"
    assert any(r["after"] == "المتحدث" and r["example"] == "a:2" for r in rows)


def test_unknown_phrases_checks_its_options():
    with pytest.raises(ValueError, match="max_words = 0"):
        unknown_phrases(max_words=0)


# =========================================================================== spaCy


@pytest.mark.parametrize("tokenizer", ["blank", "package"])
def test_spacy_component_gives_the_same_mentions(tokenizer, seeds_mentions):
    spacy = pytest.importorskip("spacy")
    from corpus_utils.corpus import load_corpus

    actors.register_spacy_component()
    if tokenizer == "blank":
        nlp = spacy.blank("ar")
    else:
        from corpus_utils.nlp import arabic_pipeline

        nlp = arabic_pipeline()
    nlp.add_pipe("actor_finder")
    for doc_id, text, date in zip(*load_corpus()[["doc_id", "raw_text", "date"]].T.values):
        doc = nlp.make_doc(text)
        doc.user_data["date"] = date.date()
        doc = nlp(doc)
        expected = [m.as_dict() for m in find_actors(text, date=date.date())]
        spans = doc.spans["actors"]
        assert [s._.actor for s in spans] == expected
        assert [s.label_ for s in spans] == [m["actor_id"] or "UNRESOLVED" for m in expected]
        if tokenizer == "package":  # the package's tokens align with every mention exactly
            assert [(s.start_char, s.end_char) for s in spans] == [(m["start"], m["end"]) for m in expected]


# =========================================================================== evaluation


def _table(rows):
    import pandas as pd

    return pd.DataFrame(rows, columns=["doc_id", "start", "end", "actor_id", "kind", "office", "text"])


def test_evaluate_counts_matches_per_kind_and_lists_errors():
    gold = _table([("a", 0, 5, "x", "name", "", "aaaaa"), ("a", 10, 20, "y", "role", "o", "r"),
                   ("a", 30, 35, "z", "collective", "", "c"), ("b", 0, 4, "", "role", "o", "u"),
                   ("b", 20, 24, "dept", "name", "", "d")])
    pred = _table([("a", 1, 5, "x", "name", "", "aaaa"),        # overlap, same actor: boundary
                   ("a", 10, 20, "w", "role", "o", "r"),        # wrong actor: false alarm + miss
                   ("a", 30, 35, "z", "metonym", "", "c"),      # match, kind differs
                   ("b", 0, 4, "", "role", "o", "u"),           # unresolved, same office: match
                   ("b", 8, 9, "q", "name", "", "q"),           # nothing there: false alarm
                   ("b", 20, 24, "state", "name", "", "d")])    # matches through id_map
    scores, errors = evaluate_mentions(pred, gold, id_map={"dept": "state"})
    s = scores.set_index("kind")
    assert s.loc["all", ["gold", "predicted", "matched_gold", "matched_predicted"]].tolist() == [5, 6, 4, 4]
    assert s.loc["all", ["precision", "recall"]].tolist() == pytest.approx([4 / 6, 4 / 5])
    assert s.loc["role", ["precision", "recall"]].tolist() == pytest.approx([1 / 2, 1 / 2])
    assert s.loc["collective", "recall"] == 1.0 and s.loc["metonym", "precision"] == 1.0
    assert s.loc["all", "kind_agreement"] == pytest.approx(3 / 4)
    assert s.loc["all", "exact_spans"] == pytest.approx(3 / 4)
    assert errors[["error", "doc_id", "pred_text", "gold_text"]].values.tolist() == [
        ["boundary", "a", "aaaa", "aaaaa"],
        ["miss", "a", "r", "r"],            # the overlapping prediction shows the wrong actor
        ["false_alarm", "a", "r", "r"],
        ["kind", "a", "c", "c"],
        ["false_alarm", "b", "q", ""]]
    assert errors.loc[1, ["pred_actor_id", "gold_actor_id"]].tolist() == ["w", "y"]
    assert evaluate_mentions(pred, gold)[0].set_index("kind").loc["all", "matched_gold"] == 3
    strict, _ = evaluate_mentions(pred, gold, id_map={"dept": "state"}, require_kind=True)
    assert strict.set_index("kind").loc["all", "matched_gold"] == 3


def test_evaluate_matches_one_to_one():
    gold = _table([("a", 0, 10, "x", "name", "", "g")])
    pred = _table([("a", 0, 4, "x", "name", "", "p1"), ("a", 3, 10, "x", "name", "", "p2")])
    scores, errors = evaluate_mentions(pred, gold)
    assert scores.set_index("kind").loc["all", ["matched_gold", "matched_predicted"]].tolist() == [1, 1]
    assert errors.loc[errors.error == "false_alarm", "pred_text"].tolist() == ["p1"]  # p2 overlaps more


def test_evaluate_needs_the_columns():
    with pytest.raises(ValueError, match="gold lacks"):
        evaluate_mentions(_table([]), _table([]).drop(columns=["kind"]))
