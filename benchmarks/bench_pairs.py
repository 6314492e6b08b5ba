"""syndetect's passage-level run against a naive datasketch pipeline on SaudiNewsNet: time, memory, recall.

Each pipeline runs in its own subprocess, one after the other, so their peak memories (``ru_maxrss``)
are separable and they do not compete for cores:

- ``syndetect``: ``read_documents`` then ``syndetect.detect.corpus.find_pairs`` with the named profile: passage
  windows, two LSH channels, exact verification, alignment to character spans.
- ``naive``: what a typical datasketch user writes: pyarabic normalization (``strip_tashkeel``,
  ``strip_tatweel``, ``normalize_hamza``, ``normalize_alef``), ``\\w+`` tokens, word 5-gram shingles,
  ``MinHash.bulk(num_perm=128)``, ``MinHashLSH(threshold=0.5)``, insert and query every document;
  document level, no verification, no spans. Documents with no 5-gram are skipped (their empty
  sketches would collide in every band).

Recall is measured on ``cross_outlet_exact_paragraphs.jsonl`` (paragraphs of at least 150 characters,
whitespace collapsed, found word for word in 2 to 8 documents). Each unordered pair of member documents
(X, Y) of a paragraph is one reprint to find. Matching rule:

1. The paragraph is located in each member's text by searching the whitespace-collapsed text and
   mapping back to original character offsets (every occurrence is tried).
2. ``syndetect``: found when ONE reported match between X and Y covers at least ``--cover`` (0.9) of
   the paragraph's characters in X and in Y (the occurrence covered best). ``syndetect (union)`` also
   accepts the union of all of the pair's matches (a paragraph split over two aligned passages).
3. ``naive``: found when X and Y are a candidate pair (document level: there are no spans).

Times: wall seconds per stage (``result.stats["seconds"]``) and CPU seconds per process; on a shared
machine the CPU figures are the comparable ones. A table splits syndetect's CPU time by library
function.

Example:
    .venv/bin/python benchmarks/bench_pairs.py --limit 3000
    .venv/bin/python benchmarks/bench_pairs.py --misses 40     # full corpus, print 40 missed paragraphs
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import pickle
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data" / "saudinewsnet"
ARTICLES = DATA / "articles.jsonl.gz"
PARAGRAPHS = DATA / "cross_outlet_exact_paragraphs.jsonl"

WS = re.compile(r"\s+")


def peak_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time (user + system) this process and its finished children (forked workers) have used:
    unlike wall time, not inflated by other load."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        ru = resource.getrusage(who)
        total += ru.ru_utime + ru.ru_stime
    return total


def children_peak_mb() -> float:
    """The largest peak resident set of this process's finished children (forked workers), in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------ workers


# Library functions whose CPU time is accumulated per call (module, name), to split the stages further
# than ``stats["seconds"]`` does, and in CPU seconds, which other load on the machine does not inflate.
TIMED = [
    ("syndetect.detect.corpus", "prepare"),
    ("syndetect.detect.corpus", "find_candidates"),
    ("syndetect.detect.candidates", "window_table"),
    ("syndetect.detect.candidates", "candidate_pairs"),
    ("syndetect.detect.candidates", "estimate"),
    ("syndetect.detect.corpus", "doc_pairs"),
    ("syndetect.detect.corpus", "verify"),
]


def instrument() -> dict[str, list[float]]:
    """Wrap the ``TIMED`` functions (those that exist) to add up their CPU and wall seconds and calls."""
    import functools
    import importlib

    acc: dict[str, list[float]] = {}
    for module, name in TIMED:
        mod = importlib.import_module(module)
        fn = getattr(mod, name, None)
        if fn is None:
            continue
        slot = acc.setdefault(name, [0.0, 0.0, 0])

        def wrapper(*a, _fn=fn, _slot=slot, **kw):
            c, w = cpu_seconds(), time.perf_counter()
            try:
                return _fn(*a, **kw)
            finally:
                _slot[0] += cpu_seconds() - c
                _slot[1] += time.perf_counter() - w
                _slot[2] += 1

        setattr(mod, name, functools.wraps(fn)(wrapper))
    return acc


def run_syndetect(limit: int | None, profile: str, jobs: int | None, out: str) -> None:
    """Worker: read the corpus, run ``find_pairs``, dump times, memory and matches."""
    from syndetect.config import load_config, with_overrides
    from syndetect.detect.corpus import find_pairs
    from syndetect.io.readers import read_documents

    by_function = instrument()

    cfg = load_config(profile=profile)
    if jobs is not None:
        cfg = with_overrides(cfg, {"run": {"jobs": jobs}})
    t0 = time.perf_counter()
    docs = list(itertools.islice(read_documents([str(ARTICLES)], cfg.read), limit))
    t1 = time.perf_counter()
    mem_read = peak_mb()
    result = find_pairs(docs, cfg)
    t2 = time.perf_counter()
    matches = [(m.a.doc, m.a.start, m.a.end, m.b.doc, m.b.start, m.b.end, m.kind) for m in result.matches]
    report = {
        "docs": len(docs),
        "seconds": {"read": t1 - t0, **result.stats["seconds"], "total": t2 - t0},
        "cpu": cpu_seconds(),
        "peak_mb": peak_mb(),
        "children_peak_mb": children_peak_mb(),
        "peak_mb_after_read": mem_read,
        "stats": {k: v for k, v in result.stats.items() if k not in ("seconds",)},
        "config": cfg.fingerprint(),
        "by_function": by_function,
        "matches": matches,
    }
    with open(out, "wb") as fh:
        pickle.dump(report, fh)


def naive_normalize(text: str) -> str:
    """What a typical pyarabic user does before shingling."""
    from pyarabic import araby

    text = araby.strip_tashkeel(text)
    text = araby.strip_tatweel(text)
    text = araby.normalize_hamza(text)
    text = araby.normalize_alef(text)
    return text


def run_naive(limit: int | None, out: str) -> None:
    """Worker: the naive document-level datasketch pipeline; dump times, memory and candidate pairs."""
    from datasketch import MinHash, MinHashLSH

    word = re.compile(r"\w+")
    t0 = time.perf_counter()
    with gzip.open(ARTICLES, "rt", encoding="utf-8") as fh:
        recs = [json.loads(line) for line in itertools.islice(fh, limit)]
    ids = [r["id"] for r in recs]
    texts = [r["text"] for r in recs]
    del recs
    t1 = time.perf_counter()
    shingle_sets, keys = [], []
    for doc_id, text in zip(ids, texts, strict=True):
        toks = word.findall(naive_normalize(text))
        sh = {" ".join(toks[i : i + 5]).encode("utf-8") for i in range(len(toks) - 4)}
        if sh:
            shingle_sets.append(sh)
            keys.append(doc_id)
    t2 = time.perf_counter()
    sigs = MinHash.bulk(shingle_sets, num_perm=128)
    del shingle_sets
    t3 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    with lsh.insertion_session() as session:
        for k, m in zip(keys, sigs, strict=True):
            session.insert(k, m)
    t4 = time.perf_counter()
    pairs = set()
    for k, m in zip(keys, sigs, strict=True):
        for other in lsh.query(m):
            if other != k:
                pairs.add((k, other) if k < other else (other, k))
    t5 = time.perf_counter()
    report = {
        "docs": len(ids),
        "indexed": len(keys),
        "bands_rows": (lsh.b, lsh.r),
        "seconds": {
            "read": t1 - t0,
            "normalize+shingle": t2 - t1,
            "minhash": t3 - t2,
            "lsh insert": t4 - t3,
            "lsh query": t5 - t4,
            "total": t5 - t0,
        },
        "cpu": cpu_seconds(),
        "peak_mb": peak_mb(),
        "pairs": sorted(pairs),
    }
    with open(out, "wb") as fh:
        pickle.dump(report, fh)


# ------------------------------------------------------------------------------------------- recall


def collapsed(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` with whitespace runs collapsed to one space, and each collapsed character's original
    start and end offsets."""
    out, starts, ends = [], [], []
    pos = 0
    for m in WS.finditer(text):
        for k in range(pos, m.start()):
            out.append(text[k])
            starts.append(k)
            ends.append(k + 1)
        out.append(" ")
        starts.append(m.start())
        ends.append(m.end())
        pos = m.end()
    for k in range(pos, len(text)):
        out.append(text[k])
        starts.append(k)
        ends.append(k + 1)
    return "".join(out), starts, ends


def occurrences(text: str, paragraph: str) -> list[tuple[int, int]]:
    """Original-offset spans of every occurrence of a whitespace-collapsed paragraph in ``text``."""
    flat, starts, ends = collapsed(text)
    para = WS.sub(" ", paragraph).strip()
    spans, k = [], flat.find(para)
    while k >= 0:
        spans.append((starts[k], ends[k + len(para) - 1]))
        k = flat.find(para, k + 1)
    return spans


def covered(span: tuple[int, int], pieces: list[tuple[int, int]]) -> float:
    """Share of ``span`` covered by the union of ``pieces``."""
    s, e = span
    if e <= s:
        return 0.0
    cut = sorted((max(s, a), min(e, b)) for a, b in pieces if a < e and b > s)
    total, cur = 0, s
    for a, b in cut:
        a = max(a, cur)
        if b > a:
            total += b - a
            cur = b
    return total / (e - s)


def load_reprints(doc_text: dict[str, str]) -> tuple[list[dict], int]:
    """Member pairs of every listed paragraph whose members are all in ``doc_text``, located."""
    items, unlocated = [], 0
    with open(PARAGRAPHS, encoding="utf-8") as fh:
        for pid, line in enumerate(fh):
            rec = json.loads(line)
            members = [m for m in rec["members"] if m["id"] in doc_text]
            locs = {m["id"]: occurrences(doc_text[m["id"]], rec["paragraph"]) for m in members}
            outlet = {m["id"]: m["outlet"] for m in members}
            for x, y in itertools.combinations(sorted(locs), 2):
                if not locs[x] or not locs[y]:
                    unlocated += 1
                    continue
                items.append(
                    {
                        "pid": pid,
                        "x": x,
                        "y": y,
                        "lx": locs[x],
                        "ly": locs[y],
                        "cross": outlet[x] != outlet[y],
                        "chars": len(rec["paragraph"]),
                    }
                )
    return items, unlocated


def syndetect_found(item: dict, by_pair: dict, cover: float) -> tuple[bool, bool, float]:
    """(found by one match, found by the union of the pair's matches, best single-match coverage)."""
    ms = by_pair.get((item["x"], item["y"]), [])
    best_single = 0.0
    for sx, sy in ms:
        cx = max(covered(o, [sx]) for o in item["lx"])
        cy = max(covered(o, [sy]) for o in item["ly"])
        best_single = max(best_single, min(cx, cy))
    ux = max((covered(o, [m[0] for m in ms]) for o in item["lx"]), default=0.0)
    uy = max((covered(o, [m[1] for m in ms]) for o in item["ly"]), default=0.0)
    return best_single >= cover, min(ux, uy) >= cover, best_single


def naive_miss_summary(missed: list[dict], doc_text: dict[str, str]) -> str:
    """Why the naive pipeline misses reprints: the documents' whole-text 5-gram Jaccard, and how much of
    the shorter document the paragraph is."""
    import statistics

    word = re.compile(r"\w+")

    def shingles(doc_id: str) -> set[str]:
        toks = word.findall(naive_normalize(doc_text[doc_id]))
        return {" ".join(toks[i : i + 5]) for i in range(len(toks) - 4)}

    jac, share = [], []
    for it in missed:
        a, b = shingles(it["x"]), shingles(it["y"])
        jac.append(len(a & b) / len(a | b) if a | b else 0.0)
        share.append(it["chars"] / min(len(doc_text[it["x"]]), len(doc_text[it["y"]])))
    q = statistics.quantiles(jac, n=10)
    return (
        f"naive misses ({len(missed)} pairs): whole-document 5-gram Jaccard median {statistics.median(jac):.3f} "
        f"(10th-90th percentile {q[0]:.3f}-{q[-1]:.3f}; {sum(j >= 0.5 for j in jac)} at or above the 0.5 "
        f"threshold); the paragraph is a median {statistics.median(share):.0%} of the shorter document"
    )


# --------------------------------------------------------------------------------------------- main


def tree_pss_mb(root: int) -> float:
    """Proportional set size (MB) of a process and all its descendants: pages shared between a forked
    worker and its parent are counted once, split between them, unlike summing their RSS."""
    total_kb, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                total_kb += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total_kb / 1024


def spawn(args: list[str]) -> dict:
    """Run this script as a worker in a fresh interpreter; return its pickled report, with the peak
    PSS of its whole process tree (forked workers included), sampled every 0.25 s."""
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as tmp:
        out = tmp.name
    try:
        cmd = [sys.executable, str(Path(__file__).resolve()), *args, "--out", out]
        proc = subprocess.Popen(cmd, cwd=ROOT)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, tree_pss_mb(proc.pid))
            time.sleep(0.25)
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        with open(out, "rb") as fh:
            report = pickle.load(fh)
        report["tree_pss_mb"] = peak
        return report
    finally:
        os.unlink(out)


def source_fingerprint() -> str:
    """A short hash of the library's source, so that figures can be tied to the code that made them."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted((ROOT / "syndetect").rglob("*.py")):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    return "\n".join([line, sep, *body])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles (default: all 31,030)")
    ap.add_argument("--profile", default="syndication", help="syndetect profile (default: syndication)")
    ap.add_argument(
        "--jobs", type=int, default=None, help="syndetect processes (run.jobs; default: the config's)"
    )
    ap.add_argument("--cover", type=float, default=0.9, help="share of the paragraph a match must cover")
    ap.add_argument("--misses", type=int, default=0, help="print this many missed paragraph pairs")
    ap.add_argument("--misses-json", default=None, help="write every missed pair (with diagnostics) here")
    ap.add_argument("--skip-naive", action="store_true", help="run syndetect only")
    ap.add_argument("--worker", choices=["syndetect", "naive"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker == "syndetect":
        run_syndetect(args.limit, args.profile, args.jobs, args.out)
        return
    if args.worker == "naive":
        run_naive(args.limit, args.out)
        return

    print("$ " + shlex.join([Path(sys.executable).name, *sys.argv]), flush=True)
    print(
        f"syndetect source {source_fingerprint()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}", flush=True
    )
    lim = ["--limit", str(args.limit)] if args.limit else []
    jobs = [] if args.jobs is None else ["--jobs", str(args.jobs)]
    syn = spawn(["--worker", "syndetect", "--profile", args.profile, *lim, *jobs])
    naive = None if args.skip_naive else spawn(["--worker", "naive", *lim])

    # Recall (in this parent process: its memory is not measured).
    with gzip.open(ARTICLES, "rt", encoding="utf-8") as fh:
        doc_text = {}
        for line in itertools.islice(fh, args.limit):
            rec = json.loads(line)
            doc_text[rec["id"]] = rec["text"]
    items, unlocated = load_reprints(doc_text)
    by_pair: dict[tuple[str, str], list] = defaultdict(list)
    for a, a0, a1, b, b0, b1, _kind in syn["matches"]:
        if a < b:
            by_pair[(a, b)].append(((a0, a1), (b0, b1)))
        else:
            by_pair[(b, a)].append(((b0, b1), (a0, a1)))
    naive_pairs = set(naive["pairs"]) if naive else set()
    single = union = docpair = naive_hit = 0
    cross = cross_single = 0
    misses = []
    bests = []
    naive_missed = []
    for it in items:
        s, u, best = syndetect_found(it, by_pair, args.cover)
        bests.append(best)
        if naive and (it["x"], it["y"]) not in naive_pairs:
            naive_missed.append(it)
        single += s
        union += u
        docpair += (it["x"], it["y"]) in by_pair
        naive_hit += (it["x"], it["y"]) in naive_pairs
        cross += it["cross"]
        cross_single += s and it["cross"]
        if not s:
            misses.append(
                {**it, "best": round(best, 3), "union": u, "has_pair": (it["x"], it["y"]) in by_pair}
            )
    n = len(items)
    para_ids = {it["pid"] for it in items}
    para_missed = {m["pid"] for m in misses}

    st = syn["stats"]
    sec = syn["seconds"]
    print(
        f"\ncorpus: {syn['docs']} articles ({ARTICLES}), syndetect profile {args.profile!r} ({syn['config']})"
    )
    print(
        f"syndetect: indexed {st['indexed']}, too short {st['too_short']}, bands x rows {st['bands']} x "
        f"{st['rows']}, windows {st['windows']}, candidate window pairs {st['candidate_window_pairs']}, "
        f"dropped buckets {st['dropped_buckets']}, candidate doc pairs {st['candidate_doc_pairs']} "
        f"({len(by_pair)} with a verified match), verified pairs {st['verified_pairs']} {st['kinds']}"
    )
    if naive:
        b, r = naive["bands_rows"]
        print(
            f"naive: indexed {naive['indexed']} of {naive['docs']}, bands x rows {b} x {r}, "
            f"candidate doc pairs {len(naive['pairs'])}"
        )
    print()
    rows = [["syndetect " + k, f"{v:.1f}", "", ""] for k, v in sec.items() if k != "total"]
    rows.append(
        ["**syndetect total**", f"**{sec['total']:.1f}**", f"{syn['cpu']:.1f}", f"{syn['peak_mb']:.0f}"]
    )
    if naive:
        nsec = naive["seconds"]
        rows += [["naive " + k, f"{v:.1f}", "", ""] for k, v in nsec.items() if k != "total"]
        rows.append(
            ["**naive total**", f"**{nsec['total']:.1f}**", f"{naive['cpu']:.1f}", f"{naive['peak_mb']:.0f}"]
        )
    print(table(rows, ["stage", "seconds (wall)", "CPU seconds (process)", "peak RSS MB"]))
    frows = []
    for name, (c, w, calls) in syn["by_function"].items():
        frows.append([f"`{name}`", f"{calls:,}", f"{c:.1f}", f"{w:.1f}"])
    print()
    print(table(frows, ["syndetect function", "calls", "CPU s", "wall s"]))
    if naive:
        ratio = sec["total"] / nsec["total"]
        ratio_nr = (sec["total"] - sec["read"]) / (nsec["total"] - nsec["read"])
        ratio_cpu = syn["cpu"] / naive["cpu"]
        print(
            f"\nratio syndetect / naive: {ratio:.2f} wall (target <= 1.0); {ratio_nr:.2f} wall without "
            f"reading; {ratio_cpu:.2f} CPU (interpreter start-up and imports included)"
        )
        print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(
        f"syndetect peak memory: {syn['peak_mb']:.0f} MB (target < 2048); after reading: "
        f"{syn['peak_mb_after_read']:.0f} MB; verifying processes {syn['stats']['verify_processes']}, largest forked worker "
        f"{syn['children_peak_mb']:.0f} MB RSS (pages shared with the parent included); whole process tree "
        f"{syn['tree_pss_mb']:.0f} MB PSS at its sampled peak"
    )
    print(
        f"\nreprints: {len(para_ids)} paragraphs, {n} member pairs located ({cross} cross-outlet); "
        f"{unlocated} pairs not located in the text (skipped)"
    )
    if not n:
        print("no reprinted paragraph lies inside this subset: run on more articles (or all) for recall")
        return
    rows = [
        [
            f"syndetect, one match covers >= {args.cover:.0%} on both sides",
            f"{single / n:.4f}",
            f"{single}/{n}",
        ],
        ["syndetect, union of the pair's matches covers it", f"{union / n:.4f}", f"{union}/{n}"],
        ["syndetect, any match between the two documents", f"{docpair / n:.4f}", f"{docpair}/{n}"],
        [
            "syndetect, cross-outlet pairs only (one match)",
            f"{cross_single / cross:.4f}" if cross else "-",
            f"{cross_single}/{cross}",
        ],
        [
            "syndetect, paragraphs with every pair found",
            f"{1 - len(para_missed) / len(para_ids):.4f}",
            f"{len(para_ids) - len(para_missed)}/{len(para_ids)}",
        ],
    ]
    if naive:
        rows.append(["naive, document pair is a candidate", f"{naive_hit / n:.4f}", f"{naive_hit}/{n}"])
    print(table(rows, ["recall of reprinted paragraphs", "recall", "found"]))
    bests_a = sorted(bests)
    print(
        f"best single-match coverage of a reprint: min {bests_a[0]:.3f}, 1st percentile "
        f"{bests_a[len(bests_a) // 100]:.3f}; {sum(b >= 0.99 for b in bests)}/{n} at least 0.99, "
        f"{sum(b >= 1.0 for b in bests)}/{n} complete"
    )
    if naive_missed:
        print(naive_miss_summary(naive_missed, doc_text))
    if args.misses_json:
        with open(args.misses_json, "w", encoding="utf-8") as fh:
            for m in misses:
                fh.write(json.dumps(m, ensure_ascii=False) + "\n")
    for m in misses[: args.misses]:
        print(
            f"MISS p{m['pid']} {m['x']} {m['y']} chars={m['chars']} pair={m['has_pair']} "
            f"best={m['best']} union={m['union']}"
        )


if __name__ == "__main__":
    main()
