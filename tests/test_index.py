"""The persistent index: build, add, remove and stats give what one run over the same documents gives,
with stable cluster ids; a batch of another configuration is refused."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import syndetect
from syndetect.config import load_config
from syndetect.index import open_store
from syndetect.index.core import add, assign_ids, index_run, remove
from syndetect.pipeline import documents
from syndetect.records import Cluster, Member, Passage
from syndetect_cli.app import _register, app
from tests.fixtures import saudinewsnet as snn

_register()
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo.jsonl"
runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, ["--quiet", *args], catch_exceptions=False)


def demo_records() -> list[dict]:
    return [json.loads(x) for x in DEMO.read_text(encoding="utf-8").splitlines()]


def write(path: Path, recs: list[dict]) -> str:
    return snn.write(path, recs)


def without_ids(records) -> list[dict]:
    """Cluster records without what only an index knows (its stable ids and merges)."""
    out = []
    for c in records:
        c = dict(c)
        c.pop("cluster")
        c.pop("merged_from", None)
        out.append(c)
    return out


def table(path: str, sql: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def stats(path: str) -> dict:
    result = cli("index", "stats", "--index", path, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ----------------------------------------------------------------------------------------- demo


def test_build_on_the_demo_holds_what_a_run_finds(tmp_path):
    ix = str(tmp_path / "demo.index")
    result = cli("index", "build", str(DEMO), "--index", ix)
    assert result.exit_code == 0, result.output
    info = stats(ix)
    assert (info["documents"], info["pairs"], info["clusters"]) == (9, 16, 9)
    assert info["scheme"]["scheme"] == "affine32" and len(info["fingerprint"]) == 16
    full = syndetect.run(str(DEMO))
    store = open_store(ix)
    run = index_run(store)
    assert list(run.pair_records()) == list(full.pair_records())
    assert without_ids(run.cluster_records()) == without_ids(full.cluster_records())


def test_add_in_two_batches_equals_one_run_and_keeps_cluster_ids(tmp_path):
    recs = demo_records()
    first = [r for r in recs if r["id"] != "aggregator-1"]
    last = [r for r in recs if r["id"] == "aggregator-1"]
    ix = str(tmp_path / "demo.index")
    assert cli("index", "build", write(tmp_path / "a.jsonl", first), "--index", ix).exit_code == 0
    before = {cid: rec for cid, _, rec in open_store(ix).clusters()}
    result = cli("index", "add", write(tmp_path / "b.jsonl", last), "--index", ix)
    assert result.exit_code == 0, result.output
    assert stats(ix)["documents"] == 9
    run = index_run(open_store(ix))
    full = syndetect.run(str(DEMO))
    assert list(run.pair_records()) == list(full.pair_records())
    assert without_ids(run.cluster_records()) == without_ids(full.cluster_records())
    after = {c["cluster"]: c for c in run.cluster_records()}
    absorbed = {m for c in after.values() for m in c.get("merged_from", [])}
    for cid in before:
        assert cid in after or cid in absorbed, f"cluster {cid} vanished"
        assert cid not in after or cid not in absorbed


def test_adding_a_document_already_indexed_is_refused(tmp_path):
    ix = str(tmp_path / "demo.index")
    cli("index", "build", str(DEMO), "--index", ix)
    result = cli("index", "add", str(DEMO), "--index", ix)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "already indexed" in result.stderr
    assert stats(ix)["documents"] == 9


@pytest.mark.parametrize(
    "how", [("--profile", "rewrites"), ("--config", "CONFIG")], ids=["scheme", "fingerprint"]
)
def test_add_with_another_scheme_or_fingerprint_is_refused(tmp_path, how):
    recs = demo_records()
    ix = str(tmp_path / "demo.index")
    cli("index", "build", write(tmp_path / "a.jsonl", recs[:5]), "--index", ix)
    dump = table(ix, "SELECT * FROM docs") + table(ix, "SELECT * FROM pairs")
    opt, value = how
    if value == "CONFIG":
        conf = tmp_path / "other.toml"
        conf.write_text("[minhash]\nnum_perm = 64\n", encoding="utf-8")
        value = str(conf)
    result = cli("index", "add", write(tmp_path / "b.jsonl", recs[5:]), "--index", ix, opt, value)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ") and "made with another" in result.stderr
    assert table(ix, "SELECT * FROM docs") + table(ix, "SELECT * FROM pairs") == dump


def test_remove_drops_the_document_its_pairs_and_regroups_its_clusters(tmp_path):
    ix = str(tmp_path / "demo.index")
    cli("index", "build", str(DEMO), "--index", ix)
    before = {cid: rec for cid, _, rec in open_store(ix).clusters()}
    untouched = {cid for cid, rec in before.items() if all(m["doc"] != "rt-1" for m in rec["members"])}
    result = cli("index", "remove", "rt-1", "--index", ix)
    assert result.exit_code == 0, result.output
    store = open_store(ix)
    assert "rt-1" not in store.doc_ids() and len(store.doc_ids()) == 8
    assert not [p for p in store.pairs() if "rt-1" in (p.a, p.b)]
    assert table(ix, "SELECT count(*) FROM arrays WHERE doc = 'rt-1'") == [(0,)]
    run = index_run(store)
    for c in run.cluster_records():
        assert all(m["doc"] != "rt-1" for m in c["members"])
    rest = [r for r in demo_records() if r["id"] != "rt-1"]
    full = syndetect.run(rest)
    assert list(run.pair_records()) == list(full.pair_records())
    assert without_ids(run.cluster_records()) == without_ids(full.cluster_records())
    after = {c["cluster"]: c for c in run.cluster_records()}
    spans = lambda rec: [(m["doc"], m["start"], m["end"]) for m in rec["members"]]  # noqa: E731
    absorbed = {m for c in after.values() for m in c.get("merged_from", [])}
    assert absorbed, "RT's quotes, without RT, are Addiyar's passages: their groups join Addiyar's"
    for cid in untouched:  # clusters without the document keep their ids and passages
        assert cid in after and spans(after[cid]) == spans(before[cid])
        if not after[cid].get("merged_from"):  # and, when nothing joined them, their members
            assert after[cid]["members"] == before[cid]["members"]
    gone = cli("index", "remove", "rt-1", "--index", ix)
    assert gone.exit_code == 2 and "not in the index" in gone.stderr


# ----------------------------------------------------------------------------------------- SaudiNewsNet


def test_first_nine_days_then_the_other_nine_equal_one_run_over_all_eighteen(tmp_path):
    recs = snn.days_sample()
    first = [r for r in recs if snn.day(r["id"]) in snn.FIRST_NINE]
    rest = [r for r in recs if snn.day(r["id"]) not in snn.FIRST_NINE]
    assert first and rest
    ix = str(tmp_path / "snn.index")
    result = cli("index", "build", write(tmp_path / "first.jsonl", first), "--index", ix)
    assert result.exit_code == 0, result.output
    before = {cid: rec for cid, _, rec in open_store(ix).clusters()}
    result = cli("index", "add", write(tmp_path / "rest.jsonl", rest), "--index", ix)
    assert result.exit_code == 0, result.output
    run = index_run(open_store(ix))
    full = syndetect.run(documents(recs, cfg=load_config()))
    assert len(full.pairs) > 100 and len(full.clusters) > 20  # real reuse, within and across the cut
    assert list(run.pair_records()) == list(full.pair_records())
    assert without_ids(run.cluster_records()) == without_ids(full.cluster_records())
    after = {c["cluster"]: c for c in run.cluster_records()}
    into = {m: c["cluster"] for c in after.values() for m in c.get("merged_from", [])}
    grew = 0
    for cid, rec in before.items():
        docs_before = {m["doc"] for m in rec["members"]}
        home = after.get(cid) or after[into[cid]]  # kept its id, or merged into an older cluster
        assert docs_before & {m["doc"] for m in home["members"]}
        if cid in after:
            grew += len(after[cid]["members"]) > len(rec["members"])
        else:
            assert into[cid] in before, "a merge keeps the older id"
    assert grew, "some clusters of the first days grew and kept their ids"
    new = [cid for cid in after if cid not in before]
    assert all(cid > max(before) for cid in new)  # new clusters get new ids


# ----------------------------------------------------------------------------------------- stable ids


def _group(*members) -> Cluster:
    ms = tuple(Member(Passage(d, s, e), None) for d, s, e in members)
    return Cluster("", ms, ms[0].passage)


def _stored(seq: int, *members, merged=()) -> tuple[int, dict]:
    rec = {"members": [{"doc": d, "start": s, "end": e} for d, s, e in members]}
    if merged:
        rec["merged_from"] = list(merged)
    return seq, rec


@pytest.mark.parametrize(
    ("groups", "old", "want"),
    [
        (
            [[("a", 0, 100), ("b", 0, 100), ("c", 5, 100)]],
            {"c-000003": _stored(3, ("a", 0, 100), ("b", 0, 100))},
            [("c-000003", [])],
        ),
        (
            [[("a", 0, 100), ("b", 0, 100), ("c", 0, 100)]],
            {
                "c-000007": _stored(7, ("a", 0, 100), ("b", 0, 100)),
                "c-000002": _stored(2, ("c", 0, 100), ("b", 10, 100), merged=["c-000001"]),
            },
            [("c-000002", ["c-000001", "c-000007"])],
        ),
        (
            [[("a", 0, 100), ("b", 0, 100)], [("a", 0, 40), ("d", 0, 40)]],
            {
                "c-000001": _stored(1, ("a", 0, 40), ("d", 0, 40)),
                "c-000002": _stored(2, ("a", 0, 100), ("b", 0, 100)),
            },
            [("c-000002", []), ("c-000001", [])],
        ),
        (
            [[("a", 0, 100), ("e", 0, 100)]],
            {"c-000001": _stored(1, ("a", 90, 1000), ("x", 0, 10))},
            [("c-000010", [])],
        ),
    ],
    ids=[
        "grown_keeps_its_id",
        "merge_keeps_the_older_id",
        "overlapping_neighbours_keep_theirs",
        "barely_overlapping_is_new",
    ],
)
def test_assign_ids(groups, old, want):
    clusters = [_group(*g) for g in groups]
    got, _ = assign_ids(clusters, old, 10)
    assert [(cid, merged) for cid, _, merged in got] == want


def test_buckets_pushed_over_the_cap_and_reopened_give_what_a_run_gives(tmp_path):
    # With lsh.max_bucket = 3, the aggregator's two copies of RT's passages push buckets that RT and
    # Addiyar shared over the cap: their stored pairs are checked again; removing it reopens them.
    conf = tmp_path / "cap.toml"
    conf.write_text("[lsh]\nmax_bucket = 3\n", encoding="utf-8")
    cfg = load_config(str(conf))
    docs = documents(str(DEMO), cfg=cfg)
    first = [d for d in docs if d.id != "aggregator-1"]
    ix = str(tmp_path / "cap.index")
    build = cli(
        "index",
        "build",
        write(tmp_path / "a.jsonl", demo_records()[:0]),
        "--index",
        ix,
        "--config",
        str(conf),
    )
    assert build.exit_code == 0, build.output
    store = open_store(ix)
    add(store, first, cfg)
    before = index_run(store)
    assert list(before.pair_records()) == list(syndetect.run(first, cfg).pair_records())
    got = add(store, [d for d in docs if d.id == "aggregator-1"], cfg)
    assert got["rechecked_doc_pairs"] > 0
    full = syndetect.run(docs, cfg)
    run = index_run(store)
    assert list(run.pair_records()) == list(full.pair_records())
    assert without_ids(run.cluster_records()) == without_ids(full.cluster_records())
    gone = remove(store, ["aggregator-1"])
    assert gone["rechecked_doc_pairs"] > 0
    run = index_run(store)
    assert list(run.pair_records()) == list(before.pair_records())
    assert without_ids(run.cluster_records()) == without_ids(before.cluster_records())


# ----------------------------------------------------------------------------------------- kills

SYNDETECT = str(Path(sys.executable).with_name("syndetect"))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The installed command in its own process (its real stdout, stderr and exit status)."""
    return subprocess.run([SYNDETECT, "--quiet", *args], capture_output=True, text=True, timeout=600)


def dump(path: str) -> dict:
    """Everything a SQLite index holds (every table, every row, sorted) and its ``index stats``."""
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables = {n: sorted(db.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in sorted(names)}
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()
    got = run_cli("index", "stats", "--index", path, "--json")
    assert got.returncode == 0, got.stderr
    info = json.loads(got.stdout)
    info.pop("bytes")  # the write-ahead log's size, not what the index holds
    info.pop("index")
    return {"tables": tables, "stats": info}


def test_a_killed_add_leaves_the_index_as_it_was(tmp_path):
    records = snn.sample(160)
    first = write(tmp_path / "first.jsonl", records[:80])
    rest = write(tmp_path / "rest.jsonl", records[80:])
    ix, probe = str(tmp_path / "snn.index"), str(tmp_path / "probe.index")
    assert run_cli("index", "build", first, "--index", ix).returncode == 0
    saved = tmp_path / "saved.index"
    shutil.copyfile(ix, saved)
    shutil.copyfile(ix, probe)
    before = dump(ix)
    t0 = time.perf_counter()
    assert run_cli("index", "add", rest, "--index", probe).returncode == 0  # the whole batch, its time
    took = time.perf_counter() - t0
    complete = dump(probe)
    assert complete["stats"]["documents"] == 160 and complete != before
    rng = random.Random(17)
    outcomes = []
    for i in range(5):
        proc = subprocess.Popen(
            [SYNDETECT, "--quiet", "index", "add", rest, "--index", ix],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # the first kill early in the batch, the others anywhere in it (the write is at its end)
        time.sleep(rng.uniform(0.1, 0.5 if i == 0 else 1.0) * took)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = dump(ix)  # readable, and whole: all of the batch or none of it
        assert now in (before, complete)
        outcomes.append(now == before)
        print(f"kill {i}: the index {'as before' if now == before else 'with the whole batch'}")
        if now == complete:  # this kill came after the commit: back to the index before the batch
            for suffix in ("-wal", "-shm"):
                Path(ix + suffix).unlink(missing_ok=True)
            shutil.copyfile(saved, ix)
            assert dump(ix) == before
    assert any(outcomes), "every kill came after the commit: the test did not interrupt a batch"
    again = run_cli("index", "add", rest, "--index", ix)  # the same batch again succeeds
    assert again.returncode == 0, again.stderr
    assert dump(ix) == complete


# ----------------------------------------------------------------------------------------- bad indexes

QUOTE = "لولا قراراتكم وأعمالكم لكان الإرهاب الذي انتشر في المنطقة قد ابتلع المزيد من الدول"


def _commands(ix: str, batch: str) -> list[tuple[str, ...]]:
    return [
        ("index", "add", batch, "--index", ix),
        ("index", "stats", "--index", ix),
        ("index", "remove", "rt-1", "--index", ix),
        ("trace", QUOTE, "--index", ix, "--json"),
        ("trace", "--doc", "rt-1", "--index", ix),
    ]


def _spoil(ix: Path, how: str) -> None:
    """Turn a good index into a bad one of the kind ``how``."""
    if how == "missing":
        ix.unlink()
    elif how in ("format", "scheme", "normalizer", "fingerprint"):
        db = sqlite3.connect(ix)
        value = {
            "format": "syndetect-index/0",
            "scheme": '{"scheme": "mersenne61", "num_perm": 64}',
            "normalizer": '{"version": "0.1", "unicode": "9.0.0"}',
            "fingerprint": "0123456789abcdef",
        }[how]
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (value, how))
        db.commit()
        db.close()
    elif how == "garbage":
        ix.write_bytes(random.Random(5).randbytes(64 * 1024))
    elif how == "truncated":
        data = ix.read_bytes()
        ix.write_bytes(data[: len(data) // 3])
    elif how == "empty_file":
        ix.write_bytes(b"")


@pytest.mark.parametrize(
    "how", ["missing", "format", "scheme", "normalizer", "fingerprint", "garbage", "truncated", "empty_file"]
)
def test_a_bad_index_is_one_line_exit_2_and_nothing_is_lost(tmp_path, how):
    ix = tmp_path / "demo.index"
    recs = demo_records()
    assert cli("index", "build", write(tmp_path / "a.jsonl", recs[:-1]), "--index", str(ix)).exit_code == 0
    _spoil(ix, how)
    kept = ix.read_bytes() if ix.exists() else None
    batch = write(tmp_path / "b.jsonl", recs[-1:])
    for args in _commands(str(ix), batch):
        if args[:2] == ("index", "stats") and how in ("scheme", "normalizer", "fingerprint"):
            continue  # stats shows what an index was made with, whatever this syndetect's defaults
        got = run_cli(*args)
        lines = got.stderr.splitlines()
        assert got.returncode == 2, (args, got.stderr)
        assert len(lines) == 1 and lines[0].startswith("error: ") and str(ix) in lines[0], (args, got.stderr)
        assert got.stdout == ""
        assert (ix.read_bytes() if ix.exists() else None) == kept, f"{args} changed the index"


def test_an_unreachable_redis_is_one_line_exit_2(tmp_path):
    pytest.importorskip("redis", reason="the redis client (extra 'redis') is not installed")
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    for args in _commands(url, str(DEMO)):
        got = run_cli(*args)
        lines = got.stderr.splitlines()
        assert got.returncode == 2 and len(lines) == 1, (args, got.stderr)
        assert "cannot reach Redis" in lines[0] and "Traceback" not in got.stderr
