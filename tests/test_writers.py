"""syndetect.io.writers: outputs appear whole or not at all, UTF-8 as is, with their run metadata beside."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime

import pytest

from syndetect.config import Config, load_config
from syndetect.io.writers import (
    OutputError,
    atomic_open,
    stats_path,
    write_json,
    write_jsonl,
    write_run_metadata,
)


class Boom(RuntimeError):
    pass


def _failing(records, after: int):
    for i, record in enumerate(records):
        if i == after:
            raise Boom("bad input half-way")
        yield record


def _leftovers(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_write_jsonl_keeps_arabic_and_counts(tmp_path):
    out = tmp_path / "docs.jsonl"
    n = write_jsonl(out, [{"id": "a", "text": "خبر «عاجل»"}, {"id": "b", "n": 1}])
    assert n == 2
    assert out.read_text(encoding="utf-8") == '{"id": "a", "text": "خبر «عاجل»"}\n{"id": "b", "n": 1}\n'


def test_write_jsonl_empty(tmp_path):
    out = tmp_path / "none.jsonl"
    assert write_jsonl(out, []) == 0
    assert out.read_bytes() == b""


def test_failure_leaves_existing_file_untouched(tmp_path):
    out = tmp_path / "docs.jsonl"
    out.write_text("the earlier run\n", encoding="utf-8")
    with pytest.raises(Boom):
        write_jsonl(out, _failing(({"id": str(i)} for i in range(10)), after=5))
    assert out.read_text(encoding="utf-8") == "the earlier run\n"
    assert _leftovers(tmp_path) == []


def test_failure_creates_nothing(tmp_path):
    out = tmp_path / "docs.jsonl"
    with pytest.raises(Boom), atomic_open(out) as fh:
        fh.write("half")
        raise Boom
    assert os.listdir(tmp_path) == []


def test_temporary_file_is_beside_the_target(tmp_path):
    out = tmp_path / "docs.jsonl"
    with atomic_open(out) as fh:
        assert os.path.dirname(fh.name) == str(tmp_path) and fh.name.endswith(".tmp")
        assert not out.exists()
    assert out.exists() and _leftovers(tmp_path) == []


def test_binary_mode_and_parent_directories(tmp_path):
    out = tmp_path / "a" / "b" / "x.bin"
    with atomic_open(out, "wb") as fh:
        fh.write(b"\x00\xff")
    assert out.read_bytes() == b"\x00\xff"


def test_permissions_are_not_the_tempfile_0600(tmp_path):
    out = tmp_path / "x.jsonl"
    write_jsonl(out, [{}])
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    os.chmod(out, 0o640)
    write_jsonl(out, [{}])
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_dash_is_stdout(capsys):
    assert write_jsonl("-", [{"id": "a", "text": "نص"}]) == 1
    assert capsys.readouterr().out == '{"id": "a", "text": "نص"}\n'


def test_directory_target_is_refused(tmp_path):
    with pytest.raises(OutputError, match="is a directory"), atomic_open(tmp_path):
        pass


def test_non_json_values(tmp_path):
    import numpy as np

    out = tmp_path / "x.json"
    write_json(
        out,
        {"t": datetime(2015, 10, 21, tzinfo=UTC), "s": {"b", "a"}, "f": np.float32(0.5), "v": np.arange(2)},
    )
    assert json.loads(out.read_text(encoding="utf-8")) == {
        "t": "2015-10-21T00:00:00+00:00",
        "s": ["a", "b"],
        "f": 0.5,
        "v": [0, 1],
    }
    with pytest.raises(TypeError, match="cannot write a object as JSON"):
        write_json(out, {"x": object()})
    assert json.loads(out.read_text(encoding="utf-8"))["f"] == 0.5  # the failed write changed nothing


def test_write_json_is_pretty_utf8(tmp_path):
    out = tmp_path / "x.json"
    write_json(out, {"outlet": "الرياض"})
    assert out.read_text(encoding="utf-8") == '{\n  "outlet": "الرياض"\n}\n'


def test_run_metadata(tmp_path):
    cfg = load_config(profile="crawl-dedup")
    out = tmp_path / "docs.jsonl"
    written = write_run_metadata(out, cfg, {"read": 3, "skipped": 0})
    assert written == str(out) + ".stats.json" == stats_path(out)
    meta = json.loads((tmp_path / "docs.jsonl.stats.json").read_text(encoding="utf-8"))
    assert meta["config"] == cfg.to_dict() and meta["fingerprint"] == cfg.fingerprint()
    assert meta["profile"] == "crawl-dedup" and meta["stats"] == {"read": 3, "skipped": 0}
    assert meta["syndetect_version"] and meta["datasketch_version"].startswith("2.")


def test_run_metadata_for_stdout_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert write_run_metadata("-", Config(), {}) is None
    assert os.listdir(tmp_path) == []
