"""The streaming backend (syndetect/backends/stream.py) gives the in-memory run's bytes.

Small batches and small spill partitions make every stage cross batch and partition boundaries:
the outputs must still be identical, candidate statistics included.
"""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from syndetect.backends.stream import Spill, read_rows
from syndetect.backends.stream import run as stream_run
from syndetect.config import load_config, with_overrides
from syndetect.io.readers import read_documents
from syndetect.pipeline import run as local_run

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo.jsonl"
SNN = ROOT.parent / "shared" / "data" / "saudinewsnet" / "articles.jsonl.gz"
if not SNN.exists():
    SNN = Path("/work/shared/data/saudinewsnet/articles.jsonl.gz")

STATS = (
    "documents",
    "indexed",
    "tokens",
    "windows",
    "candidate_window_pairs",
    "below_estimate",
    "dropped_buckets",
    "dropped_bucket_windows",
    "candidate_doc_pairs",
    "verified_pairs",
    "kinds",
)


def _write(r, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    r.write_clusters(out / "clusters.jsonl", out / "pairs.jsonl")
    return out


def _same(a: Path, b: Path, name: str) -> None:
    left, right = (a / name).read_bytes(), (b / name).read_bytes()
    assert left, f"{name} is empty: the comparison would prove nothing"
    assert left == right, f"{name} differs between the in-memory and the streaming run"


def _compare(inputs: list[Path], tmp_path: Path, cfg, batch: int, part_items: int) -> dict:
    local = local_run([str(p) for p in inputs], cfg)
    a = _write(local, tmp_path / "local")
    docs = read_documents([str(p) for p in inputs], cfg.read)
    streamed = stream_run(docs, cfg, batch=batch, workdir=tmp_path, part_items=part_items)
    b = _write(streamed, tmp_path / "stream")
    _same(a, b, "pairs.jsonl")
    _same(a, b, "clusters.jsonl")
    ls, ss = local.detection.stats, streamed.detection.stats
    for key in STATS:
        assert ss[key] == ls[key], key
    assert not list(tmp_path.glob("syndetect-stream-*")), "the spill folder must be removed"
    return ss


@pytest.fixture(scope="module")
def snn_sample(tmp_path_factory) -> Path:
    if not SNN.exists():
        pytest.skip(f"!!! SaudiNewsNet missing at {SNN}: the 2,000-article comparison did not run !!!")
    path = tmp_path_factory.mktemp("snn") / "snn2000.jsonl"
    with gzip.open(SNN, "rt", encoding="utf-8") as fh, open(path, "w", encoding="utf-8") as out:
        out.writelines(itertools.islice(fh, 2000))
    return path


def test_demo_in_batches_of_two_is_the_in_memory_bytes(tmp_path):
    stats = _compare([DEMO], tmp_path, load_config(), batch=2, part_items=50)
    assert stats["backend"]["key_partitions"] > 1


def test_dropped_buckets_are_dropped_the_same_way(tmp_path):
    cfg = with_overrides(load_config(), {"lsh": {"max_bucket": 3}})
    stats = _compare([DEMO], tmp_path, cfg, batch=3, part_items=100)
    assert sum(stats["dropped_buckets"].values()) > 0, "the override must drop buckets for this to test it"


def test_saudinewsnet_sample_is_the_in_memory_bytes(tmp_path, snn_sample):
    stats = _compare([snn_sample], tmp_path, load_config(), batch=300, part_items=20_000)
    assert stats["backend"]["key_partitions"] > 1
    assert stats["verified_pairs"] > 100


def test_cli_backend_stream_writes_the_local_bytes(tmp_path):
    from syndetect_cli.app import _register, app

    _register()
    outs = {}
    for backend in ("local", "stream"):
        out = tmp_path / backend
        out.mkdir()
        res = CliRunner().invoke(
            app,
            ["clusters", "--quiet", "--backend", backend, str(DEMO), "-o", str(out / "clusters.jsonl")]
            + ["--pairs", str(out / "pairs.jsonl")],
        )
        assert res.exit_code == 0, res.output
        outs[backend] = out
    _same(outs["local"], outs["stream"], "pairs.jsonl")
    _same(outs["local"], outs["stream"], "clusters.jsonl")
    stats = json.loads((outs["stream"] / "clusters.jsonl.stats.json").read_text())["stats"]
    assert stats["backend"]["name"] == "stream"


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    from syndetect_cli.app import _register, app

    _register()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\n{"id": "b"}\n', encoding="utf-8")
    out = tmp_path / "pairs.jsonl"
    res = CliRunner().invoke(app, ["pairs", "--quiet", "--backend", "stream", str(bad), "-o", str(out)])
    assert res.exit_code == 2
    assert "bad.jsonl:2" in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_spill_partitions_and_row_reads_round_trip(tmp_path):
    rng = np.random.default_rng(3)
    values = rng.integers(0, 1000, 500)
    spill = Spill(tmp_path, "t", 7, np.int64)
    spill.write(values * 7 // 1000, values)
    back = np.concatenate([spill.read(p) for p in range(7)])
    assert sorted(back.tolist()) == sorted(values.tolist())
    rows = np.arange(100, dtype=np.int64) * 3
    rows.tofile(tmp_path / "rows.bin")
    pick = np.array([0, 1, 2, 50, 51, 99])
    assert read_rows(tmp_path / "rows.bin", np.int64, pick).tolist() == (pick * 3).tolist()
