"""The shared test setup (tests/conftest.py) keeps every test away from the user's cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from corpus_utils.cache import CACHE_ENV, default_cache_dir

_SEEN: list[str] = []


def _check_private(tmp_path_factory) -> str:
    value = os.environ.get(CACHE_ENV)
    assert value, f"{CACHE_ENV} is not set by tests/conftest.py"
    base = tmp_path_factory.getbasetemp().resolve()
    assert base in Path(value).resolve().parents
    assert default_cache_dir() == Path(value)
    home_cache = Path.home() / ".cache" / "corpus-utils"
    assert home_cache != default_cache_dir()
    return value


def test_cache_points_at_a_temporary_folder(tmp_path_factory):
    _SEEN.append(_check_private(tmp_path_factory))


def test_each_test_gets_its_own_cache_folder(tmp_path_factory):
    value = _check_private(tmp_path_factory)
    assert value not in _SEEN
    _SEEN.append(value)


def test_subprocesses_inherit_the_private_cache():
    code = "from corpus_utils.cache import default_cache_dir; print(default_cache_dir())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == os.environ[CACHE_ENV]
