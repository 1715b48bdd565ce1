"""Actors: a dated codebook and a finder that resolves role phrases to the people who held them.

No trained Arabic named-entity model can be installed offline, and political-event research
codes actors from dictionaries anyway (PETRARCH/Phoenix, ICEWS): an actor, its aliases, its
codes, with date ranges. This module does that and one thing those dictionaries do not: an
office phrase (``رئيس الائتلاف``, ``وزير الخارجية الأميركي``, ``المبعوث الأممي``) is resolved
to the person who held the office, from the document itself or from its date.

* :func:`load_codebook` reads ``data/actors.yml`` (plus a user's own file) and checks it
  (:func:`validate_codebook`): actors with a stable id, English name, type, CAMEO-style code
  and Arabic aliases; offices with dated holders whose periods never overlap.
* :func:`find_actors` finds the mentions in one text in **one pass** over its tokens, with
  no loop over aliases: each space-separated piece of the text is looked up once (the
  answer is cached per piece: which of its tokens can start an alias, from their normalised
  forms), and from those tokens only a token trie of all aliases is walked; longest match
  wins, so spans never overlap. Attached clitics (``وكيري``,
  ``للنظام``, ``بالأسد``), diacritics and spelling variants (``دي ميستورا``/``ديمستورا``,
  ``الأميركية``/``الأمريكية``, hamza forms) are tolerated.
* Rules after matching, in this order (each named in ``resolved_by``):

  - ``non_actors`` phrases (``نظام العقوبات``, ``النظام الداخلي``) hide the shorter alias in them;
  - a **capital** (``واشنطن``) is its state only as subject or object of a verb of speech or
    action in the same sentence (``دعا ... واشنطن``, ``يحث واشنطن``, ``واشنطن لا ترى``), never
    after a locative preposition, a place noun or a verb of motion (``في واشنطن``,
    ``بواشنطن``, ``لدمشق``, ``زار موسكو``) -> ``capital_verb``;
  - a building standing for a state (``البيت الأبيض``, ``الكرملين``) is a mention unless
    something is placed *in* it (``في``, ``بـ``, ``مبنى``, ``مقر``); an organisation's name
    (``الخارجية الأميركية``, ``الأمم المتحدة``) is a mention wherever it stands;
  - a state's own name after a locative preposition (``في لبنان``, ``بسورية``, ``إلى
    أمريكا`` after a visit) is a place, not an actor;
  - a **short alias** (a surname that is also a word or a common given name: ``مصطفى``)
    counts only after the actor was named in full earlier in the same text
    -> ``short_alias``;
  - a role next to the name of a person who holds that office (``وزير الخارجية الأميركي
    جون كيري``, ``خالد خوجة، رئيس الائتلاف``, ``رأس النظام في سورية، المجرم بشار الأسد``,
    ``ستيفان دي ميستورا (المبعوث الدولي إلى سوريا)``) is **one** mention -> ``apposition``;
    so is a name followed by another name of the same actor in brackets (``وكالة الأنباء
    السورية الرسمية (سانا)``);
  - any other role resolves to the holder named for that office earlier in the text
    (``earlier_mention``), else to the holder on the document date (``date``; on a
    handover day the outgoing holder: ``date_handover``), else stays unresolved: empty
    ``actor_id``, ``office`` filled, ``resolved_by`` one of ``no_date``, ``no_holder``,
    ``date_ambiguous``;
  - "his country", "his regime", "their government" (``بلاده``, ``نظامه``, ``بلادهم``) stand
    for the state of the official referred to last (a person with a ``...GOV`` code, a role
    of a state's office), or for "their", the state referred to last -> ``anaphor``.

* :func:`corpus_mentions` runs the finder over a corpus with raw-file positions (``line``,
  ``start``, ``end``, ``paragraph``, ``sentence``), on the cleaned text or, with
  ``raw=True``, on the raw files (the dateline and byline then name no actor but the outlet).
* :func:`unknown_phrases` lists name-like phrases after titles that no entry matched, to grow
  the codebook; :func:`evaluate_mentions` scores mentions against an annotation.
* :func:`register_spacy_component` registers the spaCy factory ``"actor_finder"``.

References:
    Schrodt, P. A. (2012). *CAMEO: Conflict and Mediation Event Observations Event and
    Actor Codebook*, version 1.1b3. Pennsylvania State University.
    Boschee, E. et al. (2015). *ICEWS Coded Event Data*. Harvard Dataverse,
    doi:10.7910/DVN/28075 (actor dictionaries with date-bounded roles).
    Beieler, J. (2016). Generating politically-relevant event data. *Proceedings of the First
    Workshop on NLP and Computational Social Science*, 37-42 (PETRARCH2/Phoenix).

>>> [(m.text, m.actor_id, m.kind) for m in find_actors("ودعا خوجة الولايات المتحدة")]
[('خوجة', 'khaled_khoja', 'name'), ('الولايات المتحدة', 'united_states', 'name')]
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, product, repeat
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from . import arabic
from .paths import DATA_DIR
from .progress import progress as _progress

__all__ = [
    "Mention", "Codebook", "CodebookError", "MENTION_COLUMNS", "KINDS", "ACTOR_TYPES",
    "RESOLVED_BY", "CODEBOOK_PATH", "SCHEMA_PATH", "load_codebook", "validate_codebook",
    "expand_alias", "alias_key", "find_actors", "corpus_mentions", "unknown_phrases",
    "evaluate_mentions", "evaluate_annotation", "codebook_table", "offices_table",
    "register_spacy_component", "ActorFinder",
]

CODEBOOK_PATH = DATA_DIR / "actors.yml"
SCHEMA_PATH = DATA_DIR / "actors.schema.json"

#: Columns of a mentions table, in this order (shared contract).
MENTION_COLUMNS = ["doc_id", "file", "date", "line", "start", "end", "paragraph", "sentence",
                   "text", "normalized", "actor_id", "kind", "office", "resolved_by"]
#: Kinds of mention.
KINDS = ("name", "role", "metonym", "collective")
#: Types of actor in the codebook.
ACTOR_TYPES = ("person", "organisation", "state", "international organisation", "armed group",
               "media")
CONFIDENCE = ("high", "medium", "low")
#: The rules that can decide a mention, as written in ``resolved_by``.
RESOLVED_BY = {
    "alias": "the text is one of the actor's aliases (name, collective, building)",
    "short_alias": "a short form, accepted because the actor was named in full earlier",
    "capital_verb": "a capital as subject or object of a verb of speech or action",
    "apposition": "a role next to the name of a person who holds that office",
    "earlier_mention": "a role, resolved to the holder named earlier in the same text",
    "date": "a role, resolved to the holder on the document date",
    "date_handover": "a role on a handover day, resolved to the outgoing holder",
    "date_ambiguous": "a role whose date (month or year) covers several holders: unresolved",
    "no_holder": "a role whose office has no recorded holder on the date: unresolved",
    "no_date": "a role in an undated text with no earlier named holder: unresolved",
    "anaphor": "his/their country, regime or government: the state of the official (or "
               "state) referred to last",
}

# =========================================================================== normalisation

# Beyond arabic.normalize: the hamza seats and teh marbuta fold too, so that spellings
# with and without hamza (الائتلاف/الايتلاف, مؤتمر/موتمر) and ة/ه meet.
_FOLD = str.maketrans({
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
    "\u0649": "\u064A", "\u0629": "\u0647", "\u0624": "\u0648", "\u0626": "\u064A",
    "\u0621": None, "\u0640": None, "\u06A9": "\u0643", "\u06CC": "\u064A",
    **dict.fromkeys(range(0x064B, 0x0660)), 0x0670: None,
    0x200C: None, 0x200D: None, 0x200E: None, 0x200F: None, 0x00AD: None,
})
# spelling variants of one word, mapped to one form after folding
_VARIANTS_RE = re.compile("امريك")
_VARIANTS = {"امريك": "اميرك"}
#: Words of plain Arabic letters, marks and tatweel, for which the fold alone equals
#: arabic.normalize + fold (a property test checks it).
_SIMPLE_RE = re.compile("[\u0621-\u063A\u0640-\u065F\u0670]+")
_BRACES_RE = re.compile(r"\{([^{}]*)\}")
_SPACES_RE = re.compile(r"\s+")
_ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_CODE_RE = re.compile(r"^[A-Z]{3,12}$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SENTENCE_PUNCT = frozenset(".!؟?؛;:")
_DASHES = frozenset("-–—")


def _fold_key(word: str) -> str:
    """:func:`alias_key` without its cache."""
    if _SIMPLE_RE.fullmatch(word):
        # plain Arabic letters and marks: normalize() would only compose letter + hamza/madda
        # marks (ا+ٔ -> أ ...), which the fold maps where removing the mark leads anyway
        key = word.translate(_FOLD)
    else:
        key = arabic.normalize(word).translate(_FOLD)
    if "امريك" in key:
        key = _VARIANTS_RE.sub(lambda m: _VARIANTS[m.group()], key)
    return key


@lru_cache(maxsize=200_000)
def alias_key(word: str) -> str:
    """The matching key of one word: :func:`corpus_utils.arabic.normalize`, then hamza
    seats, ``ة``, ``ى``, tatweel and marks folded, and ``أمريك`` spelled ``أميرك``.

    Args:
        word: one token as written.

    Returns:
        Its key (cached per word type).

    >>> alias_key("الأمريكية") == alias_key("الأميركية"), alias_key("الإئتلاف") == alias_key("الائتلاف")
    (True, True)
    """
    return _fold_key(word)


@lru_cache(maxsize=200_000)
def _clitic_forms(key: str) -> tuple[tuple[str, str], ...]:
    """``(form, proclitics)`` pairs of a key: itself, then without و/ف and ب/ل/ك (لل -> ال)."""
    out = [(key, "")]
    firsts = [(key, "")]
    if len(key) > 3 and key[0] in "وف":
        firsts.append((key[1:], key[0]))
    for form, pre in firsts:
        if pre:
            out.append((form, pre))
        if len(form) > 3 and form[0] in "بلك":
            rest = form[1:]
            out.append((rest, pre + form[0]))
            if form[0] == "ل" and rest[0] == "ل":
                out.append(("ا" + rest, pre + "ل"))
    seen, unique = set(), []
    for form, pre in out:
        if form not in seen:
            seen.add(form)
            unique.append((form, pre))
    return tuple(unique)


def expand_alias(alias: str) -> list[str]:
    """Spell out the alternatives of an alias: ``"{a|b|}"`` is ``a``, ``b`` or nothing.

    Args:
        alias: an alias as written in the codebook.

    Returns:
        Every spelling, spaces collapsed, in order, without duplicates.

    Raises:
        ValueError: unbalanced braces.

    >>> expand_alias("المبعوث {الأممي|الدولي} {|إلى سوريا}")
    ['المبعوث الأممي', 'المبعوث الأممي إلى سوريا', 'المبعوث الدولي', 'المبعوث الدولي إلى سوريا']
    """
    parts = _BRACES_RE.split(alias)
    if "{" in "".join(parts[0::2]) or "}" in "".join(parts[0::2]):
        raise ValueError(f"alias {alias!r} is invalid; braces must be balanced and not nested")
    choices = [[p] if k % 2 == 0 else p.split("|") for k, p in enumerate(parts)]
    out, seen = [], set()
    for combo in product(*choices):
        text = _SPACES_RE.sub(" ", "".join(combo)).strip()
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def _alias_tokens(text: str) -> tuple[str, ...]:
    return tuple(alias_key(t.text) for t in arabic.tokenize(text))


# =========================================================================== tokens
# The finder reads the tokens of arabic.tokenize, but it does not tokenise a whole document:
# at 100,000 articles even one re.split per document costs more than the whole finder may.
# Tokens never contain whitespace, so the pieces of ``text.split(" ")`` ("chunks": nearly
# always one word, sometimes with punctuation, a line break or nothing) tokenise on their
# own, and a document's tokens are its chunks' tokens in order. The finder looks every chunk
# up in one C-level pass (``Codebook._chunk_hits``, cached per chunk type: which of its tokens
# can start an alias) and tokenises only the chunks it then reads, around those hits.
# tests/test_actors.py checks, on random text and on the seeds, that the chunks' tokens are
# exactly the tokens of arabic.tokenize.
_TOKEN_MARKS = ("\u0300-\u036F\u0483-\u0489\u0591-\u05C7\u0610-\u061A\u064B-\u065F\u0670"
                "\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED\u08D3-\u08E1\u08E3-\u08FF"
                "\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE00-\uFE0F\uFE20-\uFE2F"
                "\u00AD\u200B-\u200F\u2060-\u2064\uFEFF")
_TOKEN_SPLIT_RE = re.compile(
    rf"([^\W\d_]+(?:[{_TOKEN_MARKS}]+[^\W\d_]+)*[{_TOKEN_MARKS}]*"
    rf"|\d+(?:[.,\u066B\u066C]\d+)*[{_TOKEN_MARKS}]*"
    rf"|(?=\S)[^\s{_TOKEN_MARKS}]?[{_TOKEN_MARKS}]*)")


def _kind(token: str) -> str:
    c = token[0]
    return "number" if c.isdecimal() else "word" if c.isalnum() else "punct"


#: At most this many chunk types keep their tokens (``_CHUNK_TOKENS``, about 300 bytes each);
#: when the table is full it is emptied and refilled (only chunks around hits are read).
_CHUNK_CACHE_SIZE = 200_000
_CHUNK_TOKENS: dict[str, tuple] = {}
_ZERO, _NO_BREAKS = (0,), (False, False)


def _chunk_tokens(chunk: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], tuple[bool, ...]]:
    """``(texts, starts, ends, breaks)`` of the tokens of a chunk (a text without ``" "``).

    ``starts``/``ends`` are offsets into the chunk; ``breaks[k]`` tells whether a line break
    stands before token k inside the chunk, ``breaks[-1]`` whether one follows the last
    token (a chunk without tokens, such as a line break alone, has ``breaks`` of length 1).
    """
    hit = _CHUNK_TOKENS.get(chunk)
    if hit is None:
        if chunk.isalpha():  # one word: not worth a place in the table
            return (chunk,), _ZERO, (len(chunk),), _NO_BREAKS
        parts = _TOKEN_SPLIT_RE.split(chunk)
        b = list(accumulate(map(len, parts)))
        breaks = tuple("\n" in g or "\r" in g for g in parts[0::2])
        hit = (tuple(parts[1::2]), tuple(b[0:-1:2]), tuple(b[1::2]), breaks)
        if len(_CHUNK_TOKENS) >= _CHUNK_CACHE_SIZE:
            _CHUNK_TOKENS.clear()
        _CHUNK_TOKENS[chunk] = hit
    return hit


class _Doc:
    """A document as chunks, read token by token only where the finder looks.

    A token's position is ``(c, k)``: token ``k`` of chunk ``c`` of ``chunks``.
    """

    __slots__ = ("text", "chunks", "_at")

    def __init__(self, text: str):
        self.text = text
        self.chunks = text.split(" ")
        self._at = (0, 0)  # (c, offset of chunk c): where offset() last stopped

    def offset(self, c: int) -> int:
        """The offset of chunk ``c`` in the text."""
        c0, off = self._at
        if c >= c0:
            off += sum(map(len, self.chunks[c0:c])) + c - c0
        else:
            off -= sum(map(len, self.chunks[c:c0])) + c0 - c
        self._at = (c, off)
        return off

    def span(self, pos: tuple[int, int]) -> tuple[int, int]:
        """Start and end of the token at ``pos`` in the text."""
        c, k = pos
        _, starts, ends, _ = _chunk_tokens(self.chunks[c])
        off = self.offset(c)
        return off + starts[k], off + ends[k]

    def next(self, pos: tuple[int, int]) -> tuple | None:
        """``(pos, text, line_break)`` of the token after ``pos`` (None at the end);
        ``line_break``: a line break stands between the two."""
        c, k = pos
        chunks = self.chunks
        texts, _, _, breaks = _CHUNK_TOKENS.get(chunks[c]) or _chunk_tokens(chunks[c])
        if k + 1 < len(texts):
            return (c, k + 1), texts[k + 1], breaks[k + 1]
        brk = breaks[-1]
        n = len(chunks)
        while True:
            c += 1
            if c >= n:
                return None
            texts, _, _, breaks = _CHUNK_TOKENS.get(chunks[c]) or _chunk_tokens(chunks[c])
            if texts:
                return (c, 0), texts[0], brk or breaks[0]
            brk = brk or breaks[0]

    def prev(self, pos: tuple[int, int]) -> tuple | None:
        """``(pos, text, line_break)`` of the token before ``pos`` (None at the start);
        ``line_break``: a line break stands between the two."""
        c, k = pos
        chunks = self.chunks
        texts, _, _, breaks = _chunk_tokens(chunks[c])
        if k > 0:
            return (c, k - 1), texts[k - 1], breaks[k]
        brk = breaks[0]
        while True:
            c -= 1
            if c < 0:
                return None
            texts, _, _, breaks = _chunk_tokens(chunks[c])
            if texts:
                return (c, len(texts) - 1), texts[-1], brk or breaks[-1]
            brk = brk or breaks[0]


# =========================================================================== context tables
# All keys below are in alias_key form (folded), so they compare with token keys directly.


def _keys(words: str) -> frozenset[str]:
    return frozenset(alias_key(w) for w in words.split())


#: Verbs of speech or action (past 3ms/3fs, present 3ms/3fs) that make a capital an actor.
_ACTION_VERBS = _keys("""
    دعا دعت يدعو تدعو حث حثت يحث تحث طالب طالبت يطالب تطالب طلب طلبت يطلب تطلب ناشد ناشدت
    يناشد تناشد قال قالت يقول تقول أعلن أعلنت يعلن تعلن أكد أكدت يؤكد تؤكد رأى رأت يرى ترى
    رفض رفضت يرفض ترفض دعم دعمت يدعم تدعم أيد أيدت يؤيد تؤيد عارض عارضت يعارض تعارض حذر
    حذرت يحذر تحذر هدد هددت يهدد تهدد اتهم اتهمت يتهم تتهم انتقد انتقدت ينتقد تنتقد أدان
    أدانت يدين تدين ندد نددت يندد تندد نفى نفت ينفي تنفي أبلغ أبلغت يبلغ تبلغ أرسل أرسلت
    يرسل ترسل فرض فرضت يفرض تفرض قرر قررت يقرر تقرر وافق وافقت يوافق توافق اعتبر اعتبرت
    يعتبر تعتبر شكر شكرت يشكر تشكر استقبل استقبلت يستقبل تستقبل أوضح أوضحت يوضح توضح كشف
    كشفت يكشف تكشف اقترح اقترحت يقترح تقترح سعى سعت يسعى تسعى أراد أرادت يريد تريد وعد وعدت
    يعد تعد ضغط ضغطت يضغط تضغط حض حضت يحض تحض أعرب أعربت يعرب تعرب رد ردت يرد ترد عاقب
    عاقبت يعاقب تعاقب ساعد ساعدت يساعد تساعد منح منحت يمنح تمنح قدم قدمت يقدم تقدم اتفق
    اتفقت يتفق تتفق تعهد تعهدت يتعهد تتعهد أبدت أبدى يبدي تبدي أشار أشارت يشير تشير لفت
    لفتت يلفت تلفت أمر أمرت يأمر تأمر أجبر أجبرت يجبر تجبر سمح سمحت يسمح تسمح منع منعت يمنع
    تمنع شن شنت يشن تشن قصف قصفت يقصف تقصف تدخل تدخلت يتدخل تتدخل تعتزم يعتزم اعترف
    اعترفت يعترف تعترف تتهم تخشى يخشى خشيت تعمل يعمل عملت تسعى ترفض تطالب تواصل يواصل
    واصلت تتمسك يتمسك تمسكت تراهن يراهن راهنت أقنع أقنعت يقنع تقنع حاول حاولت يحاول تحاول
""")
#: Particles that may stand between a capital and its verb (``واشنطن لا ترى``).
_NEGATIONS = _keys("لا لم لن ما ليس ليست قد لقد سوف")
#: Locative prepositions: after these a place name is a place.
_LOCATIVE = _keys("في داخل خارج قرب لدى عند أنحاء وسط عبر نحو حتى جنوب شمال شرق غرب")
#: Extra locatives for capitals and institutions (destination and origin).
_CAPITAL_LOCATIVE = _LOCATIVE | _keys("إلى الى من منذ بين")
#: Place nouns: a capital or institution right after one of these is a place.
_PLACE_NOUNS = _keys("""
    مدينة العاصمة مبنى مقر سفارة مطار شوارع ضواحي ريف محافظة جامعة مؤتمر اجتماع اجتماعات
    محادثات مفاوضات قمة مسار اتفاق اتفاقية بيان إعلان جولة زيارة بعثة أمام فندق
""")
#: Verbs and nouns of motion: ``زار موسكو``, ``الزيارة ... إلى أمريكا``.
_MOTION = _keys("""
    زار زارت يزور تزور سيزور ستزور زيارة الزيارة زيارته زيارتها وصل وصلت يصل تصل توجه
    توجهت يتوجه تتوجه سافر سافرت يسافر تسافر غادر غادرت يغادر تغادر عاد عادت يعود تعود
    انتقل انتقلت جولة رحلة قدم قدمت يقوم
""")
_TO = _keys("إلى الى")
_CAPITAL_CONTEXT = _CAPITAL_LOCATIVE | _PLACE_NOUNS | _MOTION
_METONYM_CONTEXT = _LOCATIVE | _PLACE_NOUNS
_STATE_CONTEXT = _LOCATIVE | _MOTION
#: Titles after which --unknown looks for names no entry matched.
_TITLES = _keys("""
    وزير وزيرة الوزير رئيس رئيسة الرئيس المبعوث مبعوث الموفد موفد السفير سفير السفيرة
    الممثل ممثل المندوب مندوب المتحدث الناطق الأمين المنسق منسق قائد القائد زعيم الزعيم
    مستشار المستشار كبير نائب مدير الملك الأمير أمير ولي الشيخ الجنرال العميد اللواء العقيد
""")


# =========================================================================== dates


def _month_end(year: int, month: int) -> _dt.date:
    if month == 12:
        return _dt.date(year, 12, 31)
    return _dt.date(year, month + 1, 1) - _dt.timedelta(days=1)


@lru_cache(maxsize=4096)  # a corpus has far fewer dates than documents
def _parse_iso(text: str, what: str) -> tuple[_dt.date, _dt.date]:
    m = _DATE_RE.match(text.strip())
    if not m:
        raise ValueError(f"{what} = {text!r} is invalid; use YYYY-MM-DD, YYYY-MM or YYYY")
    y, mo, d = m.groups()
    try:
        if d:
            day = _dt.date(int(y), int(mo), int(d))
            return day, day
        if mo:
            return _dt.date(int(y), int(mo), 1), _month_end(int(y), int(mo))
        return _dt.date(int(y), 1, 1), _dt.date(int(y), 12, 31)
    except ValueError:
        raise ValueError(f"{what} = {text!r} is invalid; it is not a calendar date") from None


def _date_range(value: Any, what: str = "date") -> tuple[_dt.date, _dt.date] | None:
    """(first day, last day) of a date given as YYYY[-MM[-DD]], date, datetime or Timestamp."""
    if value is None:
        return None
    if isinstance(value, str):
        return _parse_iso(value, what) if value.strip() else None
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return _parse_iso(str(value), what)
    try:  # NaN, NaT
        if value != value:
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, _dt.datetime) or hasattr(value, "to_pydatetime"):
        day = value.date() if hasattr(value, "date") else value
        return day, day
    if isinstance(value, _dt.date):
        return value, value
    raise ValueError(f"{what} = {value!r} is invalid; use YYYY-MM-DD, YYYY-MM, YYYY, a date or None")


def _date_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


# =========================================================================== codebook


class CodebookError(ValueError):
    """A codebook file has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[str], path: str | None = None):
        self.problems = list(problems)
        self.path = path
        where = f" in {path}" if path else ""
        super().__init__(f"{len(self.problems)} problem(s){where}:\n" +
                         "\n".join(f"  - {p}" for p in self.problems))


_ACTOR_FIELDS = {"id": str, "name": str, "type": str, "code": str, "aliases": list,
                 "short_aliases": list, "collectives": list, "metonyms": list, "capitals": list,
                 "verified": bool, "source": str, "note": str}
_ACTOR_REQUIRED = ("id", "name", "type", "code", "verified")
_ALIAS_LISTS = ("aliases", "short_aliases", "collectives", "metonyms", "capitals")
_OFFICE_FIELDS = {"id": str, "title": str, "organisation": str, "aliases": list, "holders": list,
                  "note": str}
_OFFICE_REQUIRED = ("id", "title", "aliases", "holders")
_HOLDER_FIELDS = {"holder": str, "start": str, "end": (str, type(None)), "source": str,
                  "confidence": str, "acting": bool, "note": str}
_HOLDER_REQUIRED = ("holder", "start", "end", "source", "confidence")
# alias list -> matching rule -> kind of mention
_RULE_KIND = {"name": "name", "short": "name", "collective": "collective", "metonym": "metonym",
              "capital": "metonym", "role": "role"}
_RULE_OF_LIST = {"aliases": "name", "short_aliases": "short", "collectives": "collective",
                 "metonyms": "metonym", "capitals": "capital"}


def _as_text(value: Any) -> Any:
    """YAML dates and years as ISO text; other values unchanged."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _check_fields(obj: Any, fields: dict, required: tuple, where: str, problems: list[str]) -> bool:
    if not isinstance(obj, dict):
        problems.append(f"{where} is a {type(obj).__name__}; it must be a mapping")
        return False
    for key in required:
        if key not in obj:
            problems.append(f"{where} lacks the required field {key!r}")
    for key, value in obj.items():
        if key not in fields:
            problems.append(f"{where} has unknown field {key!r} (allowed: {', '.join(fields)})")
            continue
        if key in ("start", "end"):
            value = _as_text(value)
        if not isinstance(value, fields[key]):
            want = fields[key].__name__ if isinstance(fields[key], type) else "text or null"
            problems.append(f"{where}: {key} = {value!r} is invalid; it must be {want}")
    return True


def validate_codebook(data: Any, *, source: str = "codebook") -> list[str]:
    """Check a codebook (the parsed YAML) and return every problem found.

    Checks the structure (the same rules as ``data/actors.schema.json``) and what a schema
    cannot say: ids unique and snake_case; types and confidences from the allowed lists;
    dates valid with ``start <= end``; holders and organisations that exist; aliases that
    parse; one alias never naming two different actors or offices; periods of one office
    never overlapping (a successor may start on the day, or month, his predecessor ends:
    the handover day).

    Args:
        data: the parsed codebook (a mapping with ``actors`` and optionally ``offices``,
            ``non_actors``).
        source: a name for the messages (e.g. the file).

    Returns:
        Problems as sentences naming the entry and the value; empty when the codebook is valid.

    >>> validate_codebook({"actors": [{"id": "x", "name": "X", "type": "person", "code": "usa",
    ...                                "verified": False, "aliases": ["س"]}]})
    ["actor 'x': code = 'usa' is invalid; use 3-12 capital letters (CAMEO style, e.g. SYRGOV)"]
    """
    return _validate(data, source)[0]


def _validate(data: Any, source: str) -> tuple[list[str], dict | None]:
    """The problems of :func:`validate_codebook`, and the alias trie when there are none."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return [f"{source} is a {type(data).__name__}; it must be a mapping with 'actors'"], None
    for key in data:
        if key not in ("version", "actors", "offices", "non_actors"):
            problems.append(f"{source} has unknown top-level key {key!r} "
                            "(allowed: version, actors, offices, non_actors)")
    actors = data.get("actors") or []
    offices = data.get("offices") or []
    non_actors = data.get("non_actors") or []
    if not isinstance(actors, list):
        return problems + [f"{source}: actors must be a list"], None
    if not isinstance(offices, list):
        return problems + [f"{source}: offices must be a list"], None
    ids: dict[str, str] = {}
    for k, a in enumerate(actors):
        where = f"actor {a.get('id')!r}" if isinstance(a, dict) and "id" in a else f"actors[{k}]"
        if not _check_fields(a, _ACTOR_FIELDS, _ACTOR_REQUIRED, where, problems):
            continue
        aid = a.get("id")
        if isinstance(aid, str):
            if not _ID_RE.match(aid):
                problems.append(f"{where}: id = {aid!r} is invalid; use lower-case snake_case English")
            if aid in ids:
                problems.append(f"{where}: id {aid!r} is used twice")
            ids[aid] = "actor"
        if isinstance(a.get("type"), str) and a["type"] not in ACTOR_TYPES:
            problems.append(f"{where}: type = {a['type']!r} is invalid; allowed: {', '.join(ACTOR_TYPES)}")
        if isinstance(a.get("code"), str) and not _CODE_RE.match(a["code"]):
            problems.append(f"{where}: code = {a['code']!r} is invalid; use 3-12 capital letters "
                            "(CAMEO style, e.g. SYRGOV)")
        if not any(a.get(lst) for lst in _ALIAS_LISTS):
            problems.append(f"{where} has no alias of any kind; add at least one Arabic alias")
        for lst in _ALIAS_LISTS:
            for alias in a.get(lst) or []:
                if not isinstance(alias, str) or not alias.strip():
                    problems.append(f"{where}: {lst} has {alias!r}; aliases must be non-empty text")
    for k, o in enumerate(offices):
        where = f"office {o.get('id')!r}" if isinstance(o, dict) and "id" in o else f"offices[{k}]"
        if not _check_fields(o, _OFFICE_FIELDS, _OFFICE_REQUIRED, where, problems):
            continue
        oid = o.get("id")
        if isinstance(oid, str):
            if not _ID_RE.match(oid):
                problems.append(f"{where}: id = {oid!r} is invalid; use lower-case snake_case English")
            if oid in ids:
                problems.append(f"{where}: id {oid!r} is already used by an {ids[oid]}")
            ids[oid] = "office"
        org = o.get("organisation")
        if isinstance(org, str) and org not in {a.get("id") for a in actors if isinstance(a, dict)}:
            problems.append(f"{where}: organisation = {org!r} is not an actor id")
        periods = []
        for j, h in enumerate(o.get("holders") or []):
            hw = f"{where} holder {j + 1}"
            if not _check_fields(h, _HOLDER_FIELDS, _HOLDER_REQUIRED, hw, problems):
                continue
            who = h.get("holder")
            if isinstance(who, str):
                actor = next((a for a in actors if isinstance(a, dict) and a.get("id") == who), None)
                if actor is None:
                    problems.append(f"{hw}: holder = {who!r} is not an actor id")
                elif actor.get("type") != "person":
                    problems.append(f"{hw}: holder {who!r} has type {actor.get('type')!r}; "
                                    "holders must be persons")
            if isinstance(h.get("confidence"), str) and h["confidence"] not in CONFIDENCE:
                problems.append(f"{hw}: confidence = {h['confidence']!r} is invalid; allowed: "
                                f"{', '.join(CONFIDENCE)}")
            try:
                start_text = _as_text(h.get("start"))
                end_text = _as_text(h.get("end"))
                first = _parse_iso(start_text, f"{hw} start") if isinstance(start_text, str) else None
                last = _parse_iso(end_text, f"{hw} end") if isinstance(end_text, str) else None
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if first is None:
                continue
            if last is not None and last[1] < first[0]:
                problems.append(f"{hw}: end {end_text} is before start {start_text}")
                continue
            periods.append((first[0], last[1] if last else _dt.date.max, start_text,
                            end_text, who))
        periods.sort()
        for (a0, a1, s_a, e_a, who_a), (b0, b1, s_b, e_b, who_b) in zip(periods, periods[1:]):
            if b0 <= a1 and not (e_a is not None and s_b == e_a):
                problems.append(f"{where}: the periods of {who_a} ({s_a} to {e_a or 'open'}) and "
                                f"{who_b} ({s_b} to {e_b or 'open'}) overlap; periods of one "
                                "office may share only the handover day")
    if not isinstance(non_actors, list) or not all(isinstance(x, str) for x in non_actors):
        problems.append(f"{source}: non_actors must be a list of Arabic phrases")
    trie = None
    if not problems:
        try:
            trie = _build_trie(actors, offices, non_actors)
        except CodebookError as exc:
            problems.extend(exc.problems)
    return problems, trie


def _build_trie(actors: list[dict], offices: list[dict], non_actors: list[str]) -> dict:
    """Token trie: key -> child node; the "" key of a node holds (rule, actor, office, display)."""
    trie: dict = {}
    owner: dict[tuple, tuple] = {}
    problems = []

    def insert(alias: str, payload: tuple, where: str) -> None:
        try:
            variants = expand_alias(alias)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            return
        for text in variants:
            keys = _alias_tokens(text)
            if not keys:
                problems.append(f"{where}: alias {alias!r} has no word")
                continue
            target = payload[:3]
            prev = owner.get(keys)
            if prev is not None and prev[0] != target:
                problems.append(f"{where}: alias {text!r} also belongs to {prev[1]}; one spelling "
                                "can name only one actor or office")
                continue
            owner[keys] = (target, where)
            node = trie
            for k in keys:
                node = node.setdefault(k, {})
            node[""] = (*payload[:3], arabic.normalize(text))

    for a in actors:
        for lst in _ALIAS_LISTS:
            for alias in a.get(lst) or []:
                insert(alias, (_RULE_OF_LIST[lst], a["id"], None), f"actor {a['id']!r}")
    for o in offices:
        for alias in o.get("aliases") or []:
            insert(alias, ("role", None, o["id"]), f"office {o['id']!r}")
    for alias in non_actors:
        insert(alias, ("block", None, None), "non_actors")
    for word, mode in _ANAPHORS.items():
        insert(word, ("anaphor", None, mode), "anaphors")
    if problems:
        raise CodebookError(problems)
    return trie


@dataclass(frozen=True)
class _Period:
    first: _dt.date
    last: _dt.date
    holder: str
    start: str
    end: str | None


class Codebook:
    """A checked codebook ready for matching (build it with :func:`load_codebook`).

    Attributes:
        actors: ``{id: entry}`` as in the YAML.
        offices: ``{id: entry}`` as in the YAML.
        sources: the files it was read from.
    """

    def __init__(self, data: Mapping, *, sources: tuple[str, ...] = ()):
        problems, trie = _validate(data, ", ".join(sources) or "codebook")
        if problems:
            raise CodebookError(problems, ", ".join(sources) or None)
        self.sources = sources
        self.actors = {a["id"]: dict(a) for a in data.get("actors") or []}
        self.offices = {o["id"]: dict(o) for o in data.get("offices") or []}
        self.non_actors = list(data.get("non_actors") or [])
        self._trie = trie  # built by the check, from the same entries in the same order
        self._periods: dict[str, list[_Period]] = {}
        self._holds: dict[str, set[str]] = {}
        for oid, o in self.offices.items():
            periods = []
            for h in o.get("holders") or []:
                s, e = _as_text(h["start"]), _as_text(h.get("end"))
                periods.append(_Period(_parse_iso(s, "start")[0],
                                       _parse_iso(e, "end")[1] if e else _dt.date.max,
                                       h["holder"], s, e))
                self._holds.setdefault(h["holder"], set()).add(oid)
            self._periods[oid] = sorted(periods, key=lambda p: p.first)
        self._types = {aid: a["type"] for aid, a in self.actors.items()}
        self._persons = frozenset(aid for aid, kind in self._types.items() if kind == "person")
        # CAMEO country prefix -> the state actor (USA -> united_states, SYR -> syrian_government)
        self._state_by_prefix = {a["code"][:3]: aid for aid, a in self.actors.items()
                                 if a["type"] == "state"}
        self._state_cache: dict[tuple, str] = {}
        self._actor_state = {aid: self._state_of_uncached(aid, None) for aid in self.actors}
        # chunk text -> its tokens that start an alias (see _hits)
        self._chunk_hits: dict[str, tuple | int] = {}
        # the last two letters of the trie's first keys, unless a key is shorter (see _ending)
        keys = [k for k in self._trie if k]
        self._first_endings = (frozenset(k[-2:] for k in keys) if all(len(k) >= 2 for k in keys)
                               else frozenset())
        self._endings: dict[str, bool] = {}

    #: The caches that grow with the texts read (one entry per chunk type, per word
    #: ending): a pickled codebook (e.g. sent once to each worker of ``corpus_mentions``
    #: with ``n_jobs``) leaves them out and starts them empty; they only save time.
    _TYPE_CACHES = ("_chunk_hits", "_endings")

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        for name in self._TYPE_CACHES:
            state[name] = {}
        return state

    def __repr__(self) -> str:
        return (f"<Codebook: {len(self.actors)} actors, {len(self.offices)} offices from "
                f"{', '.join(self.sources) or 'memory'}>")

    def holds(self, person: str, office: str) -> bool:
        """Whether ``person`` held ``office`` at any time."""
        return office in self._holds.get(person, ())

    def holder_on(self, office: str, date: Any) -> tuple[str, str]:
        """``(actor_id, rule)`` of the holder of ``office`` on ``date`` (see :data:`RESOLVED_BY`).

        >>> load_codebook().holder_on("coalition_president", "2019-06-29")
        ('abdulrahman_mustafa', 'date_handover')
        """
        return self._holder(office, _date_range(date))

    def _holder(self, office: str, rng: tuple[_dt.date, _dt.date] | None) -> tuple[str, str]:
        if rng is None:
            return "", "no_date"
        a, b = rng
        hits = [p for p in self._periods.get(office, ()) if p.first <= b and p.last >= a]
        holders = {p.holder for p in hits}
        if not hits:
            return "", "no_holder"
        if len(holders) == 1:
            return hits[0].holder, "date"
        if a == b:  # one day shared by two periods: the handover day, the outgoing holder
            return min(hits, key=lambda p: p.first).holder, "date_handover"
        return "", "date_ambiguous"

    def held_on(self, person: str, office: str, date: Any) -> bool:
        """Whether ``person`` held ``office`` on (some day of) ``date``; True when undated."""
        return self._held(person, office, _date_range(date))

    def _held(self, person: str, office: str, rng: tuple[_dt.date, _dt.date] | None) -> bool:
        if rng is None:
            return self.holds(person, office)
        a, b = rng
        return any(p.holder == person and p.first <= b and p.last >= a
                   for p in self._periods.get(office, ()))

    def _state_of(self, actor: str | None, office: str | None) -> str:
        """The state a mention speaks for: a state itself, the state of an official (a
        ``...GOV`` code), the state whose office a role names; else ``""`` (cached)."""
        key = (actor, office)
        hit = self._state_cache.get(key)
        if hit is None:
            hit = self._state_cache[key] = self._state_of_uncached(actor, office)
        return hit

    def _state_of_uncached(self, actor: str | None, office: str | None) -> str:
        if office and office in self.offices:
            org = self.offices[office].get("organisation")
            if org and self._types.get(org) == "state":
                return org
        if not actor:
            return ""
        kind = self._types.get(actor)
        if kind == "state":
            return actor
        code = self.actors[actor]["code"]
        if kind == "person" and code.endswith("GOV"):
            return self._state_by_prefix.get(code[:3], "")
        return ""

    def _start_nodes(self, token: str) -> tuple:
        """``(trie node, proclitics)`` for each form of ``token`` that starts an alias."""
        if _kind(token) != "word":
            return ()
        key = _fold_key(token)
        trie = self._trie
        # every clitic form is one of these five: most words are ruled out without listing them
        k1, k2 = key[1:], key[2:]
        if key in trie or k1 in trie or k2 in trie or "ا" + k1 in trie or "ا" + k2 in trie:
            return tuple((trie[form], pre) for form, pre in _clitic_forms(key) if form in trie)
        return ()

    def _ending(self, ending: str) -> bool:
        """Whether a word of letters ending in ``ending`` (its last two characters) may
        start an alias (cached in ``_endings``).

        Every clitic form of a key ends like the key (:func:`_clitic_forms` strips letters
        at the front only), so a word can start an alias only if its key ends like one of
        the trie's first keys. Two plain letters at the end of a word stay its last two
        after :func:`corpus_utils.arabic.normalize` (which only composes, removes marks and
        maps letters one to one) and fold one to one; anything else is not ruled out.
        """
        ok = True
        if len(self._first_endings) and all(c in _PLAIN_LETTERS for c in ending):
            folded = ending.translate(_FOLD)
            # "...امريك" folds to "...اميرك": an ending "يك" may be "رك" once spelled out
            ok = folded in self._first_endings or folded == "يك"
        if len(self._endings) < _TYPE_CACHE_SIZE:
            self._endings[ending] = ok
        return ok

    def _hits(self, chunk: str) -> tuple | int:
        """The tokens of a chunk that start an alias, cached per chunk type.

        Returns:
            ``(k, start, end, forms, after)`` for each such token k (``start``/``end``:
            offsets in the chunk), ``forms`` being ``(node, proclitics, payload, deeper)``
            for each of its forms that starts an alias (``payload``: the alias it is by
            itself, or None; ``deeper``: whether longer aliases go on from it) and ``after``
            the key of the next token in the chunk and whether a line break comes first
            (``(None, True)``: a line break ends the chunk; None: the next token is in
            another chunk, right after the space). A chunk without such a token gives ``0``
            when it is one whole token, else ``()``.
        """
        hit = self._chunk_hits.get(chunk)
        if hit is None:
            if chunk.isalpha():  # letters only, so one word token: most chunk types
                ending = self._endings.get(chunk[-2:])
                if ending is None:
                    ending = self._ending(chunk[-2:])
                nodes = self._start_nodes(chunk) if ending else ()
                hit = ((0, 0, len(chunk), _forms(nodes), None),) if nodes else 0
            else:
                texts, starts, ends, breaks = _chunk_tokens(chunk)
                last = len(texts) - 1
                hit = tuple((k, starts[k], ends[k], _forms(nodes),
                             (alias_key(texts[k + 1]), breaks[k + 1]) if k < last
                             else (None, True) if breaks[-1] else None)
                            for k, nodes in enumerate(map(self._start_nodes, texts)) if nodes)
                if not hit and len(texts) == 1 and starts[0] == 0 and ends[0] == len(chunk):
                    hit = 0
            if len(self._chunk_hits) < _TYPE_CACHE_SIZE:
                self._chunk_hits[chunk] = hit
        return hit


#: Letters that fold one to one (neither hamza ء nor tatweel, which the fold removes).
_PLAIN_LETTERS = frozenset(map(chr, [*range(0x0622, 0x063B), *range(0x0641, 0x064B)]))


def _forms(nodes: tuple) -> tuple:
    """``(node, proclitics, payload, deeper)`` for each ``(node, proclitics)`` (see ``_hits``)."""
    return tuple((node, pre, node.get(""), len(node) > ("" in node)) for node, pre in nodes)


#: At most this many chunk types keep their alias starts per codebook (about 115 bytes each:
#: 30 MB for the 260,000 types of 30,000 synthetic articles); beyond it new types are looked
#: up again at each occurrence.
_TYPE_CACHE_SIZE = 1_000_000


def _read_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster when present
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader)
    except yaml.YAMLError as exc:
        raise CodebookError([f"not valid YAML: {exc}"], str(path)) from None


def _merge(base: dict, extra: Mapping, source: str) -> dict:
    if not isinstance(extra, Mapping):
        raise CodebookError([f"{source} is a {type(extra).__name__}; it must be a mapping with "
                             "'actors' and/or 'offices'"], source)
    merged = {"version": base.get("version", 1)}
    for key in ("actors", "offices"):
        new = extra.get(key) or []
        if not isinstance(new, list):
            raise CodebookError([f"{source}: {key} must be a list"], source)
        replaced = {e.get("id") for e in new if isinstance(e, dict)}
        merged[key] = [e for e in base.get(key) or [] if e.get("id") not in replaced] + list(new)
    merged["non_actors"] = list(base.get("non_actors") or []) + list(extra.get("non_actors") or [])
    return merged


@lru_cache(maxsize=16)
def _load_cached(path: str, extra: tuple[str, ...], stamp: tuple) -> Codebook:
    data = _read_yaml(Path(path))
    sources = [path]
    for e in extra:
        data = _merge(data, _read_yaml(Path(e)) or {}, e)
        sources.append(e)
    return Codebook(data, sources=tuple(sources))


def load_codebook(path: str | Path | None = None, *,
                  extra: str | Path | Iterable[str | Path] | None = None) -> Codebook:
    """Read and check a codebook: the bundled ``data/actors.yml`` plus a user's own entries.

    A user file has the same layout (``actors:``, ``offices:``, ``non_actors:``); an entry
    whose ``id`` is already in the bundled codebook replaces it, a new id is added.

    Args:
        path: the main codebook file (default: the bundled ``data/actors.yml``).
        extra: one or more user files added on top.

    Returns:
        A :class:`Codebook` (cached: loading the same files again is free).

    Raises:
        CodebookError: a file is not valid YAML or breaks a rule; every problem is listed.
        FileNotFoundError: a file does not exist.

    >>> cb = load_codebook()
    >>> cb.actors["khaled_khoja"]["name"], cb.holder_on("coalition_president", "2015-05-01")
    ('Khaled Khoja', ('khaled_khoja', 'date'))
    """
    main = Path(path) if path is not None else CODEBOOK_PATH
    extras = [] if extra is None else [extra] if isinstance(extra, (str, Path)) else list(extra)
    files = [main, *map(Path, extras)]
    for f in files:
        if not f.is_file():
            raise FileNotFoundError(f"codebook file {str(f)!r} does not exist")
    stamp = tuple(f.stat().st_mtime_ns for f in files)
    return _load_cached(str(main), tuple(str(e) for e in extras), stamp)


_DEFAULT: list[Codebook] = []


def _codebook(codebook: Codebook | str | Path | None) -> Codebook:
    if codebook is None:  # the bundled file: loaded once per process
        if not _DEFAULT:
            _DEFAULT.append(load_codebook())
        return _DEFAULT[0]
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, (str, Path)):
        return load_codebook(extra=codebook)
    raise ValueError(f"codebook = {codebook!r} is invalid; pass a Codebook, the path of a user "
                     "codebook file (added to the bundled one) or None")


# =========================================================================== finder


class Mention(NamedTuple):
    """One actor mention in a text.

    Attributes:
        start: 0-based offset of the first character in the text given (whole tokens, so
            an attached clitic is inside the span: ``وكيري``).
        end: end-exclusive offset.
        text: ``text[start:end]``.
        normalized: the matched alias, normalised, without clitics (``للنظام`` -> ``النظام``).
        actor_id: the codebook id, or ``""`` for a role that could not be resolved.
        kind: ``name``, ``role``, ``metonym`` or ``collective``.
        office: the office id of a role (or of a role merged with its holder's name), else ``""``.
        resolved_by: the rule that decided it (:data:`RESOLVED_BY`).
    """

    start: int
    end: int
    text: str
    normalized: str
    actor_id: str
    kind: str
    office: str
    resolved_by: str

    def as_dict(self) -> dict:
        """The mention as a plain dict (field order kept)."""
        return dict(zip(self._fields, self))


_new_mention = tuple.__new__  # Mention(*fields) without the Python-level __new__ of NamedTuple


@lru_cache(maxsize=100_000)
def _bare(token: str) -> frozenset[str]:
    """A token's key and its clitic-free forms (cached per token type)."""
    return frozenset(form for form, _ in _clitic_forms(alias_key(token)))


def _verb_before(doc: _Doc, pos: tuple, flag: int) -> bool:
    """Whether a token before ``pos`` in its sentence (back to sentence punctuation or a line
    break) is in the word list of ``flag`` (see :func:`_flags`)."""
    while True:
        before = doc.prev(pos)
        if before is None or before[2] or before[1] in _SENTENCE_PUNCT:
            return False
        pos = before[0]
        if _flags(before[1]) & flag:
            return True


def _is_place(doc: _Doc, first: tuple, pre: str, rule: str) -> bool:
    """Whether the alias whose first token is at ``first`` is used as a place."""
    if "ب" in pre or (rule == "capital" and "ل" in pre):
        return True
    before = doc.prev(first)
    if before is None or before[2]:  # the first token, or the first of its line
        return False
    pos, prev, _ = before
    if _kind(prev) == "punct":
        # a dash before a country: the "City – Country" of a dateline
        if prev in _DASHES and rule == "name":
            before = doc.prev(pos)
            return before is not None and _kind(before[1]) == "word"
        return False
    flags = _flags(prev)
    if rule == "capital":
        return bool(flags & _F_CAPITAL_CONTEXT)
    if rule == "metonym":
        return bool(flags & _F_METONYM_CONTEXT)
    # a state's name: locative prepositions, and إلى after a verb or noun of motion
    if flags & _F_STATE_CONTEXT:
        return True
    if flags & _F_TO:
        return _verb_before(doc, pos, _F_MOTION)
    return False


def _has_action_verb(doc: _Doc, first: tuple, last: tuple) -> bool:
    """A verb of speech or action before the tokens first..last in their sentence, or right
    after them (up to three words, negations between)."""
    if _verb_before(doc, first, _F_ACTION):
        return True
    pos = last
    for _ in range(3):
        after = doc.next(pos)
        if after is None or after[2] or after[1] in _SENTENCE_PUNCT:
            break
        pos, t, _ = after
        if _kind(t) != "word":
            break
        flags = _flags(t)
        if flags & _F_ACTION:
            return True
        if not flags & _F_NEGATION:
            break
    return False


_UNKNOWN = (None,)  # truthy: a chunk type not looked up yet


def _match(doc: _Doc, cb: Codebook) -> list[tuple]:
    """Longest-match pass: ``[(start, end, payload, proclitics, first, last)]`` (offsets in
    the text, positions of the first and last token), non-overlapping, in order.

    One C-level pass looks every chunk up (the answer is cached per chunk type) and picks the
    few that hold a token that can start an alias; the trie is walked from those only.
    """
    chunks = doc.chunks
    n = len(chunks)
    get = cb._chunk_hits.get
    out = []
    free = (-1, 0)  # the last token of the last match
    c0 = off = 0  # chunk c0 starts at offset off
    for c in compress(count(), map(get, chunks, repeat(_UNKNOWN))):
        hits = get(chunks[c])
        if hits is None:
            hits = cb._hits(chunks[c])
        for k, start, end, forms, inner in hits or ():
            first = (c, k)
            if first <= free:
                continue
            best = None  # (last token, payload, proclitics)
            second = _UNKNOWN  # the next token's key and position, read once for all forms
            for node, pre, payload, deeper in forms:
                if payload is not None and (best is None or first > best[0]
                                            or (first == best[0] and len(pre) < len(best[2]))):
                    best = (first, payload, pre)
                if not deeper:
                    continue
                if second is _UNKNOWN:
                    second = None
                    if inner is not None:  # in the same chunk
                        if not inner[1]:
                            second, pos2 = inner[0], (c, k + 1)
                    elif c + 1 < n and get(chunks[c + 1]) == 0:  # the next chunk is one token
                        second, pos2 = alias_key(chunks[c + 1]), (c + 1, 0)
                    else:
                        after = doc.next(first)
                        if after is not None and not after[2]:
                            second, pos2 = alias_key(after[1]), after[0]
                if second is None:
                    continue
                node = node.get(second)
                pos = pos2
                while node is not None:
                    if "" in node and (best is None or pos > best[0]
                                       or (pos == best[0] and len(pre) < len(best[2]))):
                        best = (pos, node[""], pre)
                    after = doc.next(pos)
                    if after is None or after[2]:
                        break
                    node = node.get(alias_key(after[1]))
                    pos = after[0]
            if best is not None:
                off += sum(map(len, chunks[c0:c])) + c - c0  # doc.offset(c), inlined
                c0 = c
                free = best[0]
                if free == first:
                    y = off + end
                else:
                    doc._at = (c, off)  # where doc.offset() goes on from
                    y = doc.span(free)[1]
                out.append((off + start, y, best[1], best[2], first, free))
    return out


_APPOSITION_GAP_RE = re.compile(r"[ \t\u00a0]*[،,]?[ \t\u00a0]*\Z")
_OPEN_BRACKET_RE = re.compile(r"[ \t\u00a0]*\([ \t\u00a0]*\Z")
#: Words that end a noun phrase: a role separated from a name by one of these is no apposition.
_CLAUSE = _ACTION_VERBS | _NEGATIONS | _keys("""
    الذي التي الذين اللذين اللذان اللتان اللواتي اللاتي ما من إن أن أنه أنها إنه إنها و ثم أو
    لكن بل حيث حين عندما بعد قبل خلال كان كانت يكون تكون قال قالت
""")
#: Nouns with a possessive pronoun that stand for a state: "his country", "his regime".
#: "one": the state of the last official named (a person with a ...GOV code or a role of a
#: state's office); "group": the last state referred to in any way.
_ANAPHORS = {"بلاده": "one", "بلادها": "one", "نظامه": "one", "نظامها": "one",
             "حكومته": "one", "حكومتها": "one", "بلادهم": "group", "بلادهما": "group",
             "حكومتهم": "group", "حكومتهما": "group"}


#: Bits of :func:`_flags`: the word lists a token's key or clitic-free forms belong to.
_F_ACTION, _F_NEGATION, _F_MOTION, _F_TO, _F_CLAUSE = 1, 2, 4, 8, 16
_F_CAPITAL_CONTEXT, _F_METONYM_CONTEXT, _F_STATE_CONTEXT = 32, 64, 128
_FLAG_LISTS = ((_F_ACTION, _ACTION_VERBS), (_F_NEGATION, _NEGATIONS), (_F_MOTION, _MOTION),
               (_F_TO, _TO), (_F_CLAUSE, _CLAUSE), (_F_CAPITAL_CONTEXT, _CAPITAL_CONTEXT),
               (_F_METONYM_CONTEXT, _METONYM_CONTEXT), (_F_STATE_CONTEXT, _STATE_CONTEXT))
#: At most this many token types keep their word-list bits (``_FLAGS``); emptied when full.
_FLAG_CACHE_SIZE = 200_000
_FLAGS: dict[str, int] = {}


def _flags(token: str) -> int:
    """The word lists (context words of the rules) that a token's key or one of its
    clitic-free forms belongs to, as bits (cached per token type)."""
    flags = _FLAGS.get(token)
    if flags is None:
        forms = _bare(token)
        flags = sum(bit for bit, words in _FLAG_LISTS if not words.isdisjoint(forms))
        if len(_FLAGS) >= _FLAG_CACHE_SIZE:
            _FLAGS.clear()
        _FLAGS[token] = flags
    return flags


def _role_name_gap(text: str, a: int, b: int) -> bool:
    """``text[a:b]``, between a role and a name, may stand between a role and its holder's
    name: at most four words (a complement, an epithet: ``رأس النظام في سورية، المجرم بشار
    الأسد``) and commas, on one line, with no word that starts a clause."""
    gap = text[a:b]
    if "\n" in gap or "\r" in gap:
        return False
    words = 0
    for t in _TOKEN_SPLIT_RE.split(gap)[1::2]:
        kind = _kind(t)
        if kind == "punct":
            if t not in "،,":
                return False
        elif kind == "number" or _flags(t) & _F_CLAUSE:
            return False
        else:
            words += 1
    return words <= 4


def _merge_appositions(doc: _Doc, kept: list[tuple], cb: Codebook) -> list[tuple]:
    """One mention for a role next to its holder's name, and for ``X (Y)`` naming one actor.

    ``kept``: matches as :func:`_match` gives them, in text order; a merged pair becomes one
    entry of the same shape whose payload has the rule ``"apposition"`` (or the name's rule
    for ``X (Y)``)."""
    text = doc.text
    merged: list[tuple] = []
    k, n = 0, len(kept)
    while k < n:
        cur = kept[k]
        if k + 1 < n:
            nxt = kept[k + 1]
            (r1, a1, o1, d1), (r2, a2, o2, d2) = cur[2], nxt[2]
            if not ((r1 == "role" and r2 in ("name", "short")) or (r2 == "role" and r1 in ("name", "short"))
                    or (a1 and a1 == a2 and r1 not in ("role", "anaphor"))):
                merged.append(cur)  # nothing to merge: the common case, decided without slicing
                k += 1
                continue
            gap = text[cur[1]:nxt[0]]
            plain = _APPOSITION_GAP_RE.match(gap) is not None
            end = nxt[1]
            close = False
            if not plain and _OPEN_BRACKET_RE.match(gap) is not None:
                after = doc.next(nxt[5])
                if after is not None and after[1] == ")":
                    close, end = True, doc.span(after[0])[1]
            (role, o_role), (person, r_person, a_person) = ((r1, o1), (r2, r2, a2)) if r1 == "role" else ((r2, o2), (r1, r1, a1))
            if (role == "role" and r_person in ("name", "short")
                    and cb._types.get(a_person) == "person" and cb.holds(a_person, o_role)
                    and (plain or close or (r1 == "role" and _role_name_gap(text, cur[1], nxt[0])))):
                merged.append((cur[0], end, ("apposition", a_person, o_role, f"{d1} {d2}"), "", cur[4], None))
                k += 2
                continue
            if close and a1 and r1 not in ("role", "anaphor") and a1 == a2:
                merged.append((cur[0], end, (r1, a1, o1, f"{d1} ({d2})"), "", cur[4], None))
                k += 2
                continue
        merged.append(cur)
        k += 1
    return merged


#: Rules whose mention is decided by the alias alone: (kind, resolved_by).
_ALIAS_RULES = {"name": ("name", "alias"), "collective": ("collective", "alias"),
                "metonym": ("metonym", "alias"), "capital": ("metonym", "capital_verb")}


def _resolve(doc: _Doc, raw: list[tuple], cb: Codebook,
             date: tuple[_dt.date, _dt.date] | None) -> list[Mention]:
    types = cb._types
    # 1. context rules: non-actors, capitals, buildings, states as places
    kept = []
    for m in raw:
        rule, actor = m[2][0], m[2][1]
        if rule == "block":
            continue
        if rule == "capital":
            if _is_place(doc, m[4], m[3], "capital") or not _has_action_verb(doc, m[4], m[5]):
                continue
        elif rule == "metonym":
            if _is_place(doc, m[4], m[3], "metonym"):
                continue
        elif rule == "name" and types.get(actor) == "state":
            if _is_place(doc, m[4], m[3], "name"):
                continue
        kept.append(m)
    # 2. apposition: one mention for a role and its holder's name, for X (Y) of one actor
    merged = _merge_appositions(doc, kept, cb)
    # 3. in text order: short aliases, roles, anaphors; remember who was named
    text = doc.text
    persons, actor_state = cb._persons, cb._actor_state
    seen: set[str] = set()
    named: dict[str, None] = {}  # persons named so far, the last named last
    linked: dict[str, str] = {}
    official_state = group_state = ""
    mentions = []
    for start, end, (rule, actor, office, display), _, _, _ in merged:
        plain = _ALIAS_RULES.get(rule)
        if plain is not None:  # the common case: an actor named by one of its aliases
            kind, resolved_by = plain
            seen.add(actor)
            person = actor in persons
            if person and kind == "name":
                named.pop(actor, None)
                named[actor] = None
            state = actor_state[actor]
            if state:
                group_state = state
                if person:
                    official_state = state
            mentions.append(_new_mention(Mention, (start, end, text[start:end], display, actor,
                                                   kind, "", resolved_by)))
            continue
        if rule == "short":
            if actor not in seen:
                continue
            kind, resolved_by = "name", "short_alias"
        elif rule == "apposition":
            kind, resolved_by = "name", "apposition"
            linked[office] = actor
        elif rule == "role":
            kind = "role"
            if office in linked:
                actor, resolved_by = linked[office], "earlier_mention"
            else:
                # the person named last who held the office (on the date, if any)
                actor = next((p for p in reversed(named) if cb.holds(p, office) and cb._held(p, office, date)),
                             None)
                if actor is not None:
                    resolved_by = "earlier_mention"
                else:
                    actor, resolved_by = cb._holder(office, date)
        elif rule == "anaphor":
            actor = official_state if office == "one" else group_state
            if not actor:
                continue
            kind, resolved_by, office = "collective", "anaphor", None
        if actor:
            seen.add(actor)
            if kind == "name" and actor in persons:
                named.pop(actor, None)
                named[actor] = None
        state = cb._state_of(actor, office if kind in ("role", "name") else None)
        if state:
            group_state = state
            if kind == "role" or actor in persons:
                official_state = state
        mentions.append(_new_mention(Mention, (start, end, text[start:end], display, actor or "",
                                               kind, office or "", resolved_by)))
    return mentions


def find_actors(text: str, *, date: Any = None,
                codebook: Codebook | str | Path | None = None) -> list[Mention]:
    """Find the actor mentions in one text, resolving roles to the people who held them.

    One pass over the tokens of :func:`corpus_utils.arabic.tokenize`: one C-level lookup
    per space-separated piece of the text (cached per piece type) finds the tokens whose
    key (clitic forms included) starts an alias, and the trie of all aliases is walked from
    those only; longest match wins, so spans never overlap. Then the rules of the module
    docstring apply (capitals, places, short aliases, apposition, roles by earlier mention
    or date). The time grows with the text and the number of matches, not with the codebook.

    Args:
        text: one document (pass a whole document: "named earlier" means earlier in ``text``).
        date: the document date (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, a date or None),
            used to resolve roles no earlier mention resolves.
        codebook: a :class:`Codebook`, the path of a user codebook to add to the bundled
            one, or None for the bundled codebook.

    Returns:
        :class:`Mention` objects in text order, offsets into ``text``.

    Raises:
        ValueError: ``text`` is not a str, or ``date``/``codebook`` is invalid.

    References:
        Schrodt (2012), CAMEO actor codebook; Boschee et al. (2015), ICEWS dictionaries.

    >>> ms = find_actors("التقى رئيس الائتلاف وزير الخارجية الأميركي", date="2015-05-01")
    >>> [(m.text, m.actor_id, m.resolved_by) for m in ms]
    [('رئيس الائتلاف', 'khaled_khoja', 'date'), ('وزير الخارجية الأميركي', 'john_kerry', 'date')]
    """
    if not isinstance(text, str):
        raise ValueError(f"text = {type(text).__name__} is invalid; a str is required")
    rng = _date_range(date)
    cb = _codebook(codebook)
    if not text:
        return []
    doc = _Doc(text)
    found = _match(doc, cb)
    return _resolve(doc, found, cb, rng) if found else []


# =========================================================================== corpus


def _date_for(value: Any, precision: Any) -> str:
    """The document date as text at its precision ('' when missing)."""
    try:
        if value is None or value != value:
            return ""
    except (TypeError, ValueError):
        pass
    text = _date_text(value.to_pydatetime() if hasattr(value, "to_pydatetime") else value)
    if isinstance(precision, str):
        if precision == "month":
            return text[:7]
        if precision == "year":
            return text[:4]
    return text


_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


class _DocView:
    """One document as the finder reads it, with the way back to raw-file positions.

    ``paras``/``sents``: ``(starts, ends, numbers)`` of its units, raw-file offsets.
    """

    __slots__ = ("doc_id", "file", "date", "raw_text", "text", "_bases", "_raw_bases", "_lines",
                 "_p", "_s", "_hidden")

    def __init__(self, doc_id, file, date, raw_text, text, bases, raw_bases, paras, sents, hidden):
        self.doc_id, self.file, self.date, self.raw_text, self.text = doc_id, file, date, raw_text, text
        self._bases, self._raw_bases = bases, raw_bases
        self._lines = None  # line starts, found when a line is first asked for
        self._p, self._s, self._hidden = paras, sents, hidden

    def to_raw(self, offset: int) -> int:
        k = bisect_right(self._bases, offset) - 1
        return self._raw_bases[k] + offset - self._bases[k]

    def line(self, x: int) -> int:
        """The 1-based raw-file line of offset ``x`` (lines end at CRLF, CR or LF)."""
        if self._lines is None:
            raw = self.raw_text
            # without CR, the line is one more than the LFs before x (counted in C)
            self._lines = () if "\r" not in raw else [0, *(m.end() for m in _LINE_BREAK_RE.finditer(raw))]
        if not self._lines:
            return self.raw_text.count("\n", 0, x) + 1
        return bisect_right(self._lines, x)

    @staticmethod
    def _unit(units, x: int):
        starts, ends, nums = units
        k = bisect_right(starts, x) - 1
        return nums[k] if k >= 0 and x < ends[k] else None

    def paragraph(self, x: int):
        return self._unit(self._p, x)

    def sentence(self, x: int):
        return self._unit(self._s, x)

    def hidden(self, x: int) -> bool:
        return any(a <= x < b for a, b in self._hidden)


class _Units:
    """The rows of a units table (:func:`corpus_utils.corpus.paragraphs` or ``sentences``)
    grouped by document, as three NumPy arrays: no per-document pandas object is built.

    ``of(doc_id)`` gives ``(starts, ends, numbers)`` of one document as lists, in table
    order; the numbers are the ``sentence`` column when the document has any sentence
    number, else the ``paragraph`` column (as ``groupby("doc_id", sort=False)`` would give).
    """

    __slots__ = ("_rows", "_starts", "_ends", "_nums")

    def __init__(self, units: "pd.DataFrame"):
        import numpy as np
        import pandas as pd

        codes, uniques = pd.factorize(units["doc_id"], sort=False)  # missing doc_id: -1, left out
        keep = codes >= 0
        order = np.flatnonzero(keep)
        if len(order) and (np.diff(codes[order]) < 0).any():  # rows of one document apart
            order = order[np.argsort(codes[order], kind="stable")]
        counts = np.bincount(codes[order], minlength=len(uniques))
        ends = np.cumsum(counts)
        self._rows = dict(zip(uniques, zip((ends - counts).tolist(), ends.tolist())))
        numbered = units["sentence"].notna().to_numpy()
        has_sentence = np.bincount(codes[order], weights=numbered[order], minlength=len(uniques)) > 0
        sentence = units["sentence"].fillna(0).to_numpy(dtype=np.int64)
        paragraph = units["paragraph"].to_numpy(dtype=np.int64)
        self._nums = np.where(has_sentence[codes[order]], sentence[order], paragraph[order])
        self._starts = units["start"].to_numpy(dtype=np.int64)[order]
        self._ends = units["end"].to_numpy(dtype=np.int64)[order]

    def of(self, doc_id) -> tuple[list, list, list]:
        rows = self._rows.get(doc_id)
        if rows is None:
            return [], [], []
        a, b = rows
        return self._starts[a:b].tolist(), self._ends[a:b].tolist(), self._nums[a:b].tolist()


def _doc_parts(corpus: Any, *, raw: bool):
    """Per document: ``(doc_id, file, date, raw_text, text, bases, raw_bases, paragraphs,
    sentences, hidden)``, the parts of a :class:`_DocView`: ``text`` is the raw text, or
    the cleaned paragraphs joined by line breaks, whose piece k starts at ``bases[k]`` in
    ``text`` and at ``raw_bases[k]`` in the raw text; ``paragraphs``/``sentences`` are
    ``(starts, ends, numbers)`` in the raw text; ``hidden`` the spans moved to the
    dateline or byline (with ``raw`` only)."""
    import pandas as pd

    from .corpus import cleaning_audit, load_corpus, paragraphs, sentences

    if corpus is None or isinstance(corpus, (str, Path)):
        corpus = load_corpus(corpus)
    if not isinstance(corpus, pd.DataFrame) or not {"doc_id", "raw_text", "text"} <= set(corpus.columns):
        raise ValueError("corpus is invalid; pass a documents table from load_corpus() or a corpus folder")
    para_units = _Units(paragraphs(corpus, with_text=False))  # positions only: no copy of the texts
    sent_units = _Units(sentences(corpus, with_text=False))
    hidden: dict[str, list[tuple[int, int]]] = {}
    if raw:
        audit = cleaning_audit(corpus)
        moved = audit[(audit["action"] == "moved")
                      & audit["target_column"].fillna("").str.contains("dateline|byline")]
        for d, a, b in zip(moved["doc_id"], moved["start"], moved["end"]):
            hidden.setdefault(d, []).append((int(a), int(b)))
    files = corpus["file"] if "file" in corpus.columns else corpus["doc_id"].astype(str) + ".txt"
    dates = corpus["date"] if "date" in corpus.columns else [None] * len(corpus)
    precisions = corpus["date_precision"] if "date_precision" in corpus.columns else [None] * len(corpus)
    date_texts: dict = {}  # (date, precision) -> text: a corpus has far fewer dates than documents

    for doc_id, file, raw_text, date, precision in zip(corpus["doc_id"], files, corpus["raw_text"],
                                                       dates, precisions):
        pu, su = para_units.of(doc_id), sent_units.of(doc_id)
        if raw:
            text, bases, raw_bases = raw_text, [0], [0]
        elif pu[0]:
            starts, ends = pu[0], pu[1]
            text = "\n".join([raw_text[a:b] for a, b in zip(starts, ends)])
            # piece k starts after the pieces before it and one line break each
            bases = list(accumulate([b - a + 1 for a, b in zip(starts, ends)], initial=0))[:-1]
            raw_bases = starts
        else:
            text, bases, raw_bases = "", [0], [0]
        try:
            day = date_texts.get((date, precision))
        except TypeError:  # an unhashable date
            day = _date_for(date, precision)
        if day is None:
            day = date_texts[date, precision] = _date_for(date, precision)
        yield (str(doc_id), str(file), day, raw_text, text, bases, raw_bases, pu, su,
               hidden.get(doc_id, []))


def _doc_views(corpus: Any, *, raw: bool):
    """Yield a :class:`_DocView` per document (see :func:`_doc_parts`)."""
    for parts in _doc_parts(corpus, raw=raw):
        yield _DocView(*parts)


# The codebook of a worker process of corpus_mentions(n_jobs > 1), installed once per
# worker by _install_codebook (the initializer of corpus_utils.parallel.imap_documents):
# it does not travel with every document, and its per-type caches stay warm in the worker.
_WORKER_CODEBOOK: list[Codebook] = []


def _install_codebook(codebook: Codebook) -> None:
    _WORKER_CODEBOOK[:] = [codebook]


def _find_in_worker(item: tuple[str, str | None]) -> list[Mention]:
    """:func:`find_actors` of one ``(text, date)`` with the worker's codebook."""
    text, date = item
    return find_actors(text, date=date, codebook=_WORKER_CODEBOOK[0])


def _search_here(docs: Iterable[tuple], cb: Codebook):
    """``(parts, mentions)`` of each document of :func:`_doc_parts`, found in this process."""
    for parts in docs:
        yield parts, find_actors(parts[4], date=parts[2] or None, codebook=cb)


def _search_on_workers(docs: Iterable[tuple], cb: Codebook, jobs: int):
    """``(parts, mentions)`` of each document, in document order, :func:`find_actors`
    running on ``jobs`` worker processes (:func:`corpus_utils.parallel.imap_documents`,
    the codebook installed once per worker). Only ``(text, date)`` is sent; the parts of the
    documents on their way (the pool reads a window ahead) wait in a queue."""
    from .parallel import imap_documents

    pending: deque = deque()

    def sent():
        for parts in docs:
            pending.append(parts)
            yield parts[4], parts[2] or None

    for found in imap_documents(_find_in_worker, sent(), n_jobs=jobs,
                                initializer=_install_codebook, initargs=(cb,)):
        yield pending.popleft(), found


def corpus_mentions(corpus: Any = None, *, raw: bool = False,
                    codebook: Codebook | str | Path | None = None,
                    n_jobs: int | None = 1) -> "pd.DataFrame":
    """Every actor mention of a corpus, with raw-file positions.

    Each document is read whole (so "named earlier" spans paragraphs): its cleaned
    paragraphs joined by line breaks, or with ``raw=True`` its raw text, web clutter and
    dateline included. With ``raw=True`` the lines cleaning moved to ``dateline`` and
    ``byline`` name only the outlet as an actor: their places and reporter are not actors.

    The paragraphs and sentences of the whole corpus are computed once and kept as arrays;
    the table is built column by column (integers in compact arrays), so that 100,000
    articles never hold a Python row per mention. With ``n_jobs`` > 1 only
    :func:`find_actors` runs in worker processes (the codebook is sent to each worker once,
    without its caches); the rest stays here, in document order, so the table is the same.

    Args:
        corpus: a documents table from :func:`corpus_utils.corpus.load_corpus`, or a corpus
            folder (default: the bundled seeds).
        raw: read the raw files instead of the cleaned text.
        codebook: a :class:`Codebook`, a user codebook file to add, or None.
        n_jobs: processes finding the mentions (see
            :func:`corpus_utils.parallel.resolve_n_jobs`): 1 (default) runs here with no
            pool; -1 uses every core. Workers start in about a second and every text is
            sent to them, so more jobs pay off only for thousands of documents.

    Returns:
        Columns :data:`MENTION_COLUMNS`, sorted by ``doc_id`` and ``start``: ``date`` is the
        document date at its precision (text), ``line``/``start``/``end`` are raw-file
        positions (``raw_text[start:end] == text``), ``paragraph``/``sentence`` the units
        that hold the mention (NA for a line cleaning took out).

    Raises:
        ValueError: ``corpus`` is not a documents table, or ``n_jobs`` is invalid.

    >>> m = corpus_mentions()
    >>> m[m.text.str.startswith("عبد الرحمن")][["doc_id", "line", "actor_id", "office"]].values.tolist()
    [['004', 2, 'abdulrahman_mustafa', 'coalition_president']]
    """
    from array import array

    import numpy as np
    import pandas as pd

    from .parallel import resolve_n_jobs

    jobs = resolve_n_jobs(n_jobs)
    cb = _codebook(codebook)
    types = cb._types
    lines, starts, ends, paras, sents = (array("q") for _ in range(5))  # -1: NA
    strs: dict[str, list] = {col: [] for col in ("doc_id", "file", "date", "text", "normalized",
                                                 "actor_id", "kind", "office", "resolved_by")}
    fields = [strs[col] for col in ("normalized", "actor_id", "kind", "office", "resolved_by")]
    ordered = True  # documents by doc_id and mentions by start already: no sort needed
    last_doc = None
    n_docs = None if corpus is None or isinstance(corpus, (str, Path)) else len(corpus)
    docs = _doc_parts(corpus, raw=raw)
    searched = _search_here(docs, cb) if jobs == 1 else _search_on_workers(docs, cb, jobs)
    for parts, found in _progress(searched, desc="actors", total=n_docs):
        if not found:
            continue
        (doc_id, file, date, raw_text, text, bases, raw_bases, (p_starts, p_ends, p_nums),
         (s_starts, s_ends, s_nums), hidden) = parts
        kept = []
        line_starts = [0, *(m.end() for m in _LINE_BREAK_RE.finditer(raw_text))] if "\r" in raw_text else None
        line, at = 1, 0  # without CR: the line at offset `at`, counted on as offsets grow
        for m in found:
            k = bisect_right(bases, m.start) - 1
            x = raw_bases[k] + m.start - bases[k]
            if raw and types.get(m.actor_id) != "media" and any(a <= x < b for a, b in hidden):
                continue  # a place or the reporter in the dateline/byline
            y = x + m.end - m.start
            if line_starts is not None:
                lines.append(bisect_right(line_starts, x))
            else:
                if x < at:
                    line, at = 1, 0
                line += raw_text.count("\n", at, x)
                at = x
                lines.append(line)
            starts.append(x)
            ends.append(y)
            j = bisect_right(p_starts, x) - 1
            paras.append(p_nums[j] if j >= 0 and x < p_ends[j] else -1)
            j = bisect_right(s_starts, x) - 1
            sents.append(s_nums[j] if j >= 0 and x < s_ends[j] else -1)
            strs["text"].append(raw_text[x:y])
            if ordered and kept and x <= starts[-2]:
                ordered = False
            kept.append(m)
        if not kept:
            continue
        n = len(kept)
        strs["doc_id"].extend([doc_id] * n)
        strs["file"].extend([file] * n)
        strs["date"].extend([date] * n)
        for column, values in zip(fields, list(zip(*kept))[3:]):
            column.extend(values)
        if ordered:
            ordered = last_doc is None or doc_id > last_doc
            last_doc = doc_id
    columns: dict[str, Any] = {}
    for col in MENTION_COLUMNS:
        if col in strs:
            columns[col] = pd.Series(strs.pop(col), dtype=object).astype("str")
            continue
        values = np.array({"line": lines, "start": starts, "end": ends, "paragraph": paras,
                           "sentence": sents}[col], dtype=np.int64)
        columns[col] = pd.arrays.IntegerArray(values, values == -1) if col in ("paragraph", "sentence") else values
    df = pd.DataFrame(columns)
    del columns
    if not ordered:
        df = df.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)
    from .memory import release_after

    release_after(len(df))  # the per-document lists and unit positions are freed
    return df


# =========================================================================== growing the codebook


def unknown_phrases(corpus: Any = None, *, codebook: Codebook | str | Path | None = None,
                    max_words: int = 3, min_count: int = 1) -> "pd.DataFrame":
    """Name-like phrases after titles that no codebook entry matched, most frequent first.

    Two places are searched: the words right after a role the finder recognised but could
    not merge with a holder's name (``وزير الخارجية الإيراني محمد جواد ظريف`` when Zarif is
    missing), and title words no entry covers (``وزير``, ``رئيس``, ``المبعوث``, ``السفير``,
    ``المتحدث`` ...) with the words after them. A phrase stops at punctuation, a line break,
    a stop word (:func:`corpus_utils.arabic.is_stopword`) or a known mention.

    Args:
        corpus: a documents table, a corpus folder, or None (the bundled seeds).
        codebook: as in :func:`find_actors`.
        max_words: the most words taken after a recognised role (>= 1); after a bare
            title word two more are taken, for the rest of the title (``المتحدث باسم ...``).
        min_count: report phrases seen at least this often (>= 1).

    Returns:
        Columns ``phrase, after, count, documents, example``: ``after`` is the title (or
        recognised role) it followed, ``documents`` how many documents, ``example``
        ``doc_id:line`` of the first occurrence.

    Raises:
        ValueError: ``max_words`` or ``min_count`` below 1.

    >>> unknown_phrases().head(1).columns.tolist()
    ['phrase', 'after', 'count', 'documents', 'example']
    """
    import pandas as pd

    if not isinstance(max_words, int) or max_words < 1:
        raise ValueError(f"max_words = {max_words!r} is invalid; value must be an int >= 1")
    if not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count = {min_count!r} is invalid; value must be an int >= 1")
    cb = _codebook(codebook)
    found: dict[tuple[str, str], dict] = {}
    for view in _doc_views(corpus, raw=False):
        text = view.text
        tokens = arabic.tokenize(text)
        covered = bytearray(len(tokens))
        tok_starts = [t.start for t in tokens]
        role_ends = {}
        for m in find_actors(text, date=view.date or None, codebook=cb):
            a = bisect_right(tok_starts, m.start) - 1
            b = bisect_right(tok_starts, m.end - 1)
            for k in range(max(a, 0), b):
                covered[k] = 1
            if m.kind == "role":
                role_ends[b] = m.text

        def phrase_from(k: int, limit: int) -> list[str]:
            words = []
            while k < len(tokens) and len(words) < limit:
                t = tokens[k]
                if t.kind != "word" or covered[k] or arabic.is_stopword(t.text):
                    break
                if words and "\n" in text[tokens[k - 1].end:t.start]:
                    break
                words.append(t.text)
                k += 1
            return words

        def add(phrase: list[str], after: str, pos: int) -> None:
            key = (arabic.normalize(" ".join(phrase)), arabic.normalize(after))
            example = f"{view.doc_id}:{view.line(view.to_raw(pos))}"
            rec = found.setdefault(key, {"count": 0, "docs": set(), "example": example})
            rec["count"] += 1
            rec["docs"].add(view.doc_id)

        for b, role_text in role_ends.items():
            words = phrase_from(b, max_words)
            if words:
                add(words, role_text, tokens[b].start)
        for k, t in enumerate(tokens):
            if t.kind == "word" and not covered[k] and alias_key(t.text) in _TITLES:
                words = phrase_from(k + 1, max_words + 2)
                if words:
                    add(words, t.text, t.start)
    rows = [(p, a, r["count"], len(r["docs"]), r["example"]) for (p, a), r in found.items()
            if r["count"] >= min_count]
    df = pd.DataFrame(rows, columns=["phrase", "after", "count", "documents", "example"])
    df["count"] = df["count"].astype("int64")
    df["documents"] = df["documents"].astype("int64")
    return df.sort_values(["count", "documents", "phrase"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)


# =========================================================================== tables


def codebook_table(codebook: Codebook | str | Path | None = None) -> "pd.DataFrame":
    """The actors of a codebook as a table: ``actor_id, name, type, code, verified, aliases``.

    Args:
        codebook: as in :func:`find_actors`.

    Returns:
        One row per actor; ``aliases`` is the number of spellings (alternatives spelled out).

    >>> codebook_table().set_index("actor_id").loc["john_kerry", "code"]
    'USAGOV'
    """
    import pandas as pd

    cb = _codebook(codebook)
    rows = []
    for aid, a in cb.actors.items():
        n = sum(len(expand_alias(x)) for lst in _ALIAS_LISTS for x in a.get(lst) or [])
        rows.append((aid, a["name"], a["type"], a["code"], bool(a["verified"]), n))
    return pd.DataFrame(rows, columns=["actor_id", "name", "type", "code", "verified", "aliases"])


def offices_table(codebook: Codebook | str | Path | None = None) -> "pd.DataFrame":
    """Every holder period of every office: ``office, title, holder, start, end, confidence, source``.

    Args:
        codebook: as in :func:`find_actors`.

    Returns:
        One row per period, offices in codebook order, periods by start (``end`` ``""`` when open).

    >>> t = offices_table()
    >>> t[t.office == "un_syria_envoy"].holder.tolist()
    ['kofi_annan', 'lakhdar_brahimi', 'staffan_de_mistura', 'geir_pedersen']
    """
    import pandas as pd

    cb = _codebook(codebook)
    rows = []
    for oid, o in cb.offices.items():
        for h in sorted(o.get("holders") or [], key=lambda h: _parse_iso(_as_text(h["start"]), "start")[0]):
            rows.append((oid, o["title"], h["holder"], _as_text(h["start"]), _as_text(h.get("end")) or "",
                         h["confidence"], h["source"]))
    return pd.DataFrame(rows, columns=["office", "title", "holder", "start", "end", "confidence", "source"])


# =========================================================================== evaluation


def evaluate_mentions(predicted: "pd.DataFrame", gold: "pd.DataFrame", *,
                      id_map: Mapping[str, str] | None = None,
                      require_kind: bool = False) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Score predicted mentions against a gold annotation, per kind, listing every error.

    A predicted and a gold mention **match** when they are in the same document, their
    character spans overlap (at least one code point in common) and they name the same actor
    (for two unresolved roles: the same ``office``); with ``require_kind`` their kinds must
    agree too. Each mention is matched at most once, greedily by largest overlap. Precision
    of a kind counts the predicted mentions of that kind, recall the gold mentions of it.

    Args:
        predicted: a mentions table (:func:`corpus_mentions`).
        gold: the annotation, with at least ``doc_id, start, end, actor_id, kind``
            (``office``, ``text``, ``line`` are used when present).
        id_map: gold ``actor_id`` -> codebook ``actor_id``, for an annotation that names an
            actor differently or more finely than the codebook (e.g. a department the
            codebook folds into its state). Every entry should be reported with the scores.
        require_kind: count a match only when the kinds agree.

    Returns:
        ``(scores, errors)``. ``scores``: one row per kind plus ``all``, columns ``kind,
        gold, predicted, matched_gold, matched_predicted, precision, recall, f1,
        kind_agreement, exact_spans`` (the last two: shares of the matches). ``errors``:
        every ``miss`` (gold not matched), ``false_alarm`` (prediction not matched),
        ``boundary`` (a match whose spans differ) and ``kind`` (a match whose kinds differ),
        columns ``error, doc_id, line, pred_start, pred_end, pred_text, pred_actor_id,
        pred_kind, gold_start, gold_end, gold_text, gold_actor_id, gold_kind``; for a miss or
        a false alarm the other side shows what overlaps it, if anything (else NA and ``""``).

    Raises:
        ValueError: a table lacks a required column.

    References:
        Chinchor, N. & Sundheim, B. (1993). MUC-5 evaluation metrics. *Proceedings of the
        Fifth Message Understanding Conference*, 69-78 (partial-overlap matching).

    >>> import pandas as pd
    >>> g = pd.DataFrame({"doc_id": ["a"], "start": [0], "end": [4], "actor_id": ["x"], "kind": ["name"]})
    >>> evaluate_mentions(g, g)[0].loc[0, ["precision", "recall"]].tolist()
    [1.0, 1.0]
    """
    import pandas as pd

    need = ["doc_id", "start", "end", "actor_id", "kind"]
    for name, df in (("predicted", predicted), ("gold", gold)):
        missing = [c for c in need if c not in getattr(df, "columns", ())]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing}; it needs {need}")
    id_map = dict(id_map or {})

    def records(df: pd.DataFrame, mapping: dict) -> list[dict]:
        out = []
        for r in df.to_dict("records"):
            rec = {c: r.get(c) for c in ("doc_id", "start", "end", "actor_id", "kind", "office",
                                          "text", "line")}
            for c in ("actor_id", "office", "kind", "text"):
                v = rec[c]
                rec[c] = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            rec["actor_id"] = mapping.get(rec["actor_id"], rec["actor_id"])
            rec["doc_id"] = str(rec["doc_id"])
            rec["start"], rec["end"] = int(rec["start"]), int(rec["end"])
            line = rec["line"]
            rec["line"] = None if line is None or pd.isna(line) else int(line)
            out.append(rec)
        return out

    P, G = records(predicted, {}), records(gold, id_map)

    def same_target(p: dict, g: dict) -> bool:
        if p["actor_id"] or g["actor_id"]:
            ok = p["actor_id"] == g["actor_id"]
        else:
            ok = p["office"] == g["office"]
        return ok and (not require_kind or p["kind"] == g["kind"])

    def overlap(p: dict, g: dict) -> int:
        return min(p["end"], g["end"]) - max(p["start"], g["start"]) if p["doc_id"] == g["doc_id"] else 0

    by_doc: dict[str, list[int]] = {}
    for gi, g in enumerate(G):
        by_doc.setdefault(g["doc_id"], []).append(gi)
    pairs = sorted((-overlap(p, G[gi]), pi, gi) for pi, p in enumerate(P)
                   for gi in by_doc.get(p["doc_id"], ()) if overlap(p, G[gi]) > 0 and same_target(p, G[gi]))
    p_match: dict[int, int] = {}
    g_match: dict[int, int] = {}
    for _, pi, gi in pairs:
        if pi not in p_match and gi not in g_match:
            p_match[pi] = gi
            g_match[gi] = pi

    def best_overlap(rec: dict, pool: list[dict]) -> dict | None:
        hits = [(overlap(rec, o), k) for k, o in enumerate(pool) if overlap(rec, o) > 0]
        return pool[max(hits)[1]] if hits else None

    def row(error: str, p: dict | None, g: dict | None) -> dict:
        out = {"error": error, "doc_id": (g or p)["doc_id"],
               "line": (g or {}).get("line") or (p or {}).get("line")}
        for side, rec in (("pred", p), ("gold", g)):
            for c in ("start", "end", "text", "actor_id", "kind"):
                out[f"{side}_{c}"] = rec[c] if rec else (None if c in ("start", "end") else "")
        return out

    rows = []
    for pi, p in enumerate(P):
        if pi not in p_match:
            rows.append(row("false_alarm", p, best_overlap(p, G)))
            continue
        g = G[p_match[pi]]
        if (p["start"], p["end"]) != (g["start"], g["end"]):
            rows.append(row("boundary", p, g))
        if p["kind"] != g["kind"]:
            rows.append(row("kind", p, g))
    for gi, g in enumerate(G):
        if gi not in g_match:
            rows.append(row("miss", best_overlap(g, P), g))
    columns = ["error", "doc_id", "line"] + [f"{side}_{c}" for side in ("pred", "gold")
                                             for c in ("start", "end", "text", "actor_id", "kind")]
    errors = pd.DataFrame(rows, columns=columns)
    for c in ("line", "pred_start", "pred_end", "gold_start", "gold_end"):
        errors[c] = errors[c].astype("Int64")
    order = {"miss": 0, "false_alarm": 1, "boundary": 2, "kind": 3}
    errors = errors.assign(_s=errors["gold_start"].fillna(errors["pred_start"]),
                           _o=errors["error"].map(order))
    errors = errors.sort_values(["doc_id", "_s", "_o"], kind="stable").drop(columns=["_s", "_o"])
    errors = errors.reset_index(drop=True)

    def score(kind: str | None) -> dict:
        ps = [i for i, p in enumerate(P) if kind is None or p["kind"] == kind]
        gs = [i for i, g in enumerate(G) if kind is None or g["kind"] == kind]
        mp = sum(1 for i in ps if i in p_match)
        mg = sum(1 for i in gs if i in g_match)
        prec = mp / len(ps) if ps else float("nan")
        rec = mg / len(gs) if gs else float("nan")
        f1 = 2 * prec * rec / (prec + rec) if ps and gs and prec + rec > 0 else float("nan")
        both = [(P[i], G[p_match[i]]) for i in ps if i in p_match]
        agree = sum(p["kind"] == g["kind"] for p, g in both) / len(both) if both else float("nan")
        exact = (sum((p["start"], p["end"]) == (g["start"], g["end"]) for p, g in both) / len(both)
                 if both else float("nan"))
        return {"kind": kind or "all", "gold": len(gs), "predicted": len(ps), "matched_gold": mg,
                "matched_predicted": mp, "precision": prec, "recall": rec, "f1": f1,
                "kind_agreement": agree, "exact_spans": exact}

    kinds = [k for k in KINDS if any(r["kind"] == k for r in P + G)]
    kinds += sorted({r["kind"] for r in P + G} - set(KINDS))
    scores = pd.DataFrame([score(k) for k in kinds] + [score(None)])
    return scores, errors


def evaluate_annotation(folder: str | Path, *, clutter: bool = False, corpus: Any = None,
                        codebook: Codebook | str | Path | None = None,
                        id_map: Mapping[str, str] | None = None) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Compare the finder with a blind annotation of a corpus, by the protocol of
    ``tests/data/actor_annotation/EVALUATION.md``.

    The gold is ``mentions.csv`` in ``folder`` (columns ``doc_id, line, start, end, text,
    actor_id, kind, note, in_clutter``, raw-file offsets). The prediction is
    :func:`corpus_mentions` on the raw files. By default both are restricted to lines that
    are not web clutter: gold rows with ``in_clutter == "no"``, predicted mentions on lines
    cleaning keeps (``paragraph`` not NA). Scores and errors are those of
    :func:`evaluate_mentions`.

    Args:
        folder: the annotation folder.
        clutter: keep the clutter lines too.
        corpus: the annotated corpus (a documents table or folder; default the seeds).
        codebook: as in :func:`find_actors`.
        id_map: gold id -> codebook id, for ids the codebook spells differently (report them).

    Returns:
        ``(scores, errors)`` as in :func:`evaluate_mentions`.

    Raises:
        FileNotFoundError: ``folder`` has no ``mentions.csv``.

    >>> from corpus_utils.paths import repo_root
    >>> scores, errors = evaluate_annotation(repo_root() / "tests/data/actor_annotation")
    >>> bool((scores[["precision", "recall"]] >= 0.9).all().all())
    True
    """
    import pandas as pd

    path = Path(folder) / "mentions.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{str(path)!r} does not exist; pass the folder of an annotation")
    gold = pd.read_csv(path, dtype={"doc_id": str, "actor_id": str}, keep_default_na=False)
    predicted = corpus_mentions(corpus, raw=True, codebook=codebook)
    if not clutter:
        gold = gold[gold["in_clutter"] != "yes"]
        predicted = predicted[predicted["paragraph"].notna()]
    return evaluate_mentions(predicted, gold, id_map=id_map)


# =========================================================================== spaCy


class ActorFinder:
    """The spaCy pipeline component around :func:`find_actors` (factory ``"actor_finder"``).

    Sets ``doc.spans[spans_key]`` (label: the ``actor_id``, or ``"UNRESOLVED"``) and each
    span's ``span._.actor`` (the :class:`Mention` as a dict); with ``set_ents`` also
    ``doc.ents``. The document date is read from ``doc.user_data["date"]``.
    """

    def __init__(self, nlp=None, name: str = "actor_finder", *, codebook: str | None = None,
                 spans_key: str = "actors", set_ents: bool = False):
        self.name = name
        self.codebook = _codebook(codebook)
        self.spans_key = spans_key
        self.set_ents = set_ents

    def __call__(self, doc):
        from spacy.util import filter_spans

        mentions = find_actors(doc.text, date=doc.user_data.get("date"), codebook=self.codebook)
        spans = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label=m.actor_id or "UNRESOLVED",
                                 alignment_mode="expand")
            if span is None:
                continue
            span._.actor = m.as_dict()
            spans.append(span)
        doc.spans[self.spans_key] = spans
        if self.set_ents:
            doc.ents = filter_spans(spans)
        return doc


def _make_actor_finder(nlp, name: str, codebook: str | None, spans_key: str, set_ents: bool):
    return ActorFinder(nlp, name, codebook=codebook, spans_key=spans_key, set_ents=set_ents)


def register_spacy_component() -> None:
    """Register the spaCy factory ``"actor_finder"`` and the ``Span._.actor`` extension.

    Idempotent; done automatically on import when spaCy is already imported. Then
    ``nlp.add_pipe("actor_finder", config={"codebook": None, "spans_key": "actors",
    "set_ents": False})``.

    >>> import spacy; register_spacy_component()
    >>> nlp = spacy.blank("ar"); _ = nlp.add_pipe("actor_finder")
    >>> doc = nlp("قال كيري إن الأسد فقد الشرعية")
    >>> [s.label_ for s in doc.spans["actors"]]
    ['john_kerry', 'bashar_al_assad']
    """
    from spacy.language import Language
    from spacy.tokens import Span

    if not Span.has_extension("actor"):
        Span.set_extension("actor", default=None)
    if not Language.has_factory("actor_finder"):
        Language.factory("actor_finder",
                         default_config={"codebook": None, "spans_key": "actors", "set_ents": False},
                         func=_make_actor_finder)


if "spacy" in sys.modules:  # pragma: no cover - depends on import order
    register_spacy_component()
