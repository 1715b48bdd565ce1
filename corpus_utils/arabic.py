"""PROVISIONAL interface of the Arabic layer (issue 4 replaces the bodies, keeps the names).

Public API (stable): normalize(text, **options) -> str; tokenize(text) -> list[Token];
word_tokens(text) -> list[Token]; stem(word) -> str; is_stopword(word) -> bool;
terms(text) -> list[Term]; display_forms(terms_iterable) -> dict[stem, term].
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from typing import Iterable, NamedTuple


class Token(NamedTuple):
    text: str   # original spelling, text[start:end]
    start: int  # 0-based code-point offset into the text given
    end: int    # end-exclusive
    kind: str   # "word", "number" or "punct"


class Term(NamedTuple):
    term: str     # normalised, clitic-stripped surface form (shown to readers)
    stem: str     # light stem (feature key; never displayed)
    start: int    # offsets of the whole token in the text given
    end: int
    surface: str  # original spelling of the whole token


_TOKEN_RE = re.compile(r"[0-9\u0660-\u0669]+(?:[.,][0-9\u0660-\u0669]+)*|[^\W\d_][\w\u064B-\u065F\u0670\u0640\u200c\u200d]*|[^\w\s]", re.UNICODE)


def normalize(text: str, **options) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u064B-\u065F\u0670\u0640]", "", text)
    text = re.sub("[أإآٱ]", "ا", text).replace("ى", "ي")
    return text


def tokenize(text: str) -> list[Token]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        s = m.group()
        kind = "number" if s[0].isdigit() else ("word" if s[0].isalpha() else "punct")
        out.append(Token(s, m.start(), m.end(), kind))
    return out


def word_tokens(text: str) -> list[Token]:
    return [t for t in tokenize(text) if t.kind != "punct"]


def stem(word: str) -> str:
    w = normalize(word)
    for p in ("وال", "بال", "فال", "كال", "لل", "ال"):
        if w.startswith(p) and len(w) - len(p) >= 3:
            return w[len(p):]
    return w


_STOP = {normalize(w) for w in "في من على إلى عن أن إن التي الذي و ف ب ل هذا هذه ذلك مع كما قد".split()}


def is_stopword(word: str, **options) -> bool:
    return normalize(word) in _STOP


def terms(text: str, **options) -> list[Term]:
    out = []
    for t in word_tokens(text):
        if t.kind != "word" or is_stopword(t.text):
            continue
        s = stem(t.text)
        if len(s) < 3:
            continue
        out.append(Term(s, s, t.start, t.end, t.text))
    return out


def display_forms(all_terms: Iterable[Term]) -> dict[str, str]:
    by_stem: dict[str, Counter] = defaultdict(Counter)
    for t in all_terms:
        by_stem[t.stem][t.term] += 1
    return {s: c.most_common(1)[0][0] for s, c in by_stem.items()}
