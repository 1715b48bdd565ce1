"""corpus_utils.sources: one CSV / TSV / JSON-lines / Parquet file as a streamed corpus, and
loaded by corpus.load_corpus / iter_corpus like a folder."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_utils import sources as sources_module
from corpus_utils.corpus import (
    CLEANING_COLUMNS, cleaning_audit, iter_corpus, load_corpus, paragraphs, rebuild_raw, sentences,
)
from corpus_utils.errors import CorpusError
from corpus_utils.paths import seeds_path
from corpus_utils.sources import (RESERVED_KEYS, check_source, iter_source, read_source,
                                  source_format)

ROWS = [
    {"doc_id": "000", "body": "التقى رئيس الائتلاف الوطني السوري خالد خوجة،\nوزير الخارجية جون كيري.",
     "era": "khoja", "date": "2015-05-01", "outlet": "Asharq Al-Awsat"},
    {"doc_id": "003", "body": "وقال مصطفى إن مؤتمر بروكسل فرصة هامة.", "era": "mustafa",
     "date": "2019-03", "outlet": ""},
    {"doc_id": "010", "body": "نص ثالث: «الأسد» فقد الشرعية؟", "era": "mustafa",
     "date": "2019", "outlet": "Elaph"},
]


def write(path: Path, rows: list[dict], fmt: str | None = None) -> Path:
    """Write rows in the format the suffix names (csv, tsv, jsonl, parquet, optionally .gz)."""
    fmt = fmt or source_format(path)
    frame = pd.DataFrame(rows)
    gz = path.suffix == ".gz"
    if fmt == "csv":
        frame.to_csv(path, index=False, compression="gzip" if gz else None)
    elif fmt == "tsv":
        frame.to_csv(path, index=False, sep="\t", compression="gzip" if gz else None)
    elif fmt == "jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if gz:
            path.write_bytes(gzip.compress(text.encode("utf-8")))
        else:
            path.write_text(text, encoding="utf-8")
    elif fmt == "parquet":
        frame.astype(str).to_parquet(path)
    else:  # pragma: no cover
        raise AssertionError(fmt)
    return path


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("name, expected", [
    ("articles.csv", "csv"), ("ARTICLES.CSV", "csv"), ("a.tsv", "tsv"), ("a.jsonl", "jsonl"),
    ("a.ndjson", "jsonl"), ("a.parquet", "parquet"), ("a.pq", "parquet"),
    ("a.csv.gz", "csv"), ("a.jsonl.gz", "jsonl"), ("news.2019.csv", "csv"),
    ("a.parquet.gz", None), ("a.txt", None), ("a.xlsx", None), ("metadata", None), ("a.gz", None),
])
def test_source_format_by_suffix(name, expected):
    assert source_format(name) == expected


def test_a_folder_is_not_a_table_source():
    assert source_format(seeds_path()) is None


@pytest.mark.parametrize("name", ["a.csv", "a.tsv", "a.jsonl", "a.parquet", "a.csv.gz", "a.jsonl.gz"])
def test_every_format_yields_the_same_documents(tmp_path, name):
    path = write(tmp_path / name, ROWS)
    docs = list(iter_source(path, text_col="body"))
    assert [d["doc_id"] for d in docs] == ["000", "003", "010"]      # ids stay strings
    assert [d["text"] for d in docs] == [r["body"] for r in ROWS]    # line breaks kept
    assert [d["file"] for d in docs] == [f"{name}#1", f"{name}#2", f"{name}#3"]
    assert docs[1] == {"doc_id": "003", "file": f"{name}#2", "text": ROWS[1]["body"],
                       "era": "mustafa", "date": "2019-03", "outlet": ""}
    assert all(isinstance(v, str) for d in docs for v in d.values())


def test_rows_are_numbered_when_there_is_no_id(tmp_path):
    rows = [{"text": r["body"], "era": r["era"]} for r in ROWS]
    docs = list(iter_source(write(tmp_path / "a.csv", rows)))
    assert [d["doc_id"] for d in docs] == ["1", "2", "3"]
    assert list(docs[0]) == ["doc_id", "file", "text", "era"]


def test_id_col_names_the_id_column(tmp_path):
    rows = [{"article": f"A-{i}", "text": r["body"], "doc_id": "x"} for i, r in enumerate(ROWS)]
    docs = list(iter_source(write(tmp_path / "a.jsonl", rows), id_col="article"))
    assert [d["doc_id"] for d in docs] == ["A-0", "A-1", "A-2"]
    assert docs[0]["source_doc_id"] == "x"  # a doc_id column that is not the id is kept, renamed


def test_reserved_column_names_get_a_source_prefix(tmp_path):
    rows = [{"text": "نص", "file": "000_a.txt", "era": "khoja"}]
    doc = next(iter_source(write(tmp_path / "a.csv", rows)))
    assert doc["file"] == "a.csv#1"
    assert doc["source_file"] == "000_a.txt"
    assert set(RESERVED_KEYS) <= set(doc)


def test_metadata_cols_keeps_only_those(tmp_path):
    path = write(tmp_path / "a.parquet", ROWS)
    doc = next(iter_source(path, text_col="body", metadata_cols=["era"]))
    assert doc == {"doc_id": "000", "file": "a.parquet#1", "text": ROWS[0]["body"], "era": "khoja"}


def test_a_leading_byte_order_mark_is_removed(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("\ufefftext,era\n\ufeffقال خوجة,khoja\n", encoding="utf-8")
    doc = next(iter_source(path))
    assert doc["text"] == "قال خوجة"


def test_cp1256_file_loads_with_its_encoding(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("text,era\nقال خوجة,khoja\n".encode("cp1256"))
    assert next(iter_source(path, encoding="cp1256"))["text"] == "قال خوجة"
    with pytest.raises(CorpusError) as err:
        list(iter_source(path))
    assert err.value.codes == ["E_ENCODING"]
    assert "--encoding cp1256" in err.value.problems[0].fix


@pytest.mark.parametrize("value, expected", [
    (5, "5"), (1.5, "1.5"), (2015.0, "2015"), (True, "true"), (None, ""), ("٢٠١٥", "٢٠١٥"),
    ([1, "ب"], '[1, "ب"]'), ({"a": 1}, '{"a": 1}'),
])
def test_json_values_become_strings(tmp_path, value, expected):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "نص", "v": value}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert next(iter_source(path))["v"] == expected


def test_json_keys_seen_later_join_the_metadata(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "أ"}\n{"text": "ب", "era": "khoja"}\n{"text": "ت"}\n', encoding="utf-8")
    docs = list(iter_source(path))
    assert "era" not in docs[0] and docs[1]["era"] == "khoja" and docs[2]["era"] == ""


def test_read_source_gives_a_string_table(tmp_path):
    path = write(tmp_path / "a.tsv", ROWS)
    table = read_source(path, text_col="body")
    assert list(table.columns) == ["doc_id", "file", "text", "era", "date", "outlet"]
    assert table["doc_id"].tolist() == ["000", "003", "010"]
    assert table.shape == (3, 6)


# --------------------------------------------------------------------------- streaming


def test_documents_before_a_broken_chunk_are_yielded(tmp_path):
    path = tmp_path / "a.csv"
    good = "".join(f"نص {i},khoja\n" for i in range(6))
    path.write_text("text,era\n" + good + "x,y,z\n", encoding="utf-8")
    stream = iter_source(path, chunksize=2)
    first = next(stream)  # read from the first chunk, before the malformed row is reached
    assert first["text"] == "نص 0"
    with pytest.raises(CorpusError) as err:
        list(stream)
    assert err.value.codes == ["E_PARSE"]
    assert "line 8" in err.value.problems[0].message  # pandas' own position of the bad row


@settings(max_examples=25, deadline=None)
@given(texts=st.lists(st.text(alphabet="ابتثجحخدذرزسشص ،؛؟.\n\"'ًٌّ0123456789", min_size=1, max_size=40)
                      .filter(lambda t: t.strip()), min_size=1, max_size=12),
       chunksize=st.integers(min_value=1, max_value=5),
       fmt=st.sampled_from(["csv", "jsonl", "parquet"]))
def test_round_trip_any_text_any_chunksize(texts, chunksize, fmt):
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / f"a.{fmt}", [{"text": t, "n": str(i)} for i, t in enumerate(texts)])
        docs = list(iter_source(path, chunksize=chunksize))
    assert [d["text"] for d in docs] == texts
    assert [d["n"] for d in docs] == [str(i) for i in range(len(texts))]
    assert [d["doc_id"] for d in docs] == [str(i + 1) for i in range(len(texts))]


# --------------------------------------------------------------------------- problems


@pytest.mark.parametrize("name", ["a.csv", "a.jsonl", "a.parquet"])
def test_missing_text_column_names_the_columns_and_a_guess(tmp_path, name):
    path = write(tmp_path / name, ROWS)
    stream = iter_source(path, text_col="boddy")
    with pytest.raises(CorpusError) as err:
        next(stream)  # raised before any document
    (problem,) = err.value.problems
    assert problem.code == "E_TEXT_COLUMN"
    assert problem.file == str(path)
    assert "'boddy'" in problem.message
    assert "did you mean 'body'?" in problem.fix and "--text-col" in problem.fix


def test_structural_problems_are_listed_together(tmp_path):
    path = write(tmp_path / "a.csv", ROWS)
    with pytest.raises(CorpusError) as err:
        list(iter_source(path, text_col="txt", id_col="uid", metadata_cols=["era", "region"]))
    assert err.value.codes == ["E_TEXT_COLUMN", "E_ID_COLUMN", "E_METADATA_COLUMN"]


@pytest.mark.parametrize("name, content, code", [
    ("nothing.csv", None, "E_NOT_FOUND"),
    ("a.xlsx", b"PK", "E_SOURCE_FORMAT"),
    ("empty.csv", b"", "E_EMPTY_SOURCE"),
    ("header.csv", b"text,era\n", "E_EMPTY_SOURCE"),
    ("blank.jsonl", b"\n\n", "E_EMPTY_SOURCE"),
    ("quote.csv", b'text,era\n"never closed,khoja\n', "E_PARSE"),
    ("broken.parquet", b"PAR1 not really", "E_PARSE"),
])
def test_file_level_problems(tmp_path, name, content, code):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CorpusError) as err:
        list(iter_source(path))
    assert err.value.codes == [code]
    assert err.value.problems[0].fix


def test_non_string_parquet_text_column(tmp_path):
    path = tmp_path / "a.parquet"
    pd.DataFrame({"text": [1, 2]}).to_parquet(path)
    with pytest.raises(CorpusError) as err:
        next(iter_source(path))
    assert err.value.codes == ["E_TEXT_TYPE"]


BAD_JSONL = "\n".join([
    '{"doc_id": "a", "text": "نص أول"}',       # line 1: good
    '[1, 2]',                                   # line 2: not an object
    '{"doc_id": "b", "txt": "نص"}',            # line 3: no text key
    '{"doc_id": "c", "text": "   "}',          # line 4: empty text
    '{"doc_id": "a", "text": "نص مكرر"}',      # line 5: repeated id
    '{"doc_id": "", "text": "بلا رقم"}',       # line 6: empty id
    'not json',                                 # line 7
    '{"doc_id": "d", "text": "نص أخير"}',      # line 8: good
]) + "\n"


def test_raise_mode_lists_every_row_problem_and_stops_yielding(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(BAD_JSONL, encoding="utf-8")
    got = []
    with pytest.raises(CorpusError) as err:
        for doc in iter_source(path):
            got.append(doc["doc_id"])
    assert got == ["a"]  # nothing after the first problem, not even the good line 8
    assert [(p.code, p.line) for p in err.value.problems] == [
        ("E_JSON", 2), ("E_TEXT_COLUMN", 3), ("E_EMPTY_TEXT", 4), ("E_DUPLICATE_ID", 5),
        ("E_EMPTY_ID", 6), ("E_JSON", 7)]
    assert all(p.severity == "error" for p in err.value.problems)


def test_skip_mode_yields_the_good_rows_and_reports_the_rest(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(BAD_JSONL, encoding="utf-8")
    problems = []
    docs = list(iter_source(path, on_error="skip", problems=problems))
    assert [d["doc_id"] for d in docs] == ["a", "d"]
    assert [p.code for p in problems] == ["E_JSON", "E_TEXT_COLUMN", "E_EMPTY_TEXT",
                                         "E_DUPLICATE_ID", "E_EMPTY_ID", "E_JSON"]
    assert all(p.severity == "warning" and p.message.endswith("(skipped)") for p in problems)


def test_skip_mode_with_no_good_row_is_an_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("text\n \n\t\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        list(iter_source(path, on_error="skip"))
    assert err.value.codes == ["E_EMPTY_SOURCE"]


def test_check_source_lists_problems_without_raising(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(BAD_JSONL, encoding="utf-8")
    assert [p.line for p in check_source(path)] == [2, 3, 4, 5, 6, 7]
    assert check_source(write(tmp_path / "ok.csv", ROWS), text_col="body") == []
    assert [p.code for p in check_source(tmp_path / "missing.csv")] == ["E_NOT_FOUND"]


def test_duplicate_ids_in_a_csv(tmp_path):
    path = write(tmp_path / "a.csv", [{"doc_id": "7", "text": "أ"}, {"doc_id": "7", "text": "ب"}])
    with pytest.raises(CorpusError) as err:
        list(iter_source(path))
    assert err.value.codes == ["E_DUPLICATE_ID"]
    assert "row 2" in err.value.problems[0].message and "'7'" in err.value.problems[0].message


@pytest.mark.parametrize("kwargs, match", [
    ({"text_col": ""}, r"text_col = '' is invalid"),
    ({"text_col": 3}, r"text_col = 3 is invalid"),
    ({"id_col": "text"}, r"id_col = 'text' is invalid; it must differ"),
    ({"metadata_cols": "era"}, r"metadata_cols = 'era' is invalid"),
    ({"encoding": "klingon"}, r"encoding = 'klingon' is invalid"),
    ({"chunksize": 0}, r"chunksize = 0 is invalid"),
    ({"chunksize": True}, r"chunksize = True is invalid"),
    ({"on_error": "ignore"}, r"on_error = 'ignore' is invalid; use one of 'raise', 'skip'"),
])
def test_bad_arguments_raise_value_error(tmp_path, kwargs, match):
    path = write(tmp_path / "a.csv", ROWS)
    with pytest.raises(ValueError, match=match):
        list(iter_source(path, **kwargs))


def test_nothing_is_written_next_to_the_source(tmp_path):
    path = write(tmp_path / "a.parquet", ROWS)
    before = sorted(p.name for p in tmp_path.iterdir())
    list(iter_source(path, text_col="body"))
    check_source(path, text_col="body")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --------------------------------------------------------------------------- load_corpus / iter_corpus

def _generate():
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("bench_generate_sources", root / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """One small synthetic corpus (benchmarks/generate.py) as a folder and as each table file."""
    generate = _generate()
    base = tmp_path_factory.mktemp("synthetic")
    out = {"folder": generate.write_corpus(25, base / "corpus-25")}
    for fmt in ("csv", "jsonl", "parquet"):
        out[fmt] = generate.write_corpus(25, base / f"corpus-25.{fmt}", fmt=fmt)
    return out


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_table_file_loads_like_the_same_corpus_as_a_folder(synthetic, fmt):
    folder = load_corpus(synthetic["folder"])
    table = load_corpus(synthetic[fmt])
    assert list(table.columns) == list(folder.columns) and list(table.dtypes) == list(folder.dtypes)
    same = [c for c in folder.columns if c != "file"]
    assert table[same].equals(folder[same])  # texts, cleaning, metadata, parsed dates
    assert table["file"].tolist() == [f"corpus-25.{fmt}#{k}" for k in range(1, 26)]
    a, b = cleaning_audit(table), cleaning_audit(folder)
    cols = [c for c in a.columns if c != "file"]
    assert a[cols].equals(b[cols])  # the same lines taken out, the same checksums (UTF-8, no BOM)
    assert paragraphs(table).equals(paragraphs(folder)) and sentences(table).equals(sentences(folder))
    assert table.attrs["path"] == str(synthetic[fmt]) and table.attrs["skipped"] == []


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_iter_corpus_over_a_table_yields_the_rows_of_load_corpus(synthetic, fmt):
    table = load_corpus(synthetic[fmt])
    docs = list(iter_corpus(synthetic[fmt]))
    assert [d["doc_id"] for d in docs] == table["doc_id"].tolist()
    assert [d["text"] for d in docs] == table["text"].tolist()
    assert [k for k in docs[0] if k != "audit"] == list(table.columns)
    assert docs[0]["date"] == table["date"][0]


def test_table_rows_rebuild_to_their_cells(tmp_path):
    path = write(tmp_path / "a.csv", [{"doc_id": "x", "text": "عنوان\r\nنص الخبر.\r\nالائتلاف", "era": "k"}])
    corpus = load_corpus(path)
    assert corpus["raw_text"][0] == "عنوان\r\nنص الخبر.\r\nالائتلاف"  # the cell as stored
    assert corpus["text"][0] == "عنوان\nنص الخبر."
    audit = cleaning_audit(corpus)
    raw = rebuild_raw(corpus["text"][0], audit, doc_id="x")
    assert raw.decode("utf-8") == corpus["raw_text"][0]
    assert audit["sha256"][0] == hashlib.sha256(raw).hexdigest()
    assert audit["file"].tolist() == ["a.csv#1", "a.csv#1"]


def test_table_columns_keep_their_roles(tmp_path):
    rows = [{"id": "7", "body": "نص.", "raw_text": "قديم", "headline": "عنوان معطى", "date": "2019-03",
             "extra": "x"}]
    corpus = load_corpus(write(tmp_path / "a.parquet", rows), text_col="body", id_col="id",
                         metadata_cols=["raw_text", "headline", "date"])
    assert corpus["doc_id"].tolist() == ["7"] and corpus["raw_text"].tolist() == ["نص."]
    assert corpus["source_raw_text"].tolist() == ["قديم"]  # the loader fills raw_text
    assert corpus["headline"].tolist() == ["عنوان معطى"]   # a given value wins, as in metadata.csv
    assert corpus["date_precision"].tolist() == ["month"] and "extra" not in corpus.columns
    assert list(corpus.columns[-5:]) == list(CLEANING_COLUMNS)


BAD_DATES = [{"doc_id": "1", "text": "نص أول.", "date": "2015-05-01"},
             {"doc_id": "2", "text": "نص ثان.", "date": "2015-13-01"},
             {"doc_id": "3", "text": "", "date": "2015"},
             {"doc_id": "4", "text": "latin only.", "date": "2015-05"}]


def test_table_problems_raise_together_in_file_order(tmp_path):
    path = write(tmp_path / "a.csv", BAD_DATES)
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    assert [(p.code, p.severity) for p in err.value.problems] == [
        ("E_BAD_DATE", "error"), ("E_EMPTY_TEXT", "error"), ("W_NO_ARABIC", "warning")]
    assert err.value.problems[0].file == "a.csv#2"
    # the source's problems read exactly as check_source (and iter_source) report them
    assert [p for p in err.value.problems if p.code == "E_EMPTY_TEXT"] == check_source(path)


def test_table_problems_skipped(tmp_path):
    path = write(tmp_path / "a.csv", BAD_DATES)
    with pytest.warns(UserWarning, match=r"skipped 2 row\(s\): a.csv#2 \(E_BAD_DATE\), a.csv#3 \(E_EMPTY_TEXT\)"):
        corpus = load_corpus(path, on_error="skip")
    assert corpus["doc_id"].tolist() == ["1", "4"]
    assert corpus.attrs["skipped"] == ["a.csv#2", "a.csv#3"]
    assert [p.code for p in corpus.attrs["problems"]] == ["E_BAD_DATE", "E_EMPTY_TEXT", "W_NO_ARABIC"]
    assert corpus["date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-05-01", "2015-05-01"]


def test_json_lines_problems_as_load_corpus_reports_them(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(BAD_JSONL, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    assert err.value.problems == check_source(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus(path, on_error="skip")
    assert corpus["doc_id"].tolist() == ["a", "d"] and corpus["file"].tolist() == ["a.jsonl#1", "a.jsonl#6"]
    # records 2-5 were skipped; lines 2 and 7 were no records at all
    assert corpus.attrs["skipped"] == ["a.jsonl#2", "a.jsonl#3", "a.jsonl#4", "a.jsonl#5", "a.jsonl:2", "a.jsonl:7"]


def test_every_row_skipped_is_an_error(tmp_path):
    path = write(tmp_path / "a.csv", [{"text": "نص", "date": "someday"}])
    with pytest.raises(CorpusError) as err:
        load_corpus(path, on_error="skip")
    assert err.value.codes == ["E_BAD_DATE", "E_EMPTY_SOURCE"]


def test_structural_problems_of_a_table_raise_before_loading(tmp_path):
    with pytest.raises(CorpusError) as err:
        load_corpus(write(tmp_path / "a.csv", ROWS))  # the text is in "body"
    assert err.value.codes == ["E_TEXT_COLUMN"] and "--text-col" in err.value.problems[0].fix
    with pytest.raises(CorpusError) as err:
        next(iter_corpus(tmp_path / "missing.jsonl"))
    assert err.value.codes == ["E_NOT_FOUND"]


@pytest.mark.parametrize("kwargs", [{"text_col": "body"}, {"id_col": "id"}, {"metadata_cols": ["era"]}])
def test_table_keywords_with_a_folder_are_a_value_error(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=rf"{name} = .* applies only to a one-file corpus.*leave these keywords out"):
        load_corpus(seeds_path(), **kwargs)
    with pytest.raises(ValueError, match=name):
        next(iter_corpus(seeds_path(), **kwargs))


def _counting_iter_source(monkeypatch):
    """Patch iter_source to count the rows it has handed out so far."""
    handed = []
    original = sources_module.iter_source

    def counting(*args, **kwargs):
        for doc in original(*args, **kwargs):
            handed.append(doc["doc_id"])
            yield doc

    monkeypatch.setattr(sources_module, "iter_source", counting)
    return handed


def test_iter_corpus_streams_a_table(synthetic, monkeypatch):
    handed = _counting_iter_source(monkeypatch)
    it = iter_corpus(synthetic["csv"], check=False)
    first = next(it)
    assert first["doc_id"] == "000" and handed == ["000"]  # one row read, not the file
    next(it)
    assert len(handed) == 2


def test_iter_corpus_checks_a_table_first_then_streams_it(synthetic, monkeypatch):
    handed = _counting_iter_source(monkeypatch)
    it = iter_corpus(synthetic["jsonl"])
    next(it)
    assert len(handed) == 25 + 1  # the checking pass over every row, then one row
    bad = write(Path(synthetic["jsonl"]).parent / "bad.csv", BAD_DATES)
    got = []
    with pytest.raises(CorpusError):
        for doc in iter_corpus(bad):
            got.append(doc)
    assert got == []  # problems are reported before the first document
