"""The corpus: a folder of texts + metadata -> one table of documents, units and an audit.

Every analysis starts here. :func:`load_corpus` checks a corpus folder (``.txt`` files and
``metadata.csv``) and reports every problem at once
(:class:`~corpus_utils.errors.CorpusError`); it decodes each file, cleans web clutter
line by line by the documented rules in ``data/cleaning_rules.yml`` and returns one row per
document. A corpus can also be one CSV, JSON-lines or Parquet file with a text column
(:mod:`corpus_utils.sources`): same table, same cleaning; :func:`iter_corpus` streams the
same documents one at a time. :func:`paragraphs` and :func:`sentences` cut the cleaned text
into units that always point back to a line and to code-point offsets of the raw file;
:func:`cleaning_audit` lists every line that cleaning took out, and :func:`rebuild_raw`
proves that nothing was lost by rebuilding each raw file byte for byte.
:func:`near_duplicates` finds passages shared between documents (wire copies, republished
press releases).

At scale (100,000 articles, about 224 million characters) the loader reads, checks and
cleans each document once, as it comes, and stores the texts batch by batch as Arrow
strings (:data:`LOAD_BATCH` documents at a time), so that it never holds every text as
Python strings; the unit tables are built column by column from the documents read
:data:`ROW_BATCH` at a time.

Positions (shared by every table of the package):

* ``line``: 1-based physical line of the raw file (line ends: ``\\n``, ``\\r\\n`` or ``\\r``);
* ``start``/``end``: 0-based, end-exclusive code-point offsets into ``raw_text`` (the decoded
  file, byte-order mark stripped, line ends kept), so ``raw_text[start:end] == text``;
* ``paragraph``: 1-based index of the cleaned text's non-empty lines within a document;
* ``sentence``: 1-based within the document.

The cleaned ``text`` is the kept lines, unchanged, joined with ``\\n`` (whatever the file's
line ends were), ending with ``\\n`` when the raw file did.

References:
    Broder, A. Z. (1997). On the resemblance and containment of documents. *Compression and
    Complexity of Sequences*, 21-29. (word shingles, containment)
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import operator
import os
import re
import warnings
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date as _date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

import pandas as pd

from .errors import CorpusError, CorpusWarning, Problem, problem
from .memory import release_after
from .paths import DATA_DIR, default_corpus_path
from .progress import progress as _progress

__all__ = [
    "load_corpus", "iter_corpus", "check_corpus", "corpus_from_texts", "paragraphs",
    "sentences", "split_sentences", "clean_text", "load_rules", "cleaning_audit",
    "rebuild_raw", "corpus_stats", "near_duplicates", "shared_passages",
]

METADATA_FILE = "metadata.csv"
#: Columns metadata.csv must have.
REQUIRED_COLUMNS = ("doc_id", "file")
#: Columns that cleaning fills (moved lines).
CLEANING_COLUMNS = ("headline", "deck", "dateline", "byline", "source_line")
#: Columns the loader fills from the files; metadata.csv may not use these names. (It may
#: have headline, deck, dateline, byline, source_line: a value there wins over cleaning's.)
RESERVED_COLUMNS = ("raw_text", "text")
#: Columns of the paragraph and sentence tables.
UNIT_COLUMNS = ["doc_id", "paragraph", "sentence", "line", "start", "end", "text"]
#: Columns of the cleaning audit (see :func:`cleaning_audit`).
AUDIT_COLUMNS = [
    "doc_id", "file", "line", "start", "end", "action", "rule", "target_column", "text",
    "encoding", "bom", "line_ends", "line_end_map", "final_newline", "lines", "sha256",
    "format_controls", "html_markup",
]
DEFAULT_RULES = DATA_DIR / "cleaning_rules.yml"
DATE_PRECISIONS = ("day", "month", "year")
ON_ERROR = ("raise", "skip")

# --------------------------------------------------------------------------- characters

#: Invisible format characters: zero-width (space, joiners), bidi marks, embeddings,
#: overrides and isolates, word joiner, invisible operators, BOM/ZWNBSP, soft hyphen.
_FORMAT_CHARS = (
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_DROP_FORMAT = dict.fromkeys(map(ord, _FORMAT_CHARS))
# folding for rule matching: format chars, Arabic marks (U+064B-U+065F, U+0670) and tatweel
# dropped; alef variants -> ا, ى -> ي, ة -> ه
_FOLD_TABLE = {
    **_DROP_FORMAT,
    **dict.fromkeys(range(0x064B, 0x0660)),
    0x0670: None,
    0x0640: None,
    **{ord(c): "ا" for c in "أإآٱ"},
    ord("ى"): "ي",
    ord("ة"): "ه",
}
_WS_RE = re.compile(r"\s+")
_FORMAT_RE = re.compile(f"[{_FORMAT_CHARS}]")
_NONBLANK_RE = re.compile(f"[^\\s{_FORMAT_CHARS}]")
_FORMAT_SET = frozenset(_FORMAT_CHARS)
# the same folding with regexes and str.replace (much faster than str.translate with a dict)
_FOLD_DROP_RE = re.compile(f"[{_FORMAT_CHARS}\u064b-\u065f\u0670\u0640]")
_FOLD_ALEF_RE = re.compile("[أإآٱ]")
_LINE_RE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|)")
_EOL_RE = re.compile(r"\r\n|\r|\n")
_ENDINGS = {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}
_ENDING_CHARS = {v: k for k, v in _ENDINGS.items()}
_ARABIC_LETTER_RE = re.compile(
    "[\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc]")
_HTML_RE = re.compile(r"</?[A-Za-z][^<>]{0,200}>|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,10});")
# characters expected in a correctly decoded Arabic or Latin news text
_PLAUSIBLE_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\\s!-~\u00a0-\u00ff\u2010-\u201f\u200b-\u200f]")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_QUOTE_OPENERS = "\"'“‘«‹„"

# sentences: a run of . ! ؟ ؛ (with closing quotes/brackets) ends a sentence, as does a line
# break; "(..)" inside brackets, a "." between digits (2.5) or between Latin letters (U.S.)
# do not.
_SENT_CLOSERS = "\"'”’»)]}›"
_SENT_END_RE = re.compile(r"[.!؟؛]+[\"'”’»)\]}›]*")
_SENT_END_CHARS = ".!؟؛"  # the characters a _SENT_END_RE run starts with
# a line break: one of these characters, "\r\n" counting as one (see split_sentences)
_SENT_BREAK_CHAR_RE = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029]")

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "UTF-32-LE", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "UTF-32-BE", "utf-32-be"),
    (codecs.BOM_UTF8, "UTF-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "UTF-16-LE", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "UTF-16-BE", "utf-16-be"),
)
_BOM_BYTES = {name: bom for bom, name, _ in _BOMS}
# an encoding name whose BOM-less form needs a byte order: read little-endian
_NO_BOM_CODEC = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}
_UTF_CODECS = {"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-7"}
# legacy encodings tried when a file is not valid in the chosen one, with their labels
_GUESSES = (
    ("cp1256", "windows-1256 (Arabic Windows)"),
    ("iso8859-6", "ISO-8859-6 (Arabic ISO)"),
    ("cp720", "cp720 (Arabic DOS)"),
)


#: Folded lines remembered (clutter, headlines and datelines recur from article to article).
_FOLD_CACHE_SIZE = 16_384


@lru_cache(maxsize=_FOLD_CACHE_SIZE)
def _fold(text: str) -> str:
    """Fold a line for rule matching (see the header of ``cleaning_rules.yml``).

    >>> _fold("  إضغط  هنا\u200f للإشتراكـ ")
    'اضغط هنا للاشتراك'
    """
    text = _FOLD_ALEF_RE.sub("ا", _FOLD_DROP_RE.sub("", text))
    return _WS_RE.sub(" ", text.replace("ى", "ي").replace("ة", "ه").lower()).strip()


def _is_blank(text: str) -> bool:
    """True when the text holds only whitespace and invisible format characters."""
    return _NONBLANK_RE.search(text) is None


def _lines(raw: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """The physical lines of ``raw``: ``(spans, contents)``, each span ``(start, end, ending)``
    with the line's content ``raw[start:end]`` (its line end excluded) in ``contents``.

    A text without ``\\r`` (most files) is cut with ``str.split("\\n")``, several times
    faster than the line regex, which handles CRLF, CR and mixed line ends.

    >>> _lines("a\\r\\nbc\\n\\nd")
    ([(0, 1, '\\r\\n'), (3, 5, '\\n'), (6, 6, '\\n'), (7, 8, '')], ['a', 'bc', '', 'd'])
    """
    if "\r" in raw:
        spans = []
        n = len(raw)
        for m in _LINE_RE.finditer(raw):
            if m.start() == n:
                break
            spans.append((m.start(1), m.end(1), m.group(2)))
        return spans, [raw[s:e] for s, e, _ in spans]
    contents = raw.split("\n")
    if not contents[-1]:  # text ending with "\n", or empty: no line after the last line end
        contents.pop()
        final = True
    else:
        final = False
    spans = []
    pos = 0
    for c in contents:
        end = pos + len(c)
        spans.append((pos, end, "\n"))
        pos = end + 1
    if spans and not final:
        spans[-1] = (spans[-1][0], spans[-1][1], "")
    return spans, contents


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class _Rule:
    name: str
    action: str
    target: str
    zone: str
    max_words: int
    min_words: int
    unclosed: bool
    patterns: tuple
    companion_patterns: tuple
    names: frozenset
    options: dict


@dataclass(frozen=True)
class CleaningRules:
    """Cleaning rules loaded from a YAML file (see ``data/cleaning_rules.yml``)."""

    path: str
    edge_lines: int
    closing_punctuation: str
    trailing_closers: str
    rules: tuple
    #: every rule's ``names`` together (the dateline rule checks a bracketed name against them)
    all_names: frozenset = field(init=False, repr=False, compare=False)
    #: the largest word count any rule compares with: lines are counted only up to one more
    word_cap: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_names", frozenset().union(*(r.names for r in self.rules)))
        limits = [1]
        for r in self.rules:
            limits += [r.max_words, r.min_words, int(r.options.get("max_name_words", 3)),
                       int(r.options.get("deck_max_words", 30))]
        object.__setattr__(self, "word_cap", max(limits))

    def __getitem__(self, name: str) -> _Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)


_RULE_KINDS = {
    "app_banner", "subscription_prompt", "related_link", "source_line", "tag_line",
    "repeated_headline", "byline", "dateline", "subheading",
}
_RULE_KEYS = {
    "action", "target", "zone", "max_words", "min_words", "unclosed", "patterns",
    "companion_patterns", "names", "max_name_words", "deck_max_lines", "deck_max_words",
    "forbid", "max_chars", "min_blank_share", "min_paragraphs",
}
_ZONES = {"anywhere", "edges", "head", "tail", "tail_run", "first"}


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern.translate(_FOLD_TABLE))
    except re.error as exc:
        raise ValueError(f"{where}: pattern {pattern!r} is not a valid regular expression ({exc})") from None


@lru_cache(maxsize=8)
def _load_rules_cached(path: str) -> CleaningRules:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"rules = {path!r} cannot be read as YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        raise ValueError(f"rules = {path!r} has no 'rules' mapping; see {DEFAULT_RULES}")
    rules = []
    for name, spec in data["rules"].items():
        where = f"{path}: rule {name!r}"
        if name not in _RULE_KINDS:
            raise ValueError(f"{where} is unknown; allowed rule names: {sorted(_RULE_KINDS)}")
        if not isinstance(spec, dict):
            raise ValueError(f"{where} must be a mapping of options")
        unknown = set(spec) - _RULE_KEYS
        if unknown:
            raise ValueError(f"{where} has unknown keys {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
        action = spec.get("action")
        if action not in ("removed", "moved"):
            raise ValueError(f"{where}: action = {action!r} is invalid; use 'removed' or 'moved'")
        target = spec.get("target", "") or ""
        if action == "moved" and target not in CLEANING_COLUMNS:
            raise ValueError(f"{where}: target = {target!r} is invalid; use one of {list(CLEANING_COLUMNS)}")
        zone = spec.get("zone", "anywhere")
        if zone not in _ZONES:
            raise ValueError(f"{where}: zone = {zone!r} is invalid; use one of {sorted(_ZONES)}")
        options = {k: spec[k] for k in ("max_name_words", "deck_max_lines", "deck_max_words",
                                          "max_chars", "min_blank_share", "min_paragraphs") if k in spec}
        if "forbid" in spec:
            options["forbid"] = _compile(spec["forbid"], where)
        rules.append(_Rule(
            name=name, action=action, target=target, zone=zone,
            max_words=int(spec.get("max_words", 10**9)), min_words=int(spec.get("min_words", 1)),
            unclosed=bool(spec.get("unclosed", False)),
            patterns=tuple(_compile(p, where) for p in spec.get("patterns", []) or []),
            companion_patterns=tuple(_compile(p, where) for p in spec.get("companion_patterns", []) or []),
            names=frozenset(_name_key(_fold(str(n))) for n in spec.get("names", []) or []),
            options=options,
        ))
    return CleaningRules(
        path=path, edge_lines=int(data.get("edge_lines", 6)),
        closing_punctuation=str(data.get("closing_punctuation", ".:;،,؛؟?…")),
        trailing_closers=str(data.get("trailing_closers", _SENT_CLOSERS)),
        rules=tuple(rules),
    )


def load_rules(rules: str | Path | CleaningRules | None = None) -> CleaningRules:
    """Load cleaning rules from a YAML file (default: the package's ``cleaning_rules.yml``).

    Args:
        rules: a path to a rules file in the format of ``data/cleaning_rules.yml``, an
            already loaded :class:`CleaningRules`, or None for the package's rules.

    Returns:
        The compiled rules (cached per path).

    Raises:
        ValueError: the file cannot be read, or a rule, key, action, zone or pattern is invalid.

    >>> [r.name for r in load_rules().rules][:2]
    ['app_banner', 'subscription_prompt']
    """
    if isinstance(rules, CleaningRules):
        return rules
    path = DEFAULT_RULES if rules is None else Path(rules)
    return _load_rules_cached(str(path))


def _name_key(folded: str) -> str:
    return folded.lstrip("#").rstrip(".:;،,؛؟?!…-–— ").strip()


# --------------------------------------------------------------------------- cleaning


class LineAction(NamedTuple):
    """One line that cleaning took out of a document."""

    line: int           # 1-based physical line of the raw file
    start: int          # offsets of the line's content (line end excluded) in raw_text
    end: int
    action: str         # "removed" or "moved"
    rule: str           # the rule that took it (a key of cleaning_rules.yml)
    target_column: str  # the column it fills ("" when removed; "dateline,byline" possible)
    text: str           # the line's content, word for word


class Cleaned(NamedTuple):
    """The result of :func:`clean_text`."""

    text: str                          # kept lines joined with "\n"
    columns: dict                      # headline, deck, dateline, byline, source_line (or None)
    actions: list                      # LineAction for every line taken out, by line
    lines: list                        # (start, end, ending) of every raw line
    kept: list                         # 0-based indexes of the kept lines


class _Doc:
    """Per-document view used by the rules (computed once, O(lines))."""

    __slots__ = ("contents", "blank", "_folded", "words", "closed", "nonblank", "head", "tail",
                 "zones", "taken", "values")

    def __init__(self, raw: str, spans, R: CleaningRules, contents: list[str] | None = None):
        self.contents = contents = [raw[s:e] for s, e, _ in spans] if contents is None else contents
        search = _NONBLANK_RE.search
        self.blank = blank = [search(c) is None for c in contents]
        self._folded: dict[int, str] = {}
        # words are only compared with the rules' limits: counting up to word_cap + 1 is exact
        # for every comparison and spares splitting long body paragraphs into all their words
        cap = R.word_cap
        self.words = words = [len(c.split(None, cap)) for c in contents]
        # closure is only ever looked at after a word limit passed (see fits and the deck of
        # repeated_headline), so a line over every limit (most body paragraphs) is not checked
        self.closed = [not b and w <= cap and _is_closed(c, R) for c, b, w in zip(contents, blank, words)]
        self.nonblank = [i for i, b in enumerate(blank) if not b]
        head = self.nonblank[:R.edge_lines]
        tail = self.nonblank[-R.edge_lines:] if R.edge_lines else []
        self.head, self.tail = set(head), set(tail)
        edges = sorted(self.head | self.tail)
        self.zones = {"head": head, "tail": tail, "tail_run": tail, "edges": edges,
                      "anywhere": self.nonblank, "first": self.nonblank}
        self.taken: dict[int, tuple[str, str, str]] = {}
        self.values: dict[str, list[str]] = defaultdict(list)

    def folded(self, i: int) -> str:
        """The folded line (computed once, only for lines a rule looks at)."""
        f = self._folded.get(i)
        if f is None:
            f = self._folded[i] = _fold(self.contents[i])
        return f

    def free(self, i: int) -> bool:
        return not self.blank[i] and i not in self.taken

    def fits(self, i: int, rule: _Rule) -> bool:
        """Blank/taken/length/closure/zone conditions shared by every rule."""
        if self.blank[i] or i in self.taken:
            return False
        if not rule.min_words <= self.words[i] <= rule.max_words:
            return False
        if rule.unclosed and self.closed[i]:
            return False
        zone = rule.zone
        if zone == "edges":
            return i in self.head or i in self.tail
        if zone == "head":
            return i in self.head
        if zone in ("tail", "tail_run"):
            return i in self.tail
        return True

    def take(self, i: int, rule: _Rule, action: str, target: str, value: str | None = None) -> None:
        self.taken[i] = (action, rule.name, target)
        if action == "moved":
            for column in target.split(","):
                if column:
                    self.values[column].append(self.contents[i].strip() if value is None else value)


def _is_closed(content: str, R: CleaningRules) -> bool:
    k = len(content)
    while k and (content[k - 1].isspace() or content[k - 1] in R.trailing_closers
                 or content[k - 1] in _FORMAT_SET):
        k -= 1
    return bool(k) and content[k - 1] in R.closing_punctuation


def _matches(patterns, folded: str) -> bool:
    if len(patterns) == 1:  # one pattern, or a rule's patterns joined (see _any_of)
        return patterns[0].search(folded) is not None
    return any(p.search(folded) for p in patterns)


_JOINED: dict[tuple[int, str], tuple] = {}


def _joined_patterns(rule: _Rule, kind: str = "patterns") -> tuple:
    """``_any_of`` of a rule's patterns, computed once per rule object."""
    key = (id(rule), kind)
    got = _JOINED.get(key)
    if got is None or got[0] is not rule:
        got = _JOINED[key] = (rule, _any_of(getattr(rule, kind)))
    return got[1]


_BACKREF_RE = re.compile(r"\\[1-9]|\(\?P=")


def _any_of(patterns: tuple) -> tuple:
    """One regex matching where any of ``patterns`` matches (one search per line instead of
    one per pattern), or the patterns as they are when they cannot be joined (numbered or
    named back-references, or inline flags that must open a pattern)."""
    if len(patterns) < 2 or any(_BACKREF_RE.search(p.pattern) for p in patterns):
        return patterns
    try:
        return (re.compile("|".join(f"(?:{p.pattern})" for p in patterns)),)
    except re.error:
        return patterns


def _rule_patterns(doc: _Doc, rule: _Rule) -> None:
    """subscription_prompt, related_link, source_line: any line in the zone matching."""
    words, lo, hi = doc.words, rule.min_words, rule.max_words
    patterns = _joined_patterns(rule)
    for i in doc.zones[rule.zone]:
        # the word limits first: most lines are long paragraphs that no rule looks at
        if lo <= words[i] <= hi and doc.fits(i, rule) and _matches(patterns, doc.folded(i)):
            doc.take(i, rule, rule.action, rule.target)


def _rule_app_banner(doc: _Doc, rule: _Rule) -> None:
    words, lo, hi = doc.words, rule.min_words, rule.max_words
    patterns = _joined_patterns(rule)
    anchors = [i for i in doc.zones[rule.zone]
               if lo <= words[i] <= hi and doc.fits(i, rule) and _matches(patterns, doc.folded(i))]
    for i in anchors:
        doc.take(i, rule, rule.action, rule.target)
    n = len(doc.contents)
    for i in anchors:  # companions in the same block (no blank line between)
        for step in (-1, 1):
            j = i + step
            while 0 <= j < n and not doc.blank[j]:
                if j in doc.taken:
                    j += step
                    continue
                if not (doc.fits(j, rule) and _matches(_joined_patterns(rule, "companion_patterns"), doc.folded(j))):
                    break
                doc.take(j, rule, rule.action, rule.target)
                j += step


def _rule_tag_line(doc: _Doc, rule: _Rule) -> None:
    max_name_words = int(rule.options.get("max_name_words", 3))
    for i in reversed(doc.nonblank):
        if i in doc.taken:
            continue
        if not doc.fits(i, rule):
            break
        folded = doc.folded(i)
        named = doc.words[i] <= max_name_words and _name_key(folded) in rule.names
        if not (named or _matches(rule.patterns, folded)):
            break
        doc.take(i, rule, rule.action, rule.target)


def _rule_repeated_headline(doc: _Doc, rule: _Rule) -> None:
    seen: dict[str, list[int]] = {}
    words, lo, hi = doc.words, rule.min_words, rule.max_words
    for i in doc.nonblank:
        if lo <= words[i] <= hi and doc.fits(i, rule):
            seen.setdefault(doc.folded(i), []).append(i)
    repeated = [idx for idx in seen.values() if len(idx) > 1]
    if not repeated:
        return
    first, *others = min(repeated, key=lambda idx: idx[0])
    between = [j for j in range(first + 1, others[0]) if not doc.blank[j]]
    deck_ok = (0 < len(between) <= int(rule.options.get("deck_max_lines", 2)) and all(
        doc.free(j) and doc.words[j] <= int(rule.options.get("deck_max_words", 30)) and not doc.closed[j]
        for j in between))
    doc.take(first, rule, "moved", rule.target or "headline")
    if deck_ok:
        for j in between:
            doc.take(j, rule, "moved", "deck")
    for j in others:
        doc.take(j, rule, "removed", "")


_BYLINE_SPLIT_RE = re.compile(r"^\s*\S+?\s*[:：\-–—]\s*|^\s*\S+\s+")
_PAREN_NAME_RE = re.compile(r"[(（]\s*([^()（）]{2,40}?)\s*[)）][\s\-–—:|]*$")
_LABEL_NAME_RE = re.compile(r"[\-–—|]\s*(?:كتب|كتبت|بقلم|إعداد|اعداد)\s*[:：]?\s*([^\-–—|]+?)\s*$")
_DATELINE_TAIL_RE = re.compile(r"[\s\-–—|:]+$")


def _rule_byline(doc: _Doc, rule: _Rule) -> None:
    taken = doc.taken
    candidates = [i for i in doc.nonblank[:len(taken) + 3] if i not in taken][:3]
    for i in candidates:
        if doc.fits(i, rule) and _matches(rule.patterns, doc.folded(i)):
            name = _BYLINE_SPLIT_RE.sub("", doc.contents[i].strip(), count=1).strip()
            doc.take(i, rule, rule.action, rule.target or "byline", name or doc.contents[i].strip())


def _rule_dateline(doc: _Doc, rule: _Rule, names: frozenset) -> None:
    i = next((i for i in doc.nonblank if i not in doc.taken), None)
    if i is None:
        return
    forbid = rule.options.get("forbid")
    content = doc.contents[i]
    if not doc.fits(i, rule) or (forbid is not None and forbid.search(content)):
        return
    if not _matches(rule.patterns, doc.folded(i)):
        return
    line = content.strip()
    byline = None
    m = _PAREN_NAME_RE.search(line)
    if m and _name_key(_fold(m.group(1))) not in names:
        byline = m.group(1).strip()
    else:
        m = _LABEL_NAME_RE.search(line)
        if m:
            byline = m.group(1).strip()
    dateline = _DATELINE_TAIL_RE.sub("", line[:m.start()] if byline else line).strip()
    target = rule.target or "dateline"
    doc.taken[i] = (rule.action, rule.name, f"{target},byline" if byline else target)
    doc.values[target].append(dateline or line)
    if byline:
        doc.values["byline"].append(byline)


def _rule_subheading(doc: _Doc, rule: _Rule) -> None:
    body = [i for i in doc.nonblank if i not in doc.taken]
    n = len(doc.contents)
    if len(body) < int(rule.options.get("min_paragraphs", 3)):
        return
    blank = doc.blank
    followed = sum([1 for i in body if i + 1 < n and blank[i + 1]])
    if followed < float(rule.options.get("min_blank_share", 0.5)) * len(body):
        return
    max_chars = int(rule.options.get("max_chars", 10**9))
    words, lo, hi, blank = doc.words, rule.min_words, rule.max_words, doc.blank
    for i in body:
        # the word limits first (a condition of fits): no long paragraph is copied to strip it
        if not (lo <= words[i] <= hi and 0 < i < n - 1 and blank[i - 1] and blank[i + 1]):
            continue
        content = doc.contents[i].strip()
        if len(content) > max_chars or content[:1] in _QUOTE_OPENERS:
            continue
        if doc.fits(i, rule):
            doc.take(i, rule, rule.action, rule.target)


def clean_text(raw_text: str, *, rules: str | Path | CleaningRules | None = None) -> Cleaned:
    """Clean one raw text line by line by the documented rules.

    A line is kept verbatim or taken out whole; every line taken out is returned as a
    :class:`LineAction` (the rows of the audit), and moved lines fill ``columns``.

    Args:
        raw_text: the decoded text of a file (line ends kept).
        rules: a rules file or :class:`CleaningRules`; default ``data/cleaning_rules.yml``.

    Returns:
        :class:`Cleaned` with ``text`` (kept lines joined with ``\\n``, plus a final ``\\n``
        when the raw text had one), ``columns``, ``actions``, ``lines`` and ``kept``.

    >>> r = clean_text("نص الخبر الأول.\\nالائتلاف")
    >>> r.text, [(a.line, a.rule) for a in r.actions]
    ('نص الخبر الأول.', [(2, 'tag_line')])
    """
    R = load_rules(rules)
    spans, contents = _lines(raw_text)
    doc = _Doc(raw_text, spans, R, contents)
    names = R.all_names
    for rule in R.rules:
        if rule.name == "app_banner":
            _rule_app_banner(doc, rule)
        elif rule.name == "tag_line":
            _rule_tag_line(doc, rule)
        elif rule.name == "repeated_headline":
            _rule_repeated_headline(doc, rule)
        elif rule.name == "byline":
            _rule_byline(doc, rule)
        elif rule.name == "dateline":
            _rule_dateline(doc, rule, names)
        elif rule.name == "subheading":
            _rule_subheading(doc, rule)
        else:
            _rule_patterns(doc, rule)
    taken = doc.taken
    if not taken:
        kept = list(range(len(spans)))
        # every line kept and every line end "\n": the text is the raw text itself
        text = raw_text if "\r" not in raw_text else "\n".join(contents) + ("\n" if kept and spans[-1][2] else "")
    else:
        kept = [i for i in range(len(spans)) if i not in taken]
        text = "\n".join([contents[i] for i in kept])
        if kept and spans[-1][2]:
            text += "\n"
    actions = [LineAction(i + 1, spans[i][0], spans[i][1], *doc.taken[i][:2], doc.taken[i][2],
                          doc.contents[i]) for i in sorted(doc.taken)]
    columns = {c: ("\n".join(doc.values[c]) if doc.values.get(c) else None) for c in CLEANING_COLUMNS}
    return Cleaned(text, columns, actions, spans, kept)


def _line_end_info(spans) -> tuple[str, str, bool]:
    """(line_ends, line_end_map, final_newline) of a file's lines."""
    final_newline = bool(spans) and bool(spans[-1][2])
    kinds = {e for _, _, e in spans}
    kinds.discard("")
    if len(kinds) == 1:  # one style throughout (most files)
        return _ENDINGS[kinds.pop()], "", final_newline
    endings = [e for _, _, e in spans if e]
    if not endings:
        return "none", "", final_newline
    counts = Counter(endings)
    if len(counts) == 1:
        return _ENDINGS[endings[0]], "", final_newline
    order = {"\n": 0, "\r\n": 1, "\r": 2}
    main = max(counts, key=lambda e: (counts[e], -order[e]))
    last = len(spans) - 1
    exceptions = [f"{k + 1}:{_ENDINGS[e]}" for k, (_, _, e) in enumerate(spans)
                  if e != main and not (k == last and not e)]
    return "mixed", " ".join([_ENDINGS[main], *exceptions]), final_newline


# --------------------------------------------------------------------------- decoding


class _DecodeError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise ValueError(
            f"encoding = {encoding!r} is not a known text encoding; use e.g. 'utf-8' (default), "
            f"'cp1256' (Arabic Windows), 'iso8859-6' or 'utf-16'") from None


def _guess_encoding(data: bytes) -> tuple[str, str] | None:
    """The likely encoding of bytes that did not decode: (codec, label) or None."""
    sample = data[:200_000]
    if 0 in sample:  # NUL bytes: UTF-16 without a byte-order mark?
        for codec, label in (("utf-16-le", "UTF-16 little-endian without a byte-order mark"),
                             ("utf-16-be", "UTF-16 big-endian without a byte-order mark")):
            text = sample[:len(sample) // 2 * 2].decode(codec, errors="replace")
            plausible = len(_PLAUSIBLE_RE.findall(text))
            if text and plausible >= 0.9 * len(text):
                return codec, label
    try:
        sample.decode("utf-8")
        return "utf-8", "UTF-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4 and len(sample) < len(data):
            return "utf-8", "UTF-8"
    best, best_score = None, 0.0
    for codec, label in _GUESSES:
        text = sample.decode(codec, errors="replace")
        letters = sum(1 for ch in text if ch.isalpha()) or 1
        score = (len(_ARABIC_LETTER_RE.findall(text)) + 4 * text.count("ال")) / letters
        score -= 2 * text.count("\ufffd") / letters
        if score > best_score:
            best, best_score = (codec, label), score
    if best and best_score > 0.5:
        return best
    return None


def _decode(data: bytes, codec: str, file: str) -> tuple[str, str, str]:
    """Decode a file's bytes: (raw_text, encoding used, BOM name or "")."""
    for bom, bom_name, bom_codec in _BOMS:
        if data.startswith(bom):
            body, used, bom_found = data[len(bom):], bom_codec, bom_name
            break
    else:
        body, used, bom_found = data, _NO_BOM_CODEC.get(codec, codec), ""
    try:
        text = body.decode(used)
    except UnicodeDecodeError as exc:
        offset = exc.start + len(data) - len(body)
        line = len(_EOL_RE.findall(body[:exc.start].decode(used, errors="replace"))) + 1
        bad = body[exc.start:exc.start + 4].hex(" ").upper()
        guess = _guess_encoding(data)
        what = f" (the file starts with a {bom_found} byte-order mark)" if bom_found else ""
        message = f"bytes not valid {used}{what}: 0x{bad} at byte {offset}, line {line}"
        if guess and guess[0] != used:
            message += f"; the text looks like {guess[1]}"
            fix = (f"load with encoding='{guess[0]}' (command line: --encoding {guess[0]}) if every "
                   f"file is in it, or convert this file to UTF-8: iconv -f {guess[0]} -t utf-8 "
                   f"'{file}' > new.txt")
        else:
            fix = ("find the file's encoding (e.g. `file -i FILE`) and pass it as encoding= "
                   "(command line: --encoding NAME), or convert the file to UTF-8")
        raise _DecodeError(problem("E_ENCODING", message, fix, file=file, line=line)) from None
    nuls = text.count("\x00") if not used.startswith(("utf-16", "utf-32")) else 0
    if nuls and nuls >= 0.05 * len(text):  # e.g. UTF-16 without a mark "decodes" as UTF-8
        guess = _guess_encoding(data) or ("utf-16-le", "UTF-16 without a byte-order mark")
        raise _DecodeError(problem(
            "E_ENCODING", f"read as {used} the text has {nuls} NUL characters in {len(text)}: it is not "
                          f"{used}; the text looks like {guess[1]}",
            f"load with encoding='{guess[0]}' (command line: --encoding {guess[0]}), or convert the file "
            f"to UTF-8: iconv -f {guess[0]} -t utf-8 '{file}' > new.txt", file=file, line=1))
    if used not in _UTF_CODECS and not bom_found and not data[:100_000].isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise _DecodeError(problem(
                "E_LOOKS_UTF8",
                f"the file decodes as {used} but its bytes are valid UTF-8, so it is most likely "
                f"UTF-8 (read as {used} it would be garbled)",
                f"convert this file to {used} (iconv -f utf-8 -t {used}), or convert the other "
                f"files to UTF-8 and load with the default encoding", file=file))
    return text, used, bom_found


# --------------------------------------------------------------------------- checking


@dataclass
class _Entry:
    """One metadata row."""

    line: int
    values: dict
    doc_id: str = ""
    file: str = ""
    date: Any = None
    precision: str | None = None
    bad: bool = False
    codes: list = field(default_factory=list)   # codes of the errors found for this row


@dataclass
class _Report:
    folder: Path
    codec: str
    columns: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    unlisted: list = field(default_factory=list)
    fatal: bool = False
    #: names in the folder that are regular files (from one directory scan; spares a stat per file)
    regular: frozenset = frozenset()

    def add(self, p: Problem, entry: _Entry | None = None) -> None:
        self.problems.append(p)
        if entry is not None and p.severity == "error":
            entry.bad = True
            entry.codes.append(p.code)


def _resolve(path) -> Path:
    return default_corpus_path() if path is None else Path(path)


def _check_args(encoding: str, on_error: str) -> str:
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error = {on_error!r} is invalid; use 'raise' or 'skip'")
    return _check_encoding(encoding)


def _parse_date(value: str) -> tuple[Any, str] | None:
    m = _DATE_RE.match(value)
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        when = _date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        return None
    return when, ("day" if d else "month" if mo else "year")


def _date_problems(entry: _Entry, has_precision: bool, *, file: str, line: int | None) -> list[Problem]:
    """Parse ``entry.values["date"]`` into ``entry.date`` / ``entry.precision``; the problems."""
    found = []
    raw = entry.values["date"].strip()
    stated = entry.values.get("date_precision", "").strip().lower() if has_precision else ""
    if raw:
        parsed = _parse_date(raw)
        if parsed is None:
            found.append(problem("E_BAD_DATE", f"date {raw!r} is not a date in the form YYYY-MM-DD",
                                 "write the date as YYYY-MM-DD (e.g. 2015-04-30), or YYYY-MM / YYYY "
                                 "with date_precision month / year", file=file, line=line))
        else:
            entry.date, form = parsed
            entry.precision = stated or form
            if stated and (stated not in DATE_PRECISIONS or
                           DATE_PRECISIONS.index(stated) < DATE_PRECISIONS.index(form)):
                coarser = ", ".join(DATE_PRECISIONS[DATE_PRECISIONS.index(form):])
                found.append(problem(
                    "E_DATE_PRECISION",
                    f"date_precision {stated!r} does not fit date {raw!r} (written to the {form})",
                    f"use date_precision {form!r} or coarser ({coarser}), or write the full date",
                    file=file, line=line))
    elif stated and stated not in DATE_PRECISIONS:
        found.append(problem("E_DATE_PRECISION", f"date_precision {stated!r} is not one of day, month, year",
                             "use day, month or year (or leave it empty)", file=file, line=line))
    return found


def _file_key(name: str) -> str:
    """The name as pathlib writes it (``Path(name).as_posix()``); a bare name is unchanged."""
    if "/" in name or "\\" in name or ":" in name:
        return Path(name).as_posix()
    return name


def _read_metadata(report: _Report) -> None:
    folder = report.folder
    meta_path = folder / METADATA_FILE
    with os.scandir(folder) as it:
        regular = frozenset(e.name for e in it if e.is_file())
    report.regular = regular
    txt = sorted(name for name in regular  # hidden files (._x.txt, .~x.txt) are not texts
                 if not name.startswith(".") and os.path.splitext(name)[1].lower() == ".txt")
    if not meta_path.is_file():
        example = txt[0] if txt else "000.txt"
        report.add(problem(
            "E_NO_METADATA", f"no {METADATA_FILE} in {folder} ({len(txt)} .txt file(s) found)",
            f"create {METADATA_FILE} with a header line 'doc_id,file' and one row per text, "
            f"e.g. '000,{example}'", file=METADATA_FILE))
        report.fatal = True
        return
    data = meta_path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode(report.codec) if report.codec not in ("utf-8", "utf-8-sig") else None
        except UnicodeDecodeError:
            text = None
        if text is None:
            line = data[:exc.start].count(b"\n") + 1
            report.add(problem(
                "E_METADATA_UNREADABLE", f"{METADATA_FILE} is not valid UTF-8 (byte {exc.start}, line {line})",
                f"save {METADATA_FILE} as UTF-8 (in Excel: 'CSV UTF-8')", file=METADATA_FILE, line=line))
            report.fatal = True
            return
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows = []
    prev = 0
    try:
        for row in reader:
            first_line, prev = prev + 1, reader.line_num
            if not row or len(row) <= 1 and all(not cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lstrip("\ufeff") for cell in row]
                header_line = first_line
                continue
            rows.append((first_line, row))
    except csv.Error as exc:
        report.add(problem("E_METADATA_UNREADABLE", f"{METADATA_FILE} is not valid CSV: {exc}",
                           "fix the quoting on that line (a field with a comma or a quote must be "
                           "in double quotes, inner quotes doubled)", file=METADATA_FILE,
                           line=reader.line_num))
        report.fatal = True
        return
    if header is None:
        report.add(problem("E_METADATA_UNREADABLE", f"{METADATA_FILE} is empty",
                           "add a header line 'doc_id,file' and one row per text", file=METADATA_FILE))
        report.fatal = True
        return
    report.columns = header
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        report.add(problem("E_METADATA_UNREADABLE", f"column name(s) {dupes} appear more than once",
                           "give every column a different name", file=METADATA_FILE, line=header_line))
        report.fatal = True
    for col in REQUIRED_COLUMNS:
        if col not in header:
            close = difflib.get_close_matches(col, header, n=1, cutoff=0.5) or [
                h for h in header if h.casefold() == col]
            hint = f"rename column {close[0]!r} to {col!r}" if close else f"add a column {col!r}"
            what = "the document's id (a string such as 000)" if col == "doc_id" else "the text file's name"
            report.add(problem("E_MISSING_COLUMN",
                               f"{METADATA_FILE} has no {col!r} column (columns: {', '.join(header)})",
                               f"{hint} holding {what}", file=METADATA_FILE, line=header_line))
            report.fatal = True
    reserved = [h for h in header if h in RESERVED_COLUMNS]
    for col in reserved:
        report.add(problem("E_RESERVED_COLUMN",
                           f"column {col!r} clashes with a column the loader fills",
                           f"rename it (e.g. 'meta_{col}'); reserved names: {', '.join(RESERVED_COLUMNS)}",
                           file=METADATA_FILE, line=header_line))
        report.fatal = True
    if report.fatal:
        return
    ids: dict[str, int] = {}
    files: dict[str, int] = {}
    has_precision = "date_precision" in header
    has_date = "date" in header
    for line, row in rows:
        entry = _Entry(line=line, values={})
        report.entries.append(entry)
        if len(row) != len(header):
            report.add(problem("E_METADATA_FIELDS",
                               f"row has {len(row)} field(s) but the header has {len(header)}",
                               "make every row have one value per column (quote values that hold a comma)",
                               file=METADATA_FILE, line=line), entry)
            row = (row + [""] * len(header))[:len(header)]
        entry.values = dict(zip(header, row))
        entry.doc_id = entry.values["doc_id"].strip()
        entry.file = entry.values["file"].strip()
        for col, value in (("doc_id", entry.doc_id), ("file", entry.file)):
            if not value:
                report.add(problem("E_MISSING_VALUE", f"the {col!r} value is empty",
                                   f"fill in {col} or delete the row", file=METADATA_FILE, line=line), entry)
        if entry.doc_id:
            if entry.doc_id in ids:
                report.add(problem("E_DUPLICATE_DOC_ID",
                                   f"doc_id {entry.doc_id!r} is already used on line {ids[entry.doc_id]}",
                                   "give each document its own doc_id", file=METADATA_FILE, line=line), entry)
            else:
                ids[entry.doc_id] = line
        if entry.file:
            key = _file_key(entry.file)
            if key in files:
                report.add(problem("E_DUPLICATE_FILE",
                                   f"file {entry.file!r} is already listed on line {files[key]}",
                                   "list each file once (delete one of the rows)",
                                   file=METADATA_FILE, line=line), entry)
            else:
                files[key] = line
        if has_date:
            for p in _date_problems(entry, has_precision, file=METADATA_FILE, line=line):
                report.add(p, entry)
    listed = {os.path.normcase(os.path.normpath(e.file)) for e in report.entries if e.file}
    for name in txt:
        if os.path.normcase(name) not in listed:
            report.unlisted.append(name)
            report.add(problem("E_UNLISTED_FILE", f"{name} has no row in {METADATA_FILE}",
                               f"add a row for it to {METADATA_FILE} (doc_id,file,...: e.g. 'NEW,{name}'), "
                               "or move the file out of the corpus folder", file=name))
    if not report.entries and not txt:
        report.add(problem("E_NO_DOCUMENTS", f"{METADATA_FILE} lists no documents and the folder has no .txt files",
                           "add the .txt files and one metadata row for each", file=METADATA_FILE))
        report.fatal = True


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Read(NamedTuple):
    """A file read, decoded and checked."""

    raw: str                # the decoded text
    used: str               # the codec used
    bom: str                # the byte-order mark found ("" or e.g. "UTF-8")
    sha: str                # SHA-256 of the file's bytes
    utf8: bytes | None      # raw encoded in UTF-8 when that is the file's body as stored


class _FolderReader:
    """Reads the files of one folder with ``os.open(name, dir_fd=...)``: about 2.5x less
    CPU per small file than ``Path.read_bytes`` (no path resolution, no buffered reader).
    A context manager; it falls back to ``Path.read_bytes`` where ``dir_fd`` is missing."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.fd: int | None = None

    def __enter__(self) -> "_FolderReader":
        if os.open in os.supports_dir_fd:
            try:
                self.fd = os.open(self.folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            except OSError:
                self.fd = None
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __call__(self, name: str) -> bytes:
        if self.fd is None:
            return (self.folder / name).read_bytes()
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_BINARY", 0), dir_fd=self.fd)
        try:
            parts = []
            while True:
                part = os.read(fd, 1 << 20)
                if not part:
                    break
                parts.append(part)
        finally:
            os.close(fd)
        return parts[0] if len(parts) == 1 else b"".join(parts)


def _check_file(report: _Report, entry: _Entry, read=None) -> _Read | None:
    """Read, decode and check one listed file, or None when it has an error (added to the
    report, as is any warning). ``read(name)`` reads the bytes (default
    ``Path.read_bytes``; :class:`_FolderReader` when loading a whole folder)."""
    if entry.file not in report.regular and not (report.folder / entry.file).is_file():
        if (report.folder / entry.file).exists():
            report.add(problem("E_UNREADABLE_FILE", f"{entry.file} is not a regular file",
                               "point the row's file at a .txt file", file=entry.file), entry)
            return None
        close = difflib.get_close_matches(entry.file, report.unlisted, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        report.add(problem("E_MISSING_FILE", f"{METADATA_FILE} line {entry.line} names {entry.file!r}, "
                                             f"which is not in the corpus folder{hint}",
                           "put the file in the folder, correct the name in the row, or delete the row",
                           file=entry.file), entry)
        return None
    try:
        data = (report.folder / entry.file).read_bytes() if read is None else read(entry.file)
    except OSError as exc:
        report.add(problem("E_UNREADABLE_FILE", f"{entry.file} cannot be read ({exc.strerror or exc})",
                           "check the file's permissions", file=entry.file), entry)
        return None
    try:
        raw, used, bom = _decode(data, report.codec, entry.file)
    except _DecodeError as exc:
        report.add(exc.problem, entry)
        return None
    if _is_blank(raw):
        what = "empty (0 bytes)" if not data else f"only whitespace ({len(data)} bytes)"
        report.add(problem("E_EMPTY_FILE", f"{entry.file} is {what}",
                           f"add the text, or delete the file and its row (line {entry.line} of {METADATA_FILE})",
                           file=entry.file), entry)
        return None
    warning = _no_arabic(raw, entry.file)
    if warning is not None:
        report.add(warning, entry)
    utf8 = (data[len(_BOM_BYTES[bom]):] if bom else data) if used == "utf-8" else None
    return _Read(raw, used, bom, _sha256(data), utf8)


def _no_arabic(raw: str, file: str) -> Problem | None:
    """W_NO_ARABIC when the text has no Arabic letter (with a hint at mojibake)."""
    if _ARABIC_LETTER_RE.search(raw):
        return None
    hint = ""
    try:
        if _ARABIC_LETTER_RE.search(raw.encode("cp1252").decode("utf-8")):
            hint = "; it looks like UTF-8 Arabic that was saved through Windows-1252 (mojibake)"
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return problem("W_NO_ARABIC", f"{file} has no Arabic letters ({len(raw)} characters){hint}",
                   "check that this is the intended text and encoding; ignore this warning "
                   "for a text that is not in Arabic", file=file)


def _check(path, encoding: str, *, files: bool = True) -> _Report:
    codec = _check_encoding(encoding)
    folder = _resolve(path)
    report = _Report(folder=folder, codec=codec)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        report.add(problem("E_NO_CORPUS", f"corpus folder {str(folder)!r} {what}",
                           "pass the folder that holds the .txt files and metadata.csv", file=str(folder)))
        report.fatal = True
        return report
    _read_metadata(report)
    if report.fatal:
        return report
    if files:
        with _FolderReader(folder) as read:
            for entry in report.entries:
                if entry.file:
                    _check_file(report, entry, read)  # the text is checked, then dropped
    return report


def check_corpus(path: str | Path | None = None, *, encoding: str = "utf-8") -> list[Problem]:
    """Check a corpus folder without loading it: every problem, errors and warnings.

    Args:
        path: the corpus folder; default ``$CORPUS_UTILS_CORPUS`` or the bundled seeds.
        encoding: the text encoding of the ``.txt`` files (any UTF byte-order mark wins).

    Returns:
        The problems found (empty when the corpus loads cleanly).

    Raises:
        ValueError: ``encoding`` is not a known encoding.

    >>> check_corpus()
    []
    """
    return _check(path, encoding).problems


def _finish_check(report: _Report, on_error: str, path) -> dict[str, list[str]]:
    """Raise CorpusError, or decide what to skip: {skipped name: its error codes}."""
    errors = [p for p in report.problems if p.severity == "error"]
    if not errors:
        return {}
    if on_error == "raise" or report.fatal:
        raise CorpusError(report.problems, str(report.folder))
    skipped = {e.file or f"{METADATA_FILE}:{e.line}": e.codes for e in report.entries if e.bad}
    skipped.update((name, ["E_UNLISTED_FILE"]) for name in report.unlisted)
    if not any(not e.bad for e in report.entries):
        report.problems.append(problem("E_NO_DOCUMENTS", "every document has a problem; nothing is left to load",
                                       "fix the problems listed above", file=METADATA_FILE))
        raise CorpusError(report.problems, str(report.folder))
    return skipped


def _warn(problems: Iterable[Problem], skipped: Mapping[str, list[str]], *, what: str = "file(s)",
          stacklevel: int = 3) -> None:
    """Issue one CorpusWarning with the skipped files or rows (and why) and every warning."""
    problems = list(problems)
    lines = [str(p) for p in problems if p.severity == "warning"]
    if skipped:
        detail = ", ".join(f"{name} ({', '.join(codes)})" for name, codes in skipped.items())
        lines.insert(0, str(problem("W_SKIPPED", f"skipped {len(skipped)} {what}: {detail}",
                                    "fix the problems below (see docs/errors.md) to load them")))
        lines += [f"  {p}" for p in problems if p.severity == "error"]
    if lines:
        warnings.warn("\n".join(lines), CorpusWarning, stacklevel=stacklevel)


# --------------------------------------------------------------------------- documents


def _metadata_columns(columns: list[str]) -> list[str]:
    out = [c for c in columns if c not in REQUIRED_COLUMNS and c not in CLEANING_COLUMNS]
    if "date" in out and "date_precision" not in out:
        out.insert(out.index("date") + 1, "date_precision")
    return out


@lru_cache(maxsize=8192)
def _timestamp(day: _date) -> pd.Timestamp:
    """``pd.Timestamp(day)``, made once per day (a corpus has few distinct days)."""
    return pd.Timestamp(day)


def _document(entry: _Entry, raw: str, used: str, bom: str, sha: str, meta_cols: list[str],
              R: CleaningRules) -> tuple[dict, list[tuple], Cleaned]:
    """One document: its row (without the audit), its audit rows as tuples (see
    :func:`_audit_tuples`) and the cleaning result."""
    cleaned = clean_text(raw, rules=R)
    row: dict[str, Any] = {"doc_id": entry.doc_id, "file": entry.file, "raw_text": raw, "text": cleaned.text}
    for col in meta_cols:
        if col == "date":
            row[col] = _timestamp(entry.date) if entry.date is not None else None
        elif col == "date_precision":
            row[col] = entry.precision or entry.values.get(col, "") or ""
        else:
            row[col] = entry.values.get(col, "")
    for col in CLEANING_COLUMNS:  # a value given in metadata.csv wins; cleaning's stays in the audit
        given = (entry.values.get(col) or "").strip()
        row[col] = given or cleaned.columns[col]
    return row, _audit_tuples(entry.doc_id, entry.file, raw, cleaned, used, bom, sha), cleaned


#: The audit columns a line row has (the others are the file row's).
_LINE_AUDIT_COLUMNS = AUDIT_COLUMNS[:9]
_NO_FILE_INFO = (None,) * (len(AUDIT_COLUMNS) - len(_LINE_AUDIT_COLUMNS))


def _audit_tuples(doc_id: str, file: str, raw: str, cleaned: Cleaned, used, bom, sha) -> list[tuple]:
    """A document's audit rows as tuples in the order of AUDIT_COLUMNS: the file row, then
    one row per line taken out (its file columns None)."""
    line_ends, line_end_map, final_newline = _line_end_info(cleaned.lines)
    rows = [(doc_id, file, None, None, None, "file", None, None, None, used, bom, line_ends, line_end_map,
             final_newline, len(cleaned.lines), sha, len(_FORMAT_RE.findall(raw)),
             # every tag or entity holds "<" or "&": most texts need no scan
             len(_HTML_RE.findall(raw)) if ("<" in raw or "&" in raw) else 0)]
    for a in cleaned.actions:
        rows.append((doc_id, file, a.line, a.start, a.end, a.action, a.rule, a.target_column, a.text,
                     *_NO_FILE_INFO))
    return rows


def _audit_dicts(rows: list[tuple]) -> list[dict]:
    """Audit tuples as dicts: every column for the file row, the nine line columns for a line."""
    return [dict(zip(AUDIT_COLUMNS, r)) if r[5] == "file" else dict(zip(_LINE_AUDIT_COLUMNS, r)) for r in rows]


def _audit_rows(doc_id: str, file: str, raw: str, cleaned: Cleaned, used, bom, sha) -> list[dict]:
    return _audit_dicts(_audit_tuples(doc_id, file, raw, cleaned, used, bom, sha))


def _as_str(values: pd.Series) -> pd.Series:
    """A string column; object dtype when a text holds unpaired surrogates (text decoded
    with ``errors="surrogateescape"``), which pandas' Arrow-backed ``str`` cannot store.
    The text is kept as it is rather than altered."""
    try:
        return values.astype("str")
    except UnicodeError:
        return values.astype(object)


def _table(rows: list, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _audit_frame(rows: list[dict] | Mapping[str, list]) -> pd.DataFrame:
    """The audit table from row dicts, or from ``{column: values}`` (what the loader builds)."""
    df = _table(rows, AUDIT_COLUMNS) if isinstance(rows, list) else pd.DataFrame(
        {c: pd.Series(rows[c], dtype=object) for c in AUDIT_COLUMNS}, columns=AUDIT_COLUMNS)
    for col in ("line", "start", "end", "lines", "format_controls", "html_markup"):
        df[col] = df[col].astype("Int64")
    df["final_newline"] = df["final_newline"].astype("boolean")
    for col in ("doc_id", "file", "action", "rule", "target_column", "text", "encoding", "bom",
                "line_ends", "line_end_map", "sha256"):
        df[col] = _as_str(df[col])
    return df


class _Cleaning:
    """What :func:`load_corpus` keeps in ``corpus.attrs["cleaning"]``: the audit and the rules.

    pandas deep-copies ``attrs`` on most operations; this holder is never mutated and
    copies as itself, so that stays cheap for a corpus of any size.
    """

    __slots__ = ("audit", "rules")

    def __init__(self, audit: pd.DataFrame, rules: str):
        self.audit = audit
        self.rules = rules

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def __repr__(self) -> str:
        return f"<cleaning audit: {len(self.audit)} rows, rules {self.rules}>"


#: Documents whose texts are turned into Arrow strings at a time while a corpus is loaded.
#: Only one batch of decoded texts is alive as Python ``str`` objects (2 bytes per Arabic
#: character, 4 with an emoji), so the loader's peak memory stays close to the size of the
#: finished table (UTF-8) instead of holding every raw and cleaned text twice over.
LOAD_BATCH = 2_000


@lru_cache(maxsize=1)
def _arrow_str_type():
    """The Arrow type behind pandas' ``str`` dtype, or None when it is not Arrow-backed."""
    probe = pd.Series(["x"], dtype=object).astype("str")
    if getattr(probe.dtype, "storage", None) != "pyarrow":
        return None
    import pyarrow as pa

    return pa.array(probe.array).type


class _StrColumn:
    """A string column filled one value at a time and stored as pandas' ``str`` (Arrow).

    Values are kept as UTF-8 bytes and joined into an Arrow chunk (one data buffer and its
    offsets) every :data:`LOAD_BATCH` values; the chunks are wrapped without a copy, giving
    what :func:`_as_str` gives for the same values. (Encoding in Python and joining bytes is
    several times faster than Arrow's conversion of ``str`` objects, and a UTF-8 file's bytes
    are used as they are.) A value that UTF-8 cannot encode (unpaired surrogates) turns the
    column into Python objects, as in :func:`_as_str`.
    """

    __slots__ = ("chunks", "pending", "objects", "batch")

    def __init__(self, batch: int | None = None) -> None:
        self.batch = LOAD_BATCH if batch is None else batch  # read when used: it may be set
        self.chunks: list = []
        self.pending: list[bytes] = []
        self.objects: list | None = None if _arrow_str_type() is not None else []

    def append(self, value: str, utf8: bytes | None = None) -> None:
        """Add ``value``; ``utf8``, when given, must be ``value.encode("utf-8")``."""
        if self.objects is None:
            if utf8 is None:
                try:
                    utf8 = value.encode("utf-8")
                except UnicodeEncodeError:
                    self._to_objects()
                    self.objects.append(value)
                    return
            self.pending.append(utf8)
            if len(self.pending) >= self.batch:
                self._flush()
        else:
            self.objects.append(value)

    def _flush(self) -> None:
        if self.pending:
            import numpy as np
            import pyarrow as pa

            target = _arrow_str_type()
            large = target == pa.large_string()
            offsets = np.zeros(len(self.pending) + 1, dtype=np.int64 if large else np.int32)
            np.cumsum([len(b) for b in self.pending], out=offsets[1:])
            # every value is valid UTF-8 (str.encode, or a file that decoded as UTF-8), so
            # the buffers are wrapped as they are, without Arrow's validating conversion
            array_type = pa.LargeStringArray if large else pa.StringArray
            self.chunks.append(array_type.from_buffers(
                len(self.pending), pa.py_buffer(offsets), pa.py_buffer(b"".join(self.pending))))
            self.pending = []

    def _to_objects(self) -> None:
        self.objects = [v for chunk in self.chunks for v in chunk.to_pylist()]
        self.objects += [b.decode("utf-8") for b in self.pending]
        self.chunks, self.pending = [], []

    def series(self) -> pd.Series:
        if self.objects is not None:
            return _as_str(pd.Series(self.objects, dtype=object))
        self._flush()
        import pyarrow as pa

        return pd.Series(pd.array(pa.chunked_array(self.chunks, type=_arrow_str_type()), dtype="str"))


class _TableBuilder:
    """The documents table and its audit, built as documents stream by.

    ``raw_text`` and ``text`` go to Arrow in batches (:class:`_StrColumn`); the short
    columns of each document (one tuple) and its audit rows (tuples) are kept and turned
    into columns once, at the end. With ``meta_cols`` None the metadata columns are taken
    from each row and may appear late (JSON lines): earlier rows get ``""`` (``NaT`` for a
    date).
    """

    def __init__(self, meta_cols: list[str] | None = None) -> None:
        self.n = 0
        self.raw, self.text = _StrColumn(), _StrColumn()
        self._fixed = ["doc_id", "file", *(meta_cols or ()), *CLEANING_COLUMNS]
        self._values = operator.itemgetter(*self._fixed)
        self._rows: list[tuple] = []
        self._open: dict[str, list] | None = None if meta_cols is not None else {}
        self._audit: list[tuple] = []

    def add(self, row: dict, audit_rows: list[tuple], utf8: bytes | None = None) -> None:
        """Append one :func:`_document` row and its audit tuples; ``utf8``, when given, is
        ``raw_text`` encoded in UTF-8 (a UTF-8 file's bytes)."""
        raw, text = row["raw_text"], row["text"]
        self.raw.append(raw, utf8)
        self.text.append(text, utf8 if utf8 is not None and text == raw else None)
        self._rows.append(self._values(row))
        if self._open is not None:
            n = self.n
            columns = self._open
            for col, value in row.items():
                if col not in _FIXED_KEYS:
                    values = columns.get(col)
                    if values is None:
                        values = columns[col] = [None if col == "date" else ""] * n
                    values.append(value)
            for col, values in columns.items():
                if len(values) == n:  # a metadata column this row does not have
                    values.append(None if col == "date" else "")
        self._audit.extend(audit_rows)
        self.n += 1

    def frame(self, meta_cols: list[str]) -> pd.DataFrame:
        """The documents table (the columns :func:`load_corpus` documents)."""
        columns = dict(zip(self._fixed, map(list, zip(*self._rows)))) if self._rows else {
            c: [] for c in self._fixed}
        self._rows = []
        columns.update(self._open or {})
        data: dict[str, pd.Series] = {}
        for col in ("doc_id", "file", "raw_text", "text", *meta_cols, *CLEANING_COLUMNS):
            if col == "raw_text" or col == "text":
                data[col] = (self.raw if col == "raw_text" else self.text).series()
                continue
            values = pd.Series(columns.pop(col, [None if col == "date" else ""] * self.n), dtype=object)
            data[col] = pd.to_datetime(values) if col == "date" else _as_str(values)
        return pd.DataFrame(data)

    def audit_frame(self) -> pd.DataFrame:
        rows, self._audit = self._audit, []
        columns = zip(*rows) if rows else ([] for _ in AUDIT_COLUMNS)
        return _audit_frame(dict(zip(AUDIT_COLUMNS, map(list, columns))))


_FIXED_KEYS = frozenset(("doc_id", "file", "raw_text", "text", *CLEANING_COLUMNS))


def _finish_frame(build: _TableBuilder, meta_cols: list[str], *, path, problems, skipped,
                  rules: str) -> pd.DataFrame:
    df = build.frame(meta_cols)
    df.attrs["path"] = path
    df.attrs["problems"] = list(problems)
    df.attrs["skipped"] = list(skipped)
    df.attrs["cleaning"] = _Cleaning(build.audit_frame(), rules)
    return df


def _empty_after_cleaning(file: str, cleaned: Cleaned) -> Problem | None:
    """W_EMPTY_AFTER_CLEANING when no kept line has a visible character (no paragraph)."""
    if not _is_blank(cleaned.text):  # the kept lines joined by "\n": blank iff every line is
        return None
    return problem("W_EMPTY_AFTER_CLEANING", f"cleaning took out every line of {file} "
                                             f"({len(cleaned.actions)} line(s), see the audit)",
                   "check the audit; pass your own rules file (rules=) if a rule is too eager", file=file)


def _table_options(path, text_col: str, id_col, metadata_cols) -> dict | None:
    """The one-file options for a table file (its format from
    :func:`corpus_utils.sources.source_format`), or None for a folder; ValueError when
    they are given for a folder."""
    from .sources import source_format

    if source_format(_resolve(path)) is not None:
        return {"text_col": text_col, "id_col": id_col, "metadata_cols": metadata_cols}
    given = [f"{name} = {value!r}" for name, value, default in (
        ("text_col", text_col, "text"), ("id_col", id_col, None), ("metadata_cols", metadata_cols, None))
        if value != default]
    if given:
        raise ValueError(
            f"{', '.join(given)} applies only to a one-file corpus (.csv, .tsv, .jsonl, .parquet); "
            f"{str(_resolve(path))!r} is a corpus folder (.txt files + metadata.csv), whose texts are the "
            "files and whose metadata are the columns of metadata.csv: leave these keywords out, or pass "
            "the path of a table file")
    return None


def load_corpus(path: str | Path | None = None, *, encoding: str = "utf-8", on_error: str = "raise",
                rules: str | Path | None = None, text_col: str = "text", id_col: str | None = None,
                metadata_cols: Iterable[str] | None = None) -> pd.DataFrame:
    """Load a corpus (a folder of ``.txt`` files + ``metadata.csv``, or one table file).

    The corpus is checked and every problem is reported at once. Each file is decoded
    (any UTF-8/16/32 byte-order mark is detected and wins over ``encoding``; CRLF and CR line
    ends are accepted), then cleaned line by line by the documented rules; nothing in a kept
    line is changed and everything taken out is in :func:`cleaning_audit`.

    A ``.csv``, ``.tsv``, ``.jsonl`` / ``.ndjson`` (each optionally ``.gz``) or ``.parquet``
    file is a corpus too: one article per row, streamed with
    :func:`corpus_utils.sources.iter_source` (``text_col``, ``id_col`` and ``metadata_cols``
    are passed to it). Each row's text is cleaned by the same rules and the table has the
    same columns: ``file`` is ``"<file name>#<row>"``, ``raw_text`` the cell's text, a
    ``date`` column is parsed as in ``metadata.csv`` (a metadata column called
    ``raw_text`` becomes ``source_raw_text``); problems carry the codes of
    :mod:`corpus_utils.sources` (E_TEXT_COLUMN, E_DUPLICATE_ID, ...) and those of dates.

    The documents are cleaned as they are read and their texts stored batch by batch
    (:data:`LOAD_BATCH`) as Arrow strings, so memory holds about the finished table.

    Args:
        path: the corpus folder or table file; default ``$CORPUS_UTILS_CORPUS`` or the
            bundled seeds.
        encoding: encoding of the ``.txt`` files (or of a CSV / JSON-lines file), e.g.
            ``"cp1256"`` for Arabic Windows text.
        on_error: ``"raise"`` (default): any error raises :class:`CorpusError` listing every
            problem; ``"skip"``: load the good files (rows), list the skipped ones in
            ``corpus.attrs["skipped"]`` and warn (:class:`CorpusWarning`, on stderr).
        rules: a cleaning rules file (default ``data/cleaning_rules.yml``).
        text_col: table files only: the column holding the texts.
        id_col: table files only: the column of document ids (default: a ``doc_id`` column
            when there is one, else the row number).
        metadata_cols: table files only: the columns to keep (default: all the others).

    Returns:
        One row per document, in metadata (file) order: ``doc_id``, ``file``, ``raw_text``,
        ``text`` (cleaned), the metadata columns as strings (``date`` parsed to a timestamp,
        with ``date_precision``), then ``headline``, ``deck``, ``dateline``, ``byline``,
        ``source_line`` (missing values are NA). ``attrs``: ``"problems"`` (warnings and, with
        skip, the errors), ``"skipped"``, ``"path"``, ``"cleaning"`` (the audit).

    Raises:
        CorpusError: the corpus has problems (codes in ``docs/errors.md``).
        ValueError: ``encoding``, ``on_error`` or ``rules`` is invalid, or ``text_col``,
            ``id_col`` or ``metadata_cols`` is given for a folder.

    References:
        Cookiecutter Data Science: raw data is immutable; quanteda: the corpus is "a library
        and record of the original texts".

    >>> corpus = load_corpus()
    >>> corpus.shape[0], list(corpus.columns[:4])
    (5, ['doc_id', 'file', 'raw_text', 'text'])
    """
    _check_args(encoding, on_error)
    options = _table_options(path, text_col, id_col, metadata_cols)
    R = load_rules(rules)
    if options is not None:
        df = _load_source(_resolve(path), encoding=encoding, on_error=on_error, R=R, **options)
        release_after(len(df))
        return df
    report = _check(path, encoding, files=False)  # metadata now; each file as it is loaded
    if report.fatal:
        raise CorpusError(report.problems, str(report.folder))
    meta_cols = _metadata_columns(report.columns)
    build = _TableBuilder(meta_cols)
    empty = []  # W_EMPTY_AFTER_CLEANING, listed after every check problem
    failed = any(p.severity == "error" for p in report.problems)
    with _FolderReader(report.folder) as read:
        for entry in _progress(report.entries, desc="loading"):
            if not entry.file:
                continue
            got = _check_file(report, entry, read)
            if got is None or entry.bad:
                failed = True
                continue
            if failed and on_error == "raise":
                continue  # CorpusError follows: check the rest without cleaning it
            row, arows, cleaned = _document(entry, got.raw, got.used, got.bom, got.sha, meta_cols, R)
            warning = _empty_after_cleaning(entry.file, cleaned)
            if warning is not None:
                empty.append(warning)
            build.add(row, arows, got.utf8)
            del got, row, arows, cleaned
    skipped = _finish_check(report, on_error, path)
    report.problems.extend(empty)
    df = _finish_frame(build, meta_cols, path=str(report.folder), problems=report.problems,
                       skipped=skipped, rules=R.path)
    del build
    _warn(report.problems, skipped)
    release_after(len(df))
    return df


def iter_corpus(path: str | Path | None = None, *, encoding: str = "utf-8", on_error: str = "raise",
                rules: str | Path | None = None, check: bool = True, text_col: str = "text",
                id_col: str | None = None, metadata_cols: Iterable[str] | None = None) -> Iterator[dict]:
    """Yield the documents of a corpus one at a time, without holding all texts.

    The whole corpus is checked first (each file is read once to check it, then again
    when its document is yielded; a table file is streamed twice the same way), so
    problems are still reported at once, before the first document.

    Args:
        path: the corpus folder or table file (see :func:`load_corpus`); default
            ``$CORPUS_UTILS_CORPUS`` or the bundled seeds.
        encoding: encoding of the ``.txt`` files (or of a CSV / JSON-lines file).
        on_error: ``"raise"`` or ``"skip"``, as in :func:`load_corpus`.
        rules: a cleaning rules file (default ``data/cleaning_rules.yml``).
        check: check the whole corpus first (default). With False, problems surface as the
            documents are reached: faster on a huge corpus known to be clean.
        text_col, id_col, metadata_cols: table files only, as in :func:`load_corpus`.

    Yields:
        One dict per document with the keys of a :func:`load_corpus` row, plus ``"audit"``:
        the document's audit rows (list of dicts).

    Raises:
        CorpusError: the corpus has problems.
        ValueError: an argument is invalid, or a table-file keyword is given for a folder.

    >>> next(iter_corpus())["doc_id"]
    '000'
    """
    _check_args(encoding, on_error)
    options = _table_options(path, text_col, id_col, metadata_cols)
    R = load_rules(rules)
    if options is not None:
        yield from _iter_source(_resolve(path), encoding=encoding, on_error=on_error, R=R, check=check,
                                options=options)
        return
    # with check=False only the metadata is checked now; files as they are reached
    report = _check(path, encoding, files=check)
    skipped = _finish_check(report, on_error, path)
    _warn(report.problems, skipped)
    meta_cols = _metadata_columns(report.columns)
    for entry in report.entries:
        if entry.bad:
            continue
        single = _Report(folder=report.folder, codec=report.codec, unlisted=report.unlisted,
                         regular=report.regular)
        got = _check_file(single, entry)
        if got is None:
            if on_error == "raise" and any(p.severity == "error" for p in single.problems):
                raise CorpusError(single.problems, str(report.folder))
            _warn(single.problems, {entry.file: entry.codes})
            continue
        if single.problems and not check:  # warnings found only now (with check, already given)
            _warn(single.problems, {})
        row, arows, _ = _document(entry, got.raw, got.used, got.bom, got.sha, meta_cols, R)
        row["audit"] = _audit_dicts(arows)
        yield row


def corpus_from_texts(texts: Mapping[str, str] | Iterable[str], *, metadata: pd.DataFrame | None = None,
                      rules: str | Path | None = None) -> pd.DataFrame:
    """Build a documents table from texts in memory, cleaned exactly as :func:`load_corpus` does.

    Each text is treated as a UTF-8 file without byte-order mark named ``<doc_id>.txt``.

    Args:
        texts: ``{doc_id: raw_text}``, or a sequence of texts (ids ``"000"``, ``"001"``, ...).
        metadata: optional table with a ``doc_id`` column; its other columns are added as
            strings (a ``date`` column is parsed).
        rules: a cleaning rules file.

    Returns:
        A documents table like :func:`load_corpus`'s, with its cleaning audit.

    Raises:
        ValueError: a doc_id repeats, or ``metadata`` lacks ``doc_id``.

    >>> corpus_from_texts(["قال خوجة إن الحل سياسي.\\nالائتلاف"]).text.tolist()
    ['قال خوجة إن الحل سياسي.']
    """
    items = list(texts.items()) if isinstance(texts, Mapping) else [
        (f"{k:03d}", t) for k, t in enumerate(texts)]
    ids = [str(d) for d, _ in items]
    dup = sorted({d for d in ids if ids.count(d) > 1})
    if dup:
        raise ValueError(f"doc_id values {dup} repeat; every text needs its own doc_id")
    meta: dict[str, dict] = {}
    meta_cols: list[str] = []
    if metadata is not None:
        if "doc_id" not in metadata.columns:
            raise ValueError(f"metadata has columns {list(metadata.columns)}; it needs a 'doc_id' column")
        meta_cols = [c for c in metadata.columns if c not in ("doc_id", "file", *RESERVED_COLUMNS)]
        for rec in metadata.astype(object).where(metadata.notna(), "").to_dict("records"):
            meta[str(rec["doc_id"])] = {c: (rec[c].strftime("%Y-%m-%d") if hasattr(rec[c], "strftime")
                                            else str(rec[c])) for c in meta_cols}
    R = load_rules(rules)
    columns = _metadata_columns(["doc_id", "file", *meta_cols])
    build = _TableBuilder(columns)
    for doc_id, raw in zip(ids, (t for _, t in items)):
        entry = _Entry(line=0, values=meta.get(doc_id, {}), doc_id=doc_id, file=f"{doc_id}.txt")
        if "date" in meta_cols:
            parsed = _parse_date(entry.values.get("date", "").strip())
            if parsed:
                entry.date, entry.precision = parsed
        row, arows, _ = _document(entry, str(raw), "utf-8", "", _sha256(str(raw).encode("utf-8", "surrogatepass")),
                                  columns, R)
        build.add(row, arows)
    return _finish_frame(build, columns, path=None, problems=[], skipped=[], rules=R.path)



# --------------------------------------------------------------------------- one-file corpora


class _SourceRows:
    """The rows of a table file as loader entries, with every problem in file order.

    :func:`corpus_utils.sources.iter_source` streams the file in skip mode; each good row
    then gets the checks a folder's file gets (its date, W_NO_ARABIC). ``problems`` holds
    the source's problems (as errors again with ``on_error="raise"``: exactly what
    :func:`~corpus_utils.sources.check_source` lists) and this loader's, row by row;
    ``failed`` tells whether one is an error; ``skipped`` names the rows left out
    (``"<file name>#<row>"``; a line that is no JSON record: ``"<file name>:<line>"``).
    """

    def __init__(self, path: Path, *, encoding: str, on_error: str, options: dict):
        from .sources import source_format

        self.path, self.encoding, self.on_error, self.options = path, encoding, on_error, options
        codec = "utf-8" if source_format(path) == "parquet" else _check_encoding(encoding)
        self.codec = _NO_BOM_CODEC.get(codec, codec)  # what the audit records
        self.problems: list[Problem] = []
        self.failed = False
        self.keys: list[str] = []            # metadata columns in order of first appearance
        self._known: set[str] = set()
        self._source: list[Problem] = []     # iter_source's problems (skip mode)
        self._taken = 0
        self._rows: set[int] = set()         # row numbers iter_source yielded
        self._own_skips: dict[int, list[str]] = {}

    def __iter__(self) -> Iterator[tuple[_Entry, str, str]]:
        """``(entry, raw text, sha256)`` for each good row."""
        from .sources import iter_source

        stream = iter_source(self.path, encoding=self.encoding, on_error="skip", problems=self._source,
                             **self.options)
        try:
            for doc in stream:
                self._take_source_problems()
                got = self._row(doc)
                if got is not None:
                    yield got
        except CorpusError as exc:  # structural, parse or encoding problems, or no good row
            self._take_source_problems()
            extra = [p for p in exc.problems if not (p.code == "E_EMPTY_SOURCE" and self.failed)]
            raise CorpusError(self.problems + extra, str(self.path)) from None
        self._take_source_problems()

    def _take_source_problems(self) -> None:
        for p in self._source[self._taken:]:
            if self.on_error == "raise":  # undo skip mode's marking (see sources._stream)
                p = Problem(p.code, p.message.removesuffix(" (skipped)"), p.fix, p.file, p.line, "error")
                self.failed = True
            self.problems.append(p)
        self._taken = len(self._source)

    def _row(self, doc: dict) -> tuple[_Entry, str, str] | None:
        file, raw = doc["file"], doc["text"]
        row = int(file.rpartition("#")[2])
        self._rows.add(row)
        values = {}
        for key, value in doc.items():
            if key in ("doc_id", "file", "text"):
                continue
            if key in RESERVED_COLUMNS:  # raw_text: the loader fills it
                key = f"source_{key}"
            values[key] = value
            if key not in self._known:
                self._known.add(key)
                self.keys.append(key)
        entry = _Entry(line=0, values=values, doc_id=doc["doc_id"], file=file)
        found = _date_problems(entry, "date_precision" in values, file=file, line=None) if "date" in values else []
        if found and self.on_error == "skip":
            found = [Problem(p.code, p.message + " (skipped)", p.fix, p.file, p.line, "warning") for p in found]
            self._own_skips[row] = [p.code for p in found]
        elif found:
            self.failed = True
        self.problems.extend(found)
        warning = _no_arabic(raw, file)
        if warning is not None:
            self.problems.append(warning)
        if found:
            return None
        data = raw.encode(self.codec, errors="surrogatepass" if self.codec in _UTF_CODECS else "replace")
        return entry, raw, _sha256(data)

    @property
    def skipped(self) -> dict[str, list[str]]:
        """Skipped rows -> their codes, in file order. iter_source numbers rows among the
        records and reports one problem per skipped record, so the k-th such problem is the
        k-th row number it did not yield."""
        name = self.path.name
        by_row = dict(self._own_skips)
        lines = {}
        row = 0
        for p in self._source:
            if p.code == "E_JSON":  # a line that is no record has no row number
                lines[f"{name}:{p.line}"] = [p.code]
                continue
            row += 1
            while row in self._rows:
                row += 1
            by_row[row] = [p.code]
        return {**{f"{name}#{r}": codes for r, codes in sorted(by_row.items())}, **lines}

    def meta_cols(self) -> list[str]:
        return _metadata_columns(["doc_id", "file", *self.keys])


def _source_document(rows: _SourceRows, entry: _Entry, raw: str, sha: str,
                     R: CleaningRules) -> tuple[dict, list[tuple], Cleaned]:
    return _document(entry, raw, rows.codec, "", sha, _metadata_columns(["doc_id", "file", *entry.values]), R)


def _no_documents(rows: _SourceRows) -> CorpusError:
    return CorpusError(rows.problems + [problem(
        "E_EMPTY_SOURCE", "the file holds no loadable records (every row has a problem)",
        "fix the problems listed above", file=str(rows.path))], str(rows.path))


def _load_source(path: Path, *, encoding: str, on_error: str, R: CleaningRules, text_col: str,
                 id_col: str | None, metadata_cols) -> pd.DataFrame:
    rows = _SourceRows(path, encoding=encoding, on_error=on_error,
                       options={"text_col": text_col, "id_col": id_col, "metadata_cols": metadata_cols})
    build = _TableBuilder()
    empty = []
    for entry, raw, sha in rows:
        if rows.failed:
            continue  # CorpusError follows (on_error="raise"): check the rest without cleaning it
        row, arows, cleaned = _source_document(rows, entry, raw, sha, R)
        warning = _empty_after_cleaning(entry.file, cleaned)
        if warning is not None:
            empty.append(warning)
        build.add(row, arows)
    if rows.failed:
        raise CorpusError(rows.problems, str(path))
    if build.n == 0:
        raise _no_documents(rows)
    problems = rows.problems + empty
    skipped = rows.skipped
    df = _finish_frame(build, rows.meta_cols(), path=str(path), problems=problems, skipped=skipped,
                       rules=R.path)
    _warn(problems, skipped, what="row(s)", stacklevel=4)
    return df


def _iter_source(path: Path, *, encoding: str, on_error: str, R: CleaningRules, check: bool,
                 options: dict) -> Iterator[dict]:
    if check:  # a first pass lists every problem before any document
        rows = _SourceRows(path, encoding=encoding, on_error=on_error, options=options)
        good = sum(1 for _ in rows)
        if rows.failed:
            raise CorpusError(rows.problems, str(path))
        if not good:
            raise _no_documents(rows)
        _warn(rows.problems, rows.skipped, what="row(s)")
    rows = _SourceRows(path, encoding=encoding, on_error=on_error, options=options)
    told = 0
    for entry, raw, sha in rows:
        if rows.failed:  # check=False: the first error stops the stream
            raise CorpusError(rows.problems, str(path))
        if not check and len(rows.problems) > told:  # warnings found only now
            _warn(rows.problems[told:], {})
            told = len(rows.problems)
        row, arows, _ = _source_document(rows, entry, raw, sha, R)
        row["audit"] = _audit_dicts(arows)
        yield row
    if rows.failed:
        raise CorpusError(rows.problems, str(path))
    if not check and len(rows.problems) > told:
        _warn(rows.problems[told:], rows.skipped, what="row(s)")


# --------------------------------------------------------------------------- audit


def cleaning_audit(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every line cleaning took out, and one row per file recording how it was stored.

    Columns (``AUDIT_COLUMNS``): ``doc_id, file, line, start, end, action, rule,
    target_column, text`` for each line taken out (``action`` ``"removed"`` or ``"moved"``;
    ``start``/``end`` are the line's content in ``raw_text``; ``text`` is the line word for
    word; ``target_column`` names the column a moved line fills), and for each document one
    row with ``action == "file"`` and: ``encoding`` (codec used, e.g. ``utf-8``, ``cp1256``,
    ``utf-16-le``), ``bom`` (``""`` or ``UTF-8``, ``UTF-16-LE``, ``UTF-16-BE``,
    ``UTF-32-LE``, ``UTF-32-BE``), ``line_ends`` (``LF``, ``CRLF``, ``CR``, ``mixed`` or
    ``none``), ``line_end_map`` (for ``mixed``: the main style then ``line:style`` for each
    other line, e.g. ``"CRLF 3:LF"``), ``final_newline``, ``lines`` (physical lines),
    ``sha256`` (of the raw bytes), ``format_controls`` (zero-width and bidi characters, kept
    in the text) and ``html_markup`` (tags and entities, kept in the text).

    Args:
        corpus: a documents table from :func:`load_corpus` (a subset of rows works too).

    Returns:
        The audit, file row first then lines in order, documents in corpus order. For a table
        that lost its ``attrs`` the line rows are recomputed from ``raw_text`` and the file's
        encoding, BOM and checksum are NA.

    >>> audit = cleaning_audit(load_corpus())
    >>> audit.loc[audit.action != "file", ["doc_id", "line", "rule"]].head(1).values.tolist()
    [['000', 8, 'tag_line']]
    """
    _require_columns(corpus, ("doc_id", "raw_text"), "corpus")
    record = corpus.attrs.get("cleaning")
    if isinstance(record, _Cleaning):
        audit = record.audit
        ids = corpus["doc_id"]
        file_ids = audit.loc[audit["action"] == "file", "doc_id"]
        if len(file_ids) == len(ids) and ids.is_unique and (file_ids.to_numpy() == ids.to_numpy()).all():
            return audit.copy()  # the table as loaded: its audit, already in its order
        order = {d: k for k, d in enumerate(corpus["doc_id"])}
        sub = audit[audit["doc_id"].isin(order)]
        if sub["doc_id"].nunique() == len(order):
            key = sub["doc_id"].map(order)
            return sub.assign(_k=key.values).sort_values("_k", kind="stable").drop(columns="_k").reset_index(drop=True)
    rows = []
    R = load_rules(record.rules if isinstance(record, _Cleaning) else None)
    files = corpus["file"] if "file" in corpus.columns else corpus["doc_id"].astype(str) + ".txt"
    for doc_id, file, raw in zip(corpus["doc_id"], files, corpus["raw_text"]):
        rows.extend(_audit_rows(doc_id, file, raw, clean_text(raw, rules=R), None, None, None))
    return _audit_frame(rows)


def _cell(value, kind):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "int":
        return int(float(value))
    if kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)
    return str(value)


def rebuild_raw(text: str, audit: pd.DataFrame, *, doc_id: str | None = None) -> bytes:
    """Rebuild a document's raw bytes from its cleaned text and its audit rows.

    The proof that cleaning loses nothing: the lines taken out go back in at their line
    numbers, each line gets its recorded line end, and the text is encoded as recorded with
    its byte-order mark. Works on an audit read back from CSV too.

    Args:
        text: the document's cleaned ``text``.
        audit: the audit (:func:`cleaning_audit`), or just this document's rows.
        doc_id: which document, when ``audit`` holds several.

    Returns:
        The raw file's bytes.

    Raises:
        ValueError: the audit has no single file row for the document, or ``text`` does not
            have the number of lines the audit implies (it was changed after cleaning).

    >>> corpus = load_corpus()
    >>> raw = rebuild_raw(corpus.text[0], cleaning_audit(corpus), doc_id="000")
    >>> raw.decode("utf-8") == corpus.raw_text[0]
    True
    """
    rows = audit
    if doc_id is not None:
        rows = audit[audit["doc_id"].astype(str) == str(doc_id)]
    file_rows = rows[rows["action"] == "file"]
    if len(file_rows) != 1:
        ids = sorted(set(audit["doc_id"].astype(str)))
        raise ValueError(f"doc_id = {doc_id!r}: the audit has {len(file_rows)} file rows for it; pass one "
                         f"document's rows or doc_id= one of {ids[:10]}")
    info = file_rows.iloc[0]
    n = _cell(info["lines"], "int") or 0
    encoding = _cell(info["encoding"], "str") or "utf-8"
    bom = _cell(info["bom"], "str") or ""
    final_newline = _cell(info["final_newline"], "bool")
    style = _cell(info["line_ends"], "str") or "none"
    mapping = (_cell(info["line_end_map"], "str") or "").split()
    taken = {}
    for _, r in rows[rows["action"] != "file"].iterrows():
        taken[_cell(r["line"], "int")] = _cell(r["text"], "str") or ""
    kept_n = n - len(taken)
    if kept_n < 0:
        raise ValueError(f"the audit lists {len(taken)} lines taken out of a file of {n} lines")
    if kept_n == 0:
        kept = []
    else:
        body = text[:-1] if final_newline and text.endswith("\n") else text
        kept = body.split("\n")
    if len(kept) != kept_n:
        raise ValueError(f"text has {len(kept)} lines but the audit implies {kept_n} kept lines; "
                         "was the cleaned text changed after loading?")
    if style == "mixed":
        default = _ENDING_CHARS[mapping[0]]
        special = {int(k): _ENDING_CHARS[v] for k, v in (m.split(":") for m in mapping[1:])}
    else:
        default = _ENDING_CHARS.get(style, "\n")
        special = {}
    it = iter(kept)
    parts = []
    for k in range(1, n + 1):
        parts.append(taken[k] if k in taken else next(it))
        if k < n or final_newline:
            parts.append(special.get(k, default))
    return _BOM_BYTES.get(bom, b"") + "".join(parts).encode(encoding, errors="surrogatepass")


# --------------------------------------------------------------------------- units


def _require_columns(df, columns, what: str) -> None:
    missing = [c for c in columns if c not in getattr(df, "columns", ())]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; pass a documents table from load_corpus()")


#: Documents turned into Python strings at a time when a documents table is read row by row
#: (units, audits): the table's Arrow columns are never converted whole.
ROW_BATCH = 2_000


def _raw_and_text(corpus: pd.DataFrame) -> Iterator[tuple[Any, Any]]:
    """``(raw_text, text)`` of each row, converted :data:`ROW_BATCH` rows at a time; a text
    equal to its raw text (compared in Arrow, all rows at once) is not converted a second
    time: the raw text is given for it."""
    import numpy as np

    raw_col, text_col = corpus["raw_text"], corpus["text"]
    try:
        same = np.asarray((raw_col == text_col).fillna(False), dtype=bool)
    except (TypeError, ValueError):  # columns that do not compare: convert every text
        same = np.zeros(len(corpus), dtype=bool)
    for start in range(0, len(corpus), ROW_BATCH):
        stop = start + ROW_BATCH
        raws = raw_col.iloc[start:stop].tolist()
        keep = same[start:stop]
        other = np.flatnonzero(~keep)
        others = iter(text_col.iloc[start:stop].take(other).tolist() if len(other) else ())
        for raw, k in zip(raws, keep.tolist()):
            yield raw, (raw if k else next(others))


def _kept_lines(corpus: pd.DataFrame) -> Iterator[tuple[int, str, list[tuple[int, int, str]]]]:
    """(row position, raw_text, [(line, start, content) of each kept line]) per document.

    Raises ValueError when a document's text is not its raw text minus the lines in the audit.
    """
    audit = cleaning_audit(corpus)
    lines = audit[audit["action"] != "file"]
    taken = defaultdict(set)
    for d, k in zip(lines["doc_id"].tolist(), lines["line"].tolist()):
        taken[d].add(int(k))
    for k, (doc_id, (raw, text)) in enumerate(zip(corpus["doc_id"].tolist(), _raw_and_text(corpus))):
        spans, contents = _lines(raw)
        gone = taken.get(doc_id)
        if not gone and "\r" not in raw:
            # every line kept, every line end "\n": the text must be raw_text, give or take a
            # final "\n" (the same test as below without building the body)
            kept = [(i + 1, s, c) for i, ((s, _, _), c) in enumerate(zip(spans, contents))]
            if raw.endswith("\n"):
                ok = text == raw or (len(text) == len(raw) - 1 and raw.startswith(text))
            else:
                ok = text == raw or (len(text) == len(raw) + 1 and text.endswith("\n") and text.startswith(raw))
        else:
            gone = gone or ()
            kept = [(i + 1, s, c) for i, ((s, _, _), c) in enumerate(zip(spans, contents)) if i + 1 not in gone]
            body = "\n".join([c for _, _, c in kept])
            ok = text == body or text == body + "\n"
        if not ok:
            raise ValueError(f"doc_id {doc_id!r}: the text column no longer matches raw_text minus the "
                             "lines in the cleaning audit; units need the text as load_corpus returned it")
        yield k, raw, kept


def _paragraphs_of(kept) -> Iterator[tuple[int, int, str]]:
    """(line, start, text) of each paragraph of one document: the kept lines (line, start,
    content) with a visible character, surrounding whitespace left out (``str.strip`` strips
    exactly what ``str.isspace`` calls whitespace)."""
    search = _NONBLANK_RE.search
    for line, s, c in kept:
        if not c:
            continue
        left = c.lstrip()
        text = left.rstrip()
        if text and search(text) is not None:
            yield line, s + len(c) - len(left), text


#: Unit texts per Arrow chunk of a paragraph or sentence table.
_UNIT_BATCH = 50_000


def _ints() -> array:
    """A column of int64 being filled (8 bytes a value, not a Python int object each)."""
    return array("q")


def _unit_frame(corpus: pd.DataFrame, rows: array, paragraph: array, sentence: array | None,
                line: array, start: array, end: array, text: "_StrColumn | None") -> pd.DataFrame:
    """The unit table from its columns (``rows``: each unit's row position in ``corpus``);
    without a ``text`` column when ``text`` is None."""
    import numpy as np

    def ints(values: array):
        return np.frombuffer(values, dtype=np.int64) if len(values) else np.zeros(0, dtype=np.int64)

    n = len(rows)
    doc_id = corpus["doc_id"].take(ints(rows)).reset_index(drop=True)
    if sentence is None:
        sent = pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    else:
        sent = pd.array(ints(sentence), dtype="Int64")
    columns = {
        "doc_id": _as_str(doc_id),
        "paragraph": ints(paragraph),
        "sentence": sent,
        "line": ints(line),
        "start": ints(start),
        "end": ints(end),
    }
    if text is not None:
        columns["text"] = text.series()
    return pd.DataFrame(columns, columns=[c for c in UNIT_COLUMNS if c in columns])


def paragraphs(corpus: pd.DataFrame, *, with_text: bool = True) -> pd.DataFrame:
    """The paragraphs of every document: the non-empty lines of the cleaned text.

    Args:
        corpus: a documents table from :func:`load_corpus`.
        with_text: False leaves out the ``text`` column: the positions alone, for a large
            corpus when only they are needed (``raw_text[start:end]`` gives any text).

    Returns:
        Columns ``doc_id, paragraph, sentence, line, start, end, text``: ``paragraph`` is
        1-based within the document, ``sentence`` is NA, ``line`` the raw file's line,
        ``start``/``end`` offsets into ``raw_text`` with surrounding whitespace left out, and
        ``text == raw_text[start:end]``.

    Raises:
        ValueError: ``corpus`` is not a documents table, or its text was changed.

    >>> len(paragraphs(load_corpus()))
    40
    """
    _require_columns(corpus, ("doc_id", "raw_text", "text"), "corpus")
    rows, number, lines, starts, ends = _ints(), _ints(), _ints(), _ints(), _ints()
    texts = _StrColumn(batch=_UNIT_BATCH) if _check_with_text(with_text) else None
    for k, _raw, kept in _kept_lines(corpus):
        for p, (line, s, text) in enumerate(_paragraphs_of(kept), 1):
            rows.append(k)
            number.append(p)
            lines.append(line)
            starts.append(s)
            ends.append(s + len(text))
            if texts is not None:
                texts.append(text)
    return _unit_frame(corpus, rows, number, None, lines, starts, ends, texts)


def _check_with_text(with_text: Any) -> bool:
    if not isinstance(with_text, bool):
        raise ValueError(f"with_text = {with_text!r} is invalid; use True or False")
    return with_text


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split a text into sentences: the one splitter used everywhere in the package.

    A sentence ends after a run of ``.`` ``!`` ``؟`` ``؛`` (with any closing quotes or
    brackets after it) or at a line break. Not boundaries: ``،``; dots inside brackets
    (``(..)``, ``(...)``); a ``.`` between digits (``2.5``) or between Latin letters
    (``U.S.``). A final ``..`` ends the last sentence without making an empty one. Spans
    leave out surrounding whitespace; spans without a letter or digit are dropped.

    Args:
        text: any text.

    Returns:
        ``(start, end)`` code-point offsets into ``text``, in order, non-overlapping.

    >>> t = "قال: «يجب ملاحقته (..) على الجرائم». وأضاف أن الحل سياسي؛ لا عسكري.."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['قال: «يجب ملاحقته (..) على الجرائم».', 'وأضاف أن الحل سياسي؛', 'لا عسكري..']
    """
    if not isinstance(text, str):
        raise ValueError(f"text = {text!r} is invalid; a str is required")
    spans: list[tuple[int, int]] = []
    append = spans.append
    alnum = _ALNUM_RE.search
    match = _SENT_END_RE.match
    find = text.find
    n = len(text)

    def emit(a: int, b: int) -> None:
        """Keep text[a:b] without surrounding whitespace, when it holds a letter or digit."""
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b and alnum(text, a, b):
            append((a, b))

    pos = 0
    while True:
        br = _SENT_BREAK_CHAR_RE.search(text, pos)
        if br is None:
            seg_end = next_pos = n
        else:
            seg_end = br.start()
            next_pos = seg_end + (2 if text.startswith("\r\n", seg_end) else 1)
        cur = pos
        # the runs of _SENT_END_RE.finditer(text, pos, seg_end), found with str.find (a run
        # starts at one of four characters; several times faster than the regex's scan)
        starts = []
        for c in _SENT_END_CHARS:
            k = find(c, pos, seg_end)
            while k >= 0:
                starts.append(k)
                k = find(c, k + 1, seg_end)
        starts.sort()
        last = pos
        for ms in starts:
            if ms < last:  # inside the previous run
                continue
            m = match(text, ms, seg_end)
            last = me = m.end()
            if text[ms] == ".":  # the exceptions are runs of dots only
                run = m.group()
                core = run.rstrip(_SENT_CLOSERS)
                if core.count(".") == len(core):
                    prev = text[ms - 1] if ms > pos else ""
                    if prev and prev in "([" and run[len(core):len(core) + 1] in (")", "]"):
                        continue
                    if me - ms == 1:  # a lone "." with no closer after it
                        nxt = text[me] if me < seg_end else ""
                        if (prev.isdigit() and nxt.isdigit()) or (prev.isascii() and prev.isalpha()
                                                                  and nxt.isascii() and nxt.isalpha()):
                            continue
            emit(cur, me)
            cur = me
        emit(cur, seg_end)
        if br is None:
            return spans
        pos = next_pos


# a letter or digit: exactly str.isalnum() (checked over every code point)
_ALNUM_RE = re.compile(r"[^\W_]")


def sentences(corpus: pd.DataFrame, *, with_text: bool = True) -> pd.DataFrame:
    """The sentences of every document (:func:`split_sentences` within each paragraph).

    Args:
        corpus: a documents table from :func:`load_corpus`.
        with_text: False leaves out the ``text`` column (see :func:`paragraphs`).

    Returns:
        Columns ``doc_id, paragraph, sentence, line, start, end, text``; ``sentence`` is
        1-based within the document, ``line`` is the line the sentence starts on, and
        ``text == raw_text[start:end]``.

    >>> len(sentences(load_corpus()))
    49
    """
    _require_columns(corpus, ("doc_id", "raw_text", "text"), "corpus")
    rows, paras, number, lines, starts, ends = _ints(), _ints(), _ints(), _ints(), _ints(), _ints()
    texts = _StrColumn(batch=_UNIT_BATCH) if _check_with_text(with_text) else None
    for k, _raw, kept in _kept_lines(corpus):
        n = 0
        for p, (line, s, text) in enumerate(_paragraphs_of(kept), 1):
            for a, b in split_sentences(text):
                n += 1
                rows.append(k)
                paras.append(p)
                number.append(n)
                lines.append(line)
                starts.append(s + a)
                ends.append(s + b)
                if texts is not None:
                    texts.append(text[a:b])
    return _unit_frame(corpus, rows, paras, number, lines, starts, ends, texts)


# --------------------------------------------------------------------------- statistics


def corpus_stats(corpus: pd.DataFrame, *, group_by: str | None = None) -> pd.DataFrame:
    """Sizes per group: documents, paragraphs, sentences and word tokens.

    Args:
        corpus: a documents table from :func:`load_corpus`.
        group_by: a column to group by; default ``era`` when the corpus has it, else none.

    Returns:
        Columns ``group, documents, paragraphs, sentences, tokens``: one row per group
        value (sorted; empty values as ``(none)``), then ``all``. ``tokens`` counts
        :func:`corpus_utils.arabic.word_tokens` of the cleaned text.

    Raises:
        ValueError: ``group_by`` is not a column of ``corpus``.

    >>> corpus_stats(load_corpus()).group.tolist()
    ['khoja', 'mustafa', 'all']
    """
    from .arabic import word_tokens

    _require_columns(corpus, ("doc_id", "raw_text", "text"), "corpus")
    if group_by is None:
        group_by = "era" if "era" in corpus.columns else None
    elif group_by not in corpus.columns:
        raise ValueError(f"group_by = {group_by!r} is not a column of the corpus; columns: "
                         f"{[c for c in corpus.columns if c not in ('raw_text', 'text')]}")
    paras = paragraphs(corpus).groupby("doc_id").size()
    sents = sentences(corpus).groupby("doc_id").size()
    per_doc = pd.DataFrame({
        "doc_id": corpus["doc_id"].values,
        "group": (corpus[group_by].astype(object).where(corpus[group_by].notna(), "").astype(str)
                  .replace("", "(none)").values if group_by else "all"),
        "paragraphs": corpus["doc_id"].map(paras).fillna(0).astype(int).values,
        "sentences": corpus["doc_id"].map(sents).fillna(0).astype(int).values,
        "tokens": [len(word_tokens(t)) for t in corpus["text"]],
    })
    agg = {"documents": ("doc_id", "size"), "paragraphs": ("paragraphs", "sum"),
           "sentences": ("sentences", "sum"), "tokens": ("tokens", "sum")}
    parts = []
    if group_by:
        parts.append(per_doc.groupby("group", sort=True).agg(**agg).reset_index())
    total = per_doc.assign(group="all").groupby("group").agg(**agg).reset_index()
    if total.empty:
        total = pd.DataFrame([{"group": "all", "documents": 0, "paragraphs": 0, "sentences": 0, "tokens": 0}])
    parts.append(total)
    out = pd.concat(parts, ignore_index=True)
    for col in ("documents", "paragraphs", "sentences", "tokens"):
        out[col] = out[col].astype("int64")
    return out[["group", "documents", "paragraphs", "sentences", "tokens"]]


# --------------------------------------------------------------------------- near-duplicates

#: Default overlap above which two paragraphs count as near-duplicates (see near_duplicates).
NEAR_DUPLICATE_THRESHOLD = 0.5


def _paragraph_words(corpus: pd.DataFrame):
    """Paragraph rows and, for each, its normalised words with raw offsets."""
    from .arabic import normalize, word_tokens

    paras = paragraphs(corpus)
    words = []
    for s, text in zip(paras["start"], paras["text"]):
        toks = []
        for t in word_tokens(text):
            form = normalize(t.text)
            if form.strip():
                toks.append((form, s + t.start, s + t.end))
        words.append(toks)
    return paras, words


def _shingle_index(words, doc_ids, shingle: int):
    sets = []
    postings: dict[tuple, list[int]] = defaultdict(list)
    for k, toks in enumerate(words):
        forms = [f for f, _, _ in toks]
        sh = {tuple(forms[i:i + shingle]) for i in range(len(forms) - shingle + 1)}
        sets.append(sh)
        for g in sh:
            postings[g].append(k)
    pairs: Counter = Counter()
    for plist in postings.values():
        if len(plist) < 2:
            continue
        for x in range(len(plist)):
            for y in range(x + 1, len(plist)):
                a, b = plist[x], plist[y]
                if doc_ids[a] != doc_ids[b]:
                    pairs[(a, b)] += 1
    return sets, pairs


def _check_shingle_args(shingle, threshold) -> None:
    if isinstance(shingle, bool) or not isinstance(shingle, int) or shingle < 1:
        raise ValueError(f"shingle = {shingle!r} is invalid; value must be an int >= 1")
    if not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise ValueError(f"threshold = {threshold!r} is invalid; value must be between 0 and 1")


_ND_COLUMNS = ["doc_id_a", "paragraph_a", "line_a", "doc_id_b", "paragraph_b", "line_b", "shared",
               "shingles_a", "shingles_b", "overlap", "jaccard"]


def near_duplicates(corpus: pd.DataFrame, *, shingle: int = 5,
                    threshold: float = NEAR_DUPLICATE_THRESHOLD) -> pd.DataFrame:
    """Pairs of paragraphs from different documents that share passages.

    Each paragraph becomes the set of its word shingles (runs of ``shingle`` consecutive
    words, each word passed through :func:`corpus_utils.arabic.normalize`). For two
    paragraphs A and B, ``overlap`` = |A ∩ B| / min(|A|, |B|) (Broder's containment of the
    shorter in the longer) and ``jaccard`` = |A ∩ B| / |A ∪ B|. A pair is reported when
    ``overlap >= threshold``.

    The default threshold, 0.5, means at least half of the shorter paragraph's five-word
    runs recur in the other. A wire copy or republished press release keeps most of them
    (one light edit every 15 words still leaves about two thirds), while independent reports
    of the same event share only formulaic phrases (titles, names): on the seeds the highest
    overlap is 0.065 (two five-word runs, "خالد خوجة رئيس الائتلاف الوطني السوري", shared by
    001 and 002). Pass ``threshold=0`` to list every pair sharing any shingle, and
    :func:`shared_passages` to see the shared words. Paragraphs shorter than ``shingle``
    words have no shingles and are never reported.

    Args:
        corpus: a documents table from :func:`load_corpus`.
        shingle: words per shingle (default 5).
        threshold: minimum overlap, 0 to 1 (default 0.5).

    Returns:
        Columns ``doc_id_a, paragraph_a, line_a, doc_id_b, paragraph_b, line_b, shared,
        shingles_a, shingles_b, overlap, jaccard``, highest overlap first; document a comes
        first in corpus order.

    Raises:
        ValueError: ``shingle`` < 1 or ``threshold`` outside [0, 1].

    References:
        Broder, A. Z. (1997). On the resemblance and containment of documents.

    >>> near_duplicates(load_corpus()).empty
    True
    """
    _check_shingle_args(shingle, threshold)
    paras, words = _paragraph_words(corpus)
    doc_ids = paras["doc_id"].tolist()
    sets, pairs = _shingle_index(words, doc_ids, shingle)
    rows = []
    pnum, lines = paras["paragraph"].tolist(), paras["line"].tolist()
    for (a, b), shared in pairs.items():
        na, nb = len(sets[a]), len(sets[b])
        overlap = shared / min(na, nb)
        if overlap >= threshold:
            rows.append((doc_ids[a], pnum[a], lines[a], doc_ids[b], pnum[b], lines[b], shared, na, nb,
                         overlap, shared / (na + nb - shared)))
    out = pd.DataFrame(rows, columns=_ND_COLUMNS)
    out = out.sort_values(["overlap", "doc_id_a", "paragraph_a", "doc_id_b", "paragraph_b"],
                          ascending=[False, True, True, True, True], kind="stable").reset_index(drop=True)
    for col in ("paragraph_a", "line_a", "paragraph_b", "line_b", "shared", "shingles_a", "shingles_b"):
        out[col] = out[col].astype("int64")
    for col in ("doc_id_a", "doc_id_b"):
        out[col] = out[col].astype("str")
    return out


def shared_passages(corpus: pd.DataFrame, *, shingle: int = 5, threshold: float = 0.0) -> pd.DataFrame:
    """The word runs two documents share, whether or not the pair is a near-duplicate.

    Consecutive shared shingles are merged into one passage, so the output reads as the
    shared phrases themselves. On the seeds all four are formulaic titles, not copied text:
    ``وزير الخارجية الأميركي جون كيري`` (000 and 001, two reports of one meeting),
    ``رئيس الائتلاف الوطني السوري`` with a name or ``المعارض`` (000/003, 001/002, 001/003).

    Args:
        corpus: a documents table from :func:`load_corpus`.
        shingle: words per shingle (default 5), as in :func:`near_duplicates`.
        threshold: only pairs of paragraphs with at least this overlap (default 0: all).

    Returns:
        Columns ``doc_id_a, paragraph_a, doc_id_b, paragraph_b, words, passage, text_a,
        text_b, start_a, end_a, start_b, end_b``: ``passage`` is the shared words normalised,
        ``text_a``/``text_b`` the same passage in each document's own spelling
        (``raw_text[start:end]``).

    Raises:
        ValueError: ``shingle`` < 1 or ``threshold`` outside [0, 1].

    >>> shared_passages(load_corpus()).query("doc_id_b == '001'").text_a.tolist()
    ['وزير الخارجية الأميركي جون كيري']
    """
    _check_shingle_args(shingle, threshold)
    paras, words = _paragraph_words(corpus)
    doc_ids = paras["doc_id"].tolist()
    sets, pairs = _shingle_index(words, doc_ids, shingle)
    raw_of = dict(zip(corpus["doc_id"], corpus["raw_text"]))
    pnum = paras["paragraph"].tolist()
    rows = []
    for (a, b), shared in sorted(pairs.items()):
        if shared / min(len(sets[a]), len(sets[b])) < threshold:
            continue
        fa = [f for f, _, _ in words[a]]
        fb = [f for f, _, _ in words[b]]
        pos_b = defaultdict(list)
        for j in range(len(fb) - shingle + 1):
            pos_b[tuple(fb[j:j + shingle])].append(j)
        matches = sorted((i, j) for i in range(len(fa) - shingle + 1)
                         for j in pos_b.get(tuple(fa[i:i + shingle]), ()))
        used = set()
        match_set = set(matches)
        for i, j in matches:
            if (i, j) in used:
                continue
            length = 0
            while (i + length, j + length) in match_set and (i + length, j + length) not in used:
                used.add((i + length, j + length))
                length += 1
            n_words = length - 1 + shingle
            sa, ea = words[a][i][1], words[a][i + n_words - 1][2]
            sb, eb = words[b][j][1], words[b][j + n_words - 1][2]
            rows.append((doc_ids[a], pnum[a], doc_ids[b], pnum[b], n_words, " ".join(fa[i:i + n_words]),
                         raw_of[doc_ids[a]][sa:ea], raw_of[doc_ids[b]][sb:eb], sa, ea, sb, eb))
    cols = ["doc_id_a", "paragraph_a", "doc_id_b", "paragraph_b", "words", "passage", "text_a", "text_b",
            "start_a", "end_a", "start_b", "end_b"]
    out = _table(rows, cols)
    for col in ("paragraph_a", "paragraph_b", "words", "start_a", "end_a", "start_b", "end_b"):
        out[col] = out[col].astype("int64")
    for col in ("doc_id_a", "doc_id_b", "passage", "text_a", "text_b"):
        out[col] = _as_str(out[col])
    return out
