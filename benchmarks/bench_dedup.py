"""Document-level dedup on SaudiNewsNet, every removal checked independently of the engine.

Runs ``syndetect --profile P dedup articles.jsonl.gz -o kept.jsonl --removed removed.jsonl`` (time and
peak PSS of the process tree), or takes the outputs of an earlier run (``--check DIR``, e.g. one made
by an older commit), and checks them with nothing of syndetect's:

- every removal: the removed article's exact word 5-gram containment in the survivor it names (words
  with diacritics and tatweel dropped and the usual spelling folds, written here apart from the
  engine's normalizer; also without the folds, ``precision_unfolded``); a removal is correct when it is
  at least 0.5. Precision = correct / removals;
- no chains: the named survivor is in kept.jsonl;
- every group of identical texts (non-empty, whitespace collapsed) ends with one survivor;
- word 3-gram Jaccard under 0.3 with the survivor (the issue's figure), and the congratulation-cable
  template («تهنئ» in both titles, the titles different).

    .venv/bin/python benchmarks/bench_dedup.py                    # run and check (crawl-dedup)
    .venv/bin/python benchmarks/bench_dedup.py --profile syndication
    .venv/bin/python benchmarks/bench_dedup.py --check /tmp/before # outputs of another run
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_pairs import ARTICLES, tree_pss_mb  # noqa: E402

MARKS = dict.fromkeys([*range(0x064B, 0x0653), 0x0670, 0x0640])  # harakat, dagger alef, tatweel
# the usual Arabic spelling folds, written here independently of syndetect's normalizer: hamza on or
# under alef and madda as bare alef, alef maqsura as yeh, teh marbuta as heh, hamza on waw and yeh as
# waw and yeh, Arabic-Indic digits as ASCII (AFP copy is often printed without hamzas by one outlet)
FOLDS = str.maketrans("أإآٱىةؤئ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "اااايهوي01234567890123456789")
WORD = re.compile(r"\w+")


def raw_words(text: str) -> list[str]:
    """Words as printed: diacritics and tatweel dropped (stdlib ``\\w`` splits at them), nothing folded."""
    return WORD.findall(text.translate(MARKS))


def folded_words(text: str) -> list[str]:
    """Words with the usual spelling folds (see FOLDS) and Latin lower-cased."""
    return WORD.findall(text.translate(MARKS).translate(FOLDS).lower())


def grams(ws: list[str], n: int) -> set[tuple[str, ...]]:
    if len(ws) < n:
        return {tuple(ws)} if ws else set()
    return set(zip(*(ws[i:] for i in range(n)), strict=False))


def containment(a: list[str], b: list[str], n: int) -> float:
    ga = grams(a, n)
    return len(ga & grams(b, n)) / len(ga) if ga else 0.0


def jaccard(a: list[str], b: list[str], n: int) -> float:
    ga, gb = grams(a, n), grams(b, n)
    return len(ga & gb) / len(ga | gb) if ga | gb else 0.0


def run_cli(profile: str, out: Path) -> dict:
    """The dedup command on the whole corpus; wall seconds and peak PSS of its process tree."""
    cmd = [str(ROOT / ".venv" / "bin" / "syndetect"), "--profile", profile, "--quiet", "dedup", str(ARTICLES)]
    cmd += ["-o", str(out / "kept.jsonl"), "--removed", str(out / "removed.jsonl")]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_pss_mb(proc.pid))
        time.sleep(0.25)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return {
        "command": " ".join(cmd[1:]),
        "seconds": round(time.perf_counter() - t0, 1),
        "pss_mb": round(peak),
    }


def check(folder: Path) -> dict:
    """The independent checks of ``folder/kept.jsonl`` and ``folder/removed.jsonl``."""
    docs = {}
    with gzip.open(ARTICLES, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            docs[r["id"]] = r
    removed = [json.loads(x) for x in (folder / "removed.jsonl").read_text(encoding="utf-8").splitlines()]
    removed = [r for r in removed if "start" not in r]  # document-level removals only
    kept_ids = set()
    with open(folder / "kept.jsonl", encoding="utf-8") as fh:
        for line in fh:
            kept_ids.add(json.loads(line)["id"])
    words: dict[str, list[str]] = {}

    def w(i: str) -> list[str]:
        if i not in words:
            words[i] = folded_words(docs[i]["text"])
        return words[i]

    wrong, chains, low3, cables, cable_pairs, raw_wrong = [], 0, 0, 0, [], 0
    reasons: Counter[str] = Counter()
    for r in removed:
        rid, kid = r["id"], r["kept"]
        reasons[re.sub(r" of \S+$", "", re.sub(r"\s*\(.*\)$", "", str(r.get("reason"))))] += 1
        if kid is None or kid not in docs:
            chains += 1
            wrong.append((rid, kid, 0.0, r))
            continue
        if kid not in kept_ids:
            chains += 1
        c5 = containment(w(rid), w(kid), 5)
        if c5 < 0.5:
            wrong.append((rid, kid, c5, r))
        if containment(raw_words(docs[rid]["text"]), raw_words(docs[kid]["text"]), 5) < 0.5:
            raw_wrong += 1
        if jaccard(w(rid), w(kid), 3) < 0.3:
            low3 += 1
        ta, tb = docs[rid].get("title") or "", docs[kid].get("title") or ""
        if "تهنئ" in ta and "تهنئ" in tb:
            cables += 1
            if ta.strip() != tb.strip():
                cable_pairs.append((rid, kid, round(c5, 3), ta, tb))
    # identical texts: one survivor per group
    by_text = defaultdict(list)
    for i, d in docs.items():
        t = " ".join(d["text"].split())
        if t:
            by_text[t].append(i)
    fate = {r["id"]: r["kept"] for r in removed}
    groups = [ids for ids in by_text.values() if len(ids) > 1]
    split = [ids for ids in groups if len({fate.get(i, i) for i in ids}) != 1]
    probe = kept_copies(docs, kept_ids, w)
    n = len(removed)
    return {
        "documents": len(docs),
        "kept": len(kept_ids),
        "removed": n,
        "correct": n - len(wrong),
        "precision": round((n - len(wrong)) / n, 4) if n else None,
        "precision_unfolded": round((n - raw_wrong) / n, 4) if n else None,
        "chains": chains,
        "jaccard3_below_0.3": low3,
        "by_reason": dict(reasons.most_common()),
        "identical_groups": len(groups),
        "identical_groups_split": len(split),
        "split_examples": split[:5],
        "cable_removals": cables,
        "cable_removals_other_title": len(cable_pairs),
        "cable_examples": cable_pairs[:5],
        "kept_copies": len(probe),
        "kept_copies_list": probe,
        "misses": sorted(wrong, key=lambda x: x[2])[:40],
    }


def kept_copies(docs: dict, kept_ids: set, w, sample: int = 8, min_shared: int = 3) -> list:
    """A recall probe, independent of the engine: kept documents whose folded word 5-grams are at least
    0.8 contained in another kept document published no later (so one of the two should have gone).

    Candidates share at least ``min_shared`` of their 5-grams whose hash is 0 mod ``sample`` (stable
    blake2b hashes); grams held by more than 50 documents (boilerplate) are skipped.
    """
    import hashlib

    postings: dict[int, list[str]] = defaultdict(list)
    for i in sorted(kept_ids):
        for g in grams(w(i), 5):
            h = int.from_bytes(hashlib.blake2b(" ".join(g).encode(), digest_size=8).digest(), "little")
            if h % sample == 0:
                postings[h].append(i)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in postings.values():
        if 1 < len(ids) <= 50:
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    shared[(ids[x], ids[y])] += 1
    out = []
    for (x, y), k in shared.items():
        if k < min_shared:
            continue
        # the later (then the shorter) is the one that should have gone into the other
        a, b = sorted((x, y), key=lambda i: (docs[i].get("date") or "", i), reverse=True)
        c = containment(w(a), w(b), 5)
        if c >= 0.8:
            out.append((a, b, round(c, 3), docs[a].get("title", "")[:60], docs[b].get("title", "")[:60]))
    return sorted(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="crawl-dedup")
    ap.add_argument("--check", type=Path, help="check kept.jsonl and removed.jsonl in this folder instead")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--out", type=Path, help="keep the run's outputs in this folder (default: a temporary one)"
    )
    args = ap.parse_args()
    run = None
    if args.check:
        folder = args.check
    else:
        folder = args.out or Path(tempfile.mkdtemp(prefix="bench-dedup-"))
        folder.mkdir(parents=True, exist_ok=True)
        run = run_cli(args.profile, folder)
    res = check(folder)
    if run:
        res["run"] = run
    misses = res.pop("misses")
    probe = res.pop("kept_copies_list")
    res["kept_copies_examples"] = probe[:10]
    print(json.dumps(res, ensure_ascii=False, indent=1))
    print(f"\n{len(misses)} removals under 0.5 (lowest first, at most 40):")
    docs = {}
    with gzip.open(ARTICLES, "rt", encoding="utf-8") as fh:
        want = {m[0] for m in misses} | {m[1] for m in misses}
        for line in fh:
            r = json.loads(line)
            if r["id"] in want:
                docs[r["id"]] = r
    for rid, kid, c5, r in misses:
        a, b = docs.get(rid, {}), docs.get(kid or "", {})
        print(
            f"  {rid} ({a.get('outlet')}, {len(raw_words(a.get('text', '')))} w) -> {kid} ({b.get('outlet')}, "
            f"{len(raw_words(b.get('text', '')))} w): 5-gram containment {c5:.3f}, engine similarity "
            f"{r.get('similarity')}, {r.get('reason')}\n      {a.get('title', '')[:70]} | {b.get('title', '')[:70]}"
        )
    if args.json:
        args.json.write_text(
            json.dumps({**res, "misses": misses, "kept_copies_list": probe}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    if not args.check and not args.out:
        for name in ("kept.jsonl", "removed.jsonl", "kept.jsonl.stats.json", "removed.jsonl.stats.json"):
            os.unlink(folder / name)
        os.rmdir(folder)


if __name__ == "__main__":
    main()
