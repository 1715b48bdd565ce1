"""The Arabic language layer: normalisation, tokens with offsets, clitics, stems, stop words.

Every analysis in the package reads Arabic through this module, so each decision is a small,
documented function that can be switched off or inspected on its own:

* **Normalisation** (:func:`normalize`) is a chain of ``str -> str`` steps, each with an
  exact character set (:data:`NORMALIZATION_STEPS` lists them in order). The default applies
  every step except ``teh_marbuta`` (``ة`` -> ``ه``), which is off by default: see
  :func:`normalize_teh_marbuta` for why.
* **Tokens** (:func:`tokenize`) keep ``start``/``end`` code-point offsets into the text they
  came from, never cut a word at a diacritic and never keep a final ``.``.
* **Clitics** (:func:`split_clitics`) and the **light stem** (:func:`stem`) are guarded
  against over-stemming: a minimum length, exception lists in ``data/``, and a split is
  made only when it is unambiguous (the article forms ``ال وال بال فال كال لل``, the nisba
  plurals ``-يين``/``-يون``) or when the remainder is attested as a word in a *lexicon*
  (:func:`build_lexicon`) built from the corpus at hand.
* **Terms** (:func:`terms`) are what the analyses count: the normalised, clitic-stripped
  surface form (shown to readers) plus the stem (a feature key, never shown), minus stop
  words (spaCy's Arabic list normalised, plus a switchable list of news function words and
  reporting verbs), short tokens and numbers.

Nothing here imports spaCy, pandas or scikit-learn; :mod:`corpus_utils.nlp` wraps these
functions as spaCy components.

References:
    Larkey, L. S., Ballesteros, L. & Connell, M. E. (2007). Light stemming for Arabic
    information retrieval. In *Arabic Computational Morphology*, 221-243. Springer.
    Obeid, O. et al. (2020). CAMeL Tools: An open source Python toolkit for Arabic natural
    language processing. *LREC 2020*, 7022-7032 (``dediac_ar``, ``normalize_alef_ar``).

>>> [t.term for t in terms("ودعا خوجة الولايات المتحدة إلى إقامة مناطق آمنة.")]
['ودعا', 'خوجة', 'ولايات', 'متحدة', 'اقامة', 'مناطق', 'امنة']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from .paths import DATA_DIR

__all__ = [
    "Token", "Term", "NORMALIZATION_STEPS", "NORMALIZE_DEFAULTS",
    "nfkc", "dediac", "strip_marks", "strip_tatweel", "strip_controls", "normalize_alef",
    "normalize_alef_maksura", "normalize_teh_marbuta", "normalize_digits", "normalize_quotes",
    "normalize", "tokenize", "word_tokens", "split_clitics", "stem", "light10",
    "is_stopword", "stopwords", "load_stopwords", "build_lexicon", "terms", "term_pairs",
    "corpus_terms",
    "display_forms", "MIN_TERM_LENGTH",
]


class Token(NamedTuple):
    """One token of a text: its original spelling and where it is."""

    text: str   #: original spelling, ``text[start:end]`` of the text given
    start: int  #: 0-based code-point offset into the text given
    end: int    #: end-exclusive
    kind: str   #: ``"word"``, ``"number"`` or ``"punct"``


class Term(NamedTuple):
    """One analysis term: what a reader sees (``term``) and what a model counts (``stem``)."""

    term: str     #: normalised, clitic-stripped surface form (shown to readers)
    stem: str     #: light stem (feature key; never displayed)
    start: int    #: offsets of the whole token in the text given
    end: int
    surface: str  #: original spelling of the whole token


# =========================================================================== normalisation
# Each step is a str -> str function with its exact character set. They are composed, in
# the order of NORMALIZATION_STEPS, by normalize().

_DEDIAC_RE = re.compile("[\u064B-\u0652\u0670]")
_MARKS_RE = re.compile("[\u0653-\u065F]")
_CONTROLS = (
    "\u00AD"          # soft hyphen
    "\u061C"          # Arabic letter mark
    "\u200B-\u200F"   # zero width space, ZWNJ, ZWJ, LRM, RLM
    "\u202A-\u202E"   # LRE, RLE, PDF, LRO, RLO
    "\u2060-\u2064"   # word joiner, invisible operators
    "\u2066-\u2069"   # LRI, RLI, FSI, PDI
    "\uFEFF"          # zero width no-break space / byte-order mark
)
_CONTROLS_RE = re.compile(f"[{_CONTROLS}]")
_ALEF_TABLE = str.maketrans({"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627",
                             "\u0671": "\u0627"})
_DIGITS_TABLE = str.maketrans({**{chr(0x0660 + i): str(i) for i in range(10)},
                               **{chr(0x06F0 + i): str(i) for i in range(10)}})
_DOUBLE_QUOTES = "\u201C\u201D\u201E\u201F\u00AB\u00BB\u301D\u301E\u301F"
_SINGLE_QUOTES = "\u2018\u2019\u201A\u201B\u2039\u203A"
_QUOTES_TABLE = str.maketrans({**{c: '"' for c in _DOUBLE_QUOTES},
                               **{c: "'" for c in _SINGLE_QUOTES}})


def nfkc(text: str) -> str:
    """Unicode NFKC: presentation forms, ligatures and other compatibility characters
    become the plain letters they stand for, and letter + combining hamza/madda compose.

    Args:
        text: any text.

    Returns:
        ``unicodedata.normalize("NFKC", text)``.

    >>> nfkc("\\uFEF7") == "\\u0644\\u0623"  # the lam-alef-hamza ligature
    True
    """
    return unicodedata.normalize("NFKC", text)


def dediac(text: str) -> str:
    """Remove the Arabic diacritics CAMeL Tools' ``dediac_ar`` removes: U+064B-U+0652
    (tanwin, short vowels, shadda, sukun) and U+0670 (superscript alef); nothing else.

    Args:
        text: any text.

    Returns:
        The text without those marks.

    >>> dediac("كارثيّاً")
    'كارثيا'
    """
    return _DEDIAC_RE.sub("", text)


def strip_marks(text: str) -> str:
    """Remove the other Arabic combining marks, U+0653-U+065F (madda above, hamza above and
    below, subscript alef, inverted damma, ...), which :func:`dediac` leaves alone.

    Args:
        text: any text.

    Returns:
        The text without U+0653-U+065F.

    >>> strip_marks("\\u0627\\u0655") == "\\u0627"
    True
    """
    return _MARKS_RE.sub("", text)


def strip_tatweel(text: str) -> str:
    """Remove tatweel (kashida, U+0640), the stretching stroke: ``الـسـلام`` -> ``السلام``.

    Args:
        text: any text.

    Returns:
        The text without U+0640.

    >>> strip_tatweel("الـسـلام")
    'السلام'
    """
    return text.replace("\u0640", "") if "\u0640" in text else text


def strip_controls(text: str) -> str:
    """Remove invisible format characters: soft hyphen U+00AD, Arabic letter mark U+061C,
    U+200B-U+200F (zero-width space, ZWNJ, ZWJ, LRM, RLM), U+202A-U+202E (bidi embeddings
    and overrides), U+2060-U+2064 (word joiner, invisible operators), U+2066-U+2069 (bidi
    isolates) and U+FEFF (zero-width no-break space, byte-order mark).

    Args:
        text: any text.

    Returns:
        The text without those characters.

    >>> strip_controls("سورية\\u200f")
    'سورية'
    """
    return _CONTROLS_RE.sub("", text)


def normalize_alef(text: str) -> str:
    """Alef variants to bare alef, exactly as CAMeL Tools' ``normalize_alef_ar``:
    ``آ`` U+0622, ``أ`` U+0623, ``إ`` U+0625, ``ٱ`` U+0671 -> ``ا`` U+0627.
    Hamza on ``و``/``ي`` seats (``ؤ ئ``) and the lone hamza ``ء`` are kept.

    Args:
        text: any text.

    Returns:
        The text with one alef.

    >>> normalize_alef("إسلام")
    'اسلام'
    """
    return text.translate(_ALEF_TABLE)


def normalize_alef_maksura(text: str) -> str:
    """Alef maksura ``ى`` U+0649 -> ``ي`` U+064A, as CAMeL Tools'
    ``normalize_alef_maksura_ar`` (pyarabic's ``normalize_alef`` instead maps it to ``ا``).

    Args:
        text: any text.

    Returns:
        The text with ``ي`` for ``ى``.

    >>> normalize_alef_maksura("على")
    'علي'
    """
    return text.replace("\u0649", "\u064A") if "\u0649" in text else text


def normalize_teh_marbuta(text: str) -> str:
    """Teh marbuta ``ة`` U+0629 -> ``ه`` U+0647, as CAMeL Tools' ``normalize_teh_marbuta_ar``.

    Off by default in :func:`normalize`: edited news text rarely confuses the two, while
    merging them makes the feminine ending indistinguishable from the pronoun suffix ``ـه``
    ("his"), which the clitic splitter must recognise (``حكومته`` "his government" vs
    ``حكومة``), and the terms shown to readers would look misspelt (``سوريه``). Turn it on
    (``normalize(text, teh_marbuta=True)``) for informal text where writers mix them.

    Args:
        text: any text.

    Returns:
        The text with ``ه`` for ``ة``.

    >>> normalize_teh_marbuta("سورية")
    'سوريه'
    """
    return text.replace("\u0629", "\u0647") if "\u0629" in text else text


def normalize_digits(text: str) -> str:
    """Arabic-Indic digits U+0660-U+0669 (``٠-٩``) and Eastern Arabic-Indic (Persian/Urdu)
    digits U+06F0-U+06F9 (``۰-۹``) to ASCII ``0-9``. Separators are left as they are.

    Args:
        text: any text.

    Returns:
        The text with ASCII digits.

    >>> normalize_digits("القرار ٢٢٥٤")
    'القرار 2254'
    """
    return text.translate(_DIGITS_TABLE)


def normalize_quotes(text: str) -> str:
    """One form for quotation marks: ``“ ” „ ‟ « » 〝 〞 〟`` -> ``"`` and
    ``‘ ’ ‚ ‛ ‹ ›`` -> ``'`` (ASCII; the full-width ``＂`` and ``＇`` already become ASCII
    under :func:`nfkc`).

    Args:
        text: any text.

    Returns:
        The text with ASCII quotation marks.

    >>> normalize_quotes("«مناطق آمنة»")
    '"مناطق آمنة"'
    """
    return text.translate(_QUOTES_TABLE)


#: The steps of :func:`normalize` in the order applied: (option name, function, what it does).
NORMALIZATION_STEPS: tuple[tuple[str, Callable[[str], str], str], ...] = (
    ("nfkc", nfkc, "NFKC: presentation forms and ligatures to letters"),
    ("controls", strip_controls, "remove zero-width and bidi control characters"),
    ("tatweel", strip_tatweel, "remove tatweel U+0640"),
    ("diacritics", dediac, "remove diacritics U+064B-U+0652, U+0670 (CAMeL dediac_ar)"),
    ("marks", strip_marks, "remove other Arabic marks U+0653-U+065F"),
    ("alef", normalize_alef, "alef variants آ أ إ ٱ -> ا"),
    ("alef_maksura", normalize_alef_maksura, "alef maksura ى -> ي"),
    ("teh_marbuta", normalize_teh_marbuta, "teh marbuta ة -> ه (off by default)"),
    ("digits", normalize_digits, "Arabic-Indic digits to ASCII"),
    ("quotes", normalize_quotes, "one form for quotation marks"),
)
#: Default of each :func:`normalize` option (True = the step is applied).
NORMALIZE_DEFAULTS: dict[str, bool] = {name: name != "teh_marbuta"
                                       for name, _, _ in NORMALIZATION_STEPS}


def _check_options(options: dict) -> dict[str, bool]:
    unknown = sorted(set(options) - set(NORMALIZE_DEFAULTS))
    if unknown:
        raise ValueError(f"normalize option {unknown[0]!r} is invalid; allowed options are "
                         f"{', '.join(NORMALIZE_DEFAULTS)}")
    for name, value in options.items():
        if not isinstance(value, bool):
            raise ValueError(f"normalize option {name}={value!r} is invalid; value must be "
                             f"True or False")
    return {**NORMALIZE_DEFAULTS, **options}


@lru_cache(maxsize=64)
def _pipeline(flags: tuple[bool, ...]) -> tuple[Callable[[str], str], ...]:
    return tuple(fn for (_, fn, _), on in zip(NORMALIZATION_STEPS, flags) if on)


def normalize(text: str, **options: bool) -> str:
    """Normalise Arabic text by applying the steps of :data:`NORMALIZATION_STEPS` in order.

    Every step is on by default except ``teh_marbuta`` (see :func:`normalize_teh_marbuta`);
    pass ``name=False`` to skip one. Normalising twice gives the same text as normalising
    once. Offsets change (NFKC and the removals change lengths): keep offsets from
    :func:`tokenize` on the original text and normalise tokens, not the other way round.

    Args:
        text: any text.
        **options: ``nfkc``, ``controls``, ``tatweel``, ``diacritics``, ``marks``,
            ``alef``, ``alef_maksura``, ``digits``, ``quotes`` (default True) and
            ``teh_marbuta`` (default False).

    Returns:
        The normalised text.

    Raises:
        ValueError: an unknown option or a value that is not a bool.

    References:
        Obeid et al. (2020), CAMeL Tools (``dediac_ar``, ``normalize_alef_ar``,
        ``normalize_alef_maksura_ar``, ``normalize_teh_marbuta_ar``).

    >>> normalize("وأكّد الـمـبعوث «الأممي» على القرار ٢٢٥٤")
    'واكد المبعوث "الاممي" علي القرار 2254'
    """
    if not isinstance(text, str):
        raise ValueError(f"text = {type(text).__name__} is invalid; value must be a str")
    if options:
        flags = _check_options(options)
    else:
        flags = NORMALIZE_DEFAULTS
    if text.isascii():
        return text  # no step touches an ASCII character
    for fn in _pipeline(tuple(flags.values())):
        text = fn(text)
    if flags["nfkc"]:
        # A removal can bring a letter and a combining mark together (e + tatweel + U+0301),
        # and with the marks kept, alef/ya + hamza mark compose again: compose now and rerun,
        # so that a second pass changes nothing. Reruns stop once NFC changes nothing.
        recomposed = unicodedata.normalize("NFC", text)
        if recomposed != text:
            text = normalize(recomposed, **options)
    return text


# =========================================================================== tokens
# Combining marks that belong to the word they follow (tokens never cut at them), the
# joiners and invisible controls that may sit inside a word.
_MARKS = ("\u0300-\u036F\u0483-\u0489\u0591-\u05C7\u0610-\u061A\u064B-\u065F\u0670"
          "\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED\u08D3-\u08E1\u08E3-\u08FF"
          "\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE00-\uFE0F\uFE20-\uFE2F"
          "\u00AD\u200B-\u200F\u2060-\u2064\uFEFF")
# a letter, then letters and marks (tatweel is a letter, Lm); written so it cannot backtrack
_WORD = rf"[^\W\d_]+(?:[{_MARKS}]+[^\W\d_]+)*[{_MARKS}]*"
_NUMBER = rf"\d+(?:[.,\u066B\u066C]\d+)*[{_MARKS}]*"  # 2254, 3.5, 2,000, ٢٢٥٤; no final "."
_OTHER = rf"[^\s{_MARKS}]?[{_MARKS}]*"     # one other character (+ any marks on it)
_TOKEN_RE = re.compile(rf"({_WORD})|({_NUMBER})|((?=\S){_OTHER})")
_TERM_RE = re.compile(rf"({_WORD})|({_NUMBER})")
_TERM_SURFACE_RE = re.compile(rf"{_WORD}|{_NUMBER}")
_KINDS = (None, "word", "number", "punct")


def tokenize(text: str) -> list[Token]:
    """Split a text into word, number and punctuation tokens with offsets into ``text``.

    A word is a letter followed by letters and combining marks, so no word is cut at a
    diacritic (``ونوّه`` stays whole, unlike ``\\w+``); a number is a run of digits with
    internal ``.``/``,`` separators (``2254``, ``3.5``); every other visible character is
    its own ``punct`` token (``، ؛ ؟ « » “ ” . ( )`` and the rest), so no token keeps a final
    ``.``. Whitespace separates tokens and is skipped: the tokens and the skipped whitespace
    together are exactly the text.

    Args:
        text: the text, as it is (do not normalise first if you need offsets into it).

    Returns:
        Tokens in text order; ``text[t.start:t.end] == t.text``.

    >>> [(t.text, t.kind) for t in tokenize("القرار 2254.")]
    [('القرار', 'word'), ('2254', 'number'), ('.', 'punct')]
    """
    kinds = _KINDS
    return [Token(m.group(), m.start(), m.end(), kinds[m.lastindex])
            for m in _TOKEN_RE.finditer(text)]


def word_tokens(text: str) -> list[Token]:
    """The word and number tokens of a text (:func:`tokenize` without punctuation).

    Args:
        text: the text.

    Returns:
        Tokens of kind ``word`` or ``number``, with offsets into ``text``.

    >>> [t.text for t in word_tokens("(سانا).")]
    ['سانا']
    """
    return [Token(m.group(), m.start(), m.end(), "word" if m.lastindex == 1 else "number")
            for m in _TERM_RE.finditer(text)]


# =========================================================================== data files


def _read_list(path: Path) -> list[str]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line)
    return out


def load_stopwords(path: str | Path) -> set[str]:
    """Read a user stop-word file: UTF-8, one word per line, ``#`` starts a comment.

    The words go through :func:`normalize`, so ``إلى`` in the file matches ``الى`` in text.

    Args:
        path: the file.

    Returns:
        The set of normalised stop words.

    Raises:
        FileNotFoundError: no such file.
        ValueError: a line holds more than one word.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
    ...     _ = fh.write("# mine\\nأعلن\\n")
    >>> sorted(load_stopwords(fh.name)); os.unlink(fh.name)
    ['اعلن']
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"stop-word file {str(path)!r} not found")
    words = set()
    for word in _read_list(path):
        if len(word.split()) != 1:
            raise ValueError(f"stop-word file {str(path)!r}: entry {word!r} is invalid; "
                             f"write one word per line")
        words.add(normalize(word))
    return words


@lru_cache(maxsize=None)
def _spacy_stopwords() -> frozenset[str]:
    return frozenset(_read_list(DATA_DIR / "stopwords_spacy_ar.txt"))


@lru_cache(maxsize=None)
def _news_stopwords() -> frozenset[str]:
    return frozenset(normalize(w) for w in _read_list(DATA_DIR / "news_stopwords.txt"))


@lru_cache(maxsize=None)
def _clitic_exceptions() -> dict[str, tuple[str, str, str]]:
    """word -> (proclitic, base, enclitic) from data/clitic_exceptions.txt."""
    out = {}
    for line in _read_list(DATA_DIR / "clitic_exceptions.txt"):
        parts = line.split()
        word = normalize(parts[0])
        base = normalize(parts[1]) if len(parts) > 1 else word
        i = word.find(base)
        if i < 0:
            raise ValueError(f"clitic_exceptions.txt: base {base!r} is not part of {word!r}")
        out[word] = (word[:i], base, word[i + len(base):])
    return out


@lru_cache(maxsize=None)
def _stem_exceptions() -> frozenset[str]:
    return frozenset(normalize(w) for w in _read_list(DATA_DIR / "stem_exceptions.txt"))


def stopwords(*, news: bool = True, extra: Iterable[str] | None = None) -> frozenset[str]:
    """The stop-word list in use, normalised: spaCy's Arabic list, the news list, extras.

    Args:
        news: include ``data/news_stopwords.txt`` (reporting verbs such as ``قال أضاف أكد``
            and news function words such as ``خلال أمس``).
        extra: more words (normalised here), e.g. from :func:`load_stopwords`.

    Returns:
        A frozen set of normalised words.

    >>> "الي" in stopwords() and "اضاف" in stopwords() and "اضاف" not in stopwords(news=False)
    True
    """
    words = _spacy_stopwords()
    if news:
        words = words | _news_stopwords()
    if extra:
        words = words | {normalize(w) for w in _as_words(extra, "extra")}
    return frozenset(words)


def _as_words(words, name: str) -> list[str]:
    if isinstance(words, str):
        raise ValueError(f"{name} = {words!r} is invalid; value must be a collection of "
                         f"words, not one string")
    return list(words)


# =========================================================================== clitics and stems

#: Terms shorter than this many letters (after clitic stripping) are dropped.
MIN_TERM_LENGTH = 3
_MIN_STEM = 3  # a suffix is removed only if at least this many letters remain

# the definite article alone and with a proclitic; longest first. "لل" is ل + ال.
_ARTICLE_PROCLITICS = ("وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال",
                       "كال", "لل", "ال")
_ARTICLE_RE = re.compile("|".join(_ARTICLE_PROCLITICS))
# proclitics without the article: ambiguous (they can be root letters: وزير، بيان، كيري)
_PLAIN_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
# pronoun suffixes (possessive/object); "ي" is left out: it is mostly the nisba ending
_PRONOUN_SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ه", "ك")
_SUFFIX_LAST = frozenset(s[-1] for s in _PRONOUN_SUFFIXES)
# inflectional suffixes tried by the light stem, in this order (one is removed)
_STEM_SUFFIXES = ("ات", "ين", "ون", "ان", "ة")


def _split(w: str, lexicon: frozenset[str] | None) -> tuple[str, str, str]:
    """Clitic split of a normalised word (see split_clitics)."""
    exceptions = _clitic_exceptions()
    hit = exceptions.get(w)
    if hit is not None:
        return hit
    if len(w) > 2 and w[0] in "وف":
        hit = exceptions.get(w[1:])
        if hit is not None:
            return (w[0] + hit[0], hit[1], hit[2])
    # 1. the article forms: unambiguous once the exceptions are out (at most one of them
    # begins a word, so the regex finds the same one as trying them in order)
    m = _ARTICLE_RE.match(w)
    if m is not None and len(w) - m.end() >= 2:
        p = m.group()
        rest = w[len(p):]
        if p.endswith("لل") and lexicon is not None:
            # لل + قاء or ل + لقاء (ل + اللقاء is written للقاء)?
            if rest not in lexicon and ("ل" + rest) in lexicon:
                return (p[:-1], "ل" + rest, "")
        return (p, rest, "")
    if lexicon is None:
        return ("", w, "")
    # 2. plain proclitics and pronoun suffixes: only where what remains (at least three
    # letters) is attested as a word; of the attested splits, the one with the shortest base
    best = ("", w, "")
    # only the proclitics the word begins with and the suffixes it ends with (same order)
    suffixes = [s for s in _PRONOUN_SUFFIXES if w.endswith(s)] if w[-1:] in _SUFFIX_LAST else ()
    prefixes = [p for p in _PLAIN_PROCLITICS if w.startswith(p)] if w[:1] in "وفبلك" else ()
    for p in ("", *prefixes):
        stem_part = w[len(p):]
        if len(stem_part) < _MIN_STEM:
            continue
        if p and stem_part in lexicon and len(stem_part) < len(best[1]):
            best = (p, stem_part, "")
        for s in suffixes:
            if len(stem_part) - len(s) >= _MIN_STEM:
                rest = stem_part[:-len(s)]
                if rest not in lexicon:
                    # a ت before a suffix is a ة (حكومته -> حكومة + ه)
                    if not rest.endswith("ت") or (rest[:-1] + "ة") not in lexicon:
                        continue
                    rest = rest[:-1] + "ة"
                if len(rest) < len(best[1]) or (len(rest) == len(best[1]) and best[1] == w):
                    best = (p, rest, s)
    return best


def split_clitics(word: str, *, lexicon: frozenset[str] | None = None
                  ) -> tuple[str, str, str]:
    """Split a word into proclitic, base and pronoun suffix (all normalised).

    The article forms ``ال وال بال فال كال لل`` (and ``وبال فبال ولل ...``) are removed
    whenever at least two letters remain, unless the word is in
    ``data/clitic_exceptions.txt`` (``الله``, ``التقى``, ``والدة`` ...). The plain
    proclitics ``و ف ب ل ك`` and the pronoun suffixes ``ه ها هم هما هن ك كم كن نا`` are
    ambiguous (``وزير``, ``بيان``, ``فهم``), so they are removed only when a ``lexicon`` is
    given and the remainder (at least three letters) is in it; a ``ت`` left by a suffix
    is read as ``ة`` when that form is attested (``حكومته`` -> ``حكومة`` + ``ه``).

    Args:
        word: one word, in any spelling (normalised here).
        lexicon: normalised word forms attested in the corpus (:func:`build_lexicon`), or
            None to split only the unambiguous article forms.

    Returns:
        ``(proclitic, base, suffix)``; ``proclitic + base + suffix`` is the normalised word,
        except where a ``ت`` was read as ``ة`` or a ``لل`` as ``ل`` + ``ل``.

    >>> split_clitics("والائتلاف")
    ('وال', 'ائتلاف', '')
    >>> split_clitics("ودعا", lexicon=frozenset({"دعا"}))
    ('و', 'دعا', '')
    """
    return _split_cached(normalize(word), _check_lexicon(lexicon))


@lru_cache(maxsize=200_000)
def _split_cached(w: str, lexicon: frozenset[str] | None) -> tuple[str, str, str]:
    return _split(w, lexicon)


def _check_lexicon(lexicon) -> frozenset[str] | None:
    if lexicon is None or isinstance(lexicon, frozenset):
        return lexicon
    if isinstance(lexicon, (set, list, tuple, dict)):
        return frozenset(lexicon)
    raise ValueError(f"lexicon = {type(lexicon).__name__} is invalid; value must be None or a "
                     f"set of words (see build_lexicon)")


def _light_stem(base: str, lexicon: frozenset[str] | None) -> str:
    """Light stem of a clitic-stripped, normalised base (see stem)."""
    if base in _stem_exceptions() or len(base) <= _MIN_STEM:
        return base
    # unambiguous: the nisba plurals -يين / -يون (مدنيين -> مدني, سوريون -> سوري)
    if (base.endswith("يين") or base.endswith("يون")) and len(base) - 2 >= _MIN_STEM + 1:
        return base[:-2]
    if lexicon is None:
        return base
    for s in _STEM_SUFFIXES:
        if base.endswith(s):
            cand = base[:-len(s)]
            if len(cand) < _MIN_STEM:
                break
            if cand in lexicon:
                return _light_stem(cand, lexicon) if s != "ة" else cand
            if s == "ات" and (cand + "ة") in lexicon:
                # sound feminine plural -> its attested singular (ولايات -> ولاية)
                return _light_stem(cand + "ة", lexicon)
            break
    return base


@lru_cache(maxsize=200_000)
def _stem_cached(w: str, lexicon: frozenset[str] | None) -> str:
    return _light_stem(_split_cached(w, lexicon)[1], lexicon)


def stem(word: str, *, lexicon: frozenset[str] | None = None) -> str:
    """Light stem: the clitic-stripped base with one inflectional suffix removed.

    The suffixes ``ات ين ون ان ة`` are removed only where the result keeps at least three
    letters and either the split is unambiguous (the nisba plurals ``-يين``/``-يون``:
    ``المدنيين`` -> ``مدني``) or the result is attested in ``lexicon`` (``ولايات`` ->
    ``ولاية`` when ``ولاية`` occurs); words in ``data/stem_exceptions.txt`` are kept whole.
    So a stem is always the base itself or a form attested as a word, never a fragment
    (compare Larkey's light10, :func:`light10`: ``بيان`` -> ``بي``).
    The stem is a feature key; show readers the term (:func:`terms`, :func:`display_forms`).

    Args:
        word: one word, in any spelling (normalised here).
        lexicon: normalised word forms attested in the corpus (:func:`build_lexicon`), or
            None for the unambiguous rules only.

    Returns:
        The stem (normalised).

    References:
        Larkey, Ballesteros & Connell (2007), light stemming (the prefix and suffix lists).

    >>> stem("والائتلاف") == stem("للائتلاف") == stem("الائتلاف") == "ائتلاف"
    True
    """
    return _stem_cached(normalize(word), _check_lexicon(lexicon))


# Larkey's light10, exactly as published, for comparison (it is not used by terms()).
_L10_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_L10_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def light10(word: str) -> str:
    """Larkey's light10 stemmer as published, for comparison with :func:`stem`.

    Normalise (with ``ة`` -> ``ه`` as Larkey does); remove ``و`` if at least three letters
    remain; remove one of ``ال وال بال كال فال لل`` if at least two remain; then go once
    through ``ها ان ات ون ين يه ية ه ة ي`` removing each one found at the end if at least
    two letters remain.

    Args:
        word: one word.

    Returns:
        Its light10 stem.

    References:
        Larkey, Ballesteros & Connell (2007), section 3 (light10).

    >>> light10("المدنيين"), light10("بيان")
    ('مدن', 'بي')
    """
    w = normalize(word, teh_marbuta=True)
    if w.startswith("و") and len(w) - 1 >= 3:
        w = w[1:]
    for p in _L10_PREFIXES:
        if w.startswith(p) and len(w) - len(p) >= 2:
            w = w[len(p):]
            break
    for s in _L10_SUFFIXES:
        if w.endswith(s) and len(w) - len(s) >= 2:
            w = w[:-len(s)]
    return w


# =========================================================================== stop words


def _stop_candidates(w: str) -> list[str]:
    """The word and every clitic split of it (no guards): what is_stopword looks up."""
    if w in _clitic_exceptions():
        return [w]
    cands = [w]
    for p in _ARTICLE_PROCLITICS + _PLAIN_PROCLITICS:
        if w.startswith(p) and len(w) > len(p):
            rest = w[len(p):]
            cands.append(rest)
            if p.endswith("لل"):
                cands.append("ال" + rest)  # ل + الذين is written للذين
    more = []
    for c in cands:
        for s in _PRONOUN_SUFFIXES:
            if c.endswith(s) and len(c) > len(s):
                more.append(c[:-len(s)])
    return cands + more


def is_stopword(word: str, *, news: bool = True, extra: Iterable[str] | None = None) -> bool:
    """Is ``word`` a stop word, itself or under any clitic split?

    Every split is tried, regardless of the stem guards, so ``وفي`` (و + في), ``والتي``
    (و + التي) and ``عليه`` (على + ه) are stop words.

    Args:
        word: one word, in any spelling.
        news: use the news list too (see :func:`stopwords`).
        extra: more stop words.

    Returns:
        True if the word or one of its splits is in the list.

    >>> is_stopword("وفي"), is_stopword("والتي"), is_stopword("الائتلاف")
    (True, True, False)
    """
    if extra or not news:
        stops = stopwords(news=news, extra=extra)
        return any(c in stops for c in _stop_candidates(normalize(word)))
    return _is_default_stopword(word)


@lru_cache(maxsize=None)
def _default_stops() -> frozenset[str]:
    return stopwords()


@lru_cache(maxsize=262_144)
def _is_default_stopword(word: str) -> bool:
    """is_stopword with the default lists, cached per word type (Zipf: few types, many tokens)."""
    return _is_stop_form(normalize(word), _default_stops())


@lru_cache(maxsize=8)
def _stop_suffixed(stops: frozenset[str]) -> frozenset[str]:
    """The stop words, alone and with each pronoun suffix (``عليه`` = ``على`` + ``ه``)."""
    words = {x for x in stops if x}
    return frozenset(words | {x + s for x in words for s in _PRONOUN_SUFFIXES})


#: first letter -> the proclitics (article forms and plain) that begin with it
_PROCLITICS_BY_LETTER: dict[str, tuple[str, ...]] = {}


def _is_stop_form(w: str, stops: frozenset[str]) -> bool:
    """``any(c in stops for c in _stop_candidates(w))`` for a normalised word, with a few set
    lookups: the word, or the word after each proclitic it begins with, is a stop word with or
    without a pronoun suffix (``لل`` + x also tries ``ال`` + x)."""
    if w in _clitic_exceptions():
        return w in stops
    suffixed = _stop_suffixed(stops)
    if w in suffixed:
        return True
    if not _PROCLITICS_BY_LETTER:
        for p in _ARTICLE_PROCLITICS + _PLAIN_PROCLITICS:
            _PROCLITICS_BY_LETTER.setdefault(p[0], ())
            _PROCLITICS_BY_LETTER[p[0]] += (p,)
    for p in _PROCLITICS_BY_LETTER.get(w[:1], ()):
        if w.startswith(p) and len(w) > len(p):
            rest = w[len(p):]
            if rest in suffixed or (p.endswith("لل") and "ال" + rest in suffixed):
                return True
    return False


# =========================================================================== terms


def build_lexicon(texts: Iterable[str]) -> frozenset[str]:
    """The word forms attested in a corpus, for the guards of :func:`split_clitics` and
    :func:`stem`: every normalised word, and its base after an article is removed.

    Build it once from the whole corpus and pass the same lexicon for every document, so a
    word gets the same stem everywhere (:func:`corpus_terms` does this).

    Args:
        texts: the texts of the corpus.

    Returns:
        A frozen set of normalised word forms.

    >>> sorted(build_lexicon(["الائتلاف الوطني", "دعا"]))
    ['ائتلاف', 'الائتلاف', 'الوطني', 'دعا', 'وطني']
    """
    if isinstance(texts, str):
        raise ValueError("texts = a str is invalid; value must be a collection of texts "
                         "(wrap one text in a list)")
    # the words of a whitespace-separated chunk are the same in the chunk as in the text (no
    # word contains white space), so the regex runs once per distinct chunk, not per token
    chunks: set[str] = set()
    for text in texts:
        chunks.update(text.split())
    plain = _PLAIN_WORD_RE.fullmatch  # a chunk of plain letters is one word, already normal
    words = {c for c in chunks if plain(c)}
    words.update(_normalize_word(t) for c in chunks if not plain(c) for t in _WORD_ONLY_RE.findall(c))
    del chunks
    words.discard("")
    lexicon = set(words)
    article, exceptions = _ARTICLE_RE.match, _clitic_exceptions()
    # the base after an article (_split without a lexicon): only words that begin with an
    # article or are (a و/ف plus) a clitic exception can have a base other than themselves
    lexicon.update(_split(w, None)[1] for w in words
                   if article(w) or w in exceptions or w[1:] in exceptions)
    return _intern_lexicon(frozenset(lexicon), remember=False)  # a copy is not kept


#: Lexicons seen lately: equal lexicons are replaced by one object, so the per-lexicon caches
#: below compare lexicons by identity instead of element by element (450,000 words at
#: 100,000 articles).
_LEXICONS: dict[frozenset[str], frozenset[str]] = {}
_LEXICON_IDS: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
_MAX_LEXICONS = 8


def _intern_lexicon(lexicon: frozenset[str] | None, *, remember: bool = True) -> frozenset[str] | None:
    """The one object kept for lexicons equal to ``lexicon`` (identity lookups first).
    With ``remember``, a copy passed again is recognised by its id (the copy is kept alive
    for that, at most ``2 * _MAX_LEXICONS`` of them)."""
    if lexicon is None:
        return None
    seen = _LEXICON_IDS.get(id(lexicon))
    if seen is not None and seen[0] is lexicon:
        return seen[1]
    canonical = _LEXICONS.get(lexicon)
    if canonical is None:
        if len(_LEXICONS) >= _MAX_LEXICONS:  # forget the oldest lexicon
            oldest = _LEXICONS.pop(next(iter(_LEXICONS)))
            for key in [k for k, (_, c) in _LEXICON_IDS.items() if c is oldest]:
                del _LEXICON_IDS[key]
        canonical = _LEXICONS[lexicon] = lexicon
    if remember or canonical is lexicon:
        if len(_LEXICON_IDS) >= 2 * _MAX_LEXICONS:
            del _LEXICON_IDS[next(iter(_LEXICON_IDS))]
        _LEXICON_IDS[id(lexicon)] = (lexicon, canonical)  # keeps lexicon alive, so its id stays
    return canonical


#: Characters that no normalisation step changes: the basic Arabic letters except the alef
#: variants (آ أ إ) and alef maksura (ى), and ASCII letters. A word made of these only is its
#: own normal form, which spares the chain of steps for most new word types.
_PLAIN_WORD_RE = re.compile("[\u0621\u0624\u0626-\u063A\u0641-\u0648\u064Aa-zA-Z]+")


def _normalize_word(word: str) -> str:
    """:func:`normalize` of one token, skipping the steps when none can change it."""
    return word if _PLAIN_WORD_RE.fullmatch(word) else normalize(word)


_WORD_ONLY_RE = re.compile(_WORD)
# per-configuration caches: surface -> (term, stem) or None (not a term)
_TERM_CACHES: dict[tuple, dict[str, tuple[str, str] | None]] = {}


def _cache_key(text, news_stopwords, extra_stopwords, keep_numbers, lexicon) -> tuple:
    """Check the arguments of terms / term_pairs; ``(news, extra, keep_numbers, lexicon)`` with
    the extra stop words normalised and the lexicon interned: the key of their caches."""
    if not isinstance(text, str):
        raise ValueError(f"text = {type(text).__name__} is invalid; value must be a str")
    extra = frozenset(normalize(w) for w in _as_words(extra_stopwords, "extra_stopwords")) \
        if extra_stopwords else frozenset()
    return (bool(news_stopwords), extra, bool(keep_numbers), _intern_lexicon(_check_lexicon(lexicon)))


def _config_cache(caches: dict, key: tuple, new: Callable):
    """The cache of one configuration (at most 16 configurations are kept)."""
    entry = caches.get(key)
    if entry is None:
        if len(caches) >= 16:
            caches.clear()
        entry = caches[key] = new()
    return entry
#: At most this many word types (terms) or white-space chunks (term_pairs) are kept per
#: configuration (about 250-500 bytes each); once full, the types already kept stay (the
#: frequent ones, by Zipf's law) and new ones are analysed at each occurrence.
_MAX_CACHED_TYPES = 250_000


def _analyse(surface: str, is_word: bool, stops: frozenset[str], keep_numbers: bool,
             lexicon: frozenset[str] | None) -> tuple[str, str] | None:
    """(term, stem) of one word or number token, or None when it is not a term."""
    w = _normalize_word(surface)
    if not is_word:
        return (w, w) if keep_numbers else None
    if _is_stop_form(w, stops):
        return None
    base = _split_cached(w, lexicon)[1]
    if len(base) < MIN_TERM_LENGTH:
        return None
    return base, _light_stem(base, lexicon)


def terms(text: str, *, news_stopwords: bool = True,
          extra_stopwords: Iterable[str] | None = None, keep_numbers: bool = False,
          lexicon: frozenset[str] | None = None) -> list[Term]:
    """The analysis terms of a text, with offsets of each whole token.

    A term is the normalised, clitic-stripped surface (:func:`split_clitics`) of a word
    token that is not a stop word (:func:`is_stopword`) and keeps at least
    :data:`MIN_TERM_LENGTH` letters; its ``stem`` (:func:`stem`) is the feature key. The
    fast path uses one compiled regex and per-word-type caches; it builds no spaCy Doc.

    Args:
        text: the text (offsets refer to it as given).
        news_stopwords: drop the news function words and reporting verbs too.
        extra_stopwords: more stop words (e.g. :func:`load_stopwords`).
        keep_numbers: keep number tokens (as ASCII digits) as terms.
        lexicon: attested word forms (:func:`build_lexicon`) enabling the guarded splits of
            plain proclitics, pronoun suffixes and stem suffixes; None splits only the
            unambiguous ones. Use one lexicon for a whole corpus.

    Returns:
        Terms in text order.

    >>> [(t.term, t.surface) for t in terms("وقال رئيس الائتلاف إن «الأسد» فاقد الشرعية.")]
    [('رئيس', 'رئيس'), ('ائتلاف', 'الائتلاف'), ('اسد', 'الأسد'), ('فاقد', 'فاقد'), ('شرعية', 'الشرعية')]
    """
    key = _cache_key(text, news_stopwords, extra_stopwords, keep_numbers, lexicon)
    extra, lexicon = key[1], key[3]
    cache = _config_cache(_TERM_CACHES, key, dict)
    stops = None
    out: list[Term] = []
    append = out.append
    get = cache.get
    find = text.find
    new = tuple.__new__
    pos = 0
    # findall + str.find is several times faster than finditer: between two matches there is
    # no letter or digit, so the next occurrence of a match's text is where it matched
    for s in _TERM_SURFACE_RE.findall(text):
        start = find(s, pos)
        pos = start + len(s)
        hit = get(s, 0)
        if hit == 0:
            if stops is None:
                stops = _default_stops() if (news_stopwords and not extra) \
                    else stopwords(news=news_stopwords, extra=extra)
            hit = _analyse(s, not s[0].isdecimal(), stops, keep_numbers, lexicon)
            if len(cache) < _MAX_CACHED_TYPES:  # full: frequent types stay, rarer ones are not kept
                cache[s] = hit
        if hit is not None:
            append(new(Term, (hit[0], hit[1], start, pos, s)))
    return out


class _Several(tuple):
    """The (term, stem) pairs of a whitespace chunk that holds more than one term (rare:
    ``الأسد»،الذي``); one-term chunks cache the pair itself, no-term chunks None."""

    __slots__ = ()


# per-configuration caches of term_pairs: whitespace chunk -> pair, _Several or None; and the
# set of chunks cached as _Several
_PAIR_CACHES: dict[tuple, tuple[dict[str, tuple | None], set[str]]] = {}


def _chunk_pairs(chunk: str, stops: frozenset[str], keep_numbers: bool,
                 lexicon: frozenset[str] | None) -> tuple | None:
    if _PLAIN_WORD_RE.fullmatch(chunk):  # most chunks: one word, already in normal form
        if _is_stop_form(chunk, stops):
            return None
        base = _split_cached(chunk, lexicon)[1]
        return (base, _light_stem(base, lexicon)) if len(base) >= MIN_TERM_LENGTH else None
    found = []
    for s in _TERM_SURFACE_RE.findall(chunk):
        hit = _analyse(s, not s[0].isdecimal(), stops, keep_numbers, lexicon)
        if hit is not None:
            found.append(hit)
    if not found:
        return None
    return found[0] if len(found) == 1 else _Several(found)


def term_pairs(text: str, *, news_stopwords: bool = True,
               extra_stopwords: Iterable[str] | None = None, keep_numbers: bool = False,
               lexicon: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """The ``(term, stem)`` of every term of a text, in order: :func:`terms` without offsets.

    This is the preprocessing path the analyses count with (TF-IDF, keyness, the term
    cache): ``[(t.term, t.stem) for t in terms(text, ...)]``, several times faster. The text
    is split at white space (``str.split``, in C) and each chunk is looked up in a cache of
    chunks already analysed, so the regex, normalisation, stop-word and clitic work is done
    once per distinct chunk (word frequencies follow Zipf's law: most tokens are repeats).
    No word or number spans white space, so a chunk has the same terms alone as in the text.

    Args:
        text: the text.
        news_stopwords: as in :func:`terms`.
        extra_stopwords: as in :func:`terms`.
        keep_numbers: as in :func:`terms`.
        lexicon: as in :func:`terms`; use one lexicon for a whole corpus.

    Returns:
        ``(term, stem)`` tuples in text order.

    >>> term_pairs("ودعا خوجة الولايات المتحدة، إلى إقامة «مناطق آمنة».")[:3]
    [('ودعا', 'ودعا'), ('خوجة', 'خوجة'), ('ولايات', 'ولايات')]
    """
    key = _cache_key(text, news_stopwords, extra_stopwords, keep_numbers, lexicon)
    extra, lexicon = key[1], key[3]
    cache, several = _config_cache(_PAIR_CACHES, key, lambda: ({}, set()))
    chunks = text.split()
    try:
        hits = list(map(cache.__getitem__, chunks))
    except KeyError:  # new chunks: analyse them once, then look up again
        stops = _default_stops() if (news_stopwords and not extra) \
            else stopwords(news=news_stopwords, extra=extra)
        fresh = {c: _chunk_pairs(c, stops, bool(keep_numbers), lexicon)
                 for c in set(chunks).difference(cache)}
        many = [c for c, h in fresh.items() if type(h) is _Several]
        if len(cache) < _MAX_CACHED_TYPES:
            cache.update(fresh)
            several.update(many)
            hits = list(map(cache.__getitem__, chunks))
        else:  # full: the cached (frequent) chunks stay; new, rarer ones are not kept
            hits = list(map(fresh.get, chunks, map(cache.get, chunks)))
            if many:
                return _flatten(hits)
    if several and not several.isdisjoint(chunks):
        return _flatten(hits)
    return list(filter(None, hits))


def _flatten(hits: list) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for h in hits:
        if h is not None:
            if type(h) is _Several:
                out.extend(h)
            else:
                out.append(h)
    return out


def corpus_terms(texts: Iterable[str], *, news_stopwords: bool = True,
                 extra_stopwords: Iterable[str] | None = None, keep_numbers: bool = False,
                 lexicon: frozenset[str] | None = None) -> list[list[Term]]:
    """:func:`terms` of every text of a corpus with one lexicon built from all of them, so
    that the guarded splits apply and a word gets the same stem in every document.

    Args:
        texts: the texts (e.g. ``corpus["text"]``).
        news_stopwords: as in :func:`terms`.
        extra_stopwords: as in :func:`terms`.
        keep_numbers: as in :func:`terms`.
        lexicon: a lexicon to use instead of one built from ``texts``.

    Returns:
        One list of terms per text, in order.

    >>> [[t.term for t in ts] for ts in corpus_terms(["ودعا الائتلاف", "دعا وزير"])]
    [['دعا', 'ائتلاف'], ['دعا', 'وزير']]
    """
    texts = list(_as_words(texts, "texts"))
    if lexicon is None:
        lexicon = build_lexicon(texts)
    return [terms(t, news_stopwords=news_stopwords, extra_stopwords=extra_stopwords,
                  keep_numbers=keep_numbers, lexicon=lexicon) for t in texts]


def display_forms(all_terms: Iterable[Term]) -> dict[str, str]:
    """The term to show for each stem: its most frequent term (ties: shorter, then
    alphabetical first).

    Args:
        all_terms: terms from :func:`terms` (any number of texts).

    Returns:
        ``{stem: term}``.

    >>> ts = terms("المدنيين المدنيين مدنيون")
    >>> display_forms(ts)
    {'مدني': 'مدنيين'}
    """
    by_stem: dict[str, Counter] = defaultdict(Counter)
    for t in all_terms:
        by_stem[t.stem][t.term] += 1
    return {s: min(c.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]
            for s, c in by_stem.items()}
