"""Where things are: the bundled seed corpus, package data, the output folder."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
#: Environment variable naming a corpus folder to use instead of the bundled seeds.
CORPUS_ENV = "CORPUS_UTILS_CORPUS"


def seeds_path() -> Path:
    """The bundled seed corpus: ``corpus_utils/_seeds`` in a built wheel, else the
    repository's ``seeds/`` (editable install or a checkout).

    >>> (seeds_path() / "metadata.csv").is_file()
    True
    """
    wheel = PACKAGE_DIR / "_seeds"
    if (wheel / "metadata.csv").is_file():
        return wheel
    repo = PACKAGE_DIR.parent / "seeds"
    if (repo / "metadata.csv").is_file():
        return repo
    raise FileNotFoundError(
        "the bundled seed corpus is missing: expected corpus_utils/_seeds (wheel) or seeds/ "
        "beside the package (checkout); reinstall the package or pass a corpus folder"
    )


def default_corpus_path() -> Path:
    """The corpus used when none is given: ``$CORPUS_UTILS_CORPUS`` if set, else the seeds."""
    env = os.environ.get(CORPUS_ENV)
    if env:
        return Path(env)
    return seeds_path()


def repo_root() -> Path | None:
    """The repository root when running from a checkout (it has ``notebooks/``), else None."""
    root = PACKAGE_DIR.parent
    return root if (root / "notebooks").is_dir() and (root / "pyproject.toml").is_file() else None
