"""Core commands: normalize, pairs, clusters, dedup, demo."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer

from syndetect_cli import state
from syndetect_cli.app import app
from syndetect_cli.progress import progress_callback

Inputs = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT",
        help="JSONL (.jsonl, .jsonl.gz, - for stdin), .csv, a directory of .txt files, .html, .warc, .warc.gz.",
        show_default=False,
    ),
]
SkipInvalid = Annotated[
    bool, typer.Option("--skip-invalid", help="Skip bad records (counted in the stats) instead of stopping.")
]


def _read(inputs: list[str], skip_invalid: bool):
    """The configuration and the documents of all inputs (bad input: one-line error, exit 2)."""
    from syndetect.io.readers import ReadStats, read_documents

    cfg = state.config()
    if skip_invalid:
        cfg = dataclasses.replace(cfg, read=dataclasses.replace(cfg.read, skip_invalid=True))
    stats = ReadStats()
    with state.errors():
        docs = list(read_documents(inputs, cfg.read, stats))
    return cfg, docs, stats


@app.command("normalize")
def normalize_command(
    text: Annotated[str, typer.Argument(help="Arabic text; - reads standard input.")],
    tokens: bool = typer.Option(False, "--tokens", help="Also list the tokens with their original spans."),
) -> None:
    """Show what the normalizer does to a text (a debugging aid).

    Example: syndetect normalize "أَعْلَنَ الكرملين ـــ الأربعاء"
    """
    from syndetect.normalize import normalize, tokenize

    cfg = state.config()
    if text == "-":
        text = sys.stdin.read()
    norm = normalize(text, cfg.normalize)
    print(norm.text)
    if tokens:
        toks = tokenize(text, cfg.normalize, clitics=cfg.shingle.clitics)
        for w, s, e in zip(toks.words, toks.starts.tolist(), toks.ends.tolist(), strict=True):
            print(f"{s}\t{e}\t{w}\t{text[s:e]}")


@app.command("pairs")
def pairs_command(
    inputs: Inputs,
    output: str = typer.Option(..., "--output", "-o", help="pairs.jsonl (- for stdout)."),
    skip_invalid: SkipInvalid = False,
) -> None:
    """Every verified reuse between passages of two different documents, as pairs.jsonl.

    Example: syndetect pairs data/demo.jsonl -o pairs.jsonl
    """
    from syndetect.pipeline import write_pairs

    cfg, docs, rstats = _read(inputs, skip_invalid)
    with state.errors():
        summary = write_pairs(docs, cfg, output, rstats, progress_callback())
    state.say(
        f"{summary['verified_pairs']} verified pairs among {summary['documents']} documents -> {output}"
    )


@app.command("clusters")
def clusters_command(
    inputs: Inputs,
    output: str = typer.Option(..., "--output", "-o", help="clusters.jsonl (- for stdout)."),
    pairs: str = typer.Option(None, "--pairs", help="Also write the verified pairs here."),
    skip_invalid: SkipInvalid = False,
) -> None:
    """Provenance groups: passages that are copies of one another, with the origin and copy tree.

    Example: syndetect clusters data/demo.jsonl -o clusters.jsonl
    """
    from syndetect.pipeline import write_clusters

    cfg, docs, rstats = _read(inputs, skip_invalid)
    with state.errors():
        summary = write_clusters(docs, cfg, output, rstats, progress_callback(), pairs_out=pairs)
    state.say(f"{summary['clusters']} clusters from {summary['verified_pairs']} verified pairs -> {output}")


@app.command("dedup")
def dedup_command(
    inputs: Inputs,
    output: str = typer.Option(..., "--output", "-o", help="kept.jsonl: the corpus without duplicates."),
    removed: str = typer.Option(None, "--removed", help="removed.jsonl: what went, which survivor, why."),
    level: str = typer.Option(None, "--level", help="document (default) or passage."),
    keep: str = typer.Option(None, "--keep", help="earliest (default) or longest."),
    skip_invalid: SkipInvalid = False,
) -> None:
    """The corpus with duplicates removed (one survivor per group, or repeated passages cut out).

    Document level: one survivor per group of near-duplicate documents. Passage level: repeated
    passages cut out of later documents.

    Example: syndetect dedup crawl.jsonl.gz -o kept.jsonl --removed removed.jsonl --keep earliest
    """
    from syndetect.config import ConfigError, with_overrides
    from syndetect.pipeline import write_dedup

    cfg, docs, rstats = _read(inputs, skip_invalid)
    overrides = {k: v for k, v in (("level", level), ("keep", keep)) if v is not None}
    try:
        cfg = with_overrides(cfg, {"dedup": overrides})
    except ConfigError as err:
        state.fail(str(err))
    with state.errors():
        summary = write_dedup(docs, cfg, output, removed, rstats, progress_callback())
    state.say(
        f"kept {summary['kept']} documents, removed {summary['removed']} "
        f"{'passages' if cfg.dedup.level == 'passage' else 'documents'} -> {output}"
    )


def demo_corpus() -> Path:
    """The bundled demo corpus (``data/demo.jsonl`` in the repository)."""
    import syndetect

    return Path(syndetect.__file__).resolve().parents[1] / "data" / "demo.jsonl"


@app.command("demo")
def demo_command(
    out: str = typer.Option("out/demo", "--out", help="Directory for every output."),
) -> None:
    """The whole pipeline on the bundled corpus (data/demo.jsonl), with a summary.

    Writes every output into --out.

    Example: syndetect demo --out out/demo
    """
    from syndetect.pipeline import run_demo
    from syndetect_cli.summary import print_demo

    corpus = demo_corpus()
    if not corpus.exists():
        state.fail(f"{corpus}: the demo corpus is missing (run from a checkout of syndetect)")
    cfg, docs, rstats = _read([str(corpus)], False)
    with state.errors():
        result = run_demo(docs, cfg, Path(out), rstats, progress_callback())
    print_demo(result, Path(out))
