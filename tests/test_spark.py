"""The Spark backend gives the local run's bytes: pairs, clusters (ids included) and dedup, on the demo
corpus and on a 2,000-article SaudiNewsNet sample, through the CLI, the path API and the DataFrame API.

Real Spark in local mode (one session for the whole test session: local[2], loopback, no UI). Skipped,
loudly, only where pyspark or a Java 17+ runtime cannot be had (``scripts/ensure-java.sh`` installs it).
"""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndetect.config import load_config, with_overrides
from syndetect.io.errors import InputError
from syndetect.io.readers import ReadStats, read_documents
from syndetect.pipeline import run as local_run

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo.jsonl"
SNN = ROOT.parent / "shared" / "data" / "saudinewsnet" / "articles.jsonl.gz"


def _java_reason() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'syndetect[spark]')"
    java = shutil.which("java")
    if java is None:
        return "no java on PATH (scripts/ensure-java.sh installs openjdk-17-jre-headless)"
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    try:
        version = out.split('"')[1]
        major = int(
            version.split(".")[1] if version.startswith("1.") else version.split(".")[0].split("-")[0]
        )
    except (IndexError, ValueError):
        return f"cannot tell the Java version from {out!r}"
    return None if major >= 17 else f"Java {major} found; pyspark 4 needs 17+"


REASON = _java_reason()
if REASON:
    msg = f"!!! SPARK TESTS SKIPPED: {REASON} !!!"
    print(msg, file=sys.stderr)
    warnings.warn(msg, stacklevel=1)


@pytest.fixture(scope="session")
def spark():
    if REASON:
        pytest.skip(f"!!! SPARK TESTS SKIPPED: {REASON} !!!")
    from syndetect.backends.spark import session

    s = session(
        "local[2]",
        conf={"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2"},
    )
    yield s
    s.stop()


def _local(inputs, out: Path, cfg=None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    cfg = cfg or load_config()
    r = local_run([str(p) for p in inputs], cfg)
    r.write_clusters(out / "clusters.jsonl", out / "pairs.jsonl")
    return out


def _same(a: Path, b: Path, name: str) -> None:
    left, right = (a / name).read_bytes(), (b / name).read_bytes()
    assert left, f"{name} is empty: the comparison would prove nothing"
    assert left == right, f"{name} differs between the local and the Spark backend"


@pytest.fixture(scope="session")
def snn_sample(tmp_path_factory) -> Path:
    if not SNN.exists():
        pytest.skip(f"!!! SaudiNewsNet missing at {SNN}: the 2,000-article comparison did not run !!!")
    path = tmp_path_factory.mktemp("snn") / "snn2000.jsonl"
    with gzip.open(SNN, "rt", encoding="utf-8") as fh, open(path, "w", encoding="utf-8") as out:
        out.writelines(itertools.islice(fh, 2000))
    return path


def test_demo_pairs_and_clusters_via_cli_are_the_local_bytes(spark, tmp_path, monkeypatch):
    from syndetect_cli.app import _register, app

    _register()
    local = _local([DEMO], tmp_path / "local")
    out = tmp_path / "spark"
    out.mkdir()
    monkeypatch.setenv("SYNDETECT_SPARK_MASTER", "local[2]")
    res = CliRunner().invoke(
        app,
        ["clusters", "--quiet", "--backend", "spark", str(DEMO), "-o", str(out / "clusters.jsonl")]
        + ["--pairs", str(out / "pairs.jsonl")],
    )
    assert res.exit_code == 0, res.output
    _same(local, out, "pairs.jsonl")
    _same(local, out, "clusters.jsonl")
    stats = json.loads((out / "clusters.jsonl.stats.json").read_text())["stats"]
    lstats = json.loads((local / "clusters.jsonl.stats.json").read_text())["stats"]
    for key in (
        "windows",
        "candidate_window_pairs",
        "below_estimate",
        "candidate_doc_pairs",
        "verified_pairs",
    ):
        assert stats[key] == lstats[key], key
    assert stats["backend"]["name"] == "spark"


def test_saudinewsnet_sample_pairs_and_clusters_are_the_local_bytes(spark, tmp_path, snn_sample):
    from syndetect.backends.spark import run_paths

    local = _local([snn_sample], tmp_path / "local")
    out = tmp_path / "spark"
    out.mkdir()
    r = run_paths(spark, [str(snn_sample)], load_config())
    r.write_clusters(out / "clusters.jsonl", out / "pairs.jsonl")
    _same(local, out, "pairs.jsonl")
    _same(local, out, "clusters.jsonl")
    assert r.detection.stats["backend"]["candidate_components"] >= 1


def test_big_components_cut_into_blocks_and_dropped_buckets_give_the_same_bytes(spark, tmp_path):
    """Every component over 2 documents goes the block way, and buckets over 3 windows are dropped:
    the bucket rule and the unit cut must still reproduce the local candidates exactly."""
    from syndetect.backends.spark import run_paths

    cfg = with_overrides(load_config(), {"lsh": {"max_bucket": 3}})
    local = _local([DEMO], tmp_path / "local", cfg)
    lstats = json.loads((local / "pairs.jsonl.stats.json").read_text())["stats"]
    assert sum(lstats["dropped_buckets"].values()) > 0, "the override must drop buckets for this to test it"
    r = run_paths(spark, [str(DEMO)], cfg, big_component=2)
    out = tmp_path / "spark"
    out.mkdir()
    r.write_clusters(out / "clusters.jsonl", out / "pairs.jsonl")
    _same(local, out, "pairs.jsonl")
    _same(local, out, "clusters.jsonl")
    stats = r.detection.stats
    assert stats["backend"]["work_units"] > 1
    for key in ("dropped_buckets", "dropped_bucket_windows", "candidate_window_pairs", "below_estimate"):
        assert stats[key] == lstats[key], key


@pytest.mark.parametrize("level", ["document", "passage"])
def test_dedup_is_the_local_bytes(spark, tmp_path, level):
    from syndetect.backends.spark import run_paths

    # The demo's documents share at most a third of their text: a low threshold makes removals to compare.
    cfg = with_overrides(load_config(), {"dedup": {"level": level, "threshold": 0.2}})
    lr = local_run([str(DEMO)], cfg)
    lr.write_dedup(tmp_path / "kept-l.jsonl", tmp_path / "removed-l.jsonl")
    sr = run_paths(spark, [str(DEMO)], cfg)
    sr.write_dedup(tmp_path / "kept-s.jsonl", tmp_path / "removed-s.jsonl")
    for name in ("kept", "removed"):
        left = (tmp_path / f"{name}-l.jsonl").read_bytes()
        assert left and left == (tmp_path / f"{name}-s.jsonl").read_bytes(), name


def test_dataframe_api_and_parquet_round_trip(spark, tmp_path):
    """Documents as a DataFrame (from Parquet), kept documents written as partitioned Parquet."""
    from syndetect.backends.spark import run, run_paths

    docs = [d.to_json() for d in read_documents([str(DEMO)])]
    df = spark.createDataFrame(docs)
    pq = str(tmp_path / "docs.parquet")
    df.write.parquet(pq)
    expected = [json.dumps(m, ensure_ascii=False) for m in local_run([str(DEMO)]).pair_records()]
    from_frame = run(spark.read.parquet(pq))
    assert [json.dumps(m, ensure_ascii=False) for m in from_frame.pair_records()] == expected
    from_path = run_paths(spark, [pq])
    assert [json.dumps(m, ensure_ascii=False) for m in from_path.pair_records()] == expected
    kept = str(tmp_path / "kept.parquet")
    from_path.write_dedup(kept, partition_by=["outlet"])
    back = spark.read.parquet(kept)
    assert back.count() == len(local_run([str(DEMO)]).dedup().kept)
    assert sorted(p.name for p in Path(kept).iterdir() if p.name.startswith("outlet=")), "not partitioned"


def test_bad_record_is_the_local_one_line_error(spark, tmp_path):
    from syndetect.backends.spark import run_paths

    bad = tmp_path / "bad.jsonl"
    lines = DEMO.read_text(encoding="utf-8").splitlines()[:3]
    lines.insert(2, json.dumps({"id": "x-1"}))
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as local_err:
        list(read_documents([str(bad)]))
    with pytest.raises(InputError) as spark_err:
        run_paths(spark, [str(bad)])
    assert str(spark_err.value) == str(local_err.value)
    assert ":3:" in str(spark_err.value)
    stats = ReadStats()
    cfg = with_overrides(load_config(), {"read": {"skip_invalid": True}})
    r = run_paths(spark, [str(bad)], cfg, read_stats=stats)
    assert len(r.docs) == 3 and len(stats.skipped) == 1 and stats.skipped[0]["line"] == 3


def test_components_are_min_labels_whatever_the_edge_order(spark):
    from pyspark.sql import types as T

    from syndetect.backends.spark import components

    edges = [(5, 9), (1, 5), (9, 12), (2, 3), (20, 21), (3, 7), (12, 40)]
    schema = T.StructType([T.StructField("i", T.LongType()), T.StructField("j", T.LongType())])
    want = {5: 1, 9: 1, 1: 1, 12: 1, 40: 1, 2: 2, 3: 2, 7: 2, 20: 20, 21: 20}
    for order in (edges, edges[::-1]):
        labels = components(spark, spark.createDataFrame(order, schema).repartition(3))
        assert {r.node: r.label for r in labels.collect()} == want


def test_missing_pyspark_names_what_to_install(monkeypatch):
    from syndetect.backends import spark as backend

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(ImportError, match=r"syndetect\[spark\]"):
        backend._pyspark()


def test_cli_refuses_other_formats_before_starting_spark(tmp_path):
    from syndetect_cli.app import _register, app

    _register()
    csv = tmp_path / "docs.csv"
    csv.write_text("id,text\na,b\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["pairs", "--backend", "spark", str(csv), "-o", str(tmp_path / "p.jsonl")])
    assert res.exit_code == 2
    assert "the spark backend reads JSON Lines" in res.output and "syndetect extract" in res.output
    assert not (tmp_path / "p.jsonl").exists()
    res = CliRunner().invoke(app, ["pairs", "--backend", "nope", str(DEMO), "-o", str(tmp_path / "p.jsonl")])
    assert res.exit_code == 2 and "choose local or spark" in res.output
