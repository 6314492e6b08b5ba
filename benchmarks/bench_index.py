"""The persistent index and ``trace`` on SaudiNewsNet: build time, size on disk, adding the last day to an
index of the others against a full build (time and peak PSS of the process tree), trace latency in
process (median and 99th percentile over corpus passages and edited ones) and the CLI's time for one
trace, start-up included.

    nice python benchmarks/bench_index.py                  # all 18 days (the README's figures)
    nice python benchmarks/bench_index.py --days 3 --queries 100   # a quick look

Every build and add runs as the CLI in a fresh process; its peak PSS (forked workers included) is
sampled every 0.25 s. The incremental index is checked to hold the same pairs and clusters as the full
build.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pairs import ARTICLES, ROOT, tree_pss_mb  # noqa: E402  (one place says where SaudiNewsNet is)

SYNDETECT = str(Path(sys.executable).with_name("syndetect"))


def measure(args: list[str]) -> dict:
    """Run a command; its wall time and the peak PSS of its process tree."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_pss_mb(proc.pid))
        time.sleep(0.25)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args)
    return {"seconds": round(time.perf_counter() - t0, 1), "pss_mb": round(peak)}


def split_days(work: Path, days: int) -> tuple[list[str], str, str, list[dict]]:
    """The first ``days`` days as files: all of them, all but the last, the last; and the records."""
    records = []
    with gzip.open(ARTICLES, "rt", encoding="utf-8") as fh:
        for line in fh:
            records.append(json.loads(line))
    order = sorted({r["id"][4:14] for r in records})[:days]
    keep = [r for r in records if r["id"][4:14] in order]
    head = [r for r in keep if r["id"][4:14] != order[-1]]
    last = [r for r in keep if r["id"][4:14] == order[-1]]
    paths = []
    for name, recs in (("all.jsonl", keep), ("head.jsonl", head), ("last.jsonl", last)):
        p = work / name
        with open(p, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        paths.append(str(p))
    print(f"{len(keep)} articles over {days} days; the last day ({order[-1]}) has {len(last)}", flush=True)
    return paths, order[0], order[-1], keep


def size_mb(path: str) -> float:
    return round(sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p)) / 2**20, 1)


def index_stats(path: str) -> dict:
    out = subprocess.run(
        [SYNDETECT, "index", "stats", "--index", path, "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def passages(records: list[dict], n: int, words: int, rng: random.Random) -> list[tuple[str, str]]:
    """``n`` passages of ``words`` words from random articles long enough: ``(article id, text)``."""
    long = [r for r in records if len(r["text"].split()) >= words + 10]
    out = []
    for _ in range(n):
        r = rng.choice(long)
        w = r["text"].split()
        k = rng.randrange(0, len(w) - words)
        out.append((r["id"], " ".join(w[k : k + words])))
    return out


def edited(text: str, rng: random.Random, vocab: list[str]) -> str:
    """A passage a desk edited: about one word in eight replaced, one dropped, one inserted."""
    w = text.split()
    for k in range(len(w)):
        if rng.random() < 0.125:
            w[k] = rng.choice(vocab)
    del w[rng.randrange(len(w))]
    w.insert(rng.randrange(len(w)), rng.choice(vocab))
    return " ".join(w)


def latency(tracer, queries: list[tuple[str, str]]) -> dict:
    times, found, own = [], 0, 0
    for src, q in queries:
        t0 = time.perf_counter()
        got = tracer.trace(q)
        times.append((time.perf_counter() - t0) * 1000)
        found += bool(got["matches"])
        own += any(m["doc"] == src for m in got["matches"])
    times.sort()
    return {
        "queries": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(0.99 * len(times)))], 2),
        "max_ms": round(times[-1], 2),
        "with_matches": found,
        "finding_their_article": own,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=18)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--words", type=int, default=40, help="words per traced passage")
    ap.add_argument("--work", default=None, help="a folder for the indexes (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-index-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict = {"days": args.days}
    try:
        (all_p, head_p, last_p), _, last_day, records = split_days(work, args.days)
        full, inc = str(work / "full.index"), str(work / "inc.index")
        q = ["--quiet"]
        report["full_build"] = measure([SYNDETECT, *q, "index", "build", all_p, "--index", full])
        report["full_build"]["size_mb"] = size_mb(full)
        print("full build", report["full_build"], flush=True)
        report["head_build"] = measure([SYNDETECT, *q, "index", "build", head_p, "--index", inc])
        print("build of all days but the last", report["head_build"], flush=True)
        report["add_last_day"] = measure([SYNDETECT, *q, "index", "add", last_p, "--index", inc])
        report["add_last_day"]["share_of_full_build"] = round(
            report["add_last_day"]["seconds"] / report["full_build"]["seconds"], 3
        )
        print("add the last day", report["add_last_day"], flush=True)
        a, b = index_stats(full), index_stats(inc)
        report["stats"] = {k: a[k] for k in ("documents", "indexed", "pairs", "clusters", "bytes")}
        same = all(a[k] == b[k] for k in ("documents", "pairs", "clusters"))
        report["incremental_equals_full"] = same
        print("stats", report["stats"], "incremental == full:", same, flush=True)

        from syndetect.index import open_store
        from syndetect.index.trace import Tracer

        rng = random.Random(20151021)
        corpus = passages(records, args.queries, args.words, rng)
        vocab = [w for _, t in passages(records, 200, args.words, rng) for w in t.split()]
        edits = [(src, edited(t, rng, vocab)) for src, t in passages(records, args.queries, args.words, rng)]
        t0 = time.perf_counter()
        tracer = Tracer(open_store(full))
        tracer.trace(corpus[0][1])  # opens the index, loads the compiled kernels
        report["tracer_open_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        report["trace_corpus"] = latency(tracer, corpus)
        print("trace, corpus passages", report["trace_corpus"], flush=True)
        report["trace_edited"] = latency(tracer, edits)
        print("trace, edited passages", report["trace_edited"], flush=True)
        cli = []
        for _, text in corpus[1:4]:
            t0 = time.perf_counter()
            subprocess.run(
                [SYNDETECT, "trace", text, "--index", full, "--json"], check=True, capture_output=True
            )
            cli.append(time.perf_counter() - t0)
        report["cli_one_trace_seconds"] = round(statistics.median(cli), 2)
        print("CLI, one trace with start-up", report["cli_one_trace_seconds"], "s", flush=True)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report["last_day"] = last_day
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
