"""A cache of preprocessed terms, keyed by each document's SHA-256.

Preprocessing (normalisation, tokens, clitics, stop words, stems: ``arabic.terms``) is the
step every analysis repeats. :func:`cached_terms` stores each document's terms on disk
under the SHA-256 of its text, so a second run over an unchanged corpus reads them back
instead of recomputing them, and an edited document is simply a new key.

Where the cache lives, in this order:

1. the ``cache`` argument (a folder, or a :class:`TermCache`);
2. the environment variable ``CORPUS_UTILS_CACHE``: a folder, or ``0`` / ``off`` to
   switch the cache off;
3. ``$XDG_CACHE_HOME/corpus-utils``, else ``~/.cache/corpus-utils``.

Never inside the corpus folders: a folder inside the bundled ``seeds/`` is refused. The
cache is one SQLite file, ``terms.sqlite3``, whose entries are keyed by the document's
SHA-256 *and* a fingerprint of the preprocessing (:func:`preprocessor_fingerprint`: the
source of ``arabic.py``, the package data files it names, the fields of ``Term`` and the
options passed to ``terms``), so changing the preprocessing or its options never serves
stale terms. Delete the folder, or call :meth:`TermCache.clear`, to reclaim the space.

Each document is stored compactly: its distinct (term, stem) pairs once, then three
arrays of the smallest unsigned integer type that fits (pair index, gap since the previous
term, length); the surface form is ``text[start:end]`` and is rebuilt from the text on
reading. About 4 KB per article of 350 words.

What the analyses count is smaller still: :func:`pair_matrix` (documents x (term, stem)
pairs), :func:`stem_counts` and :func:`term_matrix` (documents x stems) count
``arabic.term_pairs`` one document at a time, straight into the buffers of a sparse
matrix, and can be cached per document the same way. :func:`lexicon` builds a corpus's
lexicon once per process, so topics, keyness and KWIC share it.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import os
import sqlite3
import warnings
from array import array
from contextlib import contextmanager
from functools import partial
from itertools import accumulate, chain, compress, repeat
from operator import is_, itemgetter, sub
from pathlib import Path
from collections import Counter
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

#: Environment variable naming the cache folder, or 0 / off to switch the cache off.
CACHE_ENV = "CORPUS_UTILS_CACHE"
_OFF = frozenset({"0", "off", "false", "no", "none"})
#: Documents looked up and written per SQLite transaction by :func:`cached_terms`.
DEFAULT_BATCH_SIZE = 1_000
_FORMAT_VERSION = 2  # bump when the stored layout changes
_SQL_VARS = 500  # keys per SELECT ... IN (...)
_TERM, _STEM, _START, _END, _SURFACE = (itemgetter(i) for i in range(5))


def default_cache_dir() -> Path | None:
    """The cache folder from the environment, or None when ``CORPUS_UTILS_CACHE=0``.

    Returns:
        ``$CORPUS_UTILS_CACHE`` when it names a folder, else
        ``$XDG_CACHE_HOME/corpus-utils``, else ``~/.cache/corpus-utils``; None when the
        variable switches the cache off.

    >>> import os; os.environ["CORPUS_UTILS_CACHE"] = "off"; default_cache_dir() is None
    True
    >>> del os.environ["CORPUS_UTILS_CACHE"]
    """
    value = os.environ.get(CACHE_ENV, "").strip()
    if value:
        if value.lower() in _OFF:
            return None
        return Path(value).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "corpus-utils"


def text_key(text: str) -> bytes:
    """The 32-byte SHA-256 digest of ``text`` encoded as UTF-8: a document's cache key.

    >>> text_key("نص").hex()[:12]
    'e01176c2a059'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _canonical(value: Any) -> Any:
    """A JSON-able, order-independent form of a ``terms`` option value."""
    if isinstance(value, (set, frozenset)):
        items = sorted(map(str, value))
        if len(items) > 64:  # a corpus lexicon: hash it rather than spell it out
            return "sha256:" + hashlib.sha256("\0".join(items).encode("utf-8", "surrogatepass")).hexdigest()
        return items
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def preprocessor_fingerprint(**options: Any) -> str:
    """A short hash of everything that decides what ``arabic.terms`` returns.

    It covers ``arabic.py``'s source, the package data files whose names appear in it
    (stop words, clitic exceptions, ...), the fields of ``Term``, the cache's storage format
    and the keyword ``options`` passed to ``terms`` (a lexicon by its sorted words).

    Args:
        **options: keyword options that will be passed to ``arabic.terms``
            (``news_stopwords``, ``extra_stopwords``, ``keep_numbers``, ``lexicon``).

    Returns:
        16 hexadecimal digits.

    >>> preprocessor_fingerprint() == preprocessor_fingerprint(), len(preprocessor_fingerprint())
    (True, 16)
    """
    from . import arabic
    from .paths import DATA_DIR

    h = hashlib.sha256()
    h.update(f"format={_FORMAT_VERSION}\n".encode())
    h.update(repr(tuple(arabic.Term._fields)).encode())
    source = Path(arabic.__file__).read_bytes()
    h.update(source)
    text = source.decode("utf-8", "replace")
    if DATA_DIR.is_dir():
        for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file()):
            if path.name in text:
                h.update(path.name.encode() + b"\0" + path.read_bytes())
    canonical = {k: _canonical(v) for k, v in sorted(options.items()) if v is not None}
    h.update(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]


def _check_folder(folder: Path) -> Path:
    from .paths import seeds_path

    folder = folder.expanduser().resolve()
    try:
        seeds = seeds_path().resolve()
    except FileNotFoundError:  # pragma: no cover - a broken install
        seeds = None
    if seeds is not None and (folder == seeds or seeds in folder.parents):
        raise ValueError(f"cache folder = {str(folder)!r} is invalid; it lies inside the seed corpus "
                         f"({seeds}), which is never written to; use another folder")
    return folder


# --------------------------------------------------------------------------- encoding


def encode_terms(text: str, terms: Sequence) -> bytes:
    """Pack one document's terms into bytes (see the module docstring).

    Args:
        text: the text the terms were computed from.
        terms: its ``Term`` list.

    Returns:
        The compressed record; :func:`decode_terms` reverses it.

    >>> from corpus_utils.arabic import terms
    >>> t = "قال الائتلاف"
    >>> decode_terms(t, encode_terms(t, terms(t))) == terms(t)
    True
    """
    if not terms:
        return marshal.dumps((_FORMAT_VERSION, "", "", b"", b"", b"", "BBB", None))
    # every step below runs in C (map, zip, dict.fromkeys, accumulate): no Python loop per term
    keys = list(zip(map(_TERM, terms), map(_STEM, terms)))
    pairs = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    idx = list(map(pairs.__getitem__, keys))
    starts = list(map(_START, terms))
    ends = list(map(_END, terms))
    gaps = list(map(sub, starts, chain((0,), ends)))
    lengths = list(map(sub, ends, starts))
    surfaces = list(map(_SURFACE, terms))
    same = surfaces == list(map(text.__getitem__, map(slice, starts, ends)))
    codes = "".join(map(_typecode, (idx, gaps, lengths)))
    payload = (_FORMAT_VERSION, "\0".join(p[0] for p in pairs), "\0".join(p[1] for p in pairs),
               array(codes[0], idx).tobytes(), array(codes[1], gaps).tobytes(),
               array(codes[2], lengths).tobytes(), codes, None if same else "\0".join(surfaces))
    return marshal.dumps(payload)


def _typecode(values: list[int]) -> str:
    """The smallest unsigned array type holding every value (B, H or I)."""
    top = max(values)
    if min(values) < 0 or top >= 1 << 32:
        raise ValueError(f"offset = {top!r} is invalid; offsets must be >= 0 and < 2**32")
    return "B" if top < 1 << 8 else ("H" if top < 1 << 16 else "I")


def decode_terms(text: str, data: bytes) -> list:
    """Unpack what :func:`encode_terms` stored for ``text``.

    Args:
        text: the document's text (its surfaces are sliced from it).
        data: the stored record.

    Returns:
        The document's ``Term`` list.

    Raises:
        ValueError: when the record was written by another version of this module.
    """
    from .arabic import Term

    version, term_s, stem_s, idx_b, gap_b, len_b, codes, surfaces = marshal.loads(data)
    if version != _FORMAT_VERSION:
        raise ValueError(f"cache record version = {version!r} is invalid; expected {_FORMAT_VERSION}")
    if not idx_b:
        return []
    tt = term_s.split("\0")
    ss = stem_s.split("\0")
    idx, gaps, lengths = array(codes[0]), array(codes[1]), array(codes[2])
    idx.frombytes(idx_b)
    gaps.frombytes(gap_b)
    lengths.frombytes(len_b)
    bounds = list(accumulate(chain.from_iterable(zip(gaps, lengths))))
    starts, ends = bounds[0::2], bounds[1::2]
    sf = surfaces.split("\0") if surfaces is not None else map(text.__getitem__, map(slice, starts, ends))
    make = partial(tuple.__new__, Term)
    return list(map(make, zip(map(tt.__getitem__, idx), map(ss.__getitem__, idx), starts, ends, sf)))


# --------------------------------------------------------------------------- the store


class TermCache:
    """An on-disk store of documents' terms, keyed by the SHA-256 of their text.

    Args:
        folder: where ``terms.sqlite3`` goes; None uses :func:`default_cache_dir`.

    Raises:
        ValueError: when the folder lies inside the seed corpus, or the cache is switched
            off (``CORPUS_UTILS_CACHE=0``) and no folder is given.

    Attributes:
        hits, misses: lookups answered from the store and not, since it was opened.

    >>> import tempfile
    >>> with TermCache(tempfile.mkdtemp()) as cache:
    ...     cache.put("نص", [], fingerprint="test")
    ...     cache.get("نص", fingerprint="test")
    []
    """

    FILE_NAME = "terms.sqlite3"

    def __init__(self, folder: str | Path | None = None) -> None:
        if folder is None:
            folder = default_cache_dir()
            if folder is None:
                raise ValueError(f"folder = None is invalid while {CACHE_ENV} switches the cache off; "
                                 "pass a folder or unset the variable")
        self.folder = _check_folder(Path(folder))
        self.path = self.folder / self.FILE_NAME
        self.hits = 0
        self.misses = 0
        self._default_fp: str | None = None
        self.folder.mkdir(parents=True, exist_ok=True)
        self._db: sqlite3.Connection | None = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS terms (fp TEXT NOT NULL, key BLOB NOT NULL, "
                         "data BLOB NOT NULL, PRIMARY KEY (fp, key)) WITHOUT ROWID")

    def __enter__(self) -> "TermCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TermCache({str(self.folder)!r})"

    def close(self) -> None:
        """Close the database (the cache stays on disk)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise ValueError(f"{self!r} is closed; open a new TermCache")
        return self._db

    def _fp(self, fingerprint: str | None) -> str:
        if fingerprint is not None:
            return fingerprint
        if self._default_fp is None:
            self._default_fp = preprocessor_fingerprint()
        return self._default_fp

    def count(self, *, fingerprint: str | None = None) -> int:
        """Documents stored for one preprocessing version (default: the current one)."""
        return self.db.execute("SELECT COUNT(*) FROM terms WHERE fp = ?", (self._fp(fingerprint),)).fetchone()[0]

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM terms").fetchone()[0]

    def clear(self, *, fingerprint: str | None = None) -> None:
        """Remove every stored document, or only those of one preprocessing version.

        Args:
            fingerprint: a :func:`preprocessor_fingerprint`; None removes everything.
        """
        if fingerprint is None:
            self.db.execute("DELETE FROM terms")
        else:
            self.db.execute("DELETE FROM terms WHERE fp = ?", (fingerprint,))
        self.db.execute("VACUUM")

    def get_many(self, texts: Sequence[str], *, fingerprint: str | None = None,
                 keys: Sequence[bytes] | None = None) -> list[list | None]:
        """The stored terms of each text, or None where it is not stored.

        Args:
            texts: the documents' texts.
            fingerprint: the preprocessing version (default: :func:`preprocessor_fingerprint`
                with no options).
            keys: the texts' :func:`text_key` digests, when already computed.

        Returns:
            A list aligned with ``texts``.
        """
        fp = self._fp(fingerprint)
        keys = [text_key(t) for t in texts] if keys is None else list(keys)
        found = self._read(fp, keys)
        out: list[list | None] = []
        for text, key in zip(texts, keys):
            data = found.get(key)
            out.append(None if data is None else decode_terms(text, data))
        return out

    def _read(self, fp: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """Stored records by key (missing keys absent); counts hits and misses."""
        found: dict[bytes, bytes] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _SQL_VARS):
            part = unique[i:i + _SQL_VARS]
            marks = ",".join("?" * len(part))
            found.update(self.db.execute(f"SELECT key, data FROM terms WHERE fp = ? AND key IN ({marks})",
                                         [fp, *part]))
        hits = sum(1 for k in keys if k in found)
        self.hits += hits
        self.misses += len(keys) - hits
        return found

    def _write(self, rows: list[tuple[str, bytes, bytes]]) -> None:
        """Store (fingerprint, key, record) rows in one transaction."""
        db = self.db
        db.execute("BEGIN")
        try:
            db.executemany("INSERT OR REPLACE INTO terms (fp, key, data) VALUES (?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def get(self, text: str, *, fingerprint: str | None = None) -> list | None:
        """The stored terms of ``text``, or None."""
        return self.get_many([text], fingerprint=fingerprint)[0]

    def put_many(self, texts: Sequence[str], term_lists: Sequence[Sequence], *,
                 fingerprint: str | None = None, keys: Sequence[bytes] | None = None) -> None:
        """Store each text's terms, in one transaction.

        Args:
            texts: the documents' texts.
            term_lists: their ``Term`` lists, aligned with ``texts``.
            fingerprint: the preprocessing version the terms come from.
            keys: the texts' :func:`text_key` digests, when already computed.

        Raises:
            ValueError: when ``texts`` and ``term_lists`` differ in length.
        """
        if len(texts) != len(term_lists):
            raise ValueError(f"len(term_lists) = {len(term_lists)} is invalid; it must equal "
                             f"len(texts) = {len(texts)}")
        fp = self._fp(fingerprint)
        keys = [text_key(t) for t in texts] if keys is None else keys
        self._write([(fp, k, encode_terms(t, tl)) for t, tl, k in zip(texts, term_lists, keys)])

    def put(self, text: str, terms: Sequence, *, fingerprint: str | None = None) -> None:
        """Store one text's terms."""
        self.put_many([text], [terms], fingerprint=fingerprint)


def open_cache(cache: "TermCache | str | Path | bool | None" = None) -> TermCache | None:
    """Resolve the ``cache`` argument of :func:`cached_terms` to a store, or None.

    Args:
        cache: a TermCache (used as is), a folder, True / None (the default folder unless
            ``CORPUS_UTILS_CACHE=0``), or False (no cache).

    Returns:
        A TermCache, or None when caching is off or the default folder cannot be
        written (a warning says so).

    Raises:
        ValueError: when ``cache`` is none of these, or a folder inside the seed corpus.

    >>> open_cache(False) is None
    True
    """
    if cache is False:
        return None
    if isinstance(cache, TermCache):
        return cache
    if cache is None or cache is True:
        folder = default_cache_dir()
        if folder is None:
            return None
        try:
            return TermCache(folder)
        except (OSError, sqlite3.Error) as exc:
            warnings.warn(f"the term cache in {folder} cannot be used ({exc}); going on without it. "
                          f"Set {CACHE_ENV} to a writable folder, or to 0 to silence this.", stacklevel=3)
            return None
    if isinstance(cache, (str, os.PathLike)):
        return TermCache(cache)
    raise ValueError(f"cache = {cache!r} is invalid; use a folder, a TermCache, True, False or None")


def _terms_of(text: str, **options: Any) -> list:
    from .arabic import terms

    return terms(text, **options)


# Options of arabic.terms for the current run, set once per process by _set_options (the
# initializer of corpus_utils.parallel): a corpus lexicon then travels to each worker once,
# and stays one object there, so arabic's per-type caches keyed on it stay warm.
_OPTIONS: dict[str, Any] = {}


def _set_options(options: dict[str, Any]) -> None:
    global _OPTIONS
    _OPTIONS = options


def _terms_with_options(text: str) -> list:
    from .arabic import terms

    return terms(text, **_OPTIONS)


def _pair_counts_with_options(text: str) -> bytes:
    return _pair_counts(text, **_OPTIONS)


class _Runner:
    """Runs one per-document function with fixed options, here or on worker processes.

    In this process the options are bound with a partial; on workers they are installed
    once per worker by :func:`_set_options` instead of travelling with every task.
    """

    def __init__(self, local, remote, options: dict[str, Any]) -> None:
        self.local = partial(local, **options) if options else local
        self.remote = remote
        self.options = options

    def map(self, texts: list[str], n_jobs: int | None) -> Iterator:
        from .parallel import imap_documents, resolve_n_jobs

        if resolve_n_jobs(n_jobs) == 1:
            return map(self.local, texts)
        return imap_documents(self.remote, texts, n_jobs=n_jobs, initializer=_set_options,
                              initargs=(self.options,))


def cached_terms(texts: Iterable[str], *, cache: "TermCache | str | Path | bool | None" = None,
                 n_jobs: int | None = 1, batch_size: int = DEFAULT_BATCH_SIZE,
                 total: int | None = None, progress: bool | None = False,
                 **options: Any) -> Iterator[list]:
    """``arabic.terms`` of each text, read from the cache where stored, else computed and stored.

    Texts are handled in batches of ``batch_size``: one lookup per batch, the missing ones
    computed (on ``n_jobs`` processes) and written in one transaction, then the batch's
    term lists yielded in input order. Only one batch is held at a time. The results equal
    ``[arabic.terms(t, **options) for t in texts]``.

    Args:
        texts: the documents' texts (e.g. ``corpus["text"]``).
        cache: where to cache (see :func:`open_cache`); False computes without caching.
        n_jobs: processes for the documents not in the cache (see
            :func:`corpus_utils.parallel.resolve_n_jobs`).
        batch_size: documents per lookup and per write.
        total: number of texts, for the progress bar.
        progress: True / False / None (auto), as in :func:`corpus_utils.progress.progress`.
        **options: passed to ``arabic.terms`` (``news_stopwords``, ``extra_stopwords``,
            ``keep_numbers``, ``lexicon``); they are part of the cache key.

    Returns:
        An iterator of ``list[Term]``, one per text, in order.

    Raises:
        ValueError: when ``batch_size`` is not an int >= 1, or ``cache`` or ``n_jobs``
            has a value that is not allowed.

    References:
        Zipf's law makes the per-type caches of ``arabic.terms`` pay inside one run; this
        cache pays across runs.

    >>> [t.term for t in next(cached_terms(["قال الائتلاف الوطني"], cache=False))]
    ['ائتلاف', 'وطني']
    """
    from .parallel import resolve_n_jobs
    from .progress import progress as _progress

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size = {batch_size!r} is invalid; value must be an int >= 1")
    resolve_n_jobs(n_jobs)  # validate before any work
    store = open_cache(cache)
    fingerprint = preprocessor_fingerprint(**options) if store is not None else None
    if total is None and hasattr(texts, "__len__"):
        total = len(texts)  # type: ignore[arg-type]
    func = _Runner(_terms_of, _terms_with_options, options)
    return _cached_terms(_progress(texts, total=total, desc="terms", enabled=progress), store,
                         func=func, fingerprint=fingerprint, n_jobs=n_jobs, batch_size=batch_size,
                         owned=store is not None and store is not cache)


def _cached_terms(texts: Iterable[str], store: TermCache | None, *, func, fingerprint: str | None,
                  n_jobs: int | None, batch_size: int, owned: bool) -> Iterator[list]:
    try:
        batch: list[str] = []
        for text in texts:
            if not isinstance(text, str):
                raise ValueError(f"text = {text!r} is invalid; every document must be a str")
            batch.append(text)
            if len(batch) >= batch_size:
                yield from _one_batch(batch, store, func, fingerprint, n_jobs)
                batch = []
        if batch:
            yield from _one_batch(batch, store, func, fingerprint, n_jobs)
    finally:
        if owned and store is not None:
            store.close()


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while a batch allocates millions of Terms.

    ``Term`` is a tuple subclass, which CPython never untracks, so with millions of live
    terms every full collection walks them all: measured, half the CPU time of a
    preprocessing run went to the collector. The pause covers one batch, never a yield.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _one_batch(batch: list[str], store: TermCache | None, func, fingerprint: str | None,
               n_jobs: int | None) -> list[list]:
    with _gc_paused():
        return _one_batch_unpaused(batch, store, func, fingerprint, n_jobs)


def _one_batch_unpaused(batch: list[str], store: TermCache | None, func, fingerprint: str | None,
                        n_jobs: int | None) -> list[list]:
    if store is None:
        return list(func.map(batch, n_jobs))
    keys = [text_key(t) for t in batch]
    found = store.get_many(batch, fingerprint=fingerprint, keys=keys)
    missing = [i for i, f in enumerate(found) if f is None]
    if missing:
        first: dict[bytes, int] = {}
        for i in missing:  # the same text twice in a batch is computed once
            first.setdefault(keys[i], i)
        todo = list(first.values())
        computed = list(func.map([batch[i] for i in todo], n_jobs))
        store.put_many([batch[i] for i in todo], computed, fingerprint=fingerprint,
                       keys=[keys[i] for i in todo])
        by_key = {keys[i]: c for i, c in zip(todo, computed)}
        computed_here = set(todo)
        for i in missing:  # a repeat gets its own list, so callers may change lists freely
            found[i] = by_key[keys[i]] if i in computed_here else list(by_key[keys[i]])
    return found  # type: ignore[return-value]


# --------------------------------------------------------------------------- counts per document
# What the analyses need is rarely every Term with its offsets: TF-IDF and keyness need how
# often each stem occurs in each document, and the term to show for each stem. Counting per
# document as the texts stream by keeps memory at one document's (term, stem) pairs (never
# millions of Term objects at once) and the per-document record is small (distinct pairs +
# counts). The counts of a batch of documents are packed into NumPy int32 arrays, the
# buffers of a sparse matrix with one column per distinct (term, stem) pair; summing the
# pair columns of one stem gives the stem counts, and the pair totals give the display form.


class TermMatrix(NamedTuple):
    """Term counts of a corpus: :func:`term_matrix`'s result."""

    X: Any             #: scipy.sparse CSR matrix (documents x stems) of term counts, int64
    stems: list[str]   #: the stem (feature key, never shown) of each column
    forms: dict        #: stem -> the term shown for it (as ``arabic.display_forms``)
    totals: Any        #: NumPy int64 array: number of terms in each document


class PairMatrix(NamedTuple):
    """(term, stem) pair counts of a corpus: :func:`pair_matrix`'s result."""

    X: Any             #: scipy.sparse CSR matrix (documents x distinct pairs) of counts, int64
    terms: list[str]   #: the term (shown form) of each column
    stems: list[str]   #: the stem of each column


def _term_pairs(text: str, **options: Any) -> list[tuple[str, str]]:
    """``arabic.term_pairs``: the (term, stem) of every term, without offsets."""
    from .arabic import term_pairs

    return term_pairs(text, **options)


def _pair_counter(text: str, **options: Any) -> Counter:
    """One document's (term, stem) pairs with their counts, in order of first occurrence."""
    return Counter(_term_pairs(text, **options))


def _pair_counts(text: str, **options: Any) -> bytes:
    """One document's distinct (term, stem) pairs and their counts, as a compact record."""
    return _encode_counts(_pair_counter(text, **options))


def _encode_counts(counts: Mapping[tuple[str, str], int]) -> bytes:
    values = list(counts.values())
    code = _typecode(values) if values else "B"
    return marshal.dumps((_FORMAT_VERSION, "\0".join(k[0] for k in counts), "\0".join(k[1] for k in counts),
                          array(code, values).tobytes(), code))


def _decode_counts(data: bytes) -> tuple[list[str], list[str], array]:
    version, term_s, stem_s, count_b, code = marshal.loads(data)
    if version != _FORMAT_VERSION:
        raise ValueError(f"cache record version = {version!r} is invalid; expected {_FORMAT_VERSION}")
    counts = array(code)
    counts.frombytes(count_b)
    if not counts:
        return [], [], counts
    return term_s.split("\0"), stem_s.split("\0"), counts


class _PairCounts:
    """Rows of (term, stem) pair counts, appended one document at a time.

    Columns are numbered in order of first occurrence. A batch of rows is gathered in
    Python lists (extended in C), then packed into NumPy int32 chunks by :meth:`pack`, so
    no Python object is kept per count; only the mapping pair -> column grows with the
    vocabulary.
    """

    def __init__(self) -> None:
        self.columns: dict[tuple[str, str], int] = {}
        self._cols: list[int] = []
        self._vals: list[int] = []
        self._lengths: list[int] = []
        self.chunks: list[tuple] = []

    def add(self, counts: Mapping[tuple[str, str], int]) -> None:
        """Append one document's row (pairs in the order of the mapping)."""
        columns = self.columns
        cols = list(map(columns.get, counts))
        if None in cols:  # new pairs: number them in order, then look up again
            new = list(compress(counts, map(is_, cols, repeat(None))))
            columns.update(zip(new, range(len(columns), len(columns) + len(new))))
            cols = list(map(columns.__getitem__, counts))
        self._cols.extend(cols)
        self._vals.extend(counts.values())
        self._lengths.append(len(cols))

    def add_record(self, record: bytes) -> None:
        """Append one document's row from a stored record (:func:`_pair_counts`)."""
        tt, ss, counts = _decode_counts(record)
        self.add(dict(zip(zip(tt, ss), counts)))

    def pack(self) -> None:
        """Move the rows gathered so far into compact NumPy chunks."""
        import numpy as np

        if self._lengths:
            self.chunks.append(tuple(np.fromiter(v, dtype=t, count=len(v)) for v, t in (
                (self._cols, np.int32), (self._vals, np.int32), (self._lengths, np.int64))))
            self._cols, self._vals, self._lengths = [], [], []

    def result(self) -> PairMatrix:
        import numpy as np

        self.pack()
        chunks, self.chunks = self.chunks, []
        if chunks:
            # one column at a time, each chunk's part dropped once joined: the peak is the
            # joined arrays plus one column of chunks, not every chunk
            cols, vals, lens = (list(c) for c in zip(*chunks))
            del chunks
            indices = np.concatenate(cols)
            del cols
            lengths = np.concatenate(lens)
            del lens
            data = np.empty(len(indices), dtype=np.int64)
            np.concatenate(vals, out=data, casting="safe")
            del vals
        else:
            indices, data, lengths = (np.zeros(0, dtype=t) for t in (np.int32, np.int64, np.int64))
            del chunks
        return _pair_result(indices, data, lengths, list(self.columns))


def _pair_result(indices, data, lengths, pairs: list[tuple[str, str]]) -> PairMatrix:
    """The PairMatrix of rows given as (column, count) entries (distinct columns within a
    row, in order of first occurrence) and row lengths."""
    import numpy as np
    from scipy import sparse

    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    index_dtype = np.int32 if max(len(indices), len(pairs)) < np.iinfo(np.int32).max else np.int64
    X = sparse.csr_matrix((data.astype(np.int64, copy=False), indices.astype(index_dtype, copy=False),
                           indptr.astype(index_dtype)), shape=(len(lengths), len(pairs)),
                          dtype=np.int64, copy=False)
    return PairMatrix(X, [p[0] for p in pairs], [p[1] for p in pairs])


def _count_pairs(texts: Iterable[str], *, cache, n_jobs, batch_size, total, progress,
                 options: dict[str, Any]) -> PairMatrix:
    """The streaming loop of :func:`pair_matrix`."""
    from .arabic import term_pairs
    from .parallel import resolve_n_jobs
    from .progress import progress as _progress

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size = {batch_size!r} is invalid; value must be an int >= 1")
    local = resolve_n_jobs(n_jobs) == 1
    store = open_cache(cache)
    owned = store is not None and store is not cache
    fp = preprocessor_fingerprint(**options) + ":counts" if store is not None else None
    if total is None and hasattr(texts, "__len__"):
        total = len(texts)  # type: ignore[arg-type]
    func = _Runner(_pair_counts, _pair_counts_with_options, options)
    pairs_of = partial(term_pairs, **options)  # looked up once: a unit can be one paragraph
    rows = _PairCounts()

    def flush(batch: list[str]) -> None:
        with _gc_paused():
            if store is None:
                if local:  # no record needed: count straight into the rows
                    add = rows.add
                    for text in batch:
                        add(Counter(pairs_of(text)))
                else:
                    for record in func.map(batch, n_jobs):
                        rows.add_record(record)
                rows.pack()
                return
            keys = [text_key(t) for t in batch]
            found = store._read(fp, keys)
            todo = list(dict.fromkeys(k for k in keys if k not in found))
            if todo:
                wanted = set(todo)
                first = {k: t for k, t in zip(keys, batch) if k in wanted}
                new = list(func.map([first[k] for k in todo], n_jobs))
                store._write([(fp, k, r) for k, r in zip(todo, new)])
                found.update(zip(todo, new))
            for k in keys:
                rows.add_record(found[k])
            rows.pack()

    try:
        batch: list[str] = []
        for text in _progress(texts, total=total, desc="term counts", enabled=progress):
            if not isinstance(text, str):
                raise ValueError(f"text = {text!r} is invalid; every document must be a str")
            batch.append(text)
            if len(batch) >= batch_size:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
    finally:
        if owned:
            store.close()
    return rows.result()


def pair_matrix(texts: Iterable[str], *, cache: "TermCache | str | Path | bool | None" = None,
                n_jobs: int | None = 1, batch_size: int = DEFAULT_BATCH_SIZE,
                total: int | None = None, progress: bool | None = False,
                **options: Any) -> PairMatrix:
    """Documents x (term, stem) pairs count matrix of ``arabic.term_pairs``, streamed.

    The finest count table the analyses need: one column per distinct (term, stem) pair,
    so that a caller can drop pairs by their term (TF-IDF drops short terms and stop words)
    before summing the columns of each stem (:func:`stem_counts`). Each document is reduced
    to its distinct pairs with counts as soon as it is analysed and written into the
    sparse matrix's buffers; with a cache, that record is what is stored per document.

    Args:
        texts: the documents' texts, in row order.
        cache: where to cache (see :func:`open_cache`); False computes without caching.
        n_jobs: processes for documents not in the cache.
        batch_size: documents per lookup and per write.
        total: number of texts, for the progress bar.
        progress: True / False / None (auto), as in :func:`corpus_utils.progress.progress`.
        **options: passed to ``arabic.term_pairs`` (``news_stopwords``, ``extra_stopwords``,
            ``keep_numbers``, ``lexicon``); they are part of the cache key.

    Returns:
        A :class:`PairMatrix` ``(X, terms, stems)``; columns in order of first occurrence,
        each row's pairs in order of first occurrence in the document.

    Raises:
        ValueError: as for :func:`cached_terms`.

    >>> m = pair_matrix(["الائتلاف والائتلاف الوطني"], cache=False)
    >>> m.X.toarray().tolist(), m.terms
    ([[2, 1]], ['ائتلاف', 'وطني'])
    """
    return _count_pairs(texts, cache=cache, n_jobs=n_jobs, batch_size=batch_size, total=total,
                        progress=progress, options=options)


def stem_counts(pairs: PairMatrix, *, keep: Any = None) -> TermMatrix:
    """Sum the pair columns of each stem: the documents x stems counts of :func:`term_matrix`.

    Args:
        pairs: a :func:`pair_matrix` result.
        keep: optional boolean mask over the pair columns; pairs outside it are not counted
            (neither in the matrix, the display forms nor the totals).

    Returns:
        A :class:`TermMatrix`: stems numbered in order of first occurrence of a kept pair,
        canonical CSR (sorted indices, no duplicates), the display form of each stem chosen
        as ``arabic.display_forms`` does (most frequent term, then shorter, then
        alphabetical first) and each document's number of kept terms.

    >>> m = stem_counts(pair_matrix(["الائتلاف الوطني", "والائتلاف"], cache=False))
    >>> m.X.toarray().tolist(), m.stems, m.forms
    ([[1, 1], [1, 0]], ['ائتلاف', 'وطني'], {'ائتلاف': 'ائتلاف', 'وطني': 'وطني'})
    """
    import numpy as np
    from scipy import sparse

    X = pairs.X
    n_pairs = X.shape[1]
    keep = np.ones(n_pairs, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    if keep.shape != (n_pairs,):
        raise ValueError(f"keep has shape {keep.shape}; expected one flag per pair column ({n_pairs})")
    index: dict[str, int] = {}
    stem_of = np.full(n_pairs, -1, dtype=np.int32 if n_pairs < 2**31 else np.int64)
    stems = pairs.stems
    for j in np.flatnonzero(keep).tolist():
        s_ = stems[j]
        col = index.get(s_)
        if col is None:
            col = index[s_] = len(index)
        stem_of[j] = col
    pair_totals = np.bincount(X.indices, weights=X.data, minlength=n_pairs)
    cols = stem_of[X.indices]
    kept = cols >= 0
    if kept.all():  # X's own data: copied below, since sum_duplicates works in place
        data, indices, indptr, copy = X.data, cols, X.indptr, True
    else:
        # kept entries before each entry: the new row pointers. Each temporary is freed as
        # soon as it has served (100,000 articles have about 20 million entries: every byte
        # per entry is 20 MB)
        before = np.zeros(len(kept) + 1, dtype=np.int32 if len(kept) < 2**31 else np.int64)
        np.cumsum(kept, out=before[1:])
        indptr = before[X.indptr]
        del before
        indices = cols[kept]
        cols = None
        data, copy = X.data[kept], False
    del cols, kept
    out = sparse.csr_matrix((np.asarray(data, dtype=np.int64), indices, indptr),
                            shape=(X.shape[0], len(index)), dtype=np.int64, copy=copy)
    del data, indices, indptr
    out.sum_duplicates()  # two terms with one stem in a document share a column
    totals = np.asarray(out.sum(axis=1), dtype=np.int64).ravel()
    # arabic.display_forms' rule: the most frequent term, then the shorter, then the first
    best: dict[str, tuple[int, int, str]] = {}
    terms = pairs.terms
    for j in np.flatnonzero(keep).tolist():
        t = terms[j]
        rank = (-int(pair_totals[j]), len(t), t)
        s_ = stems[j]
        old = best.get(s_)
        if old is None or rank < old:
            best[s_] = rank
    forms = {s_: best[s_][2] for s_ in index}
    return TermMatrix(out, list(index), forms, totals)


def term_matrix(texts: Iterable[str], *, cache: "TermCache | str | Path | bool | None" = None,
                n_jobs: int | None = 1, batch_size: int = DEFAULT_BATCH_SIZE,
                total: int | None = None, progress: bool | None = False,
                **options: Any) -> TermMatrix:
    """Documents x stems count matrix of ``arabic.terms``, streamed, cached per document.

    Equivalent to counting ``t.stem`` over ``arabic.terms(text, **options)`` for each text
    and taking ``arabic.display_forms`` of all the terms, without ever holding more than
    one document's terms: each document is reduced to its distinct (term, stem) pairs with
    counts as soon as it is analysed (:func:`pair_matrix`, with ``arabic.term_pairs``, the
    path without offsets), then the pairs of each stem are summed (:func:`stem_counts`).
    The per-document record is what the cache stores (beside, not instead of, the full
    terms of :func:`cached_terms`), and what worker processes send back with ``n_jobs`` >
    1. (On a 2-core machine one process with warm per-type caches was faster than two:
    ``benchmarks/README.md``.)

    Args:
        texts: the documents' texts, in row order.
        cache: where to cache (see :func:`open_cache`); False computes without caching.
        n_jobs: processes for documents not in the cache.
        batch_size: documents per lookup and per write.
        total: number of texts, for the progress bar.
        progress: True / False / None (auto), as in :func:`corpus_utils.progress.progress`.
        **options: passed to ``arabic.term_pairs`` (e.g. ``lexicon=arabic.build_lexicon(texts)``
            for the corpus-wide guarded splits of ``arabic.corpus_terms``).

    Returns:
        A :class:`TermMatrix` ``(X, stems, forms, totals)``; columns in order of first
        occurrence.

    Raises:
        ValueError: as for :func:`cached_terms`.

    References:
        Manning, C. D., Raghavan, P. & Schütze, H. (2008). *Introduction to Information
        Retrieval*, ch. 6 (term frequency, the document-term matrix).

    >>> m = term_matrix(["الائتلاف الوطني", "الائتلاف والائتلاف"], cache=False)
    >>> m.X.toarray().tolist(), m.stems, m.totals.tolist()
    ([[1, 1], [2, 0]], ['ائتلاف', 'وطني'], [2, 2])
    """
    return stem_counts(pair_matrix(texts, cache=cache, n_jobs=n_jobs, batch_size=batch_size,
                                   total=total, progress=progress, **options))


# --------------------------------------------------------------------------- one lexicon per corpus
# Topics, keyness, KWIC and the themes each analyse a corpus with its lexicon
# (``arabic.build_lexicon``: one pass over every text, seconds at 100,000 articles). The
# lexicons of the last few corpora are kept here, under the texts' hashes.

#: Texts made into Python strings at a time by :func:`iter_texts` (a pandas column of Arrow
#: strings holds them compactly; a list of 100,000 articles as Python strings is ~400 MB).
TEXT_CHUNK_SIZE = 10_000
#: Lexicons kept in memory by :func:`lexicon` (one for each of the last corpora seen).
LEXICON_MEMO_SIZE = 2
_LEXICON_MEMO: dict[tuple[int, ...], frozenset[str]] = {}
# Arrow arrays of text columns already looked up: id -> (weak reference, key in _LEXICON_MEMO).
# Arrow arrays never change, so while the same array is alive its texts are the same.
_ARRAY_KEYS: dict[int, tuple[Any, tuple[int, ...]]] = {}


def iter_texts(texts: Iterable[str], *, chunk_size: int = TEXT_CHUNK_SIZE) -> Iterator[str]:
    """The values of a text column one at a time, made into Python objects a chunk at a time.

    A pandas Series (e.g. ``corpus["text"]``) is read ``chunk_size`` values at a time, so
    its strings never all exist as Python objects at once; any other iterable is passed
    through.

    Args:
        texts: a pandas Series, a list or any iterable of texts.
        chunk_size: values converted at a time from a Series.

    Returns:
        An iterator over the values, in order (missing values as pandas gives them).

    >>> import pandas as pd
    >>> list(iter_texts(pd.Series(["ا", "ب", "ت"]), chunk_size=2))
    ['ا', 'ب', 'ت']
    """
    if hasattr(texts, "iloc") and hasattr(texts, "tolist"):
        for lo in range(0, len(texts), chunk_size):
            yield from texts.iloc[lo:lo + chunk_size].tolist()
    else:
        yield from texts


def _arrow_array(texts: Any) -> Any:
    """The Arrow array behind a pandas column of strings without gaps, else None."""
    import pandas as pd

    if not (isinstance(texts, pd.Series) and isinstance(texts.dtype, pd.StringDtype)
            and texts.dtype.storage == "pyarrow" and not texts.hasnans):
        return None
    try:
        return texts.array.__arrow_array__()
    except (AttributeError, TypeError):  # pragma: no cover - another pandas
        return None


def lexicon(texts: Iterable[str]) -> frozenset[str]:
    """``arabic.build_lexicon(texts)``, built once per corpus in this process.

    The lexicon is remembered (for the last :data:`LEXICON_MEMO_SIZE` corpora) under the
    tuple of the texts' Python hashes, computed in C on the strings as they are (no
    encoding, no copy: a tenth of a second for 100,000 articles, against seconds to build
    the lexicon), so the analyses of one corpus share one lexicon object instead of each
    building its own, and ``arabic``'s per-lexicon caches stay warm. Another corpus would be
    taken for this one only if each of its differing texts had the same 64-bit hash as its
    counterpart. A pandas Series is read a chunk at a time (:func:`iter_texts`); a column
    of Arrow strings seen before (the same, unchanging array) is not read again.

    Args:
        texts: the texts of the corpus (str each): a list, a pandas Series, any iterable.

    Returns:
        The frozen set of ``arabic.build_lexicon``.

    Raises:
        ValueError: ``texts`` is one str, or holds something else than a str.

    >>> lexicon(["الائتلاف الوطني"]) is lexicon(["الائتلاف الوطني"])
    True
    """
    from .arabic import build_lexicon

    if isinstance(texts, str):
        raise ValueError("texts = a str is invalid; value must be a collection of texts "
                         "(wrap one text in a list)")
    if not (hasattr(texts, "iloc") or isinstance(texts, (list, tuple))):
        texts = list(texts)  # read twice below
    array = _arrow_array(texts)
    seen = _ARRAY_KEYS.get(id(array)) if array is not None else None
    if seen is not None and seen[0]() is array and seen[1] in _LEXICON_MEMO:
        key = seen[1]  # the same column as before: no need to read its texts again
    else:
        hashes = []
        for i, text in enumerate(iter_texts(texts)):
            if not isinstance(text, str):
                raise ValueError(f"texts[{i}] = {text!r} is invalid; every text must be a str")
            hashes.append(hash(text))
        key = tuple(hashes)
        if array is not None:
            import weakref

            for stale in [k for k, (ref, _) in _ARRAY_KEYS.items() if ref() is None]:
                del _ARRAY_KEYS[stale]
            _ARRAY_KEYS[id(array)] = (weakref.ref(array), key)
    found = _LEXICON_MEMO.pop(key, None)
    if found is None:
        found = build_lexicon(iter_texts(texts))
        while len(_LEXICON_MEMO) >= LEXICON_MEMO_SIZE:
            _LEXICON_MEMO.pop(next(iter(_LEXICON_MEMO)))
    _LEXICON_MEMO[key] = found  # most recent last
    return found
