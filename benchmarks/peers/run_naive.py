"""Driver (project venv): the naive datasketch pipeline of ``benchmarks/bench_pairs.py`` on a documents JSONL.

pyarabic normalization (``bench_pairs.naive_normalize``), ``\\w+`` tokens, word n-gram shingles,
``MinHash.bulk``, ``MinHashLSH(threshold)``: every document is inserted and queried; the candidate pairs
are the output (document level, no verification). Documents without an n-gram are skipped.

    .venv/bin/python benchmarks/peers/run_naive.py DOCS.jsonl OUT.json --params '{"ngram": 5, "threshold": 0.5}'
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/
from bench_pairs import naive_normalize  # noqa: E402

DEFAULTS: dict[str, Any] = {"ngram": 5, "threshold": 0.5, "num_perm": 128}
WORD = re.compile(r"\w+")


def shingles(text: str, n: int) -> set[bytes]:
    """Word n-grams of the normalized text, UTF-8 encoded."""
    toks = WORD.findall(naive_normalize(text))
    return {" ".join(toks[i : i + n]).encode("utf-8") for i in range(len(toks) - n + 1)}


def candidate_pairs(ids: list[str], texts: list[str], p: dict[str, Any]) -> tuple[list[tuple[str, str]], int]:
    """Insert every document with an n-gram into one LSH index, query each; (pairs, documents indexed)."""
    from datasketch import MinHash, MinHashLSH

    sets, keys = [], []
    for doc_id, text in zip(ids, texts, strict=True):
        sh = shingles(text, p["ngram"])
        if sh:
            sets.append(sh)
            keys.append(doc_id)
    sigs = MinHash.bulk(sets, num_perm=p["num_perm"])
    del sets
    lsh = MinHashLSH(threshold=p["threshold"], num_perm=p["num_perm"])
    with lsh.insertion_session() as session:
        for k, m in zip(keys, sigs, strict=True):
            session.insert(k, m)
    pairs = set()
    for k, m in zip(keys, sigs, strict=True):
        for other in lsh.query(m):
            if other != k:
                pairs.add((k, other) if k < other else (other, k))
    return sorted(pairs), len(keys)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("docs")
    ap.add_argument("out")
    ap.add_argument("--params", default="{}", help="JSON: ngram, threshold, num_perm")
    args = ap.parse_args()
    params = {**DEFAULTS, **json.loads(args.params)}
    t0 = time.perf_counter()
    ids, texts = [], []
    with open(args.docs, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            ids.append(rec["id"])
            texts.append(rec["text"])
    t1 = time.perf_counter()
    pairs, indexed = candidate_pairs(ids, texts, params)
    t2 = time.perf_counter()
    report = {
        "kind": "pairs",
        "docs": len(ids),
        "pairs": pairs,
        "seconds": {"read": t1 - t0, "dedup": t2 - t1},
        "info": {"params": params, "indexed": indexed},
    }
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
