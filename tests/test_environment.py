"""pyproject.toml, environment.yml and requirements.lock must agree.

* the same direct dependencies, by normalised name, both ways;
* environment.yml pins each to the version requirements.lock pins;
* that version satisfies pyproject's range.

The meta-tests edit a temporary copy of each file and show the check then fails.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_deps(path: Path) -> dict[str, Requirement]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    reqs = [Requirement(s) for s in data["project"]["dependencies"]]
    return {_norm(r.name): r for r in reqs}


def environment_pins(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pins = {}
    for dep in data["dependencies"]:
        if not isinstance(dep, str):
            continue  # the pip: section installs only the package itself
        name, _, version = dep.partition("=")
        if _norm(name) in {"python", "pip"}:
            continue
        pins[_norm(name)] = version.lstrip("=")
    return pins


def lock_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[_norm(name)] = version.strip()
    return pins


def environment_mismatches(pyproject: Path, environment: Path, lock: Path) -> list[str]:
    """Every disagreement between the three files (empty when they agree)."""
    deps, env, locked = pyproject_deps(pyproject), environment_pins(environment), lock_pins(lock)
    problems = []
    for name in sorted(set(deps) - set(env)):
        problems.append(f"{name}: in pyproject.toml, missing from environment.yml")
    for name in sorted(set(env) - set(deps)):
        problems.append(f"{name}: in environment.yml, missing from pyproject.toml")
    for name in sorted(set(deps) & set(env)):
        if name not in locked:
            problems.append(f"{name}: not pinned in requirements.lock")
            continue
        if env[name] != locked[name]:
            problems.append(f"{name}: environment.yml pins {env[name]}, requirements.lock {locked[name]}")
        if Version(locked[name]) not in deps[name].specifier:
            problems.append(f"{name}: locked {locked[name]} outside pyproject range {deps[name].specifier}")
    return problems


def test_pyproject_environment_and_lock_agree():
    problems = environment_mismatches(ROOT / "pyproject.toml", ROOT / "environment.yml", ROOT / "requirements.lock")
    assert problems == []


def test_environment_has_core_dependencies():
    pins = environment_pins(ROOT / "environment.yml")
    for core in ("jupyterlab", "spacy", "scikit-learn", "matplotlib", "nbval"):
        assert core in pins
    assert Version(pins["matplotlib"]) >= Version("3.11")  # shapes Arabic itself


def _copies(tmp_path):
    for name in ("pyproject.toml", "environment.yml", "requirements.lock"):
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path / "pyproject.toml", tmp_path / "environment.yml", tmp_path / "requirements.lock"


def test_meta_edited_environment_pin_fails(tmp_path):
    pyproject, env, lock = _copies(tmp_path)
    version = environment_pins(env)["spacy"]
    env.write_text(env.read_text(encoding="utf-8").replace(f"spacy={version}", "spacy=3.8.0"), encoding="utf-8")
    problems = environment_mismatches(pyproject, env, lock)
    assert any(p.startswith("spacy: environment.yml pins 3.8.0") for p in problems)


def test_meta_edited_pyproject_range_fails(tmp_path):
    pyproject, env, lock = _copies(tmp_path)
    text = pyproject.read_text(encoding="utf-8")
    assert '"matplotlib>=3.11,<4"' in text
    pyproject.write_text(text.replace('"matplotlib>=3.11,<4"', '"matplotlib>=3.12,<4"'), encoding="utf-8")
    problems = environment_mismatches(pyproject, env, lock)
    assert any(p.startswith("matplotlib: locked") for p in problems)


@pytest.mark.parametrize("drop_from", ["pyproject", "environment"])
def test_meta_dependency_missing_one_side_fails(tmp_path, drop_from):
    pyproject, env, lock = _copies(tmp_path)
    if drop_from == "pyproject":
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(re.sub(r'\n\s*"networkx[^"]*",', "", text), encoding="utf-8")
        expected = "networkx: in environment.yml, missing from pyproject.toml"
    else:
        text = env.read_text(encoding="utf-8")
        env.write_text(re.sub(r"\n\s*- networkx=[^\n]*", "", text), encoding="utf-8")
        expected = "networkx: in pyproject.toml, missing from environment.yml"
    assert expected in environment_mismatches(pyproject, env, lock)


def test_environment_pip_section_installs_only_the_package():
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_sections = [d["pip"] for d in data["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert pip_sections == [["-e ."]]
