"""The Redis index (``--index redis://host:port/db``): the same commands give the same index as SQLite.

Against a real redis-server: the one ``make test`` starts (scripts/ensure-redis.sh sets
SYNDETECT_TEST_REDIS), else one these tests start themselves when ``redis-server`` is on PATH. Where none
can start, every test here is skipped with the reason, loudly (a warning in pytest's summary too).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit

import numpy as np
import pytest

from syndetect.index import open_store
from syndetect.index.core import add, index_run, stats, stored_config
from syndetect.index.redis_store import PREFIX, redact
from syndetect.index.store import IndexError_
from syndetect.io.readers import ReadStats, read_documents
from tests.fixtures import saudinewsnet

ROOT = Path(__file__).resolve().parents[1]
DEMO = str(ROOT / "data" / "demo.jsonl")
SCRIPT = ROOT / "scripts" / "ensure-redis.sh"
SYNDETECT = str(Path(sys.executable).with_name("syndetect"))


def _skip(reason: str):
    warnings.warn(f"REDIS INDEX TESTS SKIPPED: {reason}", stacklevel=2)
    pytest.skip(f"!!! Redis index tests did not run: {reason} !!!")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """``redis://127.0.0.1:PORT`` of a throwaway server (make test's, or one started here)."""
    pytest.importorskip("redis", reason="redis-py is missing (pip install -e '.[dev]')")
    url = os.environ.get("SYNDETECT_TEST_REDIS", "")
    if url == "unavailable":
        _skip(
            "scripts/ensure-redis.sh could not install or start a redis-server here (see make test's output)"
        )
    if url:
        yield url
        return
    if shutil.which("redis-server") is None:
        _skip(
            "no redis-server on PATH (make test installs Debian's package; or: apt-get install redis-server)"
        )
    where = tmp_path_factory.mktemp("redis") / "server"
    got = subprocess.run(["bash", str(SCRIPT), "start", str(where)], capture_output=True, text=True)
    if got.returncode:
        _skip(f"redis-server did not start: {' '.join(got.stderr.split())}")
    try:
        yield (where / "url").read_text().strip()
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(where)], check=False)


_DBS = itertools.count()


@pytest.fixture
def redis_db(redis_server):
    """``new()`` -> a URL to an empty database of the server (each emptied again afterwards)."""
    import redis

    made = []

    def new() -> str:
        url = f"{redis_server}/{1 + next(_DBS) % 15}"
        made.append(redis.Redis.from_url(url))
        made[-1].flushdb()
        return url

    yield new
    for r in made:
        r.flushdb()
        r.close()


@pytest.fixture
def redis_url(redis_db):
    return redis_db()


def cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """The installed command, as a user runs it (its real stdout, stderr and exit status)."""
    return subprocess.run(
        [SYNDETECT, "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def ok(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    got = cli(*args, env=env)
    assert got.returncode == 0, got.stderr
    return got


def snapshot(store) -> dict:
    """Everything a store holds, as plain values (documents, arrays, pairs, clusters, counts, meta)."""
    docs = list(store.docs())
    ids = [d.id for d in docs]
    names = ("tokens", "gram_keys", "band_keys", "band_wins", "indexed", "words")
    arrays = {
        doc: {n: (a.dtype.str, a.shape, a.tobytes()) for n, a in sorted(got.items())}
        for doc, got in sorted(store.arrays(ids, names).items())
    }
    bands = store.arrays(ids, ("band_keys",))
    keys = np.concatenate([b["band_keys"] for b in bands.values()] or [np.empty(0, np.int64)])
    bk, bw = store.band_members(keys)
    return {
        "meta": store.meta(),
        "docs": docs,
        "arrays": arrays,
        "bands": sorted(zip(bk.tolist(), bw.tolist(), strict=True)),
        "pairs": store.pairs(),
        "clusters": store.clusters(),
        "counts": store.counts(),
        "doc_ids": store.doc_ids(),
        "serials": store.doc_serial(ids),
    }


def same_index(redis_loc: str, sqlite_loc: str) -> dict:
    """Assert the two indexes hold the same; returns the Redis one's snapshot."""
    r, s = open_store(redis_loc), open_store(sqlite_loc)
    a, b = snapshot(r), snapshot(s)
    for key in a:
        assert a[key] == b[key], key
    ra, sa = stats(r), stats(s)
    assert {k: v for k, v in ra.items() if k not in ("index", "bytes")} == {
        k: v for k, v in sa.items() if k not in ("index", "bytes")
    }
    r.close()
    s.close()
    return a


def outputs(location: str, out: Path) -> tuple[list[dict], list[dict]]:
    """pairs.jsonl and clusters.jsonl written from the index (as ``pairs|clusters --index`` do)."""
    store = open_store(location)
    run = index_run(store)
    out.mkdir(parents=True, exist_ok=True)
    run.write_pairs(out / "pairs.jsonl")
    run.write_clusters(out / "clusters.jsonl")
    store.close()
    read = lambda p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    return read(out / "pairs.jsonl"), read(out / "clusters.jsonl")


def dump_keys(url: str) -> dict:
    """Every key of the index, serialized by the server (DUMP), to put back with ``restore_keys``."""
    import redis

    r = redis.Redis.from_url(url)
    out = {k: r.dump(k) for k in r.scan_iter(match=PREFIX + "*", count=1000)}
    r.close()
    return out


def restore_keys(url: str, saved: dict) -> None:
    import redis

    r = redis.Redis.from_url(url)
    r.flushdb()
    for k, v in saved.items():
        r.restore(k, 0, v)
    r.close()


def raw_keys(url: str) -> dict:
    """Every key of the index in the database, with its content (the server's view)."""
    import redis

    r = redis.Redis.from_url(url)
    out = {}
    for k in sorted(r.scan_iter(match=PREFIX + "*", count=1000)):
        t = r.type(k).decode()
        if t == "hash":
            out[k] = ("hash", r.hgetall(k))
        elif t == "set":
            out[k] = ("set", sorted(r.smembers(k)))
        else:
            out[k] = (t, r.get(k))
    r.close()
    return out


# ----------------------------------------------------------------------------------------- results


def test_demo_in_redis_is_the_sqlite_index(redis_url, tmp_path):
    sq = str(tmp_path / "demo.index")
    for loc in (redis_url, sq):
        ok("index", "build", DEMO, "--index", loc, "--batch", "4")  # three batches
    snap = same_index(redis_url, sq)
    assert snap["counts"]["documents"] == 9 and snap["counts"]["pairs"] > 0 and snap["clusters"]
    assert outputs(redis_url, tmp_path / "r") == outputs(sq, tmp_path / "s")
    # a takedown: the document, its pairs, its band entries go; its clusters are regrouped, in both
    victim = snap["pairs"][0].a
    for loc in (redis_url, sq):
        ok("index", "remove", victim, "--index", loc)
    after = same_index(redis_url, sq)
    assert victim not in after["doc_ids"]
    assert all(victim not in (p.a, p.b) for p in after["pairs"])
    assert after["counts"]["band_keys"] < snap["counts"]["band_keys"]
    assert outputs(redis_url, tmp_path / "r2") == outputs(sq, tmp_path / "s2")


def test_saudinewsnet_build_add_remove_match_sqlite(redis_url, tmp_path):
    records = saudinewsnet.sample(300)
    first = saudinewsnet.write(tmp_path / "first.jsonl", records[:150])
    rest = saudinewsnet.write(tmp_path / "rest.jsonl", records[150:])
    sq = str(tmp_path / "snn.index")
    for loc in (redis_url, sq):
        ok("index", "build", first, "--index", loc, "--batch", "75")
    built = same_index(redis_url, sq)
    for loc in (redis_url, sq):
        ok("index", "add", rest, "--index", loc)
    grown = same_index(redis_url, sq)
    assert grown["counts"]["documents"] == 300
    assert grown["counts"]["pairs"] > built["counts"]["pairs"] > 0
    ids_before = {cid for cid, _, _ in built["clusters"]}
    assert ids_before & {cid for cid, _, _ in grown["clusters"]}  # stable ids carried over, in both
    # remove documents that are in clusters (regrouping, dropped pairs, band entries deleted)
    members = sorted({m["doc"] for _, _, rec in grown["clusters"] for m in rec["members"]})
    gone = members[:: max(1, len(members) // 3)][:3]
    for loc in (redis_url, sq):
        ok("index", "remove", *gone, "--index", loc)
    after = same_index(redis_url, sq)
    assert after["counts"]["documents"] == 300 - len(gone)
    assert outputs(redis_url, tmp_path / "r") == outputs(sq, tmp_path / "s")


def test_arrays_are_raw_little_endian_bytes_with_dtype_and_shape(redis_url):
    import redis

    ok("index", "build", DEMO, "--index", redis_url)
    r = redis.Redis.from_url(redis_url)
    fields = r.hgetall(f"{PREFIX}a:rt-1")
    arrays = open_store(redis_url).arrays(["rt-1"], ("tokens", "band_keys"))["rt-1"]
    for name, a in arrays.items():
        dtype = fields[f"{name}.dtype".encode()].decode()
        assert dtype.startswith("<") or dtype.startswith("|")
        assert json.loads(fields[f"{name}.shape".encode()]) == list(a.shape)
        raw = fields[name.encode()]
        assert raw == a.astype(np.dtype(dtype)).tobytes() and not raw.startswith(b"\x80")  # not a pickle
    r.close()


# ----------------------------------------------------------------------------------------- refusals


def test_add_with_another_fingerprint_is_refused_in_one_line(redis_url, tmp_path):
    ok("index", "build", DEMO, "--index", redis_url)
    before = raw_keys(redis_url)
    got = cli("index", "add", DEMO, "--index", redis_url, "--profile", "crawl-dedup")
    assert got.returncode == 2
    lines = got.stderr.strip().splitlines()
    assert len(lines) == 1 and "another" in lines[0] and "fingerprint" in lines[0], got.stderr
    assert raw_keys(redis_url) == before
    again = cli("index", "build", DEMO, "--index", redis_url)
    assert again.returncode == 2 and "already exists" in again.stderr and len(again.stderr.splitlines()) == 1


def test_unreachable_redis_is_one_line_exit_2():
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    for args in (("index", "stats", "--index", url), ("index", "build", DEMO, "--index", url)):
        got = cli(*args, timeout=60)
        assert got.returncode == 2, got.stderr
        lines = got.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot reach Redis" in lines[0] and "Traceback" not in got.stderr, (
            got.stderr
        )
    bad = cli("index", "stats", "--index", "redis://127.0.0.1:notaport/0", timeout=60)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr


# ----------------------------------------------------------------------------------------- secrets


def test_a_password_never_appears_in_output_or_stats(redis_server, redis_url, tmp_path):
    import redis

    pw = "pw-" + secrets.token_hex(12)
    user = "syndetect-test-" + secrets.token_hex(4)
    admin = redis.Redis.from_url(redis_server + "/0")
    admin.acl_setuser(user, enabled=True, passwords=[f"+{pw}"], keys=["*"], commands=["+@all"])
    try:
        u = urlsplit(redis_url)
        url = f"redis://{user}:{quote(pw)}@{u.hostname}:{u.port}{u.path}"
        seen = []
        seen.append(ok("index", "build", DEMO, "--index", url))
        seen.append(ok("index", "stats", "--index", url))
        st = ok("index", "stats", "--index", url, "--json")
        seen.append(st)
        assert json.loads(st.stdout)["index"] == f"redis://{user}:***@{u.hostname}:{u.port}{u.path}"
        seen.append(cli("index", "add", DEMO, "--index", url))  # refused: already indexed
        assert seen[-1].returncode == 2 and "already indexed" in seen[-1].stderr
        wrong = cli("index", "stats", "--index", url.replace(quote(pw), "not-" + pw[3:]))
        assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1, wrong.stderr
        assert "refused the credentials" in wrong.stderr
        seen.append(wrong)
        # the password kept off the command line: in the environment
        bare = f"redis://{user}@{u.hostname}:{u.port}{u.path}"
        seen.append(ok("index", "stats", "--index", bare, "--json", env={"SYNDETECT_REDIS_PASSWORD": pw}))
        # the stats files written from the index
        pairs, clusters = outputs(url, tmp_path / "out")
        assert pairs and clusters
        stats_files = [p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.stats.json")]
        assert stats_files and all("***" in t for t in stats_files)
        with pytest.raises(IndexError_) as err:
            open_store(url.replace(quote(pw), "wrong")).meta()
        texts = [g.stdout + g.stderr for g in seen] + stats_files + [str(err.value)]
        for t in texts:
            assert pw not in t and pw[3:] not in t
        log = Path(admin.config_get("logfile")["logfile"])
        if log.is_file():  # the server's own log
            assert pw not in log.read_text(errors="replace")
    finally:
        admin.acl_deluser(user)
        admin.close()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://u:secret@h:6379/2", "redis://u:***@h:6379/2"),
        ("redis://:secret@h:6379/0", "redis://:***@h:6379/0"),
        ("redis://secret@h/1", "redis://***@h/1"),
        (
            "rediss://h:6380/3?password=secret&ssl_cert_reqs=none",
            "rediss://h:6380/3?password=***&ssl_cert_reqs=none",
        ),
        ("redis://h:6379/0", "redis://h:6379/0"),
        ("unix://:secret@/run/redis.sock?db=1", "unix://:***@/run/redis.sock?db=1"),
    ],
)
def test_redact_hides_the_secret(url, shown):
    assert redact(url) == shown and "secret" not in redact(url)


# ----------------------------------------------------------------------------------------- batches


def test_a_killed_add_leaves_the_index_as_it_was(redis_db, tmp_path):
    records = saudinewsnet.sample(120)
    first = saudinewsnet.write(tmp_path / "first.jsonl", records[:60])
    rest = saudinewsnet.write(tmp_path / "rest.jsonl", records[60:])
    redis_url, probe = redis_db(), redis_db()
    for loc in (redis_url, probe):
        ok("index", "build", first, "--index", loc)
    before = raw_keys(redis_url)
    t0 = time.perf_counter()
    ok("index", "add", rest, "--index", probe)  # what the whole batch does, and how long it takes
    took = time.perf_counter() - t0
    complete = raw_keys(probe)
    saved = dump_keys(redis_url)
    rng = random.Random(11)
    outcomes = []
    for i in range(4):
        proc = subprocess.Popen(
            [SYNDETECT, "--quiet", "index", "add", rest, "--index", redis_url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # the first kill early in the batch, the others anywhere in it
        time.sleep(rng.uniform(0.1, 0.5 if i == 0 else 0.95) * took)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = raw_keys(redis_url)
        assert now in (before, complete)  # all of the batch or none of it, never a part
        outcomes.append(now == before)
        if now == complete:  # this kill came after the commit: back to the index before the batch
            restore_keys(redis_url, saved)
            assert raw_keys(redis_url) == before
    assert any(outcomes), "every kill came after the commit: the test did not interrupt a batch"
    if raw_keys(redis_url) == before:
        ok("index", "add", rest, "--index", redis_url)  # the same batch again succeeds
    assert raw_keys(redis_url) == complete
    assert stats(open_store(redis_url))["documents"] == 120


def test_a_batch_computed_on_a_stale_index_is_refused_and_then_succeeds(redis_url, tmp_path):
    """Two workers on one index: a batch commits only onto the index it was computed from."""
    records = saudinewsnet.sample(60)
    ok("index", "build", saudinewsnet.write(tmp_path / "a.jsonl", records[:20]), "--index", redis_url)
    mine, other = open_store(redis_url), open_store(redis_url)
    cfg = stored_config(mine)  # this worker has read the index

    def docs(rs: list[dict]) -> list:
        path = saudinewsnet.write(tmp_path / "x.jsonl", rs)
        return list(read_documents([path], cfg.read, ReadStats()))

    add(other, docs(records[20:40]), cfg)  # another worker commits a batch meanwhile
    after_other = raw_keys(redis_url)
    batch = docs(records[40:])
    with pytest.raises(IndexError_, match="another worker"):
        add(mine, batch, cfg)
    assert raw_keys(redis_url) == after_other  # nothing of the refused batch
    got = add(mine, batch, cfg)  # run again: computed against the newer index, it commits
    assert got["documents"] == 20 and mine.counts()["documents"] == 60
