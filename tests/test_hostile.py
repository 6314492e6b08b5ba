"""Hostile input and hostile output situations, through the installed command (issue 15).

Every case runs ``syndetect`` as a user would, in a subprocess, and checks the promise of the contract:
correct output, or exactly one line ``error: FILE:LINE: ...`` with exit status 2 -- never a traceback,
a hang, a partial file or a replaced one. Ctrl-C gives exit status 130 and nothing left behind.

The tables below have one row per case, with what it must get; the README's "Reliability" section
lists the same cases.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.fixtures.planted import DOCS as PLANTED

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "syndetect"
DEMO = ROOT / "data" / "demo.jsonl"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534

pytestmark = pytest.mark.skipif(not EXE.exists(), reason="the syndetect command is not installed")


# ----------------------------------------------------------------------------------------- helpers


class Result:
    def __init__(self, rc: int, out: bytes, err: bytes) -> None:
        self.rc, self.out_bytes = rc, out
        self.out = out.decode("utf-8", "replace")
        self.err = err.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"rc={self.rc}\nstdout={self.out[:2000]}\nstderr={self.err[-4000:]}"


# Root ignores permission bits through two capabilities; a child started without them is held to the
# bits like any user, while still able to reach the checkout (which ``nobody`` may not be: CI checks
# out under root's home).
NO_DAC = ["--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]
SETPRIV = shutil.which("setpriv")


def cli(
    *args: str, stdin: bytes | None = None, timeout: float = 180, bound: bool = False, cwd=None
) -> Result:
    """Run ``syndetect --quiet ARGS`` and collect what it printed.

    ``bound``: permission bits bind the run even as root (root's DAC capabilities are dropped, or,
    without ``setpriv``, the run switches to ``nobody``)."""
    argv = [str(EXE), "--quiet", *map(str, args)]
    preexec = None
    if bound and IS_ROOT:
        if SETPRIV:
            argv = [SETPRIV, *NO_DAC, "--", *argv]
        else:

            def preexec() -> None:
                os.setgid(NOBODY)
                os.setuid(NOBODY)

    proc = subprocess.run(
        argv, input=stdin, capture_output=True, timeout=timeout, preexec_fn=preexec, cwd=cwd
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def one_line_error(res: Result, *needles: str) -> str:
    """Exit 2 and exactly one line ``error: ...`` on stderr, holding every needle; returns the line."""
    assert res.rc == 2, res
    assert "Traceback" not in res.err, res
    lines = [x for x in res.err.splitlines() if x.strip()]
    assert len(lines) == 1, res
    assert lines[0].startswith("error: "), res
    for needle in needles:
        assert needle in lines[0], (needle, res)
    return lines[0]


def strict_json(text: str):
    """Parse JSON, refusing NaN and Infinity (what Python's json module would otherwise accept)."""

    def refuse(name: str):
        raise AssertionError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def strict_lines(path: Path) -> list:
    return [strict_json(x) for x in path.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


@pytest.fixture
def work():
    """A scratch folder every user may enter (the permission cases may run the command as nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="syndetect-hostile-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for p in folder.rglob("*"):  # undo chmod/chattr so that the folder can go
            with contextlib.suppress(OSError):
                subprocess.run(["chattr", "-i", str(p)], capture_output=True, check=False)
                p.chmod(0o777) if not p.is_symlink() else None
        shutil.rmtree(folder, ignore_errors=True)


def corpus(folder: Path, tail: str = "", name: str = "news.jsonl") -> Path:
    """The planted cluster as JSON Lines, then ``tail`` (raw text: the bad record, found last)."""
    path = write_jsonl(folder / name, PLANTED)
    if tail:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(tail if tail.endswith("\n") else tail + "\n")
    path.chmod(0o644)
    return path


BAD_LINE = len(PLANTED) + 1  # the tail's line


# ---------------------------------------------------- 1, 2, 9: records no engine should accept

DEEP = 100_000
BIG = "9" * 5000

BAD_RECORDS = [
    # (case id, the raw JSON line, what the message says)
    (
        "deep_array_extra",
        '{"id": "x", "text": "نص", "tags": ' + "[" * DEEP + "]" * DEEP + "}",
        "nested deeper",
    ),
    (
        "deep_object_extra",
        '{"id": "x", "text": "نص", "m": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}",
        "nested deeper",
    ),
    ("deep_array_id", '{"id": ' + "[" * DEEP + "]" * DEEP + ', "text": "نص"}', "nested deeper"),
    ("deep_array_text", '{"id": "x", "text": ' + "[" * 150 + "]" * 150 + "}", "nested deeper"),
    ("huge_int_extra", '{"id": "x", "text": "نص", "n": ' + BIG + "}", "5000 digits"),
    ("huge_int_id", '{"id": ' + BIG + ', "text": "نص"}', "5000 digits"),
    ("huge_int_text", '{"id": "x", "text": -' + BIG + "}", "5000 digits"),
    ("huge_int_nested", '{"id": "x", "text": "نص", "m": {"a": [' + BIG + "]}}", "5000 digits"),
    ("surrogate_text", '{"id": "x", "text": "\\ud800 نص"}', "lone surrogate"),
    ("surrogate_id", '{"id": "x\\udfff", "text": "نص"}', "lone surrogate"),
    ("surrogate_title", '{"id": "x", "text": "نص", "title": "\\udbff"}', "lone surrogate"),
    ("surrogate_extra_key", '{"id": "x", "text": "نص", "\\ud800": 1}', "lone surrogate"),
    ("nan", '{"id": "x", "text": "نص", "score": NaN}', "NaN is not a JSON number"),
    ("infinity", '{"id": "x", "text": "نص", "score": Infinity}', "Infinity is not a JSON number"),
    ("minus_infinity", '{"id": "x", "text": "نص", "score": [-Infinity]}', "-Infinity is not a JSON number"),
    ("overflowing_float", '{"id": "x", "text": "نص", "score": 1e999}', "out of range"),
]


@pytest.mark.parametrize("line,needle", [r[1:] for r in BAD_RECORDS], ids=[r[0] for r in BAD_RECORDS])
def test_bad_record_is_one_line_naming_file_and_line(work, line, needle):
    src = corpus(work, line)
    out = work / "docs.jsonl"
    msg = one_line_error(cli("extract", src, "-o", out), f"{src}:{BAD_LINE}:", needle)
    assert len(msg) < 300  # the value itself is not echoed
    assert not out.exists()
    assert not [p for p in work.iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.parametrize("line,needle", [r[1:] for r in BAD_RECORDS], ids=[r[0] for r in BAD_RECORDS])
def test_bad_record_is_skipped_with_skip_invalid(work, line, needle):
    src = corpus(work, line)
    out = work / "docs.jsonl"
    res = cli("extract", src, "-o", out, "--skip-invalid")
    assert res.rc == 0, res
    recs = strict_lines(out)  # strict JSON: no NaN, no surrogate, nothing unwritable got through
    assert [r["id"] for r in recs] == [d["id"] for d in PLANTED]
    meta = strict_json((work / "docs.jsonl.stats.json").read_text(encoding="utf-8"))
    skipped = meta["stats"]["skipped_records"]
    assert [(s["line"], needle in s["error"]) for s in skipped] == [(BAD_LINE, True)]


ALL_BAD = "\n".join(r[1] for r in BAD_RECORDS)


@pytest.mark.parametrize(
    "command,extra",
    [
        ("pairs", []),
        ("clusters", ["--pairs", "P.jsonl"]),
        ("dedup", ["--removed", "R.jsonl"]),
        ("report", []),
        ("extract", []),
    ],
)
def test_every_command_refuses_then_skips_the_bad_records(work, command, extra):
    """Deep nesting first in the file: the command stops on it; with --skip-invalid it skips them all."""
    src = corpus(work, ALL_BAD)
    name = "report.html" if command == "report" else "out.jsonl"
    out = work / name
    extra = [str(work / e) if e.endswith(".jsonl") else e for e in extra]
    one_line_error(cli(command, src, "-o", out, *extra), f"{src}:{BAD_LINE}:", "nested deeper")
    assert sorted(p.name for p in work.iterdir()) == ["news.jsonl"]
    res = cli(command, src, "-o", out, *extra, "--skip-invalid")
    assert res.rc == 0, res
    meta = strict_json((work / f"{name}.stats.json").read_text(encoding="utf-8"))
    assert meta["stats"]["skipped"] == len(BAD_RECORDS)
    if command != "report":
        strict_lines(out)


def test_nan_is_never_written_back(work):
    """Outputs are strict JSON: extract and dedup echo whole records, and refuse NaN before writing it."""
    for command in ("extract", "dedup"):
        src = corpus(work, '{"id": "n", "text": "نص", "score": NaN}')
        one_line_error(cli(command, src, "-o", work / "o.jsonl"), "NaN")
        assert not (work / "o.jsonl").exists()


# ------------------------------------------------------------------------ 3, 10: hostile web pages


def _page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


ARTICLE = PLANTED[0]["text"].replace("\n", "</p><p>")


def test_malformed_canonical_url_in_a_warc_page(work):
    from tests.warc_fixtures import WarcBuilder

    warc = work / "crawl.warc.gz"
    with WarcBuilder(warc) as w:
        w.response(
            "https://www.spa.gov.sa/a1",
            _page(f"<p>{ARTICLE}</p>", "<link rel='canonical' href='http://[oops/'>"),
        )
        w.response(
            "https://www.okaz.com.sa/b2",
            _page(
                f"<article><p>{ARTICLE}</p></article>", "<meta property='og:url' content='https://[::1/x'>"
            ),
        )
    warc.chmod(0o644)
    for flags in ([], ["--skip-invalid"]):
        res = cli("extract", warc, "-o", work / "docs.jsonl", *flags)
        assert res.rc == 0, res
        recs = strict_lines(work / "docs.jsonl")
        assert [r["id"] for r in recs] == ["https://www.spa.gov.sa/a1", "https://www.okaz.com.sa/b2"]
        assert all("canonical_url" not in r for r in recs)
        assert all("وزارة الصحة" in r["text"] for r in recs)


def test_malformed_canonical_url_in_an_html_file(work):
    page = work / "p.html"
    page.write_text(
        _page(f"<p>{ARTICLE}</p>", "<link rel='canonical' href='http://[oops/'>"), encoding="utf-8"
    )
    res = cli("extract", page, "-o", work / "docs.jsonl")
    assert res.rc == 0, res
    (rec,) = strict_lines(work / "docs.jsonl")
    assert rec["id"] == str(page) and "وزارة الصحة" in rec["text"]


@pytest.mark.parametrize("depth", [254, 300, 1500])
def test_html_nested_deeper_than_lxml_default_keeps_its_text(work, depth):
    page = work / "deep.html"
    page.write_text(_page("<font>" * depth + f"<p>{ARTICLE}</p>"), encoding="utf-8")
    res = cli("extract", page, "-o", work / "docs.jsonl")
    assert res.rc == 0, res
    (rec,) = strict_lines(work / "docs.jsonl")
    assert "أعلنت وزارة الصحة اليوم إطلاق حملة وطنية" in rec["text"]


def test_html_too_deep_to_parse_says_why(work):
    page = work / "deeper.html"
    page.write_text(_page("<div>" * 5000 + f"<p>{ARTICLE}</p>"), encoding="utf-8")
    res = cli("extract", page, "-o", work / "docs.jsonl")
    assert res.rc == 0, res
    meta = strict_json((work / "docs.jsonl.stats.json").read_text(encoding="utf-8"))
    web = meta["stats"]["web"]
    assert web["skipped"].get("too_deep") == 1 and not web["skipped"].get("empty_text"), web


def test_html_with_scripts_keeps_only_the_article(work):
    page = work / "s.html"
    page.write_text(
        _page(f"<script>alert('x')</script><p>{ARTICLE}</p><img src=x onerror=alert(1)><style>p{{}}</style>"),
        encoding="utf-8",
    )
    res = cli("extract", page, "-o", work / "docs.jsonl")
    assert res.rc == 0, res
    (rec,) = strict_lines(work / "docs.jsonl")
    assert "alert" not in rec["text"] and "وزارة الصحة" in rec["text"]


# ----------------------------------------------------------------- 4: outputs that cannot be written


def _late_bad_corpus(work: Path) -> Path:
    """An input whose bad record is last: an error about the *output* proves it was checked first."""
    return corpus(work, '{"id": "late", "text": 1}')


def _as_nobody(work: Path) -> None:
    """Give the scratch folder to nobody, so that permission bits bind (they do not bind root)."""
    for p in [work, *work.rglob("*")]:
        os.chown(p, NOBODY, NOBODY, follow_symlinks=False)


UNWRITABLE = [
    # (case id, how to make the output path (work -> path), expected words)
    ("existing_folder", lambda w: (w / "out").mkdir() or w / "out", "is a directory"),
    ("parent_is_a_file", lambda w: (w / "f").write_text("x") and w / "f" / "out.jsonl", "is not a folder"),
    ("name_over_255_bytes", lambda w: w / ("ب" * 130 + ".jsonl"), "file name too long"),
    ("empty_name", lambda w: "", "empty output path"),
]


@pytest.mark.parametrize("make,needle", [r[1:] for r in UNWRITABLE], ids=[r[0] for r in UNWRITABLE])
@pytest.mark.parametrize("command", ["extract", "pairs", "dedup"])
def test_unwritable_output_fails_first_in_one_line(work, make, needle, command):
    src = _late_bad_corpus(work)
    out = make(work)
    msg = one_line_error(cli(command, src, "-o", out), needle)
    assert "late" not in msg and ":7:" not in msg  # the input was not read: the output was checked first


def test_read_only_folder(work):
    src = _late_bad_corpus(work)
    ro = work / "ro"
    ro.mkdir()
    (ro / "old.jsonl").write_text("old\n")
    _as_nobody(work)
    ro.chmod(0o555)
    for out in (ro / "new.jsonl", ro / "old.jsonl"):
        msg = one_line_error(cli("pairs", src, "-o", out, bound=True), str(out))
        assert "permission denied" in msg.lower(), msg
    assert (ro / "old.jsonl").read_text() == "old\n"
    assert sorted(p.name for p in ro.iterdir()) == ["old.jsonl"]


def test_read_only_file_in_a_writable_folder(work):
    src = _late_bad_corpus(work)
    out = work / "locked.jsonl"
    out.write_text("old\n")
    _as_nobody(work)
    out.chmod(0o444)
    msg = one_line_error(cli("extract", src, "-o", out, bound=True), str(out))
    assert "permission denied" in msg.lower(), msg
    assert out.read_text() == "old\n"


@pytest.mark.skipif(not IS_ROOT or shutil.which("chattr") is None, reason="chattr +i needs root")
def test_immutable_file(work):
    src = _late_bad_corpus(work)
    out = work / "immutable.jsonl"
    out.write_text("old\n")
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable flag")
    try:
        one_line_error(cli("extract", src, "-o", out), str(out), "not permitted")
        assert out.read_text() == "old\n"
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=False)


@pytest.mark.skipif(not IS_ROOT or shutil.which("unshare") is None, reason="mounting needs root")
def test_read_only_file_system(work):
    src = _late_bad_corpus(work)
    mnt = work / "mnt"
    mnt.mkdir()
    script = f"mount -t tmpfs -o ro tmpfs {mnt} && exec {EXE} --quiet extract {src} -o {mnt}/docs.jsonl"
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, timeout=120)
    if b"mount" in proc.stderr and proc.returncode != 2:
        pytest.skip("cannot mount here")
    one_line_error(Result(proc.returncode, proc.stdout, proc.stderr), "read-only file system")


def test_config_that_is_not_utf8(work):
    cfg = work / "c.toml"
    cfg.write_bytes(b"[read]\nskip_invalid = true\n# \xff\xfe\n")
    one_line_error(
        cli("extract", corpus(work), "-o", work / "o.jsonl", "--config", cfg), str(cfg), "not UTF-8"
    )
    cfg.write_bytes(b"[read\n")
    one_line_error(cli("extract", corpus(work), "-o", work / "o.jsonl", "--config", cfg), "invalid TOML")
    one_line_error(
        cli("extract", corpus(work), "-o", work / "o.jsonl", "--config", work / "none.toml"), "cannot read"
    )


# ------------------------------------------------------------- 5: the outputs of one run, together


def test_clusters_pairs_is_not_replaced_when_the_main_output_fails(work):
    src = corpus(work)
    pairs = work / "P.jsonl"
    pairs.write_text("old pairs\n")
    (work / "main").mkdir()
    one_line_error(cli("clusters", src, "-o", work / "main", "--pairs", pairs), "is a directory")
    assert pairs.read_text() == "old pairs\n"
    assert not (work / "P.jsonl.stats.json").exists()


def test_dedup_removed_is_not_replaced_on_late_bad_input(work):
    src = _late_bad_corpus(work)
    removed, kept = work / "R.jsonl", work / "K.jsonl"
    removed.write_text("old removed\n")
    kept.write_text("old kept\n")
    one_line_error(cli("dedup", src, "-o", kept, "--removed", removed), f"{src}:{BAD_LINE}:")
    assert removed.read_text() == "old removed\n" and kept.read_text() == "old kept\n"
    assert sorted(p.name for p in work.iterdir()) == ["K.jsonl", "R.jsonl", "news.jsonl"]


def test_unwritable_stats_file_replaces_nothing(work):
    src = corpus(work)
    out = work / "pairs.jsonl"
    out.write_text("old\n")
    (work / "pairs.jsonl.stats.json").mkdir()
    one_line_error(cli("pairs", src, "-o", out), "pairs.jsonl.stats.json", "is a directory")
    assert out.read_text() == "old\n"


def test_all_outputs_of_a_run_are_written_together(work):
    src = corpus(work)
    res = cli("clusters", src, "-o", work / "C.jsonl", "--pairs", work / "P.jsonl")
    assert res.rc == 0, res
    names = sorted(p.name for p in work.iterdir())
    assert names == ["C.jsonl", "C.jsonl.stats.json", "P.jsonl", "P.jsonl.stats.json", "news.jsonl"]
    assert strict_lines(work / "C.jsonl") and strict_lines(work / "P.jsonl")


def test_report_outputs_are_committed_together(work):
    src = corpus(work)
    out = work / "report.md"
    (work / "report.matrix.csv").mkdir()  # one of the report's files cannot be written
    (work / "report.png").write_bytes(b"old png")
    one_line_error(cli("report", src, "-o", out), "report.matrix.csv")
    assert (work / "report.png").read_bytes() == b"old png"
    assert not out.exists()


# -------------------------------------------------------------------- 6, 12: devices, links, inputs


def test_dev_stdout_streams_to_stdout(work):
    src = corpus(work)
    res = cli("pairs", src, "-o", "/dev/stdout")
    assert res.rc == 0, res
    recs = [strict_json(x) for x in res.out.splitlines()]
    assert recs and all({"a", "b", "kind"} <= set(r) for r in recs)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    res = cli("extract", src, "-o", "-")
    assert [strict_json(x)["id"] for x in res.out.splitlines()] == [d["id"] for d in PLANTED]


def test_dev_null_stays_a_device(work):
    res = cli("dedup", corpus(work), "-o", "/dev/null", "--removed", "/dev/null")
    assert res.rc == 2 or res.rc == 0, res  # twice the same device: refused or streamed, never replaced
    res = cli("extract", corpus(work), "-o", "/dev/null")
    assert res.rc == 0, res
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not list(Path("/dev").glob(".null*"))


def test_fifo_output_is_streamed(work):
    fifo = work / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    res = cli("extract", corpus(work), "-o", fifo)
    data = reader.communicate(timeout=60)[0].decode()
    assert res.rc == 0, res
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [strict_json(x)["id"] for x in data.splitlines()] == [d["id"] for d in PLANTED]


def test_symlinked_output_writes_its_target_and_keeps_the_link(work):
    target = work / "real" / "docs.jsonl"
    target.parent.mkdir()
    target.write_text("old\n")
    link = work / "link.jsonl"
    link.symlink_to(target)
    res = cli("extract", corpus(work), "-o", link)
    assert res.rc == 0, res
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert [r["id"] for r in strict_lines(target)] == [d["id"] for d in PLANTED]
    dangling = work / "dangling.jsonl"
    dangling.symlink_to(work / "real" / "new.jsonl")
    assert cli("extract", corpus(work), "-o", dangling).rc == 0
    assert dangling.is_symlink() and strict_lines(work / "real" / "new.jsonl")


@pytest.mark.parametrize("how", ["same", "relative", "symlink", "hardlink", "stats_over_input"])
def test_an_input_given_as_output_is_refused(work, how):
    src = corpus(work)
    before = src.read_bytes()
    if how == "same":
        out = src
    elif how == "relative":
        out = Path("..") / work.name / src.name
    elif how == "symlink":
        out = work / "alias.jsonl"
        out.symlink_to(src)
    elif how == "hardlink":
        out = work / "hard.jsonl"
        os.link(src, out)
    else:  # the stats companion lands on an input
        other = write_jsonl(work / "o.jsonl.stats.json", [])
        res = cli("extract", src, other, "-o", work / "o.jsonl")
        one_line_error(res, "is also an input")
        return
    one_line_error(cli("dedup", src, "-o", out, cwd=work), "is also an input")
    assert src.read_bytes() == before


def test_stdin_to_stdout(work):
    res = cli("extract", "-", "-o", "-", stdin=corpus(work).read_bytes())
    assert res.rc == 0, res
    assert len(res.out.splitlines()) == len(PLANTED)


# ------------------------------------------------------------------------ 7: ids in messages


@pytest.mark.parametrize(
    "bad_id,raw",
    [("x\nerror: forged", "\n"), ("x\x1b[31mred", "\x1b"), ("x\u202eevil", "\u202e"), ("x\u2066y", "\u2066")],
    ids=["newline", "escape", "rlo", "isolate"],
)
def test_ids_are_escaped_in_messages(work, bad_id, raw):
    src = write_jsonl(work / "ids.jsonl", [{"id": bad_id, "text": "أ"}, {"id": bad_id, "text": "ب"}])
    line = one_line_error(cli("extract", src, "-o", work / "o.jsonl"), "duplicate id")
    assert raw not in line
    # And they are data in the output: written back exactly as read, escaped by JSON.
    res = cli("extract", write_jsonl(work / "one.jsonl", [{"id": bad_id, "text": "أ"}]), "-o", "-")
    assert strict_json(res.out)["id"] == bad_id


def test_path_like_and_bidi_ids_and_outlets_are_plain_data(work):
    recs = [
        {"id": "../../etc/passwd", "text": PLANTED[0]["text"], "outlet": "\u202eevil"},
        {"id": "/tmp/x", "text": PLANTED[0]["text"], "outlet": '=HYPERLINK("http://e")'},
    ]
    res = cli("clusters", write_jsonl(work / "p.jsonl", recs), "-o", work / "c.jsonl")
    assert res.rc == 0, res
    assert sorted(p.name for p in work.iterdir()) == ["c.jsonl", "c.jsonl.stats.json", "p.jsonl"]
    (c,) = strict_lines(work / "c.jsonl")
    assert {m["doc"] for m in c["members"]} == {"../../etc/passwd", "/tmp/x"}


# -------------------------------------------------------------------------- 8: signals


def _big_corpus(path: Path, n: int = 4000) -> Path:
    rng = random.Random(15)
    words = " ".join(d["text"] for d in PLANTED).split()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            base = rng.randrange(40)
            r = random.Random(base)
            text = " ".join(r.choice(words) for _ in range(300))
            if i % 3:
                text = text.replace(r.choice(words), rng.choice(words))
            fh.write(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    folder.chmod(0o755)
    return _big_corpus(folder / "big.jsonl")


def _interrupt_after(args: list[str], delay: float, sig: int = signal.SIGINT, group: bool = True):
    proc = subprocess.Popen(
        [str(EXE), "--quiet", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(delay)
    if proc.poll() is None:
        if group:  # what Ctrl-C does: the signal reaches every process of the terminal's group
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    return proc, out.decode(errors="replace"), err.decode(errors="replace")


@pytest.mark.parametrize("delay", [0.3, 0.9, 1.6, 2.4, 3.5, 5.0])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_without_a_traceback(work, big, delay, jobs):
    out = work / "pairs.jsonl"
    proc, _, err = _interrupt_after(["pairs", big, "-o", out, "--jobs", jobs], delay)
    if proc.returncode == 0:
        pytest.skip("the run ended before the signal")
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "SystemError" not in err, err
    assert err.strip() in ("", "interrupted"), err
    assert sorted(p.name for p in work.iterdir()) == []  # nothing half-written, no temporary file


def test_killed_main_process_leaves_quiet_workers(work, big):
    proc, _, err = _interrupt_after(
        ["pairs", big, "-o", work / "p.jsonl", "--jobs", "2"], 3.0, signal.SIGKILL, group=False
    )
    # communicate() returned: every process holding the stderr pipe (the workers too) has gone.
    assert proc.returncode == -signal.SIGKILL
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_a_killed_run_leaves_temporary_files_the_next_run_removes(work, big):
    out = work / "pairs.jsonl"
    stale = work / f".pairs.jsonl.syndetect-{2**22 + 7}-0123abcd.tmp"  # a pid no process has
    stale.write_text("half")
    live = work / f".pairs.jsonl.syndetect-{os.getpid()}-0123abcd.tmp"  # a live writer's: kept
    live.write_text("busy")
    res = cli("pairs", corpus(work), "-o", out)
    assert res.rc == 0, res
    assert not stale.exists() and live.exists()
    live.unlink()
    # And a real SIGKILL mid-run: whatever it left is cleaned by the next run in the folder.
    _interrupt_after(["extract", big, "-o", work / "e.jsonl"], 0.8, signal.SIGKILL, group=False)
    assert cli("extract", corpus(work), "-o", work / "e.jsonl").rc == 0
    assert not [p for p in work.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------------ 11: special input files


def test_fifo_in_an_input_folder_is_skipped_with_a_warning(work):
    folder = work / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(PLANTED[0]["text"], encoding="utf-8")
    os.mkfifo(folder / "b.txt")
    os.mkfifo(folder / "c.jsonl")
    proc = subprocess.run(
        [str(EXE), "extract", str(folder), "-o", str(work / "o.jsonl")], capture_output=True, timeout=60
    )
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert [r["id"] for r in strict_lines(work / "o.jsonl")] == ["a.txt"]
    assert "b.txt" in err and "not a regular file" in err, err
    meta = strict_json((work / "o.jsonl.stats.json").read_text(encoding="utf-8"))
    assert meta["stats"]["ignored_files"] == 2


def test_fifo_given_directly_as_input_is_refused(work):
    os.mkfifo(work / "x.jsonl")
    one_line_error(cli("extract", work / "x.jsonl", "-o", work / "o.jsonl", timeout=60), "not a regular file")


# ------------------------------------------------------------------------ 13: the smaller items


def test_truncated_gzip_keeps_what_came_before_with_skip_invalid(work):
    data = gzip.compress(corpus(work).read_bytes())
    gz = work / "cut.jsonl.gz"
    gz.write_bytes(data[: len(data) - 30])
    one_line_error(cli("extract", gz, "-o", work / "o.jsonl"), f"{gz}:", "truncated gzip")
    res = cli("extract", gz, "-o", work / "o.jsonl", "--skip-invalid")
    assert res.rc == 0, res
    ids = [r["id"] for r in strict_lines(work / "o.jsonl")]
    assert ids and ids == [d["id"] for d in PLANTED][: len(ids)]
    meta = strict_json((work / "o.jsonl.stats.json").read_text(encoding="utf-8"))
    assert "the rest of the file skipped" in meta["stats"]["skipped_records"][0]["error"]


def test_truncated_warc_keeps_what_came_before_and_says_record_at_byte(work):
    from tests.warc_fixtures import WarcBuilder

    warc = work / "crawl.warc"
    with WarcBuilder(warc) as w:
        for i in range(3):
            w.response(f"https://www.spa.gov.sa/a{i}", _page(f"<p>{PLANTED[i]['text']}</p>"))
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - 200])
    line = one_line_error(cli("extract", warc, "-o", work / "o.jsonl"), f"{warc}: record at byte ")
    assert f"{warc}:0" not in line
    res = cli("extract", warc, "-o", work / "o.jsonl", "--skip-invalid")
    assert res.rc == 0, res
    assert [r["id"] for r in strict_lines(work / "o.jsonl")] == [
        "https://www.spa.gov.sa/a0",
        "https://www.spa.gov.sa/a1",
    ]


def test_json_errors_say_at_column_once(work):
    line = one_line_error(
        cli("extract", corpus(work, '{"id": "x", "text": "unterminated'), "-o", work / "o.jsonl")
    )
    assert "at at" not in line and "column" in line


def test_persian_letters_fold_to_arabic(work):
    wire = PLANTED[0]["text"]
    persian = wire.replace("ك", "ک").replace("ي", "ی")
    assert persian != wire
    recs = [dict(PLANTED[0]), {"id": "fa", "outlet": "x", "text": persian}]
    res = cli("pairs", write_jsonl(work / "fa.jsonl", recs), "-o", work / "p.jsonl")
    assert res.rc == 0, res
    (pair,) = strict_lines(work / "p.jsonl")
    assert pair["kind"] == "exact", pair
    # The fold is named and can be switched off.
    cfg = work / "c.toml"
    cfg.write_text("[normalize]\npersian = false\n")
    res = cli("normalize", "کی", "--config", cfg)
    # keheh stays; Farsi yeh is also the alef_maqsura fold's (it is how ى is often typed)
    assert res.rc == 0 and res.out.strip() == "کي", res
    cfg.write_text("[normalize]\npersian = false\nalef_maqsura = false\n")
    res = cli("normalize", "کی", "--config", cfg)
    assert res.rc == 0 and res.out.strip() == "کی", res
    assert cli("normalize", "کی").out.strip() == "كي"


def test_matrix_csv_neutralises_formulas_and_markdown_escapes_html(work):
    recs = [
        {
            "id": "a",
            "outlet": '=HYPERLINK("http://evil","x")',
            "text": PLANTED[0]["text"],
            "published": "2015-07-21",
        },
        {
            "id": "b",
            "outlet": "+cmd|' /C calc'!A0",
            "text": PLANTED[0]["text"] + " <script>alert(1)</script>",
            "published": "2015-07-22",
        },
        {
            "id": "<img src=x onerror=alert(1)>",
            "outlet": "@SUM(1)",
            "text": "<script>alert(2)</script> " + PLANTED[0]["text"],
            "published": "2015-07-23",
        },
    ]
    src = write_jsonl(work / "r.jsonl", recs)
    res = cli("report", src, "-o", work / "report.md")
    assert res.rc == 0, res
    import csv

    with (work / "report.matrix.csv").open(encoding="utf-8", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@") and not _number(c)], cells
    md = (work / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "<img" not in md
    html_res = cli("report", src, "-o", work / "report.html")
    assert html_res.rc == 0, html_res
    page = (work / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    "text,case",
    [
        ("ًٌٍَُِّْ" * 50, "only_diacritics"),
        ("،؛؟!.«»" * 50, "only_punctuation"),
        ("\u200b\u200c\u200d\u2060\ufeff" * 50, "only_invisible"),
        ("ﻻ ﷲ ﺍﻟﺴﻼﻡ " * 50, "presentation_forms"),
        ("خبر 😀 news ✨ ۱۲۳ ٤٥٦ " * 50, "mixed_scripts_emoji"),
        ("\u202eعكس\u202c " * 50, "bidi_overrides"),
        ("", "empty"),
    ],
)
def test_odd_texts_run_through_the_pipeline(work, text, case):
    recs = [dict(d) for d in PLANTED] + [{"id": case, "text": text}, {"id": case + "2", "text": text}]
    res = cli(
        "clusters", write_jsonl(work / "o.jsonl", recs), "-o", work / "c.jsonl", "--pairs", work / "p.jsonl"
    )
    assert res.rc == 0, res
    for p in strict_lines(work / "p.jsonl"):
        assert p["a"]["start"] < p["a"]["end"] and p["b"]["start"] < p["b"]["end"]


def test_bom_nul_and_invalid_utf8(work):
    src = work / "b.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + corpus(work).read_bytes())
    assert cli("extract", src, "-o", work / "o.jsonl").rc == 0
    src.write_bytes(corpus(work).read_bytes() + b'{"id": "x", "text": "\xff"}\n')
    one_line_error(cli("extract", src, "-o", work / "o.jsonl"), f"{src}:{BAD_LINE}:", "invalid UTF-8")
    src.write_bytes(corpus(work).read_bytes() + b'{"id": "x", "text": "a\x00"}\n')
    one_line_error(cli("extract", src, "-o", work / "o.jsonl"), f"{src}:{BAD_LINE}:")


def test_a_50_mb_document(work):
    text = (PLANTED[0]["text"] + "\n") * (50_000_000 // len(PLANTED[0]["text"].encode()))
    src = write_jsonl(work / "huge.jsonl", [{"id": "huge", "text": text}, dict(PLANTED[1])])
    res = cli("extract", src, "-o", work / "o.jsonl")
    assert res.rc == 0, res
    assert (work / "o.jsonl").stat().st_size > 50_000_000
