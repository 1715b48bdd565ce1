"""Bad input (issue 5): every problem at once, with its code, file, line and fix; explicit
choices for encodings, byte-order marks and line ends; skipping never silent; offline tests."""

from __future__ import annotations

import codecs
import re
import shutil
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import corpus_utils
from corpus_utils import cli
from corpus_utils.corpus import (
    check_corpus, cleaning_audit, corpus_stats, iter_corpus, load_corpus, near_duplicates, paragraphs,
    rebuild_raw, sentences,
)
from corpus_utils.errors import CODES, CorpusError, CorpusWarning, Problem, problem
from corpus_utils.paths import seeds_path

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
ROOT = Path(__file__).resolve().parents[1]


def _metadata(folder: Path) -> list[str]:
    return (folder / "metadata.csv").read_text(encoding="utf-8").splitlines()


def _set_metadata(folder: Path, lines: list[str]) -> None:
    (folder / "metadata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


# Each fix does what the message says; returns extra load_corpus arguments.
def fix_encoding(folder):
    return {"encoding": "cp1256"}


def fix_empty(folder):  # "delete the file and its row"
    for name in ("001.txt", "002.txt"):
        (folder / name).unlink()
    _set_metadata(folder, [line for line in _metadata(folder) if not re.search(r",00[12]\.txt,", line)])


def fix_unlisted(folder):  # "add a row for it"
    _set_metadata(folder, _metadata(folder) + ["NEW,extra.txt,khoja,2015-05-02"])


def fix_missing_file(folder):  # "delete the row"
    _set_metadata(folder, [line for line in _metadata(folder) if "002.txt" not in line])


def fix_duplicate(folder):  # "give each document its own doc_id"
    lines = _metadata(folder)
    _set_metadata(folder, lines[:-1] + [lines[-1].replace("001,", "002,", 1)])


def fix_date(folder):  # "write the date as YYYY-MM-DD"
    _set_metadata(folder, [line.replace("30/04/2015", "2015-04-30") for line in _metadata(folder)])


def fix_precision(folder):  # "use date_precision 'month'"
    _set_metadata(folder, [line.replace("2015-04,day", "2015-04,month") for line in _metadata(folder)])


def fix_doc_id_column(folder):  # "rename column 'id' to 'doc_id'"
    lines = _metadata(folder)
    _set_metadata(folder, ["doc_id,file,era", *lines[1:]])


def fix_file_column(folder):  # "rename column 'filename' to 'file'"
    lines = _metadata(folder)
    _set_metadata(folder, ["doc_id,file,era", *lines[1:]])


def fix_fields(folder):  # "quote values that hold a comma"
    _set_metadata(folder, [line.replace("Washington, DC", '"Washington, DC"') for line in _metadata(folder)])


def fix_no_metadata(folder):  # "create metadata.csv with a header line 'doc_id,file'"
    _set_metadata(folder, ["doc_id,file", "000,000.txt", "001,001.txt"])


# case -> (codes in order, (file, line) of the first problem, words of the message, words of
#          the fix, the fix)
CASES = {
    "encoding_cp1256": (["E_ENCODING", "E_ENCODING"], ("000.txt", 1), "windows-1256",
                        "--encoding cp1256", fix_encoding),
    "empty_file": (["E_EMPTY_FILE", "E_EMPTY_FILE"], ("001.txt", None), "is empty (0 bytes)",
                   "delete the file and its row", fix_empty),
    "unlisted_file": (["E_UNLISTED_FILE"], ("extra.txt", None), "has no row in metadata.csv",
                      "add a row for it", fix_unlisted),
    "missing_file": (["E_MISSING_FILE"], ("002.txt", None), "not in the corpus folder",
                     "delete the row", fix_missing_file),
    "duplicate_doc_id": (["E_DUPLICATE_DOC_ID"], ("metadata.csv", 4), "already used on line 3",
                         "its own doc_id", fix_duplicate),
    "bad_date": (["E_BAD_DATE"], ("metadata.csv", 2), "'30/04/2015'", "YYYY-MM-DD", fix_date),
    "date_precision": (["E_DATE_PRECISION"], ("metadata.csv", 2), "'day' does not fit",
                       "date_precision 'month'", fix_precision),
    "missing_doc_id_column": (["E_MISSING_COLUMN"], ("metadata.csv", 1), "no 'doc_id' column",
                              "rename column 'id' to 'doc_id'", fix_doc_id_column),
    "missing_file_column": (["E_MISSING_COLUMN"], ("metadata.csv", 1), "no 'file' column",
                            "rename column 'filename' to 'file'", fix_file_column),
    "metadata_fields": (["E_METADATA_FIELDS"], ("metadata.csv", 2), "5 field(s)",
                        "quote values that hold a comma", fix_fields),
    "no_metadata": (["E_NO_METADATA"], ("metadata.csv", None), "no metadata.csv",
                    "header line 'doc_id,file'", fix_no_metadata),
}


@pytest.fixture
def case_copy(tmp_path):
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(BAD / name, target)
        return target

    return copy


@pytest.mark.parametrize("case", CASES)
def test_bad_case_code_message_and_fix(case, case_copy):
    codes, (file, line), says, fix_says, _ = CASES[case]
    with pytest.raises(CorpusError) as info:
        load_corpus(BAD / case)
    err = info.value
    assert err.codes == codes
    first = err.problems[0]
    assert (first.file, first.line) == (file, line)
    assert says in first.message and fix_says in first.fix
    assert all(p.code in CODES and p.severity == "error" for p in err.problems)


@pytest.mark.parametrize("case", CASES)
def test_bad_case_from_the_command_line(case, capsys):
    codes, (file, line), says, fix_says, _ = CASES[case]
    assert cli.main(["stats", str(BAD / case)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    where = f"{file}:{line}" if line else file
    assert f"error {codes[0]} {where}: " in err and says in err and fix_says in err
    assert err.count("\n  - ") == len(codes)


@pytest.mark.parametrize("case", CASES)
def test_bad_case_loads_once_fixed(case, case_copy, capsys):
    folder = case_copy(case)
    kwargs = CASES[case][-1](folder) or {}
    corpus = load_corpus(folder, **kwargs)
    assert len(corpus) >= 1 and corpus.attrs["problems"] == []
    argv = ["stats", str(folder)] + [f"--{k}={v}" for k, v in kwargs.items()]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"all,{len(corpus)},")


def test_encoding_fix_decodes_the_arabic():
    corpus = load_corpus(BAD / "encoding_cp1256", encoding="cp1256")
    assert corpus.text[0].startswith("أعلن الائتلاف الوطني السوري")
    audit = cleaning_audit(corpus)
    assert audit.loc[audit.action == "file", "encoding"].tolist() == ["cp1256", "cp1256"]
    for d, f, t in zip(corpus.doc_id, corpus.file, corpus.text):
        assert rebuild_raw(t, audit, doc_id=d) == (BAD / "encoding_cp1256" / f).read_bytes()


def test_every_problem_is_reported_at_once(capsys):
    with pytest.raises(CorpusError) as info:
        load_corpus(BAD / "many_problems")
    assert sorted(info.value.codes) == ["E_BAD_DATE", "E_DUPLICATE_DOC_ID", "E_EMPTY_FILE", "E_ENCODING"]
    assert info.value.message.startswith("4 problems in corpus")
    assert cli.main(["stats", str(BAD / "many_problems")]) == 1
    err = capsys.readouterr().err
    assert all(code in err for code in info.value.codes)


def test_subprocess_exit_status_and_no_traceback():
    run = subprocess.run([sys.executable, "-m", "corpus_utils", "stats", str(BAD / "encoding_cp1256")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and run.stdout == ""
    assert "E_ENCODING" in run.stderr and "Traceback" not in run.stderr


# --------------------------------------------------------------------------- warnings, skipping


@pytest.mark.parametrize("check", [True, False])
def test_iter_corpus_gives_each_warning_once(check):
    import warnings

    from corpus_utils.corpus import iter_corpus

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = list(iter_corpus(BAD / "no_arabic", check=check))
    assert len(rows) == 2
    texts = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    assert sum(t.count("W_NO_ARABIC 001.txt") for t in texts) == 1, texts


def test_no_arabic_is_a_warning(capsys):
    with pytest.warns(CorpusWarning, match="W_NO_ARABIC 001.txt"):
        corpus = load_corpus(BAD / "no_arabic")
    assert len(corpus) == 2
    assert [p.code for p in corpus.attrs["problems"]] == ["W_NO_ARABIC"]
    assert cli.main(["stats", str(BAD / "no_arabic")]) == 0
    out, err = capsys.readouterr()
    assert "warning W_NO_ARABIC 001.txt" in err and out.startswith("group,")


def test_skip_bad_loads_the_rest_and_says_so(capsys):
    with pytest.warns(CorpusWarning, match="W_SKIPPED") as caught:
        corpus = load_corpus(BAD / "many_problems", on_error="skip")
    assert corpus["doc_id"].tolist() == ["000"]
    assert corpus.attrs["skipped"] == ["001.txt", "002.txt"]
    assert "E_ENCODING" in str(caught[0].message) and "E_EMPTY_FILE" in str(caught[0].message)
    assert cli.main(["stats", str(BAD / "many_problems"), "--skip-bad"]) == 0
    out, err = capsys.readouterr()
    assert "skipped 2 file(s): 001.txt" in err and out.splitlines()[-1].startswith("all,1,")


def test_skip_cannot_skip_a_corpus_level_problem():
    with pytest.raises(CorpusError) as info:
        load_corpus(BAD / "missing_doc_id_column", on_error="skip")
    assert info.value.codes == ["E_MISSING_COLUMN"]


def test_skip_with_nothing_left_is_an_error(case_copy):
    folder = case_copy("encoding_cp1256")
    with pytest.raises(CorpusError) as info:
        load_corpus(folder, on_error="skip")
    assert info.value.codes[-1] == "E_NO_DOCUMENTS"


def test_unlisted_file_skipped_is_reported():
    with pytest.warns(CorpusWarning, match="extra.txt"):
        corpus = load_corpus(BAD / "unlisted_file", on_error="skip")
    assert corpus.attrs["skipped"] == ["extra.txt"] and len(corpus) == 2


def test_iter_corpus_checks_everything_before_the_first_document():
    docs = iter_corpus(BAD / "many_problems")
    with pytest.raises(CorpusError) as info:
        next(docs)
    assert len(info.value.problems) == 4


def test_check_corpus_lists_problems_without_loading():
    assert check_corpus(seeds_path()) == []
    assert [p.code for p in check_corpus(BAD / "empty_file")] == ["E_EMPTY_FILE", "E_EMPTY_FILE"]


def test_legacy_encoding_on_utf8_files_is_refused():
    with pytest.raises(CorpusError) as info:
        load_corpus(seeds_path(), encoding="cp1256")
    assert info.value.codes == ["E_LOOKS_UTF8"] * 5


def test_no_corpus_folder(tmp_path):
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path / "nowhere")
    assert info.value.codes == ["E_NO_CORPUS"]


@pytest.mark.parametrize("kwargs, message", [
    ({"encoding": "klingon"}, "encoding = 'klingon'"),
    ({"on_error": "ignore"}, "on_error = 'ignore'"),
])
def test_bad_arguments_are_value_errors(kwargs, message, capsys):
    with pytest.raises(ValueError, match=message):
        load_corpus(seeds_path(), **kwargs)
    if "encoding" in kwargs:
        assert cli.main(["stats", "--encoding", "klingon"]) == 2
        assert "klingon" in capsys.readouterr().err


def test_undocumented_code_is_refused():
    with pytest.raises(ValueError, match="E_NOPE"):
        problem("E_NOPE", "x", "y")


# --------------------------------------------------------------------------- accepted input


def test_bom_and_crlf_load_and_are_recorded():
    folder = DATA / "bom_crlf"
    corpus = load_corpus(folder)
    files = cleaning_audit(corpus).query("action == 'file'").set_index("doc_id")
    assert files.loc["000", ["encoding", "bom", "line_ends"]].tolist() == ["utf-8", "UTF-8", "CRLF"]
    assert files.loc["001", ["encoding", "bom", "line_ends"]].tolist() == ["utf-16-le", "UTF-16-LE", "CRLF"]
    assert files.loc["002", ["encoding", "bom", "line_ends"]].tolist() == ["utf-32-be", "UTF-32-BE", "LF"]
    assert files["final_newline"].tolist() == [True, True, True]
    assert not corpus.raw_text[0].startswith("\ufeff") and "\r\n" in corpus.raw_text[0]
    assert "\r" not in corpus.text[0]
    for p in paragraphs(corpus).itertuples():
        assert not p.text.endswith("\r")
    for d, f, t in zip(corpus.doc_id, corpus.file, corpus.text):
        assert rebuild_raw(t, cleaning_audit(corpus), doc_id=d) == (folder / f).read_bytes()


def test_mixed_line_ends_are_mapped_and_rebuilt(tmp_path):
    raw = "سطر أول.\r\nسطر ثان.\nسطر ثالث.\r\nسطر رابع.\rالائتلاف"
    (tmp_path / "a.txt").write_bytes(raw.encode("utf-8"))
    (tmp_path / "metadata.csv").write_text("doc_id,file\na,a.txt\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    row = cleaning_audit(corpus).iloc[0]
    assert (row["line_ends"], row["line_end_map"], bool(row["final_newline"])) == ("mixed", "CRLF 2:LF 4:CR", False)
    assert corpus.text[0] == "سطر أول.\nسطر ثان.\nسطر ثالث.\nسطر رابع."
    assert rebuild_raw(corpus.text[0], cleaning_audit(corpus), doc_id="a") == raw.encode("utf-8")


def test_html_and_invisible_controls_stay_and_are_counted():
    corpus = load_corpus(DATA / "html_controls")
    raw = (DATA / "html_controls" / "000.txt").read_text(encoding="utf-8")
    assert corpus.raw_text[0] == raw and corpus.text[0] == raw  # nothing silently altered
    row = cleaning_audit(corpus).iloc[0]
    assert row["format_controls"] == 6 and row["html_markup"] == 9  # ZWNJ ZWJ RLE PDF RLM LRM; 5 tags 4 entities
    assert "<script>" in " ".join(sentences(corpus)["text"])
    assert len(paragraphs(corpus)) == 4
    assert corpus_stats(corpus)["documents"].tolist() == [1, 1] and near_duplicates(corpus).empty


# --------------------------------------------------------------------------- documentation

_DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
_DOC_ROWS = dict(re.findall(r"^\| `([EW]_[A-Z0-9_]+)` \| (error|warning) \|", _DOC, flags=re.M))


def test_every_code_is_documented_once_with_its_severity():
    assert set(_DOC_ROWS) == set(CODES)
    assert all(_DOC_ROWS[code] == CODES[code][0] for code in CODES)
    assert len(re.findall(r"^\| `[EW]_", _DOC, flags=re.M)) == len(CODES)


def test_every_code_raised_in_the_package_is_documented():
    pattern = re.compile(r"""\b(?:Problem|problem)\(\s*["']([EW]_[A-Z0-9_]+)["']""")
    used = set()
    for path in (ROOT / "corpus_utils").glob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used and used <= set(CODES), sorted(used - set(CODES))


def test_problem_str_names_file_line_and_fix():
    p = Problem("E_BAD_DATE", "bad", "write ISO", "metadata.csv", 3)
    assert str(p) == "error E_BAD_DATE metadata.csv:3: bad. Fix: write ISO"
    assert corpus_utils.CorpusError is CorpusError


# --------------------------------------------------------------------------- offline


@pytest.mark.parametrize("attempt", [
    lambda: socket.create_connection(("192.0.2.1", 80), timeout=0.1),
    lambda: socket.create_connection(("example.org", 443), timeout=0.1),
    lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("8.8.8.8", 53)),
    lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect_ex(("1.1.1.1", 443)),
    lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).connect(("2001:db8::1", 80)),
    lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53)),
], ids=["create_connection-ip", "create_connection-name", "connect", "connect_ex", "ipv6", "udp-sendto"])
def test_unit_tests_cannot_reach_the_network(attempt):
    with pytest.raises(RuntimeError, match="offline"):
        attempt()


def test_loopback_and_unix_sockets_still_work(tmp_path):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=2)
        conn, _ = server.accept()
        client.sendall(b"ok")
        assert conn.recv(2) == b"ok"
        client.close()
        conn.close()
    finally:
        server.close()
    if hasattr(socket, "AF_UNIX"):
        path = str(tmp_path / "s.sock")
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind(path)
        unix.listen(1)
        other = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        other.connect(path)
        other.close()
        unix.close()


def test_loading_and_cleaning_need_no_network():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and raise no warning on the seeds
        corpus = load_corpus(seeds_path())
    assert len(paragraphs(corpus)) == 40  # the guard was active all along (autouse fixture)
    assert socket.socket.connect.__name__ == "guarded"


# --------------------------------------------------------------------------- metadata edge cases

BODY = "قال رئيس الائتلاف إن الحل سياسي.\n"


def _corpus(folder: Path, metadata: bytes | str, files: dict | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in (files if files is not None else {"000.txt": BODY, "001.txt": BODY}).items():
        if text is None:
            (folder / name).mkdir()
        else:
            (folder / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    data = metadata.encode("utf-8") if isinstance(metadata, str) else metadata
    (folder / "metadata.csv").write_bytes(data)
    return folder


METADATA_CASES = {
    "not utf-8": ("doc_id,file,era\n000,000.txt,خوجة\n".encode("cp1256"), None, ["E_METADATA_UNREADABLE"]),
    "header repeats a name": ("doc_id,file,era,era\n000,000.txt,a,b\n001,001.txt,a,b\n", None,
                              ["E_METADATA_UNREADABLE"]),
    "empty file": ("", None, ["E_METADATA_UNREADABLE"]),
    "reserved column": ("doc_id,file,text\n000,000.txt,x\n001,001.txt,y\n", None, ["E_RESERVED_COLUMN"]),
    "empty doc_id": ("doc_id,file\n,000.txt\n001,001.txt\n", None, ["E_MISSING_VALUE"]),
    "same file twice": ("doc_id,file\n000,000.txt\n001,000.txt\n", {"000.txt": BODY}, ["E_DUPLICATE_FILE"]),
    "a folder named like a text": ("doc_id,file\n000,000.txt\n001,001.txt\n", {"000.txt": BODY, "001.txt": None},
                                   ["E_UNREADABLE_FILE"]),
    "impossible date": ("doc_id,file,date\n000,000.txt,2015-02-30\n001,001.txt,2015\n", None, ["E_BAD_DATE"]),
    "unknown precision": ("doc_id,file,date,date_precision\n000,000.txt,2015,decade\n001,001.txt,,\n", None,
                          ["E_DATE_PRECISION"]),
    "nothing at all": ("doc_id,file\n", {}, ["E_NO_DOCUMENTS"]),
    "utf-16 without a mark": ("doc_id,file\n000,000.txt\n", {"000.txt": BODY.encode("utf-16-le")},
                              ["E_ENCODING"]),
}


@pytest.mark.parametrize("metadata, files, codes", METADATA_CASES.values(), ids=METADATA_CASES.keys())
def test_metadata_problems(tmp_path, metadata, files, codes):
    with pytest.raises(CorpusError) as info:
        load_corpus(_corpus(tmp_path / "c", metadata, files))
    assert info.value.codes == codes
    assert all(p.fix for p in info.value.problems)


def test_utf16_without_a_mark_is_named_in_the_message(tmp_path):
    folder = _corpus(tmp_path / "c", "doc_id,file\n000,000.txt\n", {"000.txt": BODY.encode("utf-16-le")})
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    assert "UTF-16 little-endian" in info.value.problems[0].message
    assert "--encoding utf-16-le" in info.value.problems[0].fix
    assert load_corpus(folder, encoding="utf-16-le").text[0] == BODY


def test_metadata_from_excel_with_bom_and_crlf_loads(tmp_path):
    meta = "\ufeffdoc_id,file,era,date\r\n000,000.txt,khoja,2015-05\r\n001,001.txt,khoja,2015\r\n"
    corpus = load_corpus(_corpus(tmp_path / "c", meta))
    assert corpus["doc_id"].tolist() == ["000", "001"]
    assert corpus["date_precision"].tolist() == ["month", "year"]
    assert corpus["date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-05-01", "2015-01-01"]


def test_a_metadata_headline_wins_over_cleaning(tmp_path):
    files = {"000.txt": BODY + "عنوان الخبر هنا\nعنوان الخبر هنا\n"}
    corpus = load_corpus(_corpus(tmp_path / "c", "doc_id,file,headline\n000,000.txt,عنوان من الموقع\n", files))
    assert corpus.headline[0] == "عنوان من الموقع"
    assert cleaning_audit(corpus)["target_column"].tolist()[1:] == ["headline", ""]  # still audited


def test_hidden_files_are_not_texts(tmp_path):
    folder = _corpus(tmp_path / "c", "doc_id,file\n000,000.txt\n001,001.txt\n")
    (folder / "._000.txt").write_bytes(b"\x00\x05\x16\x07")  # macOS resource fork
    assert len(load_corpus(folder)) == 2


def test_a_text_that_is_all_clutter_is_loaded_with_a_warning(tmp_path):
    folder = _corpus(tmp_path / "c", "doc_id,file\n000,000.txt\n001,001.txt\n",
                     {"000.txt": BODY, "001.txt": "اضغط هنا للاشتراك\nالائتلاف\n"})
    with pytest.warns(CorpusWarning, match="W_EMPTY_AFTER_CLEANING 001.txt"):
        corpus = load_corpus(folder)
    assert corpus.text[1] == "" and paragraphs(corpus)["doc_id"].tolist() == ["000"]
    assert rebuild_raw(corpus.text[1], cleaning_audit(corpus), doc_id="001") == (folder / "001.txt").read_bytes()
