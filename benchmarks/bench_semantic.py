"""Cost of the opt-in semantic channel on one day of SaudiNewsNet: sentences encoded, seconds, memory.

Usage:
    python benchmarks/bench_semantic.py                 # the day 2015-08-10 (1,700 articles)
    python benchmarks/bench_semantic.py --day 2015-08-11 --jobs 2

Prints the channel's statistics (units, distinct texts encoded, document pairs, paraphrase pairs), the
stage seconds, seconds and sentences per 1,000 documents, and the peak resident memory (this process
and its forked workers). Not done yet: the precision sample (see the README section).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from syndetect.config import load_config, with_overrides  # noqa: E402
from syndetect.detect.corpus import find_pairs  # noqa: E402
from syndetect.io.readers import document_from_record  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "saudinewsnet" / "articles.jsonl.gz"
if not DATA.exists():
    DATA = Path("/work/shared/data/saudinewsnet/articles.jsonl.gz")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--day", default="2015-08-10")
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        recs = [r for r in map(json.loads, fh) if r["date"][:10] == args.day]
    docs = [document_from_record(r, f"{DATA.name}:{k}") for k, r in enumerate(recs, 1)]
    cfg = with_overrides(load_config(profile="translations"), {"run": {"jobs": args.jobs}})
    t0 = time.perf_counter()
    result = find_pairs(docs, cfg)
    wall = time.perf_counter() - t0
    sem = result.stats["semantic"]
    per_k = 1000 / max(1, len(docs))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"day {args.day}: {len(docs)} documents, profile translations, jobs {args.jobs or 'all cores'}")
    print(json.dumps(sem, ensure_ascii=False, indent=1))
    print(f"lexical seconds: {result.stats['seconds']}")
    print(f"wall seconds, whole detection: {wall:.1f}")
    print(f"per 1,000 documents: {sem['texts_encoded'] * per_k:.0f} texts encoded, {wall * per_k:.1f} s")
    print(f"peak RSS: {own:.0f} MB (this process), {kids:.0f} MB (largest worker)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
