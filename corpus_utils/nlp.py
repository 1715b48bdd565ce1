"""The spaCy pipeline for Arabic news: ``spacy.blank("ar")`` with the package's fixes.

``spacy.blank("ar")`` splits no clitics, leaves a final ``.`` on ``تحديداً.`` and ``2254.``,
has no Arabic lemmatiser and its sentencizer ignores ``؛``. :func:`arabic_pipeline` builds a
blank Arabic pipeline with

* the tokenizer of :func:`corpus_utils.arabic.tokenize` (registered as
  ``corpus_utils.arabic_tokenizer``), so spaCy tokens are the package's tokens and
  ``doc.text`` is the input text, whitespace included;
* ``corpus_sentences``: sentence starts from the corpus splitter
  :func:`corpus_utils.corpus.split_sentences` (the one splitter of the package);
* ``arabic_normalizer``: ``token.norm_`` = :func:`corpus_utils.arabic.normalize` of the token;
* ``arabic_terms``: ``token._.term`` and ``token._.stem`` (None where the token is not an
  analysis term), configurable like :func:`corpus_utils.arabic.terms`.

Each component is registered with ``@Language.component``/``@Language.factory``, so a user
can add it to any pipeline: ``nlp.add_pipe("arabic_terms", config={"keep_numbers": True})``.
Nothing is downloaded.

>>> nlp = arabic_pipeline()
>>> [t.text for t in nlp("سانا).")]
['سانا', ')', '.']
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import registry

from . import arabic

__all__ = ["ArabicTokenizer", "arabic_pipeline", "PIPE_NAMES"]

#: The components arabic_pipeline() adds, in order.
PIPE_NAMES = ("corpus_sentences", "arabic_normalizer", "arabic_terms")

for _name in ("term", "stem"):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=None)


class ArabicTokenizer:
    """A spaCy tokenizer producing the tokens of :func:`corpus_utils.arabic.tokenize`.

    Whitespace follows spaCy's convention: one plain space after a token is its
    ``whitespace_``; any other run of whitespace (newlines, several spaces) becomes a
    whitespace token, so ``doc.text`` equals the input and ``token.idx`` is the offset of
    the token in it.

    Args:
        vocab: the pipeline's vocabulary.

    >>> nlp = spacy.blank("ar"); nlp.tokenizer = ArabicTokenizer(nlp.vocab)
    >>> [t.text for t in nlp.make_doc("ونوّه 2254.")]
    ['ونوّه', '2254', '.']
    """

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for tok in arabic.tokenize(text):
            if tok.start > pos:
                _add_gap(text[pos:tok.start], words, spaces)
            words.append(tok.text)
            spaces.append(False)
            pos = tok.end
        if pos < len(text):
            _add_gap(text[pos:], words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # serialisation: the tokenizer has no state of its own
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "ArabicTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> "ArabicTokenizer":
        return self


def _add_gap(gap: str, words: list[str], spaces: list[bool]) -> None:
    """Whitespace between tokens: a single leading space goes on the previous token."""
    if words and not spaces[-1] and gap[0] == " ":
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)


@registry.tokenizers("corpus_utils.arabic_tokenizer")
def create_arabic_tokenizer():
    """Config entry point: ``[nlp.tokenizer] @tokenizers = "corpus_utils.arabic_tokenizer"``."""

    def make(nlp: Language) -> ArabicTokenizer:
        return ArabicTokenizer(nlp.vocab)

    return make


# the tokenizer goes into the config, so nlp.to_disk() / spacy.load() keep it
_TOKENIZER_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "corpus_utils.arabic_tokenizer"}}}


@Language.component("corpus_sentences")
def corpus_sentences(doc: Doc) -> Doc:
    """Set sentence starts from :func:`corpus_utils.corpus.split_sentences` (split after
    ``. ! ؟ ؛`` or a line break; ``،`` never). The first non-space token that ends after a
    sentence's first character starts that sentence.

    Args:
        doc: a Doc.

    Returns:
        The same Doc with ``is_sent_start`` set on every token.
    """
    from .corpus import split_sentences

    if not len(doc):
        return doc
    # the first non-space token at or after each sentence's first character starts it
    starts = sorted(start for start, end in split_sentences(doc.text) if end > start)
    heads: set[int] = set()
    tokens = [t for t in doc if not t.is_space]
    i = 0
    for s in starts:
        while i < len(tokens) and tokens[i].idx + len(tokens[i]) <= s:
            i += 1
        if i < len(tokens):
            heads.add(tokens[i].i)
    for token in doc:
        token.is_sent_start = token.i == 0 or token.i in heads
    return doc


@Language.component("arabic_normalizer")
def arabic_normalizer(doc: Doc) -> Doc:
    """Set ``token.norm_`` to :func:`corpus_utils.arabic.normalize` of the token text.

    Args:
        doc: a Doc.

    Returns:
        The same Doc.
    """
    for token in doc:
        if not token.is_space:
            token.norm_ = _normalize_type(token.text)
    return doc


@lru_cache(maxsize=100_000)
def _normalize_type(text: str) -> str:
    return arabic.normalize(text)


class ArabicTerms:
    """Component setting ``token._.term`` and ``token._.stem`` as
    :func:`corpus_utils.arabic.terms` would (None for stop words, short tokens, punctuation
    and, unless kept, numbers)."""

    def __init__(self, *, news_stopwords: bool, extra_stopwords: list[str],
                 keep_numbers: bool) -> None:
        self.options = dict(news_stopwords=news_stopwords,
                            extra_stopwords=list(extra_stopwords) or None,
                            keep_numbers=keep_numbers)

    def __call__(self, doc: Doc) -> Doc:
        by_start = {t.start: t for t in arabic.terms(doc.text, **self.options)}
        for token in doc:
            hit = by_start.get(token.idx)
            if hit is not None and hit.end == token.idx + len(token.text):
                token._.term, token._.stem = hit.term, hit.stem
            else:
                token._.term = token._.stem = None
        return doc


@Language.factory("arabic_terms", default_config={"news_stopwords": True,
                                                  "extra_stopwords": [],
                                                  "keep_numbers": False})
def make_arabic_terms(nlp: Language, name: str, news_stopwords: bool,
                      extra_stopwords: list[str], keep_numbers: bool) -> ArabicTerms:
    """Factory of the ``arabic_terms`` component (options as in :func:`arabic.terms`)."""
    return ArabicTerms(news_stopwords=news_stopwords, extra_stopwords=extra_stopwords,
                       keep_numbers=keep_numbers)


def arabic_pipeline(*, sentences: bool = True, terms: bool = True) -> Language:
    """A blank Arabic spaCy pipeline with the package's tokenizer and components.

    Built offline, with no model download, in well under a second once spaCy is imported.

    Args:
        sentences: add ``corpus_sentences`` (the corpus sentence splitter).
        terms: add ``arabic_terms`` (``token._.term``, ``token._.stem``).

    Returns:
        The pipeline: tokenizer, then ``corpus_sentences``, ``arabic_normalizer``,
        ``arabic_terms`` (those asked for).

    >>> doc = arabic_pipeline()("وقال رئيس الائتلاف؛ ودعا.")
    >>> [(t.text, t.norm_, t._.term) for t in doc][:3]
    [('وقال', 'وقال', None), ('رئيس', 'رئيس', 'رئيس'), ('الائتلاف', 'الائتلاف', 'ائتلاف')]
    >>> len(list(doc.sents))
    2
    """
    nlp = spacy.blank("ar", config=_TOKENIZER_CONFIG)
    if sentences:
        nlp.add_pipe("corpus_sentences")
    nlp.add_pipe("arabic_normalizer")
    if terms:
        nlp.add_pipe("arabic_terms")
    return nlp
