"""Progress bars for long loops, in the terminal and in JupyterLab, switchable off.

:func:`progress` wraps an iterable in a ``tqdm.auto`` bar (a text bar on a terminal, a
widget in JupyterLab) when a bar is wanted, and returns the iterable unchanged otherwise.
Whether a bar is wanted, in this order:

1. ``enabled=True`` or ``enabled=False`` given by the caller decides;
2. the environment variable ``CORPUS_UTILS_PROGRESS``: ``0`` / ``false`` / ``off`` / ``no``
   switches bars off everywhere, ``1`` / ``true`` / ``on`` / ``yes`` switches them on;
3. otherwise a bar is shown when standard error is a terminal or the code runs in a
   Jupyter kernel, and never when output goes to a file or a pipe (logs, CI).

Notebook test runs (nbval, ``corpus-utils run``) set ``CORPUS_UTILS_PROGRESS=0`` so that
saved outputs stay stable: a bar's rates and timings differ on every run.

tqdm is imported only when a bar is actually drawn, so ``import corpus_utils`` stays light.
"""

from __future__ import annotations

import os
import sys
from typing import Iterable, TypeVar

T = TypeVar("T")

#: Environment variable that switches progress bars off (``0``) or on (``1``).
PROGRESS_ENV = "CORPUS_UTILS_PROGRESS"

_OFF = frozenset({"0", "false", "off", "no"})
_ON = frozenset({"1", "true", "on", "yes"})


def _in_jupyter_kernel() -> bool:
    """True inside a Jupyter kernel (JupyterLab, classic notebook, nbclient)."""
    ipython = sys.modules.get("IPython")  # never import IPython just to ask
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - an IPython too broken to answer
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _stderr_is_tty() -> bool:
    stream = sys.stderr
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def progress_enabled(enabled: bool | None = None) -> bool:
    """Whether :func:`progress` would draw a bar (see the module docstring for the rules).

    Args:
        enabled: the caller's choice; ``None`` means decide from the environment.

    Returns:
        True when a bar would be drawn.

    Raises:
        ValueError: when ``enabled`` is not True, False or None, or the environment
            variable has a value other than those listed in the module docstring.

    >>> progress_enabled(False)
    False
    """
    if enabled is not None:
        if not isinstance(enabled, bool):
            raise ValueError(f"enabled = {enabled!r} is invalid; use True, False or None")
        return enabled
    value = os.environ.get(PROGRESS_ENV)
    if value is not None and value.strip() != "":
        flag = value.strip().lower()
        if flag in _OFF:
            return False
        if flag in _ON:
            return True
        raise ValueError(f"{PROGRESS_ENV} = {value!r} is invalid; use 0 (off) or 1 (on)")
    return _stderr_is_tty() or _in_jupyter_kernel()


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str | None = None,
             enabled: bool | None = None) -> Iterable[T]:
    """Wrap ``iterable`` in a progress bar when one is wanted, else return it unchanged.

    Args:
        iterable: what the loop iterates over.
        total: number of items, for a bar with an end when ``len(iterable)`` is unknown
            (generators); ``None`` uses ``len(iterable)`` where it exists.
        desc: a short label shown before the bar, e.g. ``"terms"``.
        enabled: True or False to force the bar on or off; ``None`` (default) shows it on a
            terminal or in Jupyter unless ``CORPUS_UTILS_PROGRESS=0``.

    Returns:
        An iterable yielding the same items in the same order.

    Raises:
        ValueError: when ``total`` is negative or ``enabled`` is not a bool or None.

    References:
        tqdm documentation, ``tqdm.auto``: https://tqdm.github.io/docs/tqdm/

    >>> list(progress(range(3), enabled=False))
    [0, 1, 2]
    """
    if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
        raise ValueError(f"total = {total!r} is invalid; use a whole number >= 0 or None")
    if not progress_enabled(enabled):
        return iterable
    from tqdm.auto import tqdm

    if total is None:
        try:
            total = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            total = None
    return tqdm(iterable, total=total, desc=desc, leave=False, dynamic_ncols=True,
                mininterval=0.5, file=sys.stderr)

