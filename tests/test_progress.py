"""Progress on a terminal: every stage of a run has its bar, with counts and an ETA, on stderr; summary
lines go above the bars, not through them; nothing of it when stderr is not a terminal.

The CLI runs in a pseudo-terminal (``pty``) as a user's shell would run it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pty = pytest.importorskip("pty", reason="pseudo-terminals need a POSIX system")

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo.jsonl"
STAGES = ["read", "features", "candidates", "verify", "direct", "group", "write"]
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _on_a_terminal(*args: str) -> tuple[int, str]:
    """Exit status and everything written to the terminal (stdout and stderr) by ``syndetect args``."""
    main, child = pty.openpty()
    env = dict(os.environ, COLUMNS="120", LINES="40", TERM="xterm")
    env.pop("NO_COLOR", None)
    cmd = [sys.executable, "-c", "from syndetect_cli.app import main; main()", *args]
    proc = subprocess.Popen(cmd, stdin=child, stdout=child, stderr=child, env=env, close_fds=True)
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    return proc.wait(timeout=300), out.decode("utf-8", "replace")


def test_every_stage_has_a_bar_with_counts_and_an_eta(tmp_path):
    code, raw = _on_a_terminal("clusters", str(DEMO), "-o", str(tmp_path / "c.jsonl"))
    assert code == 0, raw
    text = ESCAPE.sub("", raw)
    for stage in STAGES:
        done = re.findall(rf"{stage} ━+ +(\d+)/(\d+) +\d+:\d\d:\d\d eta \d+:\d\d:\d\d", text)
        assert done, f"no bar for {stage}"
        assert any(a == b and int(a) > 0 for a, b in done), f"{stage} never reached its total: {done}"
    # the read bar counts documents (9 in the demo), the write bar the clusters written
    assert re.search(r"read ━+ +9/9 ", text)
    clusters = sum(1 for _ in (tmp_path / "c.jsonl").open(encoding="utf-8"))
    assert re.search(rf"write ━+ +{clusters}/{clusters} ", text)
    # the summary line is printed on a line of its own (the bars cleared first, then drawn again below)
    assert re.search(r"(\r\n|\x1b\[2K)\d+ clusters from \d+ verified pairs -> ", raw), raw[-2000:]


def test_an_error_takes_the_bars_off_first(tmp_path):
    bad = tmp_path / "bad.jsonl"
    good = "".join(f'{{"id": "d{k}", "text": "نص رقم {k}"}}\n' for k in range(450))
    bad.write_text(good + '{"id": \n', encoding="utf-8")  # line 451: the read bar is up by then
    code, raw = _on_a_terminal("clusters", str(bad), "-o", str(tmp_path / "c.jsonl"))
    assert code == 2
    text = ESCAPE.sub("", raw)
    assert re.search(r"read ━+ +\d+/\d+ ", text), "the read bar was shown"
    lines = [line for line in text.replace("\r", "\n").split("\n") if line.strip()]
    assert lines[-1].startswith("error: ") and lines[-1].split()[1].endswith("bad.jsonl:451:"), lines[-3:]
    assert "Traceback" not in raw


def test_no_bars_off_a_terminal(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", "from syndetect_cli.app import main; main()", "clusters", str(DEMO)]
        + ["-o", str(tmp_path / "c.jsonl")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "━" not in proc.stderr and "eta" not in proc.stderr
    assert re.search(r"^\d+ clusters from \d+ verified pairs -> ", proc.stderr, re.M)
