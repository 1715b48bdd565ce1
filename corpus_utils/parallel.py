"""Run a per-document step on several CPU cores (``n_jobs``), keeping the input order.

The CPU-heavy per-document steps (Arabic preprocessing, actor finding) are independent
from one document to the next, so they can run in worker processes. ``n_jobs=1`` (the
default everywhere) runs in the calling process with no pool at all; ``n_jobs=-1`` uses
every core, ``-2`` all but one, as in scikit-learn and joblib. The pool is joblib's (loky),
which also runs functions defined in a notebook.

Worker processes pay a start-up cost (about a second) and every text and result is
pickled across, so more jobs pay off only for corpora of thousands of documents.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Iterator, TypeVar

from .progress import progress as _progress

T = TypeVar("T")
R = TypeVar("R")


def resolve_n_jobs(n_jobs: int | None) -> int:
    """The number of worker processes ``n_jobs`` stands for on this machine.

    Args:
        n_jobs: None or 1 for one process; a positive number for that many processes
            (at most the number of cores); -1 for every core, -2 for all but one, ...

    Returns:
        A number >= 1.

    Raises:
        ValueError: when ``n_jobs`` is 0 or not a whole number.

    >>> resolve_n_jobs(1), resolve_n_jobs(None)
    (1, 1)
    """
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0:
        raise ValueError(f"n_jobs = {n_jobs!r} is invalid; use a whole number >= 1, or -1 for every core")
    cores = os.cpu_count() or 1
    if n_jobs < 0:
        return max(1, cores + 1 + n_jobs)
    return min(n_jobs, cores)


def imap_documents(func: Callable[[T], R], items: Iterable[T], *, n_jobs: int | None = 1,
                   total: int | None = None, desc: str | None = None,
                   progress: bool | None = False, initializer: Callable[..., Any] | None = None,
                   initargs: tuple = (), chunksize: int = 32) -> Iterator[R]:
    """Apply ``func`` to each item, lazily, in input order, on ``n_jobs`` processes.

    Large read-only context (a corpus lexicon, a codebook) should not travel with every
    task: pass it through ``initializer(*initargs)``, which runs once in each worker (and
    once here when ``n_jobs`` is 1) and can keep it in a module-level variable that
    ``func`` reads. Then each worker unpickles it once and keeps one object, so per-type
    caches keyed on it stay warm.

    Args:
        func: a function of one argument (picklable when ``n_jobs`` > 1: defined at the
            top level of a module or a notebook cell, not a lambda inside a function).
        items: the inputs (e.g. texts); read a window ahead of the results.
        n_jobs: see :func:`resolve_n_jobs`.
        total: number of items, for the progress bar.
        desc: label of the progress bar.
        progress: True / False / None (auto) as in :func:`corpus_utils.progress.progress`.
        initializer: called with ``initargs`` once per process before any item.
        initargs: its arguments.
        chunksize: items sent to a worker at a time.

    Returns:
        An iterator of ``func(item)`` in the order of ``items``.

    Raises:
        ValueError: when ``n_jobs`` or ``chunksize`` is not allowed.

    References:
        joblib / loky, reusable process executors: https://joblib.readthedocs.io/

    >>> list(imap_documents(len, ["ab", "c"]))
    [2, 1]
    """
    jobs = resolve_n_jobs(n_jobs)
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
        raise ValueError(f"chunksize = {chunksize!r} is invalid; value must be an int >= 1")
    items = _progress(items, total=total, desc=desc, enabled=progress)
    if jobs == 1:
        if initializer is not None:
            initializer(*initargs)
        return map(func, items)
    return _imap_pool(func, items, jobs=jobs, initializer=initializer, initargs=initargs,
                      chunksize=chunksize)


def _imap_pool(func, items, *, jobs: int, initializer, initargs: tuple, chunksize: int) -> Iterator:
    from joblib.externals.loky import get_reusable_executor

    executor = get_reusable_executor(max_workers=jobs, initializer=initializer, initargs=initargs,
                                     reuse="auto")  # same initializer and initargs: same workers
    window = jobs * chunksize * 4
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= window:
            yield from executor.map(func, batch, chunksize=chunksize)
            batch = []
    if batch:
        yield from executor.map(func, batch, chunksize=chunksize)


def map_documents(func: Callable[[T], R], items: Iterable[T], **options: Any) -> list[R]:
    """:func:`imap_documents` collected into a list.

    >>> map_documents(str.upper, ["a", "b"], n_jobs=1)
    ['A', 'B']
    """
    return list(imap_documents(func, items, **options))
