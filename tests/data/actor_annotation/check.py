"""Check that the blind actor annotation points into the raw seed files.

Run: .venv/bin/python tests/data/actor_annotation/check.py
It reads mentions.csv and non_mentions.csv next to it and the raw seed texts. It checks
offsets, line numbers, span edges, overlaps, the in_clutter flag, the kind values and that
every actor_id is listed in guideline.md. It runs no actor-finding code. Exit status 0
means every check passed.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parents[2] / "seeds"
CLUTTER = {"000": {8}, "001": {4, 5, 6, 7, 8}, "002": {1}, "003": {1, 2, 3, 9, 21}, "004": {12}}
KINDS = {"name", "role", "metonym", "collective"}
MENTION_COLUMNS = ["doc_id", "line", "start", "end", "text", "actor_id", "kind", "note", "in_clutter"]
NON_MENTION_COLUMNS = ["doc_id", "line", "start", "end", "text", "reason", "in_clutter"]
GUIDELINE_ID = re.compile(r"^\| `([a-z0-9_]+)` \|", re.MULTILINE)
BRACKETS = {")": "(", "»": "«"}


def raw_texts() -> dict[str, str]:
    """Return the decoded raw text of each seed file, keyed by doc_id."""
    texts = {}
    for path in sorted(SEEDS.glob("*.txt")):
        texts[path.name[:3]] = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    return texts


def check_rows(name: str, columns: list[str], raws: dict[str, str]) -> tuple[list[dict], list[str]]:
    """Check the rows of one CSV file against the raw texts; return rows and problems."""
    problems = []
    with open(HERE / name, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != columns:
            problems.append(f"{name}: columns {reader.fieldnames} != {columns}")
        rows = list(reader)
    previous = None
    for i, row in enumerate(rows, start=2):
        where = f"{name}:{i} ({row['doc_id']}:{row['line']} {row['text']!r})"
        raw = raws.get(row["doc_id"])
        if raw is None:
            problems.append(f"{where}: unknown doc_id")
            continue
        start, end, line = int(row["start"]), int(row["end"]), int(row["line"])
        if not 0 <= start < end <= len(raw):
            problems.append(f"{where}: offsets {start}:{end} outside 0:{len(raw)}")
            continue
        if raw[start:end] != row["text"]:
            problems.append(f"{where}: raw[{start}:{end}] is {raw[start:end]!r}")
        if raw.count("\n", 0, start) + 1 != line:
            problems.append(f"{where}: span starts on line {raw.count(chr(10), 0, start) + 1}")
        if "\n" in row["text"]:
            problems.append(f"{where}: span crosses a line end")
        first, last = row["text"][0], row["text"][-1]
        if not first.isalpha():
            problems.append(f"{where}: span does not start on a letter")
        if not (last.isalnum() or (last in BRACKETS and BRACKETS[last] in row["text"])):
            problems.append(f"{where}: span does not end on a letter, digit or matched bracket")
        if start > 0 and raw[start - 1].isalpha():
            problems.append(f"{where}: span starts inside a word")
        if end < len(raw) and raw[end].isalpha():
            problems.append(f"{where}: span ends inside a word")
        expected = "yes" if line in CLUTTER[row["doc_id"]] else "no"
        if row["in_clutter"] != expected:
            problems.append(f"{where}: in_clutter {row['in_clutter']!r}, expected {expected!r}")
        key = (row["doc_id"], start)
        if previous is not None and key <= previous:
            problems.append(f"{where}: rows not sorted by doc_id, start")
        previous = key
    return rows, problems


def overlaps(rows: list[dict]) -> list[str]:
    """Return a problem for each pair of rows whose spans overlap in the same document."""
    problems = []
    spans = sorted((r["doc_id"], int(r["start"]), int(r["end"]), r["text"]) for r in rows)
    for a, b in zip(spans, spans[1:]):
        if a[0] == b[0] and b[1] < a[2]:
            problems.append(f"overlap in {a[0]}: {a[3]!r} [{a[1]}:{a[2]}] and {b[3]!r} [{b[1]}:{b[2]}]")
    return problems


def main() -> int:
    raws = raw_texts()
    mentions, problems = check_rows("mentions.csv", MENTION_COLUMNS, raws)
    non_mentions, more = check_rows("non_mentions.csv", NON_MENTION_COLUMNS, raws)
    problems += more + overlaps(mentions) + overlaps(mentions + non_mentions)
    guideline = (HERE / "guideline.md").read_text(encoding="utf-8")
    id_section = guideline.split("## 4. Actor ids", 1)[-1].split("\n## ", 1)[0]
    known_ids = set(GUIDELINE_ID.findall(id_section))
    for row in mentions:
        where = f"{row['doc_id']}:{row['line']} {row['text']!r}"
        if row["kind"] not in KINDS:
            problems.append(f"{where}: kind {row['kind']!r} not in {sorted(KINDS)}")
        if row["actor_id"] and row["actor_id"] not in known_ids:
            problems.append(f"{where}: actor_id {row['actor_id']!r} not listed in guideline.md")
        if not row["actor_id"] and (row["kind"] != "role" or "office=" not in row["note"]):
            problems.append(f"{where}: empty actor_id allowed only for a role with office= in note")
    unused = known_ids - {r["actor_id"] for r in mentions}
    if unused:
        problems.append(f"guideline.md lists ids never used: {sorted(unused)}")
    for problem in problems:
        print(problem)
    print(f"{len(mentions)} mentions, {len(non_mentions)} non-mentions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
