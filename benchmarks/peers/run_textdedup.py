"""Driver (its own venv, Python >= 3.12): text-dedup 0.4.1's MinHash dedup as its README runs it.

Two steps, run by ``benchmarks/peers.py``:

- ``prepare DOCS.jsonl DIR``: the documents as a parquet file in ``DIR/data`` (the README's input:
  ``input_type = "local_files"``, ``file_type = "parquet"``); not measured.
- ``run DIR OUT.json --params JSON``: writes ``DIR/config.toml`` (the README's MinHash settings, with
  ``--params`` on top), runs ``text_dedup.minhash.main`` as ``python -m text_dedup.minhash`` does from
  ``DIR`` (with ``HF_DATASETS_CACHE`` in ``DIR``, so nothing is cached between runs), then reads
  ``output/clusters.pickle`` (row index -> cluster, duplicates only) and writes the clusters by id.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

# The README's MinHash quick-start config ([algorithm] table), which a user copies.
README_ALGORITHM: dict[str, Any] = {
    "algorithm_name": "minhash",
    "text_column": "text",
    "seed": 42,
    "batch_size": 10000,
    "num_perm": 240,
    "threshold": 0.7,
    "false_positive_weight": 0.5,
    "false_negative_weight": 0.5,
    "hash_bits": 64,
    "ngram_size": 5,
    "check_false_positive": True,
}


def toml_value(v: Any) -> str:
    """A scalar as TOML (bool, number, string)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return json.dumps(str(v))


def write_config(work: Path, params: dict[str, Any]) -> Path:
    """``config.toml`` as in the README, algorithm values overridden by ``params``."""
    algo = {**README_ALGORITHM, **params}
    lines = [
        "[input]",
        'input_type = "local_files"',
        'file_type = "parquet"',
        "",
        "[input.read_arguments]",
        'path = "data"',
        'split = "train"',
        "",
        "[algorithm]",
        *(f"{k} = {toml_value(v)}" for k, v in algo.items()),
        "",
        "[output]",
        'output_dir = "output"',
        "clean_cache = false",
        "save_clusters = true",
        "",
        "[debug]",
        "enable_profiling = false",
    ]
    path = work / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def prepare(docs: Path, work: Path) -> None:
    """The documents (id, text) as ``work/data/docs.parquet``, in input order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids, texts = [], []
    with open(docs, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            ids.append(rec["id"])
            texts.append(rec["text"])
    (work / "data").mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"id": ids, "text": texts}), work / "data" / "docs.parquet")


def run(work: Path, out: Path, params: dict[str, Any]) -> None:
    """Run the MinHash dedup from ``work`` and write the clusters (lists of ids) to ``out``."""
    os.environ["HF_DATASETS_CACHE"] = str(work / "hf-cache")
    os.chdir(work)
    write_config(work, params)
    t0 = time.perf_counter()
    from text_dedup.config.base import load_config_from_toml
    from text_dedup.minhash import main as minhash_main
    from text_dedup.utils.env import check_env

    config = load_config_from_toml(work / "config.toml")
    check_env()
    minhash_main(config)
    t1 = time.perf_counter()
    import pyarrow.parquet as pq

    ids = pq.read_table(work / "data" / "docs.parquet", columns=["id"]).column("id").to_pylist()
    with open(work / "output" / "clusters.pickle", "rb") as fh:
        assignment: dict[int, int] = pickle.load(fh)
    groups: dict[int, list[str]] = defaultdict(list)
    for idx, cluster in assignment.items():
        groups[int(cluster)].append(ids[int(idx)])
    algo = config.algorithm
    report = {
        "kind": "clusters",
        "docs": len(ids),
        "clusters": [sorted(g) for g in groups.values() if len(g) > 1],
        "seconds": {"minhash_main": t1 - t0},
        "info": {
            "params": {**README_ALGORITHM, **params},
            "bands_rows": [algo.bands, algo.rows],
            "num_proc": algo.num_proc,
        },
    }
    out.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="step", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("docs", type=Path)
    p.add_argument("work", type=Path)
    r = sub.add_parser("run")
    r.add_argument("work", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("--params", default="{}")
    args = ap.parse_args()
    if args.step == "prepare":
        prepare(args.docs, args.work.resolve())
    else:
        run(args.work.resolve(), args.out.resolve(), json.loads(args.params))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
