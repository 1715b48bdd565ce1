"""corpus-utils: computational text analysis of Arabic political news.

The helper package behind the research and teaching notebooks. Heavy libraries (pandas,
scikit-learn, spaCy, matplotlib) are imported only when first used, so that
``import corpus_utils`` stays fast; the public names below are resolved lazily.

>>> import corpus_utils
>>> corpus_utils.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: The one project-wide seed: every function with randomness defaults to it.
RANDOM_STATE = 20150430

# public name -> module that defines it (imported on first access). No lazy name may equal a
# submodule's name (``progress``, ``cache``, ...): importing the submodule would rebind it.
_LAZY = {
    "load_corpus": "corpus",
    "iter_corpus": "corpus",
    "paragraphs": "corpus",
    "sentences": "corpus",
    "split_sentences": "corpus",
    "cleaning_audit": "corpus",
    "rebuild_raw": "corpus",
    "near_duplicates": "corpus",
    "shared_passages": "corpus",
    "corpus_stats": "corpus",
    "check_corpus": "corpus",
    "corpus_from_texts": "corpus",
    "iter_source": "sources",
    "read_source": "sources",
    "check_source": "sources",
    "cached_terms": "cache",
    "term_matrix": "cache",
    "CorpusError": "errors",
    "Problem": "errors",
    "normalize": "arabic",
    "tokenize": "arabic",
    "stem": "arabic",
    "is_stopword": "arabic",
    "terms": "arabic",
    "corpus_terms": "arabic",
    "build_lexicon": "arabic",
    "display_forms": "arabic",
    "gloss": "glossary",
    "kwic": "keyness",
    "keyness_by_group": "keyness",
    "cooccurrence": "cooccurrence",
    "load_themes": "themes",
    "theme_rates": "themes",
    "corpus_mentions": "actors",
    "find_actors": "actors",
    "load_codebook": "actors",
    "default_corpus_path": "paths",
    "release_memory": "memory",
}

__all__ = ["__version__", "RANDOM_STATE", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'corpus_utils' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
