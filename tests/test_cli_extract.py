"""`syndetect extract`: exact CLI output, exit status 2 with a one-line error for bad input, atomic outputs."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndetect_cli.app import _register, app

_register()
runner = CliRunner()

AR = "أعلن الكرملين الأربعاء أن الرئيس سيزور المنطقة"


def _jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _run(*args: str, input: str | bytes | None = None):
    return runner.invoke(app, list(args), input=input)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_help_has_an_example():
    result = _run("extract", "--help")
    assert result.exit_code == 0
    assert "Example: syndetect extract" in result.output


def test_extract_jsonl(cwd):
    Path("news.jsonl").write_text(
        _jsonl(
            {
                "id": "rt-1",
                "text": AR,
                "url": "https://www.arabic.rt.com/news/1",
                "date": "2015-10-21",
                "author": "رويترز",
            },
            {"id": "rt-2", "text": "", "outlet": "rt", "published": "2015-10-21T11:00:00+03:00"},
        ),
        encoding="utf-8",
    )
    result = _run("extract", "news.jsonl", "-o", "docs.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr == "2 documents read; wrote 2 to docs.jsonl\n"
    assert _lines(cwd / "docs.jsonl") == [
        {
            "id": "rt-1",
            "outlet": "arabic.rt.com",
            "published": "2015-10-21",
            "url": "https://www.arabic.rt.com/news/1",
            "author": "رويترز",
            "text": AR,
        },
        {"id": "rt-2", "outlet": "rt", "published": "2015-10-21T11:00:00+03:00", "text": ""},
    ]
    meta = json.loads((cwd / "docs.jsonl.stats.json").read_text(encoding="utf-8"))
    assert meta["stats"]["read"] == 2 and meta["stats"]["skipped"] == 0
    assert meta["stats"]["inputs"] == ["news.jsonl"] and meta["fingerprint"]


def test_extract_mixed_inputs(cwd):
    with gzip.open("a.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(_jsonl({"id": "g1", "text": AR}))
    Path("b.csv").write_text('id,text,outlet\nc1,"سطر ""أول""\nسطر ثان",sabq\n', encoding="utf-8")
    (cwd / "texts" / "sub").mkdir(parents=True)
    Path("texts/sub/t.txt").write_text("نص", encoding="utf-8")
    result = _run("--quiet", "extract", "a.jsonl.gz", "b.csv", "texts", "-o", "out/docs.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    docs = _lines(cwd / "out" / "docs.jsonl")
    assert [(d["id"], d["outlet"], d["text"]) for d in docs] == [
        ("g1", "unknown", AR),
        ("c1", "sabq", 'سطر "أول"\nسطر ثان'),
        ("sub/t.txt", "unknown", "نص"),
    ]


def test_extract_stdin_to_stdout(cwd):
    result = _run("extract", "-", "-o", "-", input=_jsonl({"id": "s1", "text": AR}))
    assert result.exit_code == 0, result.output
    assert result.stdout == _jsonl({"id": "s1", "outlet": "unknown", "text": AR})
    assert result.stderr == "1 document read; wrote 1 to stdout\n"
    assert os.listdir(cwd) == []  # no .stats.json for stdout


ERRORS = [
    (b'{"id": "a", "text": "x"}\n{"id": "b"}\n', 'news.jsonl:2: missing "text"', "missing_text"),
    (b'{"text": "x"}\n', 'news.jsonl:1: missing "id"', "missing_id"),
    (
        b'{"id": 7, "text": "x"}\n',
        'news.jsonl:1: "id" must be a string, got the number 7 (write it in quotes)',
        "int_id",
    ),
    (
        b'{"id": "a", "text": "x"}\n\n{"id": "b", "text": \n',
        "news.jsonl:3: malformed JSON (Expecting value at column 21)",
        "malformed",
    ),
    (
        b'{"id": "a", "text": "\xd8"}\n',
        "news.jsonl:1: invalid UTF-8 (byte 0xd8 at column 22)",
        "invalid_utf8",
    ),
    (
        b'{"id": "a", "text": "x", "published": "2015-02-30"}\n',
        'news.jsonl:1: bad "published" date "2015-02-30" (expected ISO 8601, e.g. 2015-10-21 or 2015-10-21T11:00:00+03:00)',
        "bad_date",
    ),
]


@pytest.mark.parametrize("content, message", [e[:2] for e in ERRORS], ids=[e[2] for e in ERRORS])
def test_bad_input_one_line_exit_2(cwd, content, message):
    Path("news.jsonl").write_bytes(content)
    result = _run("extract", "news.jsonl", "-o", "docs.jsonl")
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
    assert os.listdir(cwd) == ["news.jsonl"]  # nothing written, no temporary file left


def test_duplicate_id_across_two_files(cwd):
    Path("one.jsonl").write_text(_jsonl({"id": "a", "text": "x"}), encoding="utf-8")
    Path("two.jsonl").write_text(_jsonl({"id": "b", "text": "y"}, {"id": "a", "text": "z"}), encoding="utf-8")
    result = _run("extract", "one.jsonl", "two.jsonl", "-o", "docs.jsonl")
    assert result.exit_code == 2
    assert result.stderr == 'error: two.jsonl:2: duplicate id "a" (first seen at one.jsonl:1)\n'


def test_missing_input_and_unknown_format(cwd):
    result = _run("extract", "nope.jsonl", "-o", "docs.jsonl")
    assert (result.exit_code, result.stderr) == (2, "error: nope.jsonl: no such file or directory\n")
    Path("news.xml").write_text("<x/>", encoding="utf-8")
    result = _run("extract", "news.xml", "-o", "docs.jsonl")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: news.xml: unknown input format (expected JSON Lines")


def test_failing_run_leaves_previous_output_untouched(cwd):
    Path("docs.jsonl").write_text("previous run\n", encoding="utf-8")
    Path("docs.jsonl.stats.json").write_text("{}\n", encoding="utf-8")
    many = [{"id": f"d{i}", "text": AR} for i in range(500)]
    Path("news.jsonl").write_text(_jsonl(*many) + '{"id": "bad"}\n', encoding="utf-8")
    result = _run("extract", "news.jsonl", "-o", "docs.jsonl")
    assert result.exit_code == 2
    assert result.stderr == 'error: news.jsonl:501: missing "text"\n'
    assert Path("docs.jsonl").read_text(encoding="utf-8") == "previous run\n"
    assert Path("docs.jsonl.stats.json").read_text(encoding="utf-8") == "{}\n"
    assert sorted(os.listdir(cwd)) == ["docs.jsonl", "docs.jsonl.stats.json", "news.jsonl"]


def test_skip_invalid_counts_and_lists(cwd):
    Path("news.jsonl").write_bytes(
        _jsonl({"id": "a", "text": AR}).encode()
        + b'{"id": "b"}\n'
        + b"oops\n"
        + _jsonl({"id": "a", "text": "again"}).encode()
        + b'{"id": "c", "text": "\xff"}\n'
        + _jsonl({"id": "d", "text": "ok"}).encode()
    )
    result = _run("extract", "news.jsonl", "-o", "docs.jsonl", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "2 documents read, 4 invalid records skipped; wrote 2 to docs.jsonl\n"
        '  skipped news.jsonl:2: missing "text"\n'
        "  skipped news.jsonl:3: malformed JSON (Expecting value at column 1)\n"
        '  skipped news.jsonl:4: duplicate id "a" (first seen at news.jsonl:1)\n'
        "  skipped news.jsonl:5: invalid UTF-8 (byte 0xff at column 22)\n"
    )
    assert [d["id"] for d in _lines(cwd / "docs.jsonl")] == ["a", "d"]
    stats = json.loads(Path("docs.jsonl.stats.json").read_text(encoding="utf-8"))["stats"]
    assert stats["read"] == 2 and stats["skipped"] == 4
    assert stats["skipped_records"][0] == {"file": "news.jsonl", "line": 2, "error": 'missing "text"'}


def test_skip_invalid_lists_at_most_five_on_stderr(cwd):
    Path("news.jsonl").write_text('{"id": "x"}\n' * 7, encoding="utf-8")
    result = _run("extract", "news.jsonl", "-o", "docs.jsonl", "--skip-invalid")
    assert result.exit_code == 0
    assert (
        result.stderr.splitlines()[0] == "0 documents read, 7 invalid records skipped; wrote 0 to docs.jsonl"
    )
    assert result.stderr.splitlines()[-1] == "  ... and 2 more (all listed in docs.jsonl.stats.json)"
    assert Path("docs.jsonl").read_text(encoding="utf-8") == ""


def test_output_directory_is_bad_usage(cwd):
    Path("news.jsonl").write_text(_jsonl({"id": "a", "text": "x"}), encoding="utf-8")
    (cwd / "outdir").mkdir()
    result = _run("extract", "news.jsonl", "-o", "outdir")
    assert result.exit_code == 2 and "is a directory" in result.output


def test_installed_command_reads_stdin(cwd):
    """The real entry point, through a pipe: stdin bytes decoded per line, error status 2."""
    exe = Path(sys.executable).with_name("syndetect")
    if not exe.exists():
        pytest.skip("the syndetect command is not installed next to this Python")
    good = subprocess.run(
        [str(exe), "extract", "-", "-o", "docs.jsonl"],
        input=_jsonl({"id": "p1", "text": AR}).encode(),
        capture_output=True,
    )
    assert good.returncode == 0, good.stderr
    assert _lines(cwd / "docs.jsonl") == [{"id": "p1", "outlet": "unknown", "text": AR}]
    bad = subprocess.run(
        [str(exe), "extract", "-", "-o", "docs.jsonl"],
        input=b'{"id": "p1", "text": "ok"}\n{"id": "p2", "text": "\xc3"}\n',
        capture_output=True,
    )
    assert bad.returncode == 2
    assert bad.stderr.decode() == "error: <stdin>:2: invalid UTF-8 (byte 0xc3 at column 23)\n"
    assert _lines(cwd / "docs.jsonl")[0]["id"] == "p1"  # the earlier output is untouched
