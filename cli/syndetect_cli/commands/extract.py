"""The extract command: read any input and write the documents as JSONL, as the engine sees them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

import typer

from syndetect_cli.app import app
from syndetect_cli.options import Options, command, errors

_SHOWN_SKIPS = 5  # skipped records listed on stderr; all of them are in the .stats.json


@app.command("extract")
@command
def extract_command(
    opts: Options,
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT",
            help="JSONL (.jsonl, .jsonl.gz, - for stdin), .csv, a directory of .txt files, .html, .warc, .warc.gz.",
            show_default=False,
        ),
    ],
    output: str = typer.Option(
        ..., "--output", "-o", help="Where to write the documents (JSONL; - for stdout)."
    ),
    skip_invalid: bool = typer.Option(
        False,
        "--skip-invalid",
        help="Skip bad records (counted and listed in the stats) instead of stopping.",
    ),
) -> None:
    """Read any input (JSONL, CSV, text, HTML, WARC) and write the documents as JSONL, as the engine sees them.

    Also writes OUTPUT.stats.json (documents read, records skipped, the configuration).

    Example: syndetect extract news.jsonl.gz articles/ crawl.warc.gz -o docs.jsonl
    """
    from syndetect.io.readers import ReadStats, read_documents
    from syndetect.io.writers import stats_path
    from syndetect_cli.commands.core import plan

    cfg = opts.config(skip_invalid)
    stats = ReadStats()
    with errors(), plan("extract", output, inputs) as outs:
        docs = read_documents(inputs, cfg.read, stats)
        count = outs.write_jsonl(output, (doc.to_json() for doc in _progress(docs, opts.quiet)))
        run_stats = {"command": "extract", "inputs": list(inputs), "output": output, "written": count}
        run_stats.update(stats.to_json())
        outs.write_run_metadata(output, cfg, run_stats)
        meta = stats_path(output)

    _summary(opts, stats, count, output, meta)


def _summary(opts: Options, stats: Any, count: int, output: str, meta: str | None) -> None:
    """Documents read and records skipped, on stderr (unless --quiet)."""
    line = f"{stats.read} document{'s' if stats.read != 1 else ''} read"
    if stats.skipped:
        n = len(stats.skipped)
        line += f", {n} invalid record{'s' if n != 1 else ''} skipped"
    line += f"; wrote {count} to {'stdout' if output == '-' else output}"
    opts.say(line)
    for item in stats.skipped[:_SHOWN_SKIPS]:
        where_ = f"{item['file']}:{item['line']}" if item["line"] is not None else item["file"]
        opts.say(f"  skipped {where_}: {item['error']}")
    if len(stats.skipped) > _SHOWN_SKIPS:
        rest = len(stats.skipped) - _SHOWN_SKIPS
        opts.say(f"  ... and {rest} more (all listed in {meta or 'the stats'})")


def _progress(items: Iterable[Any], quiet: bool, every: int = 100) -> Iterator[Any]:
    """Pass ``items`` through, with a spinner and a running count on stderr (only on a terminal, not --quiet)."""
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield from items
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("reading: {task.completed:,} documents"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("read", total=None)
        n = 0
        for item in items:
            yield item
            n += 1
            if n % every == 0:
                bar.update(task, completed=n)
