"""Speed and memory of corpus-utils on synthetic corpora of N articles.

    python benchmarks/run.py --quick                     # N = 1,000, under 30 s (make bench-quick)
    python benchmarks/run.py --sizes 1000 10000 100000   # make bench

For each N, a corpus is generated (``benchmarks/generate.py``, fixed seed, reused when it
exists) and a *fresh subprocess* runs the whole pipeline on one process (n_jobs = 1):

* ``load``: ``corpus.load_corpus`` (read, decode, clean);
* ``preprocess``: ``arabic.term_pairs`` over every cleaned text: the (term, stem) pairs the
  analyses count, by the fast path (no spaCy Doc; per-chunk caches); also reported:
  ``preprocess_offsets`` (``arabic.terms``, the same terms with offsets into the text) and
  ``preprocess_lexicon`` (``arabic.build_lexicon`` of the corpus, then ``term_pairs`` with
  it, as topics and keyness run it; the lexicon's time is included);
* ``find_actors``: ``actors.find_actors`` over every cleaned text, with its date;
* ``topics``: ``topics.topic_model`` with its defaults (TF-IDF, k chosen by silhouette,
  clustering; the package switches to MiniBatchKMeans and sampling above documented sizes);
* ``actors``: ``actors.corpus_mentions`` (the mention table the notebooks use);
* ``cooccurrence``: ``cooccurrence.cooccurrence`` of those mentions, by era;
* ``keyness``: ``keyness.keyness_by_group`` by era.

End to end = load + preprocess + topics + actors + cooccurrence + keyness (wall clock).
Every speed is reported as tokens per second, where tokens = ``re.findall(r"\\w+")``
matches in the cleaned texts, and as a ratio to two baselines timed in the same process on
the same texts: ``re.findall(r"\\w+")`` (the floor) and spaCy's blank Arabic tokenizer
(``nlp.tokenizer.pipe``). A ratio above 1 means faster than the baseline. The preprocessing
and actor ratios are measured interleaved, block by block with the baselines, on CPU time
(``time.process_time``), so that other programs running on the machine move both sides
alike; the analyses' ratios divide the baselines' CPU time by the analysis' CPU time.

Peak memory is the maximum resident set size of the fresh subprocess (``os.wait4``, the
kernel's per-child rusage), and the peak just after the end-to-end stages (``VmHWM``).
The term cache (``corpus_utils.cache``) is measured after that: a first run that fills it
and a re-run over the unchanged corpus.

Missing pieces of the package make the run fail (exit 1) unless ``--allow-missing``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

#: (module, name) of every public function the benchmark calls.
REQUIRED = [
    ("corpus", "load_corpus"),
    ("arabic", "terms"),
    ("arabic", "term_pairs"),
    ("arabic", "build_lexicon"),
    ("actors", "find_actors"),
    ("actors", "corpus_mentions"),
    ("topics", "topic_model"),
    ("cooccurrence", "cooccurrence"),
    ("keyness", "keyness_by_group"),
    ("cache", "cached_terms"),
    ("cache", "term_matrix"),
]
E2E_STAGES = ("load", "preprocess", "topics", "actors", "cooccurrence", "keyness")
#: Stages reported as ratios to the baselines, and their names in the output.
RATIO_STAGES = ("preprocess", "preprocess_offsets", "preprocess_lexicon", "find_actors", "topics",
                "actors", "cooccurrence", "keyness")
RATIO_NAMES = {"preprocess": "preprocess", "preprocess_offsets": "preprocess_offsets",
               "preprocess_lexicon": "preprocess_lexicon", "find_actors": "actors", "topics": "topics",
               "actors": "corpus_mentions", "cooccurrence": "cooccurrence", "keyness": "keyness"}
BLOCK = 500  # documents per interleaved timing block
#: Timed after the end-to-end stages, from cold caches, against their own baselines.
LATE_STAGES = ("find_actors", "preprocess_lexicon", "preprocess_offsets")

TARGETS = {
    "preprocess_speed_vs_spacy": (">=", 2.0),
    "preprocess_speed_vs_regex": (">=", 0.25),
    "actors_speed_vs_spacy": (">=", 1.0),
    "import_time_s": ("<", 1.0),
}
TARGET_E2E_S, TARGET_GROWTH = 300.0, 12.0
#: "peak memory under 4 GB", read strictly: 4 GB = 4,000,000,000 bytes = 3,814.7 MiB (RSS is
#: measured in KiB by Linux and reported here in MiB, "MB" in the tables)
TARGET_RSS_MB = 4e9 / 2**20

_WORD_RE_TEXT = r"\w+"


# --------------------------------------------------------------------------- helpers


def _vm_hwm_mb() -> float | None:
    """Peak resident set size of this process so far (Linux VmHWM), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Wall and CPU time of a block of code."""

    def __enter__(self) -> "Clock":
        self.w0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.w0
        self.cpu = time.process_time() - self.c0


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpu_count": os.cpu_count()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as fh:
            info["memory_gb"] = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    from importlib import metadata

    for lib in ("spacy", "scikit-learn", "pandas", "numpy", "scipy"):
        try:
            info[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            info[lib] = None
    return info


def import_time(repeats: int = 3) -> dict:
    """Seconds to ``import corpus_utils`` in a fresh interpreter (median of repeats), and the
    heavy libraries that import pulls in."""
    code = ("import sys, time; t = time.perf_counter(); import corpus_utils; "
            "t = time.perf_counter() - t; heavy = [m for m in ('pandas', 'numpy', 'sklearn', "
            "'spacy', 'matplotlib', 'scipy', 'networkx', 'yaml') if m in sys.modules]; "
            "print(t); print(','.join(heavy))")
    times, heavy = [], ""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                             env=env, check=True).stdout.splitlines()
        times.append(float(out[0]))
        heavy = out[1] if len(out) > 1 else ""
    times.sort()
    return {"import_time_s": times[len(times) // 2], "import_heavy_modules": heavy}


# --------------------------------------------------------------------------- the worker


def _cold_caches() -> None:
    """Empty the per-type caches of the Arabic layer and the actor finder (and their loaded
    word lists and codebook), so that a stage timed after others starts as in a fresh process."""
    from corpus_utils import actors, arabic

    for module in (arabic, actors):
        for obj in list(vars(module).values()):
            if callable(getattr(obj, "cache_clear", None)):
                obj.cache_clear()
    for name in ("_PAIR_CACHES", "_TERM_CACHES", "_PROCLITICS_BY_LETTER"):
        getattr(arabic, name).clear()
    actors._CHUNK_TOKENS.clear()
    actors._FLAGS.clear()
    actors._DEFAULT.clear()  # the bundled codebook, with its per-type caches, is loaded again


def _matrix_digest(m) -> str:
    """SHA-256 of a term matrix: its CSR arrays (canonical: sorted, no duplicates), shape,
    stems and display forms."""
    import hashlib

    X = m.X.tocsr()
    X.sum_duplicates()  # canonical form, so equal matrices give equal bytes
    h = hashlib.sha256(repr((X.shape, X.dtype.str, list(m.stems), sorted(m.forms.items()))).encode())
    for a in (X.indptr, X.indices, X.data):  # as little-endian int64, a million at a time
        for lo in range(0, len(a), 1 << 20):
            h.update(a[lo:lo + (1 << 20)].astype("<i8").tobytes())
    return h.hexdigest()


def _release_memory() -> None:
    """corpus_utils.memory.release_memory, when the package has it (a baseline may not)."""
    try:
        from corpus_utils.memory import release_memory
    except ImportError:
        return
    release_memory()


def _resolve(allow_missing: bool) -> tuple[dict, list[str]]:
    import importlib

    found, missing = {}, []
    for module, name in REQUIRED:
        try:
            mod = importlib.import_module(f"corpus_utils.{module}")
            found[f"{module}.{name}"] = getattr(mod, name)
        except (ImportError, AttributeError) as exc:
            missing.append(f"corpus_utils.{module}.{name} ({type(exc).__name__}: {exc})")
    return found, missing


def worker(n: int, corpus_dir: Path, out_json: Path, *, allow_missing: bool, cache_check: bool,
           jobs: int, skip: tuple[str, ...] = ()) -> int:
    res: dict = {"n": n, "errors": {}, "wall": {}, "cpu": {}, "skipped": list(skip)}

    def save() -> None:
        out_json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")

    with Clock() as c:
        import corpus_utils  # noqa: F401
        fns, missing = _resolve(allow_missing)
    res["wall"]["import_modules"] = c.wall
    res["missing"] = missing
    if missing and not allow_missing:
        save()
        return 1

    def stage(name: str, func, *args, **kwargs):
        if name in skip:
            return None
        fn = fns.get(func) if isinstance(func, str) else func
        if fn is None:
            res["errors"][name] = f"missing {func}"
            return None
        try:
            with Clock() as clock:
                value = fn(*args, **kwargs)
        except Exception as exc:  # reported, and fatal unless --allow-missing
            res["errors"][name] = f"{type(exc).__name__}: {exc}"
            if not allow_missing:
                save()
                raise
            return None
        res["wall"][name], res["cpu"][name] = clock.wall, clock.cpu
        return value

    corpus = stage("load", "corpus.load_corpus", corpus_dir)
    if corpus is None:
        save()
        return 1
    texts = corpus["text"].tolist()
    dates = corpus["date"].tolist() if "date" in corpus.columns else [None] * len(texts)
    res["documents"] = len(texts)
    res["characters"] = sum(map(len, texts))
    save()

    # -- timing stages interleaved block by block with the two baselines. The end-to-end
    # preprocessing is timed first; the stages that are measurements only (find_actors alone,
    # terms with offsets, the lexicon path) run after the end-to-end stages, from cold caches
    # and against baselines timed again then with a fresh tokenizer ("regex2", "spacy2"), so
    # that their caches do not count in the pipeline's memory
    import spacy

    with Clock() as c:
        nlp = spacy.blank("ar")
    res["wall"]["spacy_setup"] = c.wall
    terms_fn, find_fn = fns.get("arabic.term_pairs"), fns.get("actors.find_actors")
    offsets_fn, lexicon_fn = fns.get("arabic.terms"), fns.get("arabic.build_lexicon")
    counts = {"tokens": 0, "spacy_tokens": 0, "terms": 0, "mentions": 0, "terms_offsets": 0,
              "terms_lexicon": 0}
    findall = re.findall
    state: dict = {"lexicon": None, "nlp": nlp}

    def interleaved(texts: list, stages: dict, regex_key: str, spacy_key: str, *, count: bool) -> None:
        totals = {k: [0.0, 0.0] for k in (*stages, regex_key, spacy_key)}
        types: set[str] = set()
        tokenizer = state["nlp"].tokenizer

        def timed(key: str, func, block, block_dates) -> None:
            with Clock() as clock:
                func(block, block_dates)
            totals[key][0] += clock.wall
            totals[key][1] += clock.cpu

        def run_regex(block, _) -> None:
            for t in block:
                found = findall(_WORD_RE_TEXT, t)
                if count:
                    counts["tokens"] += len(found)

        def run_spacy(block, _) -> None:
            n = sum(len(doc) for doc in tokenizer.pipe(block, batch_size=1000))
            if count:
                counts["spacy_tokens"] += n

        for lo in range(0, len(texts), BLOCK):
            block, block_dates = texts[lo:lo + BLOCK], dates[lo:lo + BLOCK]
            try:
                for key, func in stages.items():
                    timed(key, func, block, block_dates)
            except Exception as exc:
                res["errors"][f"timing {'/'.join(stages)}"] = f"{type(exc).__name__}: {exc}"
                if not allow_missing:
                    save()
                    raise
                stages = {}
            timed(regex_key, run_regex, block, block_dates)
            timed(spacy_key, run_spacy, block, block_dates)
            if count:
                for t in block:
                    types.update(findall(_WORD_RE_TEXT, t))
        for key, (wall, cpu) in totals.items():
            res["wall"][key], res["cpu"][key] = wall, cpu
        if count:
            res["word_types"] = len(types)

    def run_terms(block, _) -> None:  # consumed per document, as a streaming analysis would
        counts["terms"] += sum(len(terms_fn(t)) for t in block)

    def run_offsets(block, _) -> None:
        counts["terms_offsets"] += sum(len(offsets_fn(t)) for t in block)

    def run_lexicon(block, _) -> None:
        counts["terms_lexicon"] += sum(len(terms_fn(t, lexicon=state["lexicon"])) for t in block)

    def run_actors(block, block_dates) -> None:
        counts["mentions"] += sum(len(find_fn(t, date=d)) for t, d in zip(block, block_dates))

    interleaved(texts, {"preprocess": run_terms} if terms_fn is not None else {}, "regex", "spacy",
                count=True)
    res.update(tokens=counts["tokens"], spacy_tokens=counts["spacy_tokens"], terms=counts["terms"])
    save()

    # -- the analyses (end to end continues). They read the corpus table; the list of texts
    # above is the benchmark's own copy (the table's text column is Arrow-backed, so tolist()
    # made new str objects: 2 bytes per character) and the spaCy tokenizer (its string store
    # and cache) is the baseline's: neither is part of the pipeline, so both are freed now
    # and the freed pages handed back as the analyses do with theirs (corpus_utils.memory)
    del texts
    state["nlp"] = nlp = None
    _release_memory()
    # -- the analyses
    model = stage("topics", "topics.topic_model", corpus)
    if model is not None:
        res["topics"] = {"units": int(len(model.units)), "features": int(model.X.shape[1]),
                         "k": int(model.k), "notes": list(model.notes)}
    del model
    save()
    mentions = stage("actors", "actors.corpus_mentions", corpus)
    if mentions is not None:
        res["mentions"] = int(len(mentions))
        edges = stage("cooccurrence", "cooccurrence.cooccurrence", mentions, units=corpus, by="era")
        if edges is not None:
            res["edges"] = int(len(edges))
        del edges
    del mentions
    save()
    eras = sorted(corpus["era"].dropna().unique().tolist()) if "era" in corpus.columns else []
    if eras:
        table = stage("keyness", "keyness.keyness_by_group", corpus, group_by="era", target=eras[0])
        if table is not None:
            res["keyness_terms"] = int(len(table))
        del table
    res["pipeline_peak_rss_mb"] = _vm_hwm_mb()
    res["e2e_wall_s"] = sum(res["wall"].get(s, 0.0) for s in E2E_STAGES)
    res["e2e_cpu_s"] = sum(res["cpu"].get(s, 0.0) for s in E2E_STAGES)
    res["e2e_complete"] = all(s in res["wall"] for s in E2E_STAGES)
    save()

    # -- the measurement-only stages, from cold caches, with their own interleaved baselines
    _cold_caches()
    state["nlp"] = spacy.blank("ar")  # spaCy's tokenizer caches per string: a fresh one
    texts = corpus["text"].tolist()
    more = {}
    if find_fn is not None:
        more["find_actors"] = run_actors
    if terms_fn is not None and lexicon_fn is not None:
        with Clock() as c:
            state["lexicon"] = lexicon_fn(texts)
        res["wall"]["lexicon"], res["cpu"]["lexicon"] = c.wall, c.cpu
        res["lexicon_size"] = len(state["lexicon"])
        more["preprocess_lexicon"] = run_lexicon
    if offsets_fn is not None:
        more["preprocess_offsets"] = run_offsets
    interleaved(texts, more, "regex2", "spacy2", count=False)
    state["lexicon"] = None
    res.update(terms_offsets=counts["terms_offsets"], terms_lexicon=counts["terms_lexicon"],
               find_actors_mentions=counts["mentions"])
    if offsets_fn is not None and terms_fn is not None and counts["terms"] != counts["terms_offsets"]:
        res["errors"]["preprocess"] = (f"term_pairs gave {counts['terms']} terms, terms gave "
                                       f"{counts['terms_offsets']}")
    save()

    # -- the term cache: fill it, then re-run over the unchanged corpus. It starts, as the
    # stages above did, from cold caches, without the baselines' tokenizer, with the pages
    # freed so far handed back: a measurement of its own, not piled on the ones before
    state["nlp"] = None
    _cold_caches()
    _release_memory()
    if cache_check and "cache" not in skip and "cache.cached_terms" in fns:
        cached_terms, term_matrix = fns["cache.cached_terms"], fns["cache.term_matrix"]
        with tempfile.TemporaryDirectory(prefix="corpus-utils-bench-cache-") as folder:
            def consume(**kw) -> int:
                return sum(len(ts) for ts in cached_terms(texts, cache=folder, **kw))

            first = stage("cache_fill", consume)
            again = stage("cache_rerun", consume)
            res["cache_terms_equal"] = first == again == counts["terms"] if terms_fn else first == again
            # the count matrix the analyses need (what keyness and TF-IDF count), cached per document
            # (compared by digest, so that the two matrices are never held at once)
            m1 = stage("counts_fill", term_matrix, texts, cache=folder)
            d1 = _matrix_digest(m1) if m1 is not None else None
            if m1 is not None:
                res["counts_shape"] = list(m1.X.shape)
            del m1
            m2 = stage("counts_rerun", term_matrix, texts, cache=folder)
            if d1 is not None and m2 is not None:
                res["counts_equal"] = d1 == _matrix_digest(m2)
            del m2
            db = Path(folder) / "terms.sqlite3"
            res["cache_size_mb"] = round(db.stat().st_size / 2**20, 1) if db.exists() else None
        if jobs > 1:
            # the only measurements here that are not n_jobs = 1
            stage(f"preprocess_n_jobs{jobs}",
                  lambda: sum(len(ts) for ts in cached_terms(texts, cache=False, n_jobs=jobs,
                                                             batch_size=2000)))
            stage(f"counts_n_jobs{jobs}", term_matrix, texts, cache=False, n_jobs=jobs, batch_size=2000)
            stage("counts_n_jobs1", term_matrix, texts, cache=False)
    save()
    return 0


# --------------------------------------------------------------------------- the parent


def run_size(n: int, *, workdir: Path, allow_missing: bool, cache_check: bool, jobs: int,
             timeout: float | None, log, skip: tuple[str, ...] = ()) -> dict:
    sys.path.insert(0, str(HERE))
    import generate

    corpus_dir = workdir / f"corpus-{n}"
    t0 = time.perf_counter()
    generate.write_corpus(n, corpus_dir)
    gen_s = time.perf_counter() - t0
    print(f"[N={n}] corpus ready in {gen_s:.1f} s: {corpus_dir}", file=log, flush=True)
    out_json = workdir / f"worker-{n}.json"
    if out_json.exists():
        out_json.unlink()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(n), "--corpus", str(corpus_dir),
           "--worker-out", str(out_json), "--jobs", str(jobs)]
    if allow_missing:
        cmd.append("--allow-missing")
    if not cache_check:
        cmd.append("--no-cache-check")
    if skip:
        cmd += ["--skip", *skip]
    env = {**os.environ, "CORPUS_UTILS_PROGRESS": "0", "PYTHONHASHSEED": "0",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    timed_out = False
    while True:  # os.wait4 gives this child's own rusage (its peak RSS), not all children's
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if timeout and time.perf_counter() - t0 > timeout and not timed_out:
            timed_out = True
            proc.kill()
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    res = json.loads(out_json.read_text(encoding="utf-8")) if out_json.exists() else {"n": n, "errors": {}}
    res["generate_s"] = gen_s
    res["worker_exit"] = proc.returncode
    res["worker_wall_s"] = wall
    if timed_out:
        res.setdefault("errors", {})["timeout"] = f"worker stopped after {timeout:.0f} s (--timeout)"
    res["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux: KB
    print(f"[N={n}] worker done in {wall:.1f} s (exit {proc.returncode})", file=log, flush=True)
    return res


def ratios(res: dict) -> dict:
    """Speed ratios (above 1 = faster than the baseline) and tokens per second."""
    out = {}
    cpu, wall = res.get("cpu", {}), res.get("wall", {})
    tokens = res.get("tokens") or 0
    for stage in RATIO_STAGES:
        if stage not in cpu or not cpu[stage]:
            continue
        name = RATIO_NAMES[stage]
        # the lexicon variant pays for building the corpus lexicon too
        extra_cpu = cpu.get("lexicon", 0.0) if stage == "preprocess_lexicon" else 0.0
        extra_wall = wall.get("lexicon", 0.0) if stage == "preprocess_lexicon" else 0.0
        # the measurement-only stages ran after the end-to-end stages, against baselines
        # timed again then ("spacy2", "regex2")
        sp, rx = ("spacy2", "regex2") if stage in LATE_STAGES and cpu.get("spacy2") else ("spacy", "regex")
        out[f"{name}_speed_vs_spacy"] = cpu[sp] / (cpu[stage] + extra_cpu)
        out[f"{name}_speed_vs_regex"] = cpu[rx] / (cpu[stage] + extra_cpu)
        out[f"{name}_tokens_per_s"] = tokens / (wall[stage] + extra_wall) if wall.get(stage) else None
    for base in ("regex", "spacy"):
        if wall.get(base):
            out[f"{base}_tokens_per_s"] = tokens / wall[base]
    base = "preprocess_offsets" if wall.get("preprocess_offsets") else "preprocess"
    if cpu.get("cache_rerun") and wall.get(base):
        # a re-run that reads the cache (Terms with offsets), against computing the same Terms
        # afresh with arabic.terms (no cache)
        out["cache_rerun_speedup"] = wall[base] / wall["cache_rerun"]
        out["cache_rerun_speed_vs_spacy"] = cpu["spacy"] / cpu["cache_rerun"]
    if cpu.get("counts_rerun") and cpu.get("counts_fill"):
        out["counts_rerun_speedup"] = wall["counts_fill"] / wall["counts_rerun"]
        out["counts_rerun_speed_vs_spacy"] = cpu["spacy"] / cpu["counts_rerun"]
    for key in wall:
        if key.startswith("counts_n_jobs") and key != "counts_n_jobs1" and wall.get("counts_n_jobs1"):
            out[f"{key}_speedup"] = wall["counts_n_jobs1"] / wall[key]
    return out


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def report_lines(res: dict, *, prefix: str = "") -> list[str]:
    lines = []
    for key, value in ratios(res).items():
        if value is not None:
            lines.append(f"{prefix}{key}: {_fmt(value)}")
    for key in ("documents", "tokens", "word_types", "e2e_wall_s", "e2e_cpu_s", "peak_rss_mb",
                "pipeline_peak_rss_mb", "cache_size_mb"):
        if res.get(key) is not None:
            lines.append(f"{prefix}{key}: {_fmt(res[key])}")
    for stage in ("load",) + RATIO_STAGES + ("cache_fill", "cache_rerun", "counts_fill", "counts_rerun"):
        if stage in res.get("wall", {}):
            lines.append(f"{prefix}{stage}_s: {_fmt(res['wall'][stage])}")
    for key, value in res.get("wall", {}).items():
        if key.startswith(("preprocess_n_jobs", "counts_n_jobs")):
            lines.append(f"{prefix}{key}_s: {_fmt(value)}")
    for stage, err in res.get("errors", {}).items():
        lines.append(f"{prefix}error_{stage}: {err}")
    for item in res.get("missing", []):
        lines.append(f"{prefix}missing: {item}")
    if res.get("skipped"):
        lines.append(f"{prefix}skipped: {' '.join(res['skipped'])}")
    return lines


def targets(results: list[dict], imp: dict) -> list[str]:
    """One line per target: met / NOT met, with the value."""
    lines = []
    for res in results:
        r = {**ratios(res), **imp}
        for key, (op, bound) in TARGETS.items():
            if key == "import_time_s" or r.get(key) is None:
                continue
            ok = r[key] >= bound if op == ">=" else r[key] < bound
            lines.append(f"target N={res['n']} {key} {op} {bound}: {'met' if ok else 'NOT met'} ({_fmt(r[key])})")
    if imp.get("import_time_s") is not None:
        ok = imp["import_time_s"] < TARGETS["import_time_s"][1]
        lines.append(f"target import_time_s < 1: {'met' if ok else 'NOT met'} ({_fmt(imp['import_time_s'])})")
    by_n = {r["n"]: r for r in results}
    big = by_n.get(100_000)
    if big is not None:
        e2e, rss = big.get("e2e_wall_s"), big.get("peak_rss_mb")
        if e2e is not None:
            done = big.get("e2e_complete")
            lines.append(f"target N=100000 end to end < {TARGET_E2E_S:.0f} s: "
                         f"{'met' if done and e2e < TARGET_E2E_S else 'NOT met'} ({_fmt(e2e)} s"
                         f"{'' if done else ', incomplete'})")
        if rss is not None:
            lines.append(f"target N=100000 peak memory < 4 GB ({TARGET_RSS_MB:,.0f} MiB): "
                         f"{'met' if rss < TARGET_RSS_MB else 'NOT met'} ({_fmt(rss)} MiB)")
        mid = by_n.get(10_000)
        if mid is not None and mid.get("e2e_wall_s") and e2e:
            growth = e2e / mid["e2e_wall_s"]
            lines.append(f"target time growth 10000 -> 100000 <= {TARGET_GROWTH:.0f}x: "
                         f"{'met' if growth <= TARGET_GROWTH else 'NOT met'} ({growth:.1f}x)")
    return lines


def markdown(results: list[dict]) -> str:
    """A results table for benchmarks/README.md."""
    rows = [("documents", lambda r: r.get("documents")),
            ("tokens (\\w+)", lambda r: r.get("tokens")),
            ("word types (\\w+)", lambda r: r.get("word_types"))]
    for stage in ("load",) + RATIO_STAGES:
        rows.append((f"{stage} s (wall)", lambda r, s=stage: r.get("wall", {}).get(s)))
    rows += [("end to end s (wall)", lambda r: r.get("e2e_wall_s")),
             ("peak RSS MB (whole worker)", lambda r: r.get("peak_rss_mb")),
             ("peak RSS MB (after end to end)", lambda r: r.get("pipeline_peak_rss_mb")),
             ("regex baseline s", lambda r: r.get("wall", {}).get("regex")),
             ("spaCy baseline s", lambda r: r.get("wall", {}).get("spacy"))]
    names = sorted({k for r in results for k in ratios(r) if "_vs_" in k or k.startswith("cache")})
    for name in names:
        rows.append((name, lambda r, k=name: ratios(r).get(k)))
    rows += [("term cache: first run s", lambda r: r.get("wall", {}).get("cache_fill")),
             ("term cache: re-run s", lambda r: r.get("wall", {}).get("cache_rerun")),
             ("term_matrix: first run s", lambda r: r.get("wall", {}).get("counts_fill")),
             ("term_matrix: re-run s", lambda r: r.get("wall", {}).get("counts_rerun")),
             ("term cache size MB", lambda r: r.get("cache_size_mb"))]
    head = "| | " + " | ".join(f"N = {r['n']:,}" for r in results) + " |"
    sep = "|---|" + "---:|" * len(results)
    body = ["| " + label + " | " + " | ".join(_fmt(get(r)) if get(r) is not None else "-" for r in results) + " |"
            for label, get in rows]
    return "\n".join([head, sep, *body])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--quick", action="store_true", help="N = 1,000 only, ratios printed")
    parser.add_argument("--workdir", type=Path, default=RESULTS,
                        help="where corpora and results go (default benchmarks/results, git-ignored)")
    parser.add_argument("--allow-missing", action="store_true",
                        help="report missing or failing package pieces instead of failing")
    parser.add_argument("--no-cache-check", action="store_true", help="skip the term-cache measurement")
    parser.add_argument("--jobs", type=int, default=0,
                        help="also time preprocessing with this many processes (default: off)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table too")
    parser.add_argument("--skip", nargs="+", default=[], metavar="STAGE",
                        choices=("topics", "actors", "cooccurrence", "keyness", "cache"),
                        help="leave stages out (end to end is then reported incomplete)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="stop a worker after this many seconds (its finished stages are kept)")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:
        return worker(args.worker, args.corpus, args.worker_out, allow_missing=args.allow_missing,
                      cache_check=not args.no_cache_check, jobs=args.jobs, skip=tuple(args.skip))

    sizes = [1000] if args.quick else args.sizes
    if any(n < 1 for n in sizes):
        parser.error(f"--sizes {sizes} is invalid; every size must be >= 1")
    args.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    imp = import_time()
    results = [run_size(n, workdir=args.workdir, allow_missing=args.allow_missing,
                        cache_check=not (args.no_cache_check or args.quick), jobs=args.jobs,
                        timeout=args.timeout, log=sys.stderr, skip=tuple(args.skip)) for n in sizes]
    failed = any(r.get("worker_exit") != 0 or r.get("missing") or r.get("errors") or r.get("skipped")
                 for r in results)

    if args.quick:
        for line in report_lines(results[0]):
            print(line)
    else:
        for res in results:
            for line in report_lines(res, prefix=f"n{res['n']}."):
                print(line)
    print(f"import_time_s: {_fmt(imp['import_time_s'])}")
    print(f"import_heavy_modules: {imp['import_heavy_modules'] or 'none'}")
    for line in targets(results, imp):
        print(line)
    total_s = time.perf_counter() - started
    print(f"benchmark_wall_s: {total_s:.1f}")
    if args.quick:
        print(f"target bench-quick < 30 s: {'met' if total_s < 30 else 'NOT met'} ({total_s:.1f} s)")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.workdir / f"bench-{'quick' if args.quick else '-'.join(map(str, sizes))}-{stamp}.json"
    out.write_text(json.dumps({"machine": machine(), "import": imp, "results": results},
                              ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {out}", file=sys.stderr)
    if args.markdown:
        print(markdown(results))
    if failed:
        print("benchmark incomplete: see the error_ / missing: lines above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
