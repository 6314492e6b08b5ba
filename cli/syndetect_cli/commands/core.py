"""Core commands: normalize, pairs, clusters, dedup, demo. Each reads, runs once, writes the Run."""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from syndetect_cli.app import app
from syndetect_cli.options import Options, command, errors, fail

Inputs = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT",
        help="JSONL (.jsonl, .jsonl.gz, - for stdin), .csv, a directory of .txt files, .html, .warc, .warc.gz.",
        show_default=False,
    ),
]
MaybeInputs = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[INPUT]...",
        help="JSONL (.jsonl, .jsonl.gz, - for stdin), .csv, a directory of .txt files, .html, .warc, "
        ".warc.gz; none with --index.",
        show_default=False,
    ),
]
IndexPath = Annotated[
    str | None,
    typer.Option(
        "--index",
        metavar="PATH",
        help="Write what an index holds (a SQLite file, or redis://host:port/db) instead of reading INPUT.",
    ),
]
Backend = Annotated[
    str,
    typer.Option(
        "--backend",
        help="local (default), stream (bounded memory: batches and band buckets spilled to a temporary "
        "folder) or spark (pyspark; JSONL/Parquet inputs, local or Hadoop URIs; "
        "$SYNDETECT_SPARK_MASTER or spark-submit's master, else local[*]). Same output bytes.",
    ),
]
SkipInvalid = Annotated[
    bool, typer.Option("--skip-invalid", help="Skip bad records (counted in the stats) instead of stopping.")
]


def read(opts: Options, inputs: list[str], skip_invalid: bool, cfg=None):
    """The configuration, the documents of all inputs and the read statistics (bad input: exit 2)."""
    from syndetect.io.readers import ReadStats, read_documents
    from syndetect.pipeline import reading

    cfg = cfg or opts.config(skip_invalid)
    stats = ReadStats()
    progress = opts.progress()
    with errors():
        docs = list(reading(read_documents(inputs, cfg.read, stats), stats, progress))
    return cfg, docs, stats, progress


def plan(command: str, output: str, inputs: list[str], backend: str = "local", **extra: str | None):
    """Every output of the command, checked before any work (a bad one: one line, exit 2), as the
    transaction its files are written in; ``None`` for Spark writing to a cluster's storage."""
    from syndetect.pipeline import outputs_for

    paths = [output, *extra.values()]
    if backend == "spark" and any(
        p and ("://" in p or p.lower().rstrip("/").endswith(".parquet")) for p in paths
    ):
        return nullcontext()  # Spark checks and writes its own storage
    with errors():
        return outputs_for(command, output, inputs=inputs, **extra)


def detect(opts: Options, inputs: list[str], skip_invalid: bool, cfg=None, backend: str = "local"):
    """Read and detect: the Run every command writes from."""
    from syndetect.detect.corpus import find_pairs
    from syndetect.pipeline import Run

    if backend not in ("local", "stream", "spark"):
        fail(f"--backend {backend}: choose local, stream or spark")
    if backend == "spark":
        try:
            from syndetect.backends.spark import check_inputs, run_paths, session

            with errors():
                check_inputs(inputs)  # before the JVM starts
            spark = session()
        except ImportError as err:
            fail(str(err))
        with errors():
            return run_paths(spark, inputs, cfg or opts.config(skip_invalid))

    if backend == "stream":
        from syndetect.backends.stream import run_inputs

        with errors():
            return run_inputs(inputs, cfg or opts.config(skip_invalid), opts.progress())

    t0 = time.perf_counter()
    cfg, docs, stats, progress = read(opts, inputs, skip_invalid, cfg)
    seconds = time.perf_counter() - t0
    with errors():
        return Run(find_pairs(docs, cfg, progress), cfg, stats, progress, seconds, started=t0)


def source(opts: Options, inputs: list[str] | None, index: str | None, skip_invalid: bool, backend: str):
    """The Run of the inputs, or (``--index``, no INPUT) of everything indexed."""
    if index is None:
        if not inputs:
            fail("give INPUT... (or --index PATH)")
        return detect(opts, inputs, skip_invalid, backend=backend)
    if inputs:
        fail("--index writes what the index holds: give no INPUT")
    if backend != "local":
        fail("--index reads the index itself: no --backend")
    from syndetect.index.core import index_run
    from syndetect_cli.commands.index import index_errors, open_index

    store = open_index(index)
    with index_errors():
        return index_run(store, opts.progress())


@app.command("normalize")
@command
def normalize_command(
    opts: Options,
    text: Annotated[str, typer.Argument(help="Arabic text; - reads standard input.")],
    tokens: bool = typer.Option(False, "--tokens", help="Also list the tokens with their original spans."),
) -> None:
    """Show what the normalizer does to a text (a debugging aid).

    Example: syndetect normalize "أَعْلَنَ الكرملين ـــ الأربعاء"
    """
    from syndetect.text.normalize import normalize, tokenize

    cfg = opts.config()
    if text == "-":
        text = sys.stdin.read()
    norm = normalize(text, cfg.normalize)
    print(norm.text)
    if tokens:
        toks = tokenize(text, cfg.normalize, clitics=cfg.shingle.clitics)
        for w, s, e in zip(toks.words, toks.starts.tolist(), toks.ends.tolist(), strict=True):
            print(f"{s}\t{e}\t{w}\t{text[s:e]}")


@app.command("pairs")
@command
def pairs_command(
    opts: Options,
    inputs: MaybeInputs = None,
    output: str = typer.Option(..., "--output", "-o", help="pairs.jsonl (- for stdout)."),
    index: IndexPath = None,
    skip_invalid: SkipInvalid = False,
    backend: Backend = "local",
) -> None:
    """Every verified reuse between passages of two different documents, as pairs.jsonl; with --index
    (no INPUT), every pair the index holds.

    Example: syndetect pairs data/demo.jsonl -o pairs.jsonl
    """
    with errors(), plan("pairs", output, inputs or [], backend) as outs:
        run = source(opts, inputs, index, skip_invalid, backend)
        summary = run.write_pairs(output, outputs=outs)
    opts.say(f"{summary['verified_pairs']} verified pairs among {summary['documents']} documents -> {output}")


@app.command("clusters")
@command
def clusters_command(
    opts: Options,
    inputs: MaybeInputs = None,
    output: str = typer.Option(..., "--output", "-o", help="clusters.jsonl (- for stdout)."),
    pairs: str = typer.Option(None, "--pairs", help="Also write the verified pairs here."),
    index: IndexPath = None,
    skip_invalid: SkipInvalid = False,
    backend: Backend = "local",
) -> None:
    """Provenance groups: passages that are copies of one another, with the origin and copy tree; with
    --index (no INPUT), the index's clusters with their stable ids and merged_from.

    Example: syndetect clusters data/demo.jsonl -o clusters.jsonl
    """
    with errors(), plan("clusters", output, inputs or [], backend, pairs=pairs) as outs:
        run = source(opts, inputs, index, skip_invalid, backend)
        summary = run.write_clusters(output, pairs, outputs=outs)
    opts.say(f"{summary['clusters']} clusters from {summary['verified_pairs']} verified pairs -> {output}")


@app.command("dedup")
@command
def dedup_command(
    opts: Options,
    inputs: Inputs,
    output: str = typer.Option(..., "--output", "-o", help="kept.jsonl: the corpus without duplicates."),
    removed: str = typer.Option(None, "--removed", help="removed.jsonl: what went, which survivor, why."),
    level: str = typer.Option(None, "--level", help="document (default) or passage."),
    keep: str = typer.Option(None, "--keep", help="earliest (default) or longest."),
    index: str = typer.Option(
        None,
        "--index",
        metavar="PATH",
        help="Also drop the documents that duplicate an indexed one (named as their survivor); "
        "the index is not changed.",
    ),
    skip_invalid: SkipInvalid = False,
    backend: Backend = "local",
) -> None:
    """The corpus with duplicates removed (one survivor per group, or repeated passages cut out).

    Document level: a document goes only when most of its word n-grams (dedup.threshold, 0.8 of its
    5-grams) are in the kept document it names, measured directly, and no differing numbers or names
    make it another story on the same template; rewrites of a story stay. kept.jsonl keeps each input
    record's own fields. Passage level: repeated passages cut out of later documents. For a crawl, use
    --profile crawl-dedup (finds only in-order copies; faster).

    With --index (the daily crawl): the batch without the documents already seen, in the index or
    earlier in the batch; each removed one names its survivor, an indexed document or one of the batch.

    Example: syndetect --profile crawl-dedup dedup crawl.jsonl.gz -o kept.jsonl --removed removed.jsonl
    """
    from syndetect.config import ConfigError, with_overrides

    if index is not None:
        return _dedup_index(opts, inputs, index, output, removed, level, keep, skip_invalid, backend)
    cfg = opts.config(skip_invalid)
    overrides = {k: v for k, v in (("level", level), ("keep", keep)) if v is not None}
    try:
        cfg = with_overrides(cfg, {"dedup": overrides})
    except ConfigError as err:
        fail(str(err))
    with errors(), plan("dedup", output, inputs, backend, removed=removed) as outs:
        run = detect(opts, inputs, skip_invalid, cfg, backend)
        summary = run.write_dedup(output, removed, outputs=outs)
    opts.say(
        f"kept {summary['kept']} documents, removed {summary['removed']} "
        f"{'passages' if cfg.dedup.level == 'passage' else 'documents'} -> {output}"
    )


def _dedup_index(opts, inputs, index, output, removed, level, keep, skip_invalid, backend) -> None:
    """``dedup INPUT... --index PATH``: the batch against an index (document level)."""
    from syndetect.config import ConfigError, with_overrides
    from syndetect.index.dedup import dedup_batch
    from syndetect_cli.commands.index import index_config, index_errors, open_index

    if level not in (None, "document"):
        fail("dedup --index works at document level")
    if backend != "local":
        fail("dedup --index reads the index itself: no --backend")
    store = open_index(index)
    cfg = index_config(opts, store, skip_invalid)
    if keep is not None:
        try:
            cfg = with_overrides(cfg, {"dedup": {"keep": keep}})
        except ConfigError as err:
            fail(str(err))
    with errors(), plan("dedup", output, inputs, removed=removed) as outs:
        _, docs, read_stats, progress = read(opts, inputs, skip_invalid, cfg)
        with index_errors():
            dd = dedup_batch(store, docs, cfg, progress)
        if removed:
            outs.write_jsonl(removed, dd.removed)
        outs.write_jsonl(output, dd.kept_records())
        stats = {"documents": len(docs), "kept": len(dd.kept), "removed": len(dd.removed)}
        stats.update({"level": "document", "index": store.location, "dedup": dd.stats})
        for path in (removed, output):
            if path:
                outs.write_run_metadata(path, cfg, stats)
    opts.say(f"kept {len(dd.kept)} documents, removed {len(dd.removed)} documents -> {output}")


def demo_corpus() -> Path:
    """The bundled demo corpus (``data/demo.jsonl`` in the repository)."""
    import syndetect

    return Path(syndetect.__file__).resolve().parents[1] / "data" / "demo.jsonl"


@app.command("demo")
@command
def demo_command(
    opts: Options,
    out: str = typer.Option("out/demo", "--out", help="Directory for every output."),
) -> None:
    """The whole pipeline on the bundled corpus (data/demo.jsonl), with a summary.

    Writes every output into --out.

    Example: syndetect demo --out out/demo
    """
    from syndetect_cli.summary import print_demo

    corpus = demo_corpus()
    if not corpus.exists():
        fail(f"{corpus}: the demo corpus is missing (run from a checkout of syndetect)")
    cfg = opts.config()
    with errors(), plan("demo", out, [str(corpus)]) as outs:
        run = detect(opts, [str(corpus)], False, cfg)
        stats, files = run.write_demo(out, outputs=outs)
    print_demo(run, stats, files)
