"""A synthetic corpus of N Arabic news articles in the seeds' format, for the benchmark.

Every article is built, with a fixed seed, from sentences of the five seed texts
(recombined, preferring sentences of the article's own era, so that keyness by era has
something to find and the actor finder has names to find) in which about a third of the
words are replaced by synthetic Arabic-script words drawn from a Zipf-Mandelbrot law over
a vocabulary of two million ranks, some with a clitic (و, ال, وال, ب, ل) attached. Articles
have about 350 words (like the seeds), a headline, paragraphs separated by blank lines and,
now and then, the seeds' web clutter (subscription banners, a source line), so cleaning
has work to do. The vocabulary keeps growing with N as a real corpus's does: about 150,000
word types at N = 100,000.

Output, like ``seeds/``: ``<doc_id>_<hash>.txt`` files plus ``metadata.csv`` with
``doc_id, file, era, coalition_president, date, date_precision, outlet``; or, with
``--format csv|jsonl|parquet``, one table file with a ``text`` column and the same
metadata (see ``corpus_utils.sources``).

    python benchmarks/generate.py 1000 --out /tmp/bench-1000
    python benchmarks/generate.py 100000 --out /tmp/bench.parquet --format parquet

The same N and seed give byte-identical output.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

#: The generator's own seed (independent of corpus_utils.RANDOM_STATE, so the benchmark
#: corpus does not change when the package's seed does).
SEED = 20190629
#: Bumped whenever the output would change for the same N and seed.
GENERATOR_VERSION = 5
#: Target words per article (mean) and spread, like the seeds (320-400 words).
WORDS_MEAN, WORDS_SD, WORDS_MIN, WORDS_MAX = 325, 50, 140, 650
#: Share of seed words replaced by a synthetic word.
REPLACE_P = 0.34
#: Share of synthetic words that carry a clitic.
CLITIC_P = 0.2
CLITICS = ("و", "ال", "وال", "ب", "ل", "بال")
#: Zipf-Mandelbrot law of the synthetic words: P(rank r) ~ 1 / (r + Q) ** S over V ranks.
ZIPF_S, ZIPF_Q, VOCAB = 1.3, 2.7, 2_000_000
#: Share of sentences taken from a seed of the article's own era.
SAME_ERA_P = 0.8
#: Era -> (president, first day, last day), as in seeds/README.md.
ERAS = {
    "khoja": ("Khaled Khoja", date(2015, 1, 4), date(2016, 3, 4)),
    "mustafa": ("Abdulrahman Mustafa", date(2018, 5, 6), date(2019, 6, 29)),
}
OUTLETS = ("Asharq Al-Awsat", "Akhbar Al Aan", "Elaph", "Coalition media department (press release)",
           "Enab Baladi", "Al-Quds Al-Arabi", "Syria TV", "Orient News")

_LETTERS = list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي" + "ةءئؤأ")
_LETTER_P = np.array([1.0] * 28 + [0.25, 0.1, 0.15, 0.1, 0.3])
_LETTER_P = _LETTER_P / _LETTER_P.sum()
_ARABIC_WORD_RE = re.compile(r"^[\u0621-\u064A]{2,}$")
_SENTENCE_END_RE = re.compile(r"(?<=[.!؟؛])\s+")
_WORD_SPLIT_RE = re.compile(r"\S+")


# --------------------------------------------------------------------------- seed material


def seed_material(seeds: Path = SEEDS) -> dict:
    """Sentences (as word lists, by era), short lines (headlines, clutter) from the seeds."""
    with open(seeds / "metadata.csv", encoding="utf-8", newline="") as fh:
        meta = list(csv.DictReader(fh))
    sentences: dict[str, list[list[str]]] = {era: [] for era in ERAS}
    short_lines: list[str] = []
    for row in meta:
        era = row["era"] if row["era"] in ERAS else next(iter(ERAS))
        text = (seeds / row["file"]).read_text(encoding="utf-8-sig")
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            words = line.split()
            if len(words) <= 10 and not line.endswith((".", "؟", "!")):
                short_lines.append(line)
                continue
            for sentence in _SENTENCE_END_RE.split(line):
                words = sentence.split()
                if len(words) >= 4:
                    sentences[era].append(words)
    return {"sentences": sentences, "short_lines": short_lines}


class Vocabulary:
    """Synthetic word for each Zipf rank; words are made block by block, on first use, by a
    generator seeded with the block number, so a rank always gives the same word."""

    BLOCK = 1 << 16
    LENGTHS = np.array([3, 4, 4, 5, 5, 5, 6, 6, 7, 8])

    def __init__(self, seed: int = SEED, size: int = VOCAB, s: float = ZIPF_S, q: float = ZIPF_Q) -> None:
        ranks = np.arange(1, size + 1, dtype=np.float64)
        weights = 1.0 / (ranks + q) ** s
        self.cdf = np.cumsum(weights / weights.sum())
        self.cdf[-1] = 1.0
        self.seed = seed
        self.size = size
        self._blocks: dict[int, tuple[str, list[int]]] = {}

    def _block(self, block: int) -> tuple[str, list[int]]:
        got = self._blocks.get(block)
        if got is None:
            rng = np.random.default_rng([self.seed, 7, block])
            n = min(self.BLOCK, self.size - block * self.BLOCK)
            lengths = rng.choice(self.LENGTHS, size=n)
            letters = rng.choice(len(_LETTERS), size=int(lengths.sum()), p=_LETTER_P)
            text = "".join(_LETTERS[i] for i in letters.tolist())
            got = self._blocks[block] = (text, np.concatenate([[0], np.cumsum(lengths)]).tolist())
        return got

    def word(self, rank: int) -> str:
        """The synthetic word of a 0-based rank (never starting with the article ال)."""
        block, i = divmod(rank, self.BLOCK)
        text, offsets = self._block(block)
        w = text[offsets[i]:offsets[i + 1]]
        return "ن" + w[2:] if w.startswith("ال") else w  # ال is a clitic, added separately

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n ranks drawn from the Zipf-Mandelbrot law."""
        return np.searchsorted(self.cdf, rng.random(n), side="right")


# --------------------------------------------------------------------------- articles


def _article(i: int, material: dict, vocab: Vocabulary, era: str) -> str:
    rng = np.random.default_rng([SEED, i])
    sentences = material["sentences"]
    other = [e for e in ERAS if e != era]
    target = int(np.clip(rng.normal(WORDS_MEAN, WORDS_SD), WORDS_MIN, WORDS_MAX))
    lines: list[str] = []
    shorts = material["short_lines"]
    if rng.random() < 0.15:  # web clutter at the top, as in seed 003
        lines += [shorts[int(j)] for j in rng.integers(0, len(shorts), 2)] + [""]
    headline = shorts[int(rng.integers(0, len(shorts)))]
    lines += [headline, ""]
    n_words = 0
    paragraph: list[str] = []
    while n_words < target:
        pool_era = era if (rng.random() < SAME_ERA_P or not other) else other[int(rng.integers(0, len(other)))]
        pool = sentences[pool_era]
        words = list(pool[int(rng.integers(0, len(pool)))])
        replace = rng.random(len(words)) < REPLACE_P
        k = int(replace.sum())
        if k:
            ranks = vocab.sample(rng, k)
            clitic = rng.random(k) < CLITIC_P
            which = rng.integers(0, len(CLITICS), k)
            j = 0
            for pos in np.flatnonzero(replace).tolist():
                if _ARABIC_WORD_RE.match(words[pos]):
                    w = vocab.word(int(ranks[j]))
                    words[pos] = (CLITICS[int(which[j])] + w) if clitic[j] else w
                j += 1
        paragraph.append(" ".join(words))
        n_words += len(words)
        if len(paragraph) >= 1 + int(rng.integers(0, 3)):
            lines += [" ".join(paragraph), ""]
            paragraph = []
    if paragraph:
        lines += [" ".join(paragraph), ""]
    if rng.random() < 0.1:  # a trailing source line, as in seed 004
        lines.append("المصدر: الدائرة الإعلامية للائتلاف الوطني")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def _metadata(i: int, n: int) -> dict:
    rng = np.random.default_rng([SEED, i, 1])
    era = list(ERAS)[int(rng.integers(0, len(ERAS)))]
    president, first, last = ERAS[era]
    day = first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))
    if rng.random() < 0.05:
        when, precision = f"{day.year:04d}-{day.month:02d}", "month"
    else:
        when, precision = day.isoformat(), "day"
    width = max(3, len(str(n - 1)))
    return {"doc_id": f"{i:0{width}d}", "era": era, "coalition_president": president,
            "date": when, "date_precision": precision,
            "outlet": OUTLETS[int(rng.integers(0, len(OUTLETS)))]}


@lru_cache(maxsize=1)
def _vocabulary() -> Vocabulary:
    return Vocabulary()


def iter_articles(n: int, *, seeds: Path = SEEDS):
    """Yield (metadata dict, text) for articles 0 .. n-1 (deterministic)."""
    if n < 1:
        raise ValueError(f"n = {n!r} is invalid; value must be >= 1")
    material = seed_material(seeds)
    vocab = _vocabulary()
    for i in range(n):
        meta = _metadata(i, n)
        text = _article(i, material, vocab, meta["era"])
        yield meta, text


FIELDS = ["doc_id", "file", "era", "coalition_president", "date", "date_precision", "outlet"]


def write_corpus(n: int, out: Path, *, fmt: str = "folder") -> Path:
    """Write N synthetic articles to ``out`` (a folder, or one table file) and return it.

    A stamp file records N, the seed and the generator version; an existing output with
    the same stamp is reused as is.
    """
    out = Path(out)
    stamp_value = json.dumps({"n": n, "seed": SEED, "version": GENERATOR_VERSION, "format": fmt})
    stamp = (out / ".generated") if fmt == "folder" else out.with_name(out.name + ".generated")
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == stamp_value and out.exists():
        return out
    if fmt == "folder":
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.txt"):
            old.unlink()
        with open(out / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            for meta, text in iter_articles(n):
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
                name = f"{meta['doc_id']}_{digest}.txt"
                (out / name).write_text(text, encoding="utf-8", newline="")
                writer.writerow({**meta, "file": name})
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        rows = ({**meta, "text": text} for meta, text in iter_articles(n))
        columns = [f for f in FIELDS if f != "file"] + ["text"]
        if fmt == "csv":
            with open(out, "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
        elif fmt == "jsonl":
            with open(out, "w", encoding="utf-8", newline="\n") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            writer = None
            batch: list[dict] = []

            def flush() -> None:
                nonlocal writer
                table = pa.Table.from_pylist(batch, schema=pa.schema([(c, pa.string()) for c in columns]))
                if writer is None:
                    writer = pq.ParquetWriter(out, table.schema)
                writer.write_table(table)
                batch.clear()

            for row in rows:
                batch.append(row)
                if len(batch) >= 5_000:
                    flush()
            if batch:
                flush()
            writer.close()
        else:
            raise ValueError(f"fmt = {fmt!r} is invalid; use folder, csv, jsonl or parquet")
    stamp.write_text(stamp_value, encoding="utf-8")
    return out


def corpus_stats(path: Path) -> dict:
    """Documents, \\w+ tokens and distinct \\w+ types of a generated folder corpus."""
    word = re.compile(r"\w+")
    types: set[str] = set()
    tokens = docs = 0
    for f in sorted(Path(path).glob("*.txt")):
        found = word.findall(f.read_text(encoding="utf-8"))
        tokens += len(found)
        types.update(found)
        docs += 1
    return {"documents": docs, "tokens": tokens, "types": len(types),
            "tokens_per_document": round(tokens / max(docs, 1), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder or file (default: benchmarks/results/corpus-N)")
    parser.add_argument("--format", choices=("folder", "csv", "jsonl", "parquet"), default="folder")
    parser.add_argument("--stats", action="store_true", help="print documents, tokens and types")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"n = {args.n} is invalid; value must be >= 1")
    suffix = "" if args.format == "folder" else f".{args.format}"
    out = args.out or ROOT / "benchmarks" / "results" / f"corpus-{args.n}{suffix}"
    path = write_corpus(args.n, out, fmt=args.format)
    print(f"wrote {args.n} articles to {path}")
    if args.stats and args.format == "folder":
        for key, value in corpus_stats(path).items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
