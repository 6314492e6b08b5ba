"""Core commands: normalize, pairs, clusters, dedup, demo. Each reads, runs once, writes the Run."""

from __future__ import annotations

import sys
import time
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
    inputs: Inputs,
    output: str = typer.Option(..., "--output", "-o", help="pairs.jsonl (- for stdout)."),
    skip_invalid: SkipInvalid = False,
    backend: Backend = "local",
) -> None:
    """Every verified reuse between passages of two different documents, as pairs.jsonl.

    Example: syndetect pairs data/demo.jsonl -o pairs.jsonl
    """
    run = detect(opts, inputs, skip_invalid, backend=backend)
    with errors():
        summary = run.write_pairs(output)
    opts.say(f"{summary['verified_pairs']} verified pairs among {summary['documents']} documents -> {output}")


@app.command("clusters")
@command
def clusters_command(
    opts: Options,
    inputs: Inputs,
    output: str = typer.Option(..., "--output", "-o", help="clusters.jsonl (- for stdout)."),
    pairs: str = typer.Option(None, "--pairs", help="Also write the verified pairs here."),
    skip_invalid: SkipInvalid = False,
    backend: Backend = "local",
) -> None:
    """Provenance groups: passages that are copies of one another, with the origin and copy tree.

    Example: syndetect clusters data/demo.jsonl -o clusters.jsonl
    """
    run = detect(opts, inputs, skip_invalid, backend=backend)
    with errors():
        summary = run.write_clusters(output, pairs)
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
    skip_invalid: SkipInvalid = False,
    backend: Backend = "local",
) -> None:
    """The corpus with duplicates removed (one survivor per group, or repeated passages cut out).

    Document level: a document goes only when most of its word n-grams (dedup.threshold, 0.8 of its
    5-grams) are in the kept document it names, measured directly, and no differing numbers or names
    make it another story on the same template; rewrites of a story stay. kept.jsonl keeps each input
    record's own fields. Passage level: repeated passages cut out of later documents. For a crawl, use
    --profile crawl-dedup (finds only in-order copies; faster).

    Example: syndetect --profile crawl-dedup dedup crawl.jsonl.gz -o kept.jsonl --removed removed.jsonl
    """
    from syndetect.config import ConfigError, with_overrides

    cfg = opts.config(skip_invalid)
    overrides = {k: v for k, v in (("level", level), ("keep", keep)) if v is not None}
    try:
        cfg = with_overrides(cfg, {"dedup": overrides})
    except ConfigError as err:
        fail(str(err))
    run = detect(opts, inputs, skip_invalid, cfg, backend)
    with errors():
        summary = run.write_dedup(output, removed)
    opts.say(
        f"kept {summary['kept']} documents, removed {summary['removed']} "
        f"{'passages' if cfg.dedup.level == 'passage' else 'documents'} -> {output}"
    )


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
    run = detect(opts, [str(corpus)], False)
    with errors():
        stats, files = run.write_demo(out)
    print_demo(run, stats, files)
