"""Documents into Spark and records out of it: JSON Lines and Parquet, local paths or any Hadoop URI.

Every record goes through the library's own record check (``syndetect.io.readers``), so a document read
by Spark is the document the local reader makes of the same line, and a bad record gets the same
one-line error (``error: FILE:LINE: ...``).
"""

from __future__ import annotations

import json
from typing import Any

from syndetect.config import ReadConfig
from syndetect.io.errors import InputError
from syndetect.io.readers import ReadStats, _describe, _document, _RecordError

FORMATS = ("jsonl", "parquet")


def input_format(path: str) -> str:
    """``jsonl`` or ``parquet`` from a path's ending (a directory of Parquet files ends in ``.parquet``
    or is named with ``parquet:``); anything else is bad usage for this backend."""
    low = path.lower().rstrip("/")
    if low.startswith("parquet:") or low.endswith(".parquet") or low.endswith(".pq"):
        return "parquet"
    if low.endswith((".jsonl", ".jsonl.gz", ".json", ".ndjson", ".json.gz", ".ndjson.gz")):
        return "jsonl"
    raise InputError(
        path,
        None,
        "the spark backend reads JSON Lines (.jsonl, .jsonl.gz) and Parquet (.parquet); "
        "convert other inputs with `syndetect extract INPUT -o docs.jsonl`",
    )


def _line_record(item: tuple[str, int], path: str, outlets: dict[str, str]) -> tuple:
    """``(line, Document | None, error | None)`` of one JSONL line, as the local reader judges it."""
    line, k = item
    lineno = k + 1
    if k == 0 and line.startswith("\ufeff"):
        line = line[1:]
    if not line.strip():
        return lineno, None, None
    try:
        try:
            rec = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as err:
            raise _RecordError(f"malformed JSON ({err.msg} at column {err.pos + 1})") from None
        if not isinstance(rec, dict):
            raise _RecordError(f"expected a JSON object, got {_describe(rec, hint=False)}")
        return lineno, _document(rec, f"{path}:{lineno}", outlets), None
    except _RecordError as err:
        return lineno, None, str(err)


def _row_record(item: tuple[Any, int], path: str, outlets: dict[str, str]) -> tuple:
    """The same for one row of a DataFrame (Parquet): missing (null) columns are absent fields."""
    row, k = item
    rec = {key: value for key, value in row.asDict(recursive=True).items() if value is not None}
    try:
        return k + 1, _document(rec, f"{path}:{k + 1}", outlets), None
    except _RecordError as err:
        return k + 1, None, str(err)


def documents_rdd(spark: Any, inputs: list[str], cfg: ReadConfig, stats: ReadStats | None = None):
    """An RDD of validated :class:`Document` from JSONL and Parquet paths (bad records: ``InputError``
    naming the first one, or skipped and listed in ``stats`` with ``cfg.skip_invalid``; ids must be
    unique across all inputs, as for the local reader)."""
    stats = stats if stats is not None else ReadStats()
    outlets = cfg.outlet_map or None
    parts = []
    for order, path in enumerate(inputs):
        kind = input_format(path)
        if kind == "jsonl":
            rdd = spark.sparkContext.textFile(path).zipWithIndex()
            parsed = rdd.map(lambda it, p=path: _line_record(it, p, outlets))
        else:
            df = spark.read.parquet(path.removeprefix("parquet:"))
            parsed = df.rdd.zipWithIndex().map(lambda it, p=path: _row_record(it, p, outlets))
        parts.append(parsed.map(lambda r, o=order, p=path: (o, p, *r)))
    return validated(spark, parts, cfg, stats)


def documents_from_frame(spark: Any, df: Any, cfg: ReadConfig, stats: ReadStats | None = None, name="frame"):
    """The same for a DataFrame with at least ``id`` and ``text`` columns."""
    stats = stats if stats is not None else ReadStats()
    outlets = cfg.outlet_map or None
    parsed = df.rdd.zipWithIndex().map(lambda it: _row_record(it, name, outlets))
    return validated(spark, [parsed.map(lambda r: (0, name, *r))], cfg, stats)


def validated(spark: Any, parts: list, cfg: ReadConfig, stats: ReadStats):
    """Bad records and repeated ids found, raised or skipped; the good documents as an RDD."""
    allrec = spark.sparkContext.union(parts) if len(parts) > 1 else parts[0]
    allrec = allrec.filter(lambda r: r[3] is not None or r[4] is not None)  # blank lines go
    allrec.persist()
    bad = allrec.filter(lambda r: r[4] is not None).map(lambda r: (r[0], r[2], r[1], r[4]))
    # A repeated id: every occurrence after the first (in input order, then line order) is bad.
    dup = (
        allrec.filter(lambda r: r[4] is None)
        .map(lambda r: (r[3].id, (r[0], r[2], r[1])))
        .groupByKey()
        .filter(lambda kv: len(kv[1]) > 1)
        .flatMap(_repeats)
    )
    problems = sorted(bad.union(dup).collect())
    if problems and not cfg.skip_invalid:
        _, line, path, error = problems[0]
        allrec.unpersist()
        raise InputError(path, line, error)
    for _, line, path, error in problems:
        stats.skip(path, line, error)
    skip = {(o, line) for o, line, _, _ in problems}
    docs = allrec.filter(lambda r: r[4] is None and (r[0], r[2]) not in skip).map(lambda r: r[3])
    return docs


def _repeats(kv: tuple) -> list[tuple]:
    doc_id, where = kv
    first, *later = sorted(where)
    seen = f"{first[2]}:{first[1]}"
    return [(o, line, path, f'duplicate id "{doc_id}" (first seen at {seen})') for o, line, path in later]


def output_format(path: str) -> str:
    """How an output path is written: ``local`` (one JSON Lines file by the library's atomic writer:
    the local run's bytes), or by Spark as a directory of part files: ``parquet`` for a path ending in
    ``.parquet``, ``jsonl`` for any other URI (``hdfs://``, ``s3a://``...)."""
    low = path.lower().rstrip("/")
    if low.endswith(".parquet"):
        return "parquet"
    if path == "-" or "://" not in path or low.startswith("file://"):
        return "local"
    return "jsonl"


def write_records(
    spark: Any,
    records: list[dict[str, Any]],
    path: str,
    fmt: str = "jsonl",
    partitions: int | None = None,
    partition_by: list[str] | None = None,
) -> None:
    """Write records with Spark as a directory of part files, in the given order (part ``k`` holds the
    ``k``-th stretch): JSON Lines text (the local writer's lines) or Parquet (schema from the records;
    ``partition_by`` columns become ``col=value`` folders). ``partitions``: how many part files."""
    from syndetect.io.writers import dumps_line

    lines = [dumps_line(r).rstrip("\n") for r in records]
    n = max(1, partitions or spark.sparkContext.defaultParallelism)
    rdd = spark.sparkContext.parallelize(lines, n)
    if fmt in ("jsonl", "local"):
        if partition_by:
            raise ValueError("partition_by needs a .parquet output")
        rdd.saveAsTextFile(path.removeprefix("file://") if fmt == "local" else path)
        return
    if fmt != "parquet":
        raise ValueError(f"format={fmt!r}: choose jsonl or parquet")
    writer = spark.read.json(rdd).write.mode("errorifexists")
    if partition_by:
        writer = writer.partitionBy(*partition_by)
    writer.parquet(path)
