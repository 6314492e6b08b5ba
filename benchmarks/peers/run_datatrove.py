"""Driver (its own venv): datatrove 0.10.1's four-stage MinHash dedup as its example script runs it.

``examples/minhash_deduplication.py`` in datatrove: ``JsonlReader`` -> ``MinhashDedupSignature`` (stage 1),
``MinhashDedupBuckets`` (stage 2, one task per bucket), ``MinhashDedupCluster`` (stage 3, one task),
``JsonlReader`` -> ``MinhashDedupFilter`` -> ``JsonlWriter`` (stage 4, removed documents to an exclusion
writer), each stage a ``LocalPipelineExecutor``. Stage 3 saves cluster ids and stage 4 loads them
(``save_cluster_id`` / ``load_cluster_ids``), so every document written (kept or removed) carries
``minhash_cluster_id``; documents sharing one are a cluster (union-find over the bucket matches).

Every executor runs with ``workers=1`` (tasks one after another in this process), so that the CPU time
and peak memory measured from outside cover all the work (a ``forkserver`` pool's workers are not
children of this process).

    .venv-peers/datatrove/bin/python benchmarks/peers/run_datatrove.py DOCS.jsonl WORK OUT.json --params JSON
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "n_grams": 5,
    "num_buckets": 14,
    "hashes_per_bucket": 8,
    "precision": 64,
    "language": "eng",  # MinhashDedupSignature's default (Languages.english)
}


def stages(docs: Path, work: Path, p: dict[str, Any]) -> list[Any]:
    """The four executors of datatrove's MinHash example, on one local JSONL file."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter
    from datatrove.utils.hashing import HashConfig

    cfg = MinhashConfig(
        n_grams=p["n_grams"],
        num_buckets=p["num_buckets"],
        hashes_per_bucket=p["hashes_per_bucket"],
        hash_config=HashConfig(precision=p["precision"]),
    )

    def reader() -> Any:
        return JsonlReader(str(docs.parent), glob_pattern=docs.name)

    logs = work / "logs"
    return [
        LocalPipelineExecutor(
            pipeline=[
                reader(),
                MinhashDedupSignature(
                    output_folder=str(work / "signatures"), config=cfg, language=p["language"]
                ),
            ],
            tasks=1,
            workers=1,
            logging_dir=str(logs / "signatures"),
        ),
        LocalPipelineExecutor(
            pipeline=[
                MinhashDedupBuckets(
                    input_folder=str(work / "signatures"), output_folder=str(work / "buckets"), config=cfg
                )
            ],
            tasks=cfg.num_buckets,
            workers=1,
            logging_dir=str(logs / "buckets"),
        ),
        LocalPipelineExecutor(
            pipeline=[
                MinhashDedupCluster(
                    input_folder=str(work / "buckets"),
                    output_folder=str(work / "remove_ids"),
                    config=cfg,
                    save_cluster_id=True,
                )
            ],
            tasks=1,
            workers=1,
            logging_dir=str(logs / "clusters"),
        ),
        LocalPipelineExecutor(
            pipeline=[
                reader(),
                MinhashDedupFilter(
                    input_folder=str(work / "remove_ids"),
                    exclusion_writer=JsonlWriter(str(work / "removed")),
                    load_cluster_ids=True,
                ),
                JsonlWriter(output_folder=str(work / "deduplicated")),
            ],
            tasks=1,
            workers=1,
            logging_dir=str(logs / "filter"),
        ),
    ]


def clusters_from_output(work: Path) -> tuple[list[list[str]], int, int]:
    """Clusters by ``minhash_cluster_id`` over the kept and removed documents; (clusters, kept, removed)."""
    groups: dict[int, list[str]] = defaultdict(list)
    counts = {"deduplicated": 0, "removed": 0}
    for part in counts:
        for path in sorted((work / part).glob("*.jsonl.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    counts[part] += 1
                    cid = rec.get("metadata", {}).get("minhash_cluster_id", -1)
                    if cid != -1:
                        groups[cid].append(rec["id"])
    clusters = [sorted(g) for g in groups.values() if len(g) > 1]
    return clusters, counts["deduplicated"], counts["removed"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("docs", type=Path)
    ap.add_argument("work", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--params", default="{}", help="JSON: n_grams, num_buckets, hashes_per_bucket, language")
    args = ap.parse_args()
    params = {**DEFAULTS, **json.loads(args.params)}
    work = args.work.resolve()
    seconds = {}
    for name, executor in zip(
        ("signatures", "buckets", "cluster", "filter"), stages(args.docs.resolve(), work, params), strict=True
    ):
        t0 = time.perf_counter()
        executor.run()
        seconds[name] = time.perf_counter() - t0
    clusters, kept, removed = clusters_from_output(work)
    report = {
        "kind": "clusters",
        "docs": kept + removed,
        "clusters": clusters,
        "seconds": seconds,
        "info": {"params": params, "kept": kept, "removed": removed},
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
