"""Give memory a finished step has freed back to the operating system.

CPython, NumPy and pandas free what a step no longer needs, but the C allocator (glibc's
``malloc`` on Linux) often keeps the freed pages: large arrays freed out of order leave
holes in its heap, and its threshold for giving big blocks their own pages rises as big
blocks are freed. The process then holds on to memory it does not use, and the next step
adds its own on top. On 100,000 articles that was about half a gigabyte after each of the
topic model, the actor mentions and the co-occurrence (``benchmarks/README.md``).

:func:`release_memory` asks glibc to return every free page (``malloc_trim(0)``) and
Arrow's allocator to do the same. The analyses call it when they finish with a large
input (:data:`RELEASE_ABOVE` documents or units), so a small corpus never pays for it.
Nothing is freed that is still in use, so results never change; on systems without glibc
(macOS, Windows, musl) it does nothing.
"""

from __future__ import annotations

import sys

#: The analyses release memory when they end after this many documents or units.
RELEASE_ABOVE = 10_000

_TRIM: list = []  # [malloc_trim or None], looked up once


def _malloc_trim():
    if not _TRIM:
        func = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                func = ctypes.CDLL("libc.so.6").malloc_trim
                func.argtypes, func.restype = [ctypes.c_size_t], ctypes.c_int
            except (OSError, AttributeError):  # not glibc
                func = None
        _TRIM.append(func)
    return _TRIM[0]


def release_memory() -> bool:
    """Return the pages the C allocator and Arrow hold but no longer use to the system.

    Returns:
        True when glibc's ``malloc_trim`` was available and called.

    >>> isinstance(release_memory(), bool)
    True
    """
    trim = _malloc_trim()
    if "pyarrow" in sys.modules:  # never imported just for this
        try:
            sys.modules["pyarrow"].default_memory_pool().release_unused()
        except Exception:  # an old pyarrow or an unusual pool: nothing to release
            pass
    if trim is None:
        return False
    trim(0)
    return True


def release_after(n: int) -> None:
    """:func:`release_memory` when a step has just handled more than :data:`RELEASE_ABOVE`
    documents or units."""
    if n > RELEASE_ABOVE:
        release_memory()
