"""The Spark backend: the local engine's pure functions, scheduled on Apache Spark.

It decides only where and how often the library's functions run, so it cannot disagree with a local run:

1. Documents are put in id order (``sortBy`` + ``zipWithIndex``: the local document index) and each
   partition computes their features (``detect.features.features``) and window band keys
   (``detect.candidates.window_table``).
2. Band entries ``(channel, band, key, document)`` are shuffled by key; each reducer groups them into
   buckets with ``detect.lsh.candidate_pairs`` (the same bucket rule: buckets of more than
   ``lsh.max_bucket`` windows are dropped and counted, and their keys listed), giving candidate
   document pairs.
3. Connected components of the candidate document pairs, by iterative min-label propagation in Spark
   SQL (deterministic: a label is the smallest document index it can reach). A component of at most
   ``big_component`` documents is one work unit, so its documents travel once; a bigger one is cut
   into blocks of document indices, one unit per pair of blocks.
4. Each unit signs its documents' windows again, finds the window pairs that share a bucket that was
   not dropped, applies the signatures' estimate floor (``detect.candidates.estimate``), builds the
   document pairs and their order-free flag (``detect.candidates.doc_pairs``) and verifies them
   (``detect.corpus.verify``: the compiled aligner, sentence snapping).
5. The matches come back to the driver in (i, j) order, exactly the local list; provenance (revision,
   boilerplate and stock-phrase filters, groups, origins, cluster ids) runs there through the library
   (``syndetect.pipeline.Run.from_matches``), since its filters are corpus-wide.

pyspark is an optional dependency: ``pip install 'syndetect[spark]'`` (and Java 17+).
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from syndetect.backends.spark_io import output_format, write_records
from syndetect.config import Config, load_config, with_overrides
from syndetect.detect.candidates import (
    CandidateResult,
    WindowTable,
    banding,
    doc_pairs,
    estimate,
    window_table,
)
from syndetect.detect.corpus import Corpus, verify
from syndetect.detect.features import Vocabulary, features
from syndetect.detect.lsh import CandidateStats, candidate_pairs
from syndetect.detect.minhash import scheme_info
from syndetect.detect.shingle import HASH_NAME
from syndetect.pipeline import Run
from syndetect.records import Document, Match
from syndetect.text.normalize import UNICODE_VERSION

INSTALL_HINT = (
    "the spark backend needs pyspark and Java 17+: pip install 'syndetect[spark]' "
    "(and a JDK, e.g. apt-get install openjdk-17-jre-headless, or scripts/ensure-java.sh)"
)
BIG_COMPONENT = 2000  # documents: a bigger component of candidate pairs is cut into blocks
MAX_ROUNDS = 200  # min-label propagation gives up after this many rounds (a path that long is a bug)


def _pyspark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise ImportError(INSTALL_HINT) from err
    return SparkSession


def session(master: str | None = None, app: str = "syndetect", conf: dict[str, str] | None = None):
    """A SparkSession for this backend (get or create); ``conf`` adds or overrides settings.

    ``master``: given, else the one ``spark-submit`` set, else ``$SYNDETECT_SPARK_MASTER``, else
    ``local[*]``. In local mode the driver binds to the loopback address only.
    """
    spark_session = _pyspark()
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit
        master = os.environ.get("SYNDETECT_SPARK_MASTER", "local[*]")
    # Local workers run this interpreter (with syndetect and numba), not whatever ``python3`` is first.
    if master and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = spark_session.builder.appName(app)
    if master:
        builder = builder.master(master)
    settings = {
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "8",
        "spark.python.worker.reuse": "true",
        "spark.ui.showConsoleProgress": "false",
    }
    if master and master.startswith("local"):
        settings.update({"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"})
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@dataclass
class SparkPairs:
    """What the Spark detection run gives back to the driver: the local ``PairsResult``'s contents."""

    docs: list[Document]  # id order
    grams: list[np.ndarray]  # each document's word n-gram hashes (the stock-phrase filter needs them)
    matches: list[Match]  # the local run's order: by document pair (id order), then as aligned
    stats: dict[str, Any] = field(default_factory=dict)
    components: int = 0  # connected components of the candidate document pairs


# ------------------------------------------------------------------------------- stage 1: features


def _features_part(rows: Iterable[tuple[Document, int]], cfg: Config) -> Iterator[tuple[int, tuple]]:
    """``(index, (document, features))`` of one partition's documents (one vocabulary cache each)."""
    vocab = Vocabulary(cfg.shingle.seed)
    for doc, i in rows:
        yield i, (doc, features(doc, cfg, vocab))


def _band_entries(
    part: Iterable[tuple[int, tuple]], cfg: Config, channels: tuple[str, ...], reducers: int
) -> Iterator[tuple[int, tuple]]:
    """Per reducer: ``(channel, band, key, doc)`` arrays of this partition's windows, routed by key;
    plus ``(-1, windows per channel)``."""
    items = list(part)
    if not items:
        return
    index = np.array([i for i, _ in items], dtype=np.int64)
    feats = [f for _, (_, f) in items]
    bands, rows = banding(cfg)
    ids = [k for k, f in enumerate(feats) if f.indexed]
    counts = {}
    for c, channel in enumerate(channels):
        t = window_table(feats, ids, channel, cfg, bands, rows)
        counts[channel] = len(t.doc)
        if not len(t.doc):
            continue
        doc = index[t.doc]
        for b in range(bands):
            key = t.keys[:, b]
            route = (key % np.uint64(reducers)).astype(np.int64)
            for r in np.unique(route).tolist():
                sel = route == r
                yield r, (c, b, key[sel], doc[sel])
    yield -1, counts


def _buckets(entries: Iterable[tuple], max_bucket: int) -> Iterator[tuple]:
    """One reducer's buckets: ``("pairs", codes)`` of candidate document pairs ``i * 2^32 + j``
    (``i < j``), ``("stats", channel, CandidateStats)`` and ``("dropped", channel, band, keys)``."""
    by_cb: dict[tuple[int, int], list[tuple[np.ndarray, np.ndarray]]] = {}
    for c, b, key, doc in entries:
        by_cb.setdefault((c, b), []).append((key, doc))
    stats: dict[int, CandidateStats] = {}
    out = []
    for (c, b), parts in sorted(by_cb.items()):
        key = np.concatenate([k for k, _ in parts])
        doc = np.concatenate([d for _, d in parts])
        st = stats.setdefault(c, CandidateStats())
        before = st.dropped_buckets
        pairs = candidate_pairs(key[:, None], doc, max_bucket, st)
        st.pairs = 0  # window pairs are counted per work unit, where they are exact
        if st.dropped_buckets > before:
            values, counts = np.unique(key, return_counts=True)
            yield "dropped", c, b, values[counts > max_bucket]
        if len(pairs):
            da, db = doc[pairs[:, 0]], doc[pairs[:, 1]]
            codes = np.minimum(da, db) << np.int64(32) | np.maximum(da, db)
            out.append(np.unique(codes))
    if out:
        yield "pairs", np.unique(np.concatenate(out))
    for c, st in stats.items():
        yield "stats", c, st


# ------------------------------------------------------------------- stage 3: connected components


def components(spark: Any, edges: Any) -> Any:
    """Connected components of an undirected graph by min-label propagation in Spark SQL.

    Args:
        edges: a DataFrame of ``(i, j)`` long columns.

    Returns:
        A DataFrame ``(node, label)`` for every node of an edge; ``label`` is the smallest node of its
        component, so the answer does not depend on partitioning, order or the number of rounds.
    """
    from pyspark.sql import functions as F

    both = edges.select(F.col("i").alias("src"), F.col("j").alias("dst")).union(
        edges.select(F.col("j").alias("src"), F.col("i").alias("dst"))
    )
    both = both.localCheckpoint()
    labels = (
        both.groupBy("src").agg(F.min(F.least("src", "dst")).alias("label")).withColumnRenamed("src", "node")
    )
    labels = labels.localCheckpoint()
    for _ in range(MAX_ROUNDS):
        # Each node takes the smallest label among itself and its neighbours, then jumps to its
        # label's label (pointer jumping shortens long paths).
        near = (
            both.join(labels, both.dst == labels.node)
            .groupBy("src")
            .agg(F.min("label").alias("nbr"))
            .withColumnRenamed("src", "node")
        )
        step = labels.join(near, "node").select("node", F.least("label", "nbr").alias("label"))
        hop = step.alias("a").join(step.alias("b"), F.col("a.label") == F.col("b.node"))
        new = hop.select(F.col("a.node").alias("node"), F.least("a.label", "b.label").alias("label"))
        new = new.localCheckpoint()
        changed = new.join(labels.withColumnRenamed("label", "old"), "node").where("label != old").limit(1)
        labels = new
        if changed.count() == 0:
            return labels
    raise RuntimeError(f"min-label propagation did not settle in {MAX_ROUNDS} rounds")


# -------------------------------------------------------------------------- stage 4: work units


def _unit(
    pairs: list[tuple[int, int]],
    docs: list[tuple[int, tuple]],
    cfg: Config,
    channels: tuple[str, ...],
    dropped: dict[tuple[int, int], np.ndarray],
) -> dict[str, Any]:
    """Estimate floor and verification of one unit's candidate document pairs (global indices)."""
    docs = sorted(docs, key=lambda kv: kv[0])
    index = np.array([i for i, _ in docs], dtype=np.int64)
    local = {i: k for k, i in enumerate(index.tolist())}
    feats = [f for _, (_, f) in docs]
    bands, rows = banding(cfg)
    want = np.unique(np.array([local[i] * len(docs) + local[j] for i, j in pairs], dtype=np.int64))
    result = CandidateResult(pairs={}, tables={}, bands=bands, rows=rows)
    counts: dict[str, dict[str, int]] = {}
    for c, channel in enumerate(channels):
        t = window_table(feats, range(len(feats)), channel, cfg, bands, rows)
        found = []
        for b in range(bands):
            key = t.keys[:, b]
            gone = dropped.get((c, b))
            keep = (
                np.flatnonzero(~np.isin(key, gone)) if gone is not None and len(gone) else np.arange(len(key))
            )
            wp = candidate_pairs(key[keep][:, None], t.doc[keep], len(key) + 1)
            if len(wp):
                found.append(keep[wp[:, 0]] * len(key) + keep[wp[:, 1]])
        n = len(t.doc)
        code = np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)
        wp = (
            np.stack([code // max(n, 1), code % max(n, 1)], axis=1)
            if len(code)
            else np.empty((0, 2), np.int64)
        )
        if len(wp):  # only the unit's own document pairs: another unit owns the others
            da, db = t.doc[wp[:, 0]].astype(np.int64), t.doc[wp[:, 1]].astype(np.int64)
            mine = np.isin(np.minimum(da, db) * len(docs) + np.maximum(da, db), want)
            wp = wp[mine]
        floor = cfg.lsh.min_estimate if channel == "ordered" else cfg.lsh.min_estimate_bag
        est = estimate(t.sigs, wp)
        counts[channel] = {"pairs": len(wp), "below": int((est < floor).sum())}
        result.pairs[channel] = wp[est >= floor]
        result.tables[channel] = WindowTable(t.doc, t.first, t.keys[:0], t.sigs[:0])
    cand, bag = doc_pairs(result, len(docs))
    corpus = Corpus([d for _, (d, _) in docs], feats, cfg)
    matches = verify(corpus, cand, bag)
    # Back to global indices; a pair's matches keep their order (the aligner's).
    by_pair: dict[tuple[int, int], list[Match]] = {}
    for m in matches:
        key = (int(index[corpus.index[m.a.doc]]), int(index[corpus.index[m.b.doc]]))
        by_pair.setdefault(key, []).append(m)
    return {"matches": sorted(by_pair.items()), "counts": counts, "doc_pairs": len(cand)}


# --------------------------------------------------------------------------------------- the run


def detect(
    spark: Any, docs_rdd: Any, cfg: Config, partitions: int | None = None, big_component: int = BIG_COMPONENT
) -> SparkPairs:
    """Every verified reuse between passages of two documents of an RDD of :class:`Document`.

    Args:
        partitions: document partitions and shuffle width (default: twice Spark's parallelism).
        big_component: components of candidate pairs with more documents are cut into blocks.
    """
    from pyspark import StorageLevel
    from pyspark.sql import types as T

    t0 = time.perf_counter()
    cfg = with_overrides(cfg, {"run": {"jobs": 1}})  # one process per task: Spark runs the tasks
    sc = spark.sparkContext
    parts = partitions or max(2, 2 * sc.defaultParallelism)
    channels = tuple(cfg.lsh.channels)
    bands, rows = banding(cfg)

    indexed = docs_rdd.sortBy(lambda d: d.id, numPartitions=parts).zipWithIndex()
    feats = indexed.mapPartitions(lambda it: _features_part(it, cfg))
    feats.persist(StorageLevel.MEMORY_AND_DISK)
    n_docs = feats.count()
    t1 = time.perf_counter()

    entries = feats.mapPartitions(lambda it: _band_entries(it, cfg, channels, parts))
    entries.persist(StorageLevel.MEMORY_AND_DISK)
    windows = {ch: 0 for ch in channels}
    for _, counts in entries.filter(lambda kv: kv[0] < 0).collect():
        for ch, n in counts.items():
            windows[ch] += n
    buckets = (
        entries.filter(lambda kv: kv[0] >= 0)
        .partitionBy(parts, lambda r: r)
        .mapPartitions(lambda it: _buckets((v for _, v in it), cfg.lsh.max_bucket))
    )
    buckets.persist(StorageLevel.MEMORY_AND_DISK)
    meta = buckets.filter(lambda r: r[0] != "pairs").collect()
    entries.unpersist()
    # A band's keys are spread over every reducer: its dropped keys are the union of theirs.
    dropped: dict[tuple[int, int], np.ndarray] = {}
    for _, c, b, keys in (r for r in meta if r[0] == "dropped"):
        dropped[(c, b)] = np.concatenate((dropped[(c, b)], keys)) if (c, b) in dropped else keys
    bstats = {ch: CandidateStats() for ch in channels}
    for r in meta:
        if r[0] == "stats":
            st = bstats[channels[r[1]]]
            st.buckets += r[2].buckets
            st.dropped_buckets += r[2].dropped_buckets
            st.dropped_members += r[2].dropped_members

    schema = T.StructType([T.StructField("i", T.LongType()), T.StructField("j", T.LongType())])
    codes = buckets.filter(lambda r: r[0] == "pairs").flatMap(lambda r: r[1].tolist()).distinct()
    edges = spark.createDataFrame(codes.map(lambda c: (c >> 32, c & 0xFFFFFFFF)), schema).localCheckpoint()
    buckets.unpersist()
    labels = components(spark, edges)
    n_components = labels.select("label").distinct().count()
    # Work units: a component of at most BIG_COMPONENT documents is one unit (each of its documents
    # travels once); a bigger one is cut into blocks of document indices, one unit per pair of blocks
    # (a document travels to at most ``blocks`` units).
    from pyspark.sql import functions as F

    blocks = max(2, parts)
    width = -(-n_docs // blocks)
    sizes = labels.groupBy("label").agg(F.count("*").alias("size"))
    ordered = (
        edges.join(labels.withColumnRenamed("node", "i"), "i")
        .join(sizes, "label")
        .select("i", "j", "label", "size")
        .rdd.map(
            lambda r: (
                (0, r.label, 0) if r.size <= big_component else (1, r.i // width, r.j // width),
                (r.i, r.j),
            )
        )
    )
    ordered.persist(StorageLevel.MEMORY_AND_DISK)
    t2 = time.perf_counter()

    need = ordered.flatMap(lambda kv: [(kv[1][0], kv[0]), (kv[1][1], kv[0])]).distinct()
    unit_docs = need.join(feats).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
    bc = sc.broadcast(dropped)
    units = ordered.cogroup(unit_docs, numPartitions=parts).mapValues(
        lambda v: _unit(sorted(v[0]), list(v[1]), cfg, channels, bc.value)
    )
    done = units.values().collect()
    ordered.unpersist()
    t3 = time.perf_counter()

    order = sorted((key for u in done for key, _ in u["matches"]))
    by_key = {key: ms for u in done for key, ms in u["matches"]}
    matches = [m for key in order for m in by_key[key]]
    records = sorted(feats.map(lambda kv: (kv[0], pickle.dumps((kv[1][0], kv[1][1].grams), 5))).collect())
    feats_stats = feats.map(lambda kv: (int(kv[1][1].indexed), kv[1][1].n_tokens)).collect()
    feats.unpersist()
    docs, grams = [], []
    for _, blob in records:
        d, g = pickle.loads(blob)
        docs.append(d)
        grams.append(g)
    sum_counts = {ch: {"pairs": 0, "below": 0} for ch in channels}
    for u in done:
        for ch, cnt in u["counts"].items():
            sum_counts[ch]["pairs"] += cnt["pairs"]
            sum_counts[ch]["below"] += cnt["below"]
    n_pairs = sum(u["doc_pairs"] for u in done)
    info = scheme_info(cfg.minhash.num_perm, cfg.minhash.seed, HASH_NAME)
    stats = {
        "documents": n_docs,
        "indexed": sum(x for x, _ in feats_stats),
        "too_short": sum(1 - x for x, _ in feats_stats),
        "tokens": sum(n for _, n in feats_stats),
        "bands": bands,
        "rows": rows,
        "windows": windows,
        "candidate_window_pairs": {ch: sum_counts[ch]["pairs"] for ch in channels},
        "below_estimate": {ch: sum_counts[ch]["below"] for ch in channels},
        "dropped_buckets": {ch: bstats[ch].dropped_buckets for ch in channels},
        "dropped_bucket_windows": {ch: bstats[ch].dropped_members for ch in channels},
        "candidate_doc_pairs": n_pairs,
        "verified_pairs": len(matches),
        "kinds": {k: sum(m.kind == k for m in matches) for k in ("exact", "near", "rewrite")},
        "scheme": info.__dict__,
        "normalizer": {"version": cfg.normalize.version, "unicode": UNICODE_VERSION},
        "backend": {
            "name": "spark",
            "master": sc.master,
            "partitions": parts,
            "candidate_components": n_components,
            "work_units": len(done),
        },
        "seconds": {
            "features": round(t1 - t0, 3),
            "candidates": round(t2 - t1, 3),
            "verify": round(t3 - t2, 3),
        },
    }
    return SparkPairs(docs, grams, matches, stats, n_components)


def run(df: Any, config: Config | None = None, spark: Any = None, read_stats: Any = None, **overrides: Any):
    """The Spark backend on a DataFrame of documents (columns ``id``, ``text`` and any input fields).

    Args:
        df: a Spark DataFrame, one document per row (a null column is an absent field).
        config: the configuration (default: ``load_config()``); ``overrides`` as nested dicts.

    Returns:
        A :class:`SparkRun`: a ``syndetect.pipeline.Run`` (``.pairs``, ``.clusters``, ``.dedup()``,
        ``.write_pairs(...)``...) whose detection ran on Spark, equal to the local run's.

    Example:
        >>> r = run(spark.read.parquet("hdfs:///news/docs.parquet"))  # doctest: +SKIP
        >>> r.write_clusters("hdfs:///news/clusters.parquet", partitions=64)  # doctest: +SKIP
    """
    from syndetect.backends.spark_io import documents_from_frame
    from syndetect.io.readers import ReadStats

    cfg = config or load_config()
    if overrides:
        cfg = with_overrides(cfg, overrides)
    spark = spark or df.sparkSession
    stats = read_stats if read_stats is not None else ReadStats()
    result = detect(spark, documents_from_frame(spark, df, cfg.read, stats), cfg)
    stats.read = len(result.docs)
    return SparkRun.of(spark, result, cfg, stats)


def check_inputs(inputs: list[str]) -> None:
    """``InputError`` for an input this backend cannot read (it reads JSON Lines and Parquet)."""
    from syndetect.backends.spark_io import input_format

    for path in inputs:
        input_format(path)


def run_paths(
    spark: Any, inputs: list[str], config: Config | None = None, read_stats: Any = None, **options: Any
) -> SparkRun:
    """The same from JSONL and Parquet paths (local or any Hadoop URI: ``hdfs://``, ``s3a://``...)."""
    from syndetect.backends.spark_io import documents_rdd
    from syndetect.io.readers import ReadStats

    cfg = config or load_config()
    stats = read_stats if read_stats is not None else ReadStats()
    docs = documents_rdd(spark, inputs, cfg.read, stats)
    result = detect(spark, docs, cfg, **options)
    stats.read = len(result.docs)
    return SparkRun.of(spark, result, cfg, stats)


# ---------------------------------------------------------------------- driver: the library's stages


class SparkRun(Run):
    """A ``Run`` whose detection ran on Spark; directions, groups and outputs are the library's, on the
    driver, so they are the local run's. The writers also take a Hadoop URI or a ``.parquet`` path
    (part files written by Spark), ``partitions`` (how many part files) and ``partition_by`` (Parquet
    columns, e.g. ``["outlet"]`` for kept documents)."""

    spark: Any = None

    @classmethod
    def of(cls, spark: Any, result: SparkPairs, cfg: Config, read_stats: Any) -> SparkRun:
        """The run of a Spark detection result."""
        r = cls.from_matches(
            result.docs, cfg, result.matches, grams=result.grams, stats=result.stats, read_stats=read_stats
        )
        r.spark = spark
        return r

    def _by_spark(self, partitions: int | None, partition_by, *paths) -> bool:
        return bool(partitions or partition_by) or any(p and output_format(str(p)) != "local" for p in paths)

    def _save(self, path, records: Iterable[dict[str, Any]], partitions, partition_by=None) -> None:
        write_records(
            self.spark, list(records), str(path), output_format(str(path)), partitions, partition_by
        )

    def write_pairs(
        self, out, partitions: int | None = None, partition_by=None, *, outputs=None
    ) -> dict[str, Any]:
        """``pairs.jsonl`` (see the class)."""
        if not self._by_spark(partitions, partition_by, out):
            return super().write_pairs(out, outputs=outputs)
        self._save(out, self.pair_records(), partitions, partition_by)
        return self.stats()

    def write_clusters(
        self, out, pairs=None, partitions: int | None = None, partition_by=None, *, outputs=None
    ) -> dict:
        """``clusters.jsonl`` and the pairs when asked (see the class)."""
        if not self._by_spark(partitions, partition_by, out, pairs):
            return super().write_clusters(out, pairs, outputs=outputs)
        if pairs:
            self._save(pairs, self.pair_records(), partitions)
        self._save(out, self.cluster_records(), partitions, partition_by)
        return self.stats(groups=True)

    def write_dedup(
        self, out, removed=None, level=None, keep=None, partitions=None, partition_by=None, *, outputs=None
    ):
        """``kept.jsonl`` and ``removed.jsonl`` (see the class)."""
        if not self._by_spark(partitions, partition_by, out, removed):
            return super().write_dedup(out, removed, level, keep, outputs=outputs)
        level = level or self.config.dedup.level
        dd = self.dedup(level, keep)
        if removed:
            self._save(removed, dd.removed, partitions)
        self._save(out, dd.kept_records(), partitions, partition_by)
        stats = self.stats(groups=level == "passage")
        stats.update({"kept": len(dd.kept), "removed": len(dd.removed), "level": level, "dedup": dd.stats})
        return stats


__all__ = ["SparkPairs", "SparkRun", "check_inputs", "components", "detect", "run", "run_paths", "session"]
