"""The local, stream and Spark backends on all of SaudiNewsNet: wall, CPU, peak PSS, pairs, same bytes.

Each backend runs ``pairs`` in its own subprocess, one after the other. For each: wall seconds, CPU
seconds of the whole process tree (the Spark driver's JVM and its Python workers included: the larger
of the reaped children's ``rusage`` and the sum of every tree process's last sampled ``/proc`` times),
peak PSS of the tree (sampled every 0.25 s), verified pairs, and whether both ``pairs.jsonl`` are the
same bytes as the first backend's.

Example:
    .venv/bin/python benchmarks/bench_spark.py                       # all 31,030 articles, local[2]
    .venv/bin/python benchmarks/bench_spark.py --limit 2000 --master local[2] --driver-memory 4g
    .venv/bin/python benchmarks/bench_spark.py --backends local,stream       # no Spark
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_pairs import ARTICLES, tree_pss_mb  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def tree_pids(root: int) -> list[int]:
    """A process and all its descendants."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return out


def cpu_of(pid: int) -> float | None:
    """utime + stime of one process, in seconds (its own threads; not its children)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def measure(cmd: list[str]) -> dict:
    """Run ``cmd``; wall, tree CPU and peak tree PSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    peak, last = 0.0, {}
    while proc.poll() is None:
        pids = tree_pids(proc.pid)
        peak = max(peak, tree_pss_mb(proc.pid))
        for pid in pids:
            c = cpu_of(pid)
            if c is not None:
                last[pid] = c
        time.sleep(0.25)
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    reaped = ru.ru_utime + ru.ru_stime - before.ru_utime - before.ru_stime
    sampled = sum(last.values())
    return {
        "wall": wall,
        "cpu": max(reaped, sampled),
        "cpu_reaped": reaped,
        "cpu_sampled": sampled,
        "pss": peak,
    }


def worker(args: argparse.Namespace) -> None:
    """One backend's ``pairs`` run (in the subprocess)."""
    from syndetect.config import load_config
    from syndetect.io.readers import ReadStats, read_documents

    cfg = load_config()
    stats = ReadStats()
    if args.worker == "local":
        from syndetect.detect.corpus import find_pairs
        from syndetect.pipeline import Run

        docs = list(read_documents([args.input], cfg.read, stats))
        result = Run(find_pairs(docs, cfg), cfg, stats).write_pairs(args.output)
    elif args.worker == "stream":
        from syndetect.backends.stream import run_inputs

        result = run_inputs([args.input], cfg).write_pairs(args.output)
    else:
        from syndetect.backends import spark as sb

        spark = sb.session(
            args.master,
            conf={"spark.driver.memory": args.driver_memory, "spark.driver.maxResultSize": "4g"},
        )
        result = sb.run_paths(spark, [args.input], cfg, stats).write_pairs(args.output)
        spark.stop()
    Path(args.output + ".summary.json").write_text(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="4g")
    ap.add_argument("--backends", default="local,spark", help="comma-separated: local, stream, spark")
    ap.add_argument("--worker", choices=["local", "stream", "spark"], help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench_spark_"))
    src = str(ARTICLES)
    if args.limit:
        src = str(tmp / "articles.jsonl")
        with gzip.open(ARTICLES, "rt", encoding="utf-8") as fh, open(src, "w", encoding="utf-8") as out:
            for k, line in enumerate(fh):
                if k >= args.limit:
                    break
                out.write(line)
    rows = {}
    base = [sys.executable, str(Path(__file__).resolve()), "--input", src, "--master", args.master]
    base += ["--driver-memory", args.driver_memory]
    backends = args.backends.split(",")
    for backend in backends:
        out = str(tmp / f"pairs-{backend}.jsonl")
        m = measure([*base, "--worker", backend, "--output", out])
        summary = json.loads(Path(out + ".summary.json").read_text())
        m["pairs"] = summary["verified_pairs"]
        m["documents"] = summary["documents"]
        m["stages"] = summary["seconds"]
        rows[backend] = m
        print(f"{backend}: {json.dumps(m)}", file=sys.stderr, flush=True)
    first = backends[0]
    same = all(
        filecmp.cmp(tmp / f"pairs-{first}.jsonl", tmp / f"pairs-{b}.jsonl", shallow=False) for b in backends
    )
    print(
        f"\nSaudiNewsNet, {rows[first]['documents']:,} documents; Spark {args.master}; "
        f"pairs.jsonl identical across {', '.join(backends)}: {same}\n"
    )
    print("| backend | wall s | CPU s (process tree) | peak PSS (tree) | pairs |")
    print("|---|---:|---:|---:|---:|")
    for backend, m in rows.items():
        print(f"| {backend} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['pss']:,.0f} MB | {m['pairs']:,} |")


if __name__ == "__main__":
    main()
