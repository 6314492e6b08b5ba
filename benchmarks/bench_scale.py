"""Scaling benchmark: ``syndetect pairs`` on grown SaudiNewsNet corpora of 10k to 1M documents.

For each size in ``--sizes`` the corpus is made by ``benchmarks/grow_corpus.py`` (seeded; a smaller
corpus is the head of a larger one, so all sizes come from one pass and are kept in ``--dir`` for the
next run), then ``syndetect pairs --backend B`` runs on it in its own subprocess for each backend of
``--backends`` (``stream`` by default; ``local`` too when asked, up to ``--local-max`` documents, since
the in-memory run holds about 60 KB a document). Per run, as ``benchmarks/bench_spark.py`` measures
them: wall seconds, CPU seconds of the whole process tree (the larger of the reaped children's
``rusage`` and the sum of every tree process's last sampled ``/proc`` times), peak PSS of the process
tree (``/proc/<pid>/smaps_rollup`` of the process and all its descendants, sampled every 0.25 s), and
the pairs written. With ``--shares`` the reuse shares of each corpus are measured from the stream run's
pairs by ``grow_corpus``'s rule (no extra engine run).

Prints a markdown table, writes the figures as JSON and a PNG plot (when matplotlib is installed).
Nothing here asserts a timing: on a shared machine only the CPU figures are comparable.

Examples:
    .venv/bin/python benchmarks/bench_scale.py --sizes 10000,31030,100000,300000,1000000
    .venv/bin/python benchmarks/bench_scale.py --sizes 2000,4000 --backends stream,local --shares \\
        --dir /tmp/scale --json docs/scale.json --png docs/scale.png
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import grow_corpus  # noqa: E402
from bench_pairs import source_fingerprint, table  # noqa: E402
from bench_spark import measure  # noqa: E402

DEFAULT_SIZES = "10000,31030,100000,300000,1000000"


def corpus_path(folder: Path, seed: int, size: int, gz: bool) -> Path:
    return folder / f"grown-seed{seed}-{size}.jsonl{'.gz' if gz else ''}"


def make_corpora(paths: dict[int, Path], seed: int, articles: str) -> float:
    """Write the missing corpora in one pass (each is the head of the largest); seconds taken."""
    missing = {n: p for n, p in paths.items() if not p.exists()}
    if not missing:
        return 0.0
    t0 = time.perf_counter()
    base = grow_corpus.load_base(articles)
    outs = {n: (p, Path(f"{p}.part-{os.getpid()}")) for n, p in sorted(missing.items())}
    handles = {n: grow_corpus._open(tmp, "w", gz=p.name.endswith(".gz")) for n, (p, tmp) in outs.items()}
    try:
        for k, rec in enumerate(grow_corpus.generate(max(missing), seed, base)):
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            for n in [n for n in handles if k < n]:
                handles[n].write(line)
                if k + 1 == n:
                    handles.pop(n).close()
                    os.replace(outs[n][1], outs[n][0])
            if (k + 1) % 100_000 == 0:
                print(f"  generated {k + 1:,} documents", file=sys.stderr, flush=True)
    finally:
        for n, fh in handles.items():
            fh.close()
            outs[n][1].unlink(missing_ok=True)
    return time.perf_counter() - t0


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def run_one(corpus: Path, size: int, backend: str, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One ``syndetect pairs`` run in its own process tree, measured."""
    cmd = [*grow_corpus.syndetect_command(), "pairs", str(corpus), "-o", str(out), "--backend", backend, "-q"]
    if args.jobs is not None:
        cmd += ["--jobs", str(args.jobs)]
    if args.profile:
        cmd += ["--profile", args.profile]
    row: dict[str, Any] = {"backend": backend, "documents": size, "command": shlex.join(cmd)}
    print(f"$ {row['command']}", file=sys.stderr, flush=True)
    try:
        m = measure(cmd)
    except subprocess.CalledProcessError as err:
        row["error"] = f"exit status {err.returncode}"
        return row
    row.update(
        wall_s=round(m["wall"], 2),
        cpu_s=round(m["cpu"], 2),
        cpu_reaped_s=round(m["cpu_reaped"], 2),
        cpu_sampled_s=round(m["cpu_sampled"], 2),
        peak_pss_mb=round(m["pss"], 1),
        pairs=count_lines(out),
    )
    return row


def shares_of(corpus: Path, pairs: Path) -> dict[str, float]:
    report = grow_corpus.measure(str(corpus), str(pairs))
    return report["measured"]


def plot(rows: list[dict[str, Any]], path: str) -> str:
    """A PNG of the rows (2 x 2: time, memory, pairs against documents; CPU against pairs)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed: no plot"
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5))
    (ax_t, ax_m), (ax_p, ax_c) = axes
    for backend in sorted({r["backend"] for r in rows}):
        ok = sorted(
            (r for r in rows if r["backend"] == backend and "error" not in r), key=lambda r: r["documents"]
        )
        if not ok:
            continue
        docs = [r["documents"] for r in ok]
        ax_t.plot(docs, [r["wall_s"] for r in ok], "o-", label=f"{backend} wall")
        ax_t.plot(docs, [r["cpu_s"] for r in ok], "s--", label=f"{backend} CPU")
        ax_m.plot(docs, [r["peak_pss_mb"] for r in ok], "o-", label=backend)
        ax_p.plot(docs, [r["pairs"] for r in ok], "o-", label=backend)
        ax_c.plot([max(1, r["pairs"]) for r in ok], [r["cpu_s"] for r in ok], "o-", label=backend)
    for ax, x, y in (
        (ax_t, "documents", "seconds"),
        (ax_m, "documents", "peak PSS of the process tree (MB)"),
        (ax_p, "documents", "pairs written"),
        (ax_c, "pairs written", "CPU seconds"),
    ):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"syndetect pairs on grown SaudiNewsNet ({os.cpu_count()} cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return f"plot -> {path}"


def format_table(rows: list[dict[str, Any]], shares: bool) -> str:
    header = ["backend", "documents", "wall s", "CPU s", "peak PSS (tree)", "pairs"]
    if shares:
        header.append("measured shares: reprint / trim / excerpt / rewrite / original")
    body = []
    for r in rows:
        if "error" in r:
            line = [r["backend"], f"{r['documents']:,}", "-", "-", "-", r["error"]]
        else:
            line = [
                r["backend"],
                f"{r['documents']:,}",
                f"{r['wall_s']:.1f}",
                f"{r['cpu_s']:.1f}",
                f"{r['peak_pss_mb']:,.0f} MB",
                f"{r['pairs']:,}",
            ]
        if shares:
            s = r.get("shares")
            line.append(" / ".join(f"{s[k]:.3f}" for k in grow_corpus.KINDS) if s else "")
        body.append(line)
    return table(body, header)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help=f"corpus sizes, comma-separated ({DEFAULT_SIZES})")
    ap.add_argument("--backends", default="stream", help="stream, local or both: stream,local")
    ap.add_argument("--local-max", type=int, default=100_000, help="largest corpus the local backend runs on")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=None, help="syndetect --jobs (default: the config's)")
    ap.add_argument("--profile", default=None, help="syndetect --profile")
    ap.add_argument("--dir", default="/tmp/syndetect-scale", help="corpora (kept for the next run) and pairs")
    ap.add_argument("--plain", action="store_true", help="corpora as .jsonl (default .jsonl.gz)")
    ap.add_argument("--articles", default=str(grow_corpus.ARTICLES), help="SaudiNewsNet articles.jsonl.gz")
    ap.add_argument("--shares", action="store_true", help="measure each corpus's reuse shares too")
    ap.add_argument("--keep-pairs", action="store_true", help="keep the pairs.jsonl outputs in --dir")
    ap.add_argument("--json", default=None, help="figures as JSON (default DIR/bench_scale.json)")
    ap.add_argument("--png", default=None, help="plot (default DIR/bench_scale.png)")
    args = ap.parse_args(argv)

    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    if not Path(args.articles).is_file():
        print(f"error: {args.articles}: no such file (SaudiNewsNet)", file=sys.stderr)
        return 2
    command = shlex.join([Path(sys.executable).name, *sys.argv])
    print(f"$ {command}", flush=True)
    print(
        f"syndetect source {source_fingerprint()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}", flush=True
    )

    paths = {n: corpus_path(folder, args.seed, n, not args.plain) for n in sizes}
    generated = make_corpora(paths, args.seed, args.articles)
    if generated:
        print(f"corpora generated in {generated:.0f} s -> {folder}", file=sys.stderr)

    rows: list[dict[str, Any]] = []
    for n in sizes:
        for backend in backends:
            if backend == "local" and n > args.local_max:
                rows.append(
                    {
                        "backend": backend,
                        "documents": n,
                        "error": f"skipped (> --local-max {args.local_max:,})",
                    }
                )
                continue
            out = folder / f"pairs-{backend}-seed{args.seed}-{n}.jsonl"
            row = run_one(paths[n], n, backend, out, args)
            if args.shares and backend == backends[0] and "error" not in row:
                row["shares"] = shares_of(paths[n], out)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
            if not args.keep_pairs:
                out.unlink(missing_ok=True)
                Path(f"{out}.stats.json").unlink(missing_ok=True)  # the run's statistics beside it

    print()
    print(format_table(rows, args.shares))
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    report = {
        "command": command,
        "engine_source": source_fingerprint(),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
        "cores": os.cpu_count(),
        "seed": args.seed,
        "target_shares": grow_corpus.SHARES,
        "rows": rows,
    }
    json_path = args.json or str(folder / "bench_scale.json")
    Path(json_path).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"figures -> {json_path}")
    print(plot(rows, args.png or str(folder / "bench_scale.png")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
