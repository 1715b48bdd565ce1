"""The built wheel carries the seeds, so `pip install .` works outside the repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: hatchling is pinned in requirements.lock, so no download is needed
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (path,) = out.glob("corpus_utils-*.whl")
    return path


def test_wheel_contains_seeds_byte_identical(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for src in sorted((ROOT / "seeds").iterdir()):
            member = f"corpus_utils/_seeds/{src.name}"
            assert member in names
            assert zf.read(member) == src.read_bytes()


def test_installed_wheel_defaults_to_the_seeds_outside_the_repo(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--disable-pip-version-check", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("import corpus_utils, corpus_utils.paths as p; "
            "print(corpus_utils.__file__); "
            "print(sorted(x.name for x in p.default_corpus_path().glob('*.txt')))")
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         check=True, capture_output=True, text=True).stdout.splitlines()
    assert out[0].startswith(str(target))  # the installed copy, not the checkout
    assert eval(out[1]) == sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert len(eval(out[1])) == 5
