"""Driver (project venv): syndetect's ``find_pairs`` on a documents JSONL, matches and clusters to JSON.

Run by ``benchmarks/peers.py``, which measures this process from outside (CPU, wall, peak RSS):

    .venv/bin/python benchmarks/peers/run_syndetect.py DOCS.jsonl OUT.json --profile syndication [--clusters]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from syndetect.config import load_config  # noqa: E402
from syndetect.detect.corpus import find_pairs  # noqa: E402
from syndetect.io.readers import read_documents  # noqa: E402
from syndetect.pipeline import Run  # noqa: E402
from syndetect.records import Cluster, Match  # noqa: E402


def match_row(m: Match) -> list[Any]:
    """A match as ``[doc_a, start_a, end_a, doc_b, start_b, end_b, kind]``."""
    return [m.a.doc, m.a.start, m.a.end, m.b.doc, m.b.start, m.b.end, m.kind]


def cluster_row(c: Cluster) -> dict[str, Any]:
    """A provenance group: its origin passage and members (passage and parent)."""
    origin = [c.origin.doc, c.origin.start, c.origin.end] if c.origin else None
    members = [[m.passage.doc, m.passage.start, m.passage.end, m.parent] for m in c.members]
    return {"id": c.id, "origin": origin, "members": members}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("docs")
    ap.add_argument("out")
    ap.add_argument("--profile", default="syndication")
    ap.add_argument("--clusters", action="store_true", help="also group the matches (origins)")
    args = ap.parse_args()

    cfg = load_config(profile=args.profile)
    t0 = time.perf_counter()
    docs = list(read_documents([args.docs], cfg.read))
    t1 = time.perf_counter()
    result = find_pairs(docs, cfg)
    t2 = time.perf_counter()
    clusters = Run(result, cfg).clusters if args.clusters else []
    t3 = time.perf_counter()
    report = {
        "kind": "pairs",
        "docs": len(docs),
        "pairs": sorted({tuple(sorted((m.a.doc, m.b.doc))) for m in result.matches}),
        "matches": [match_row(m) for m in result.matches],
        "clusters_spans": [cluster_row(c) for c in clusters],
        "seconds": {"read": t1 - t0, "find_pairs": t2 - t1, "clusters": t3 - t2},
        "info": {"profile": args.profile, "config": cfg.fingerprint()},
    }
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
