"""``syndetect report``: the overlap report (HTML, Markdown or JSON) with its heatmap and matrix CSV."""

from __future__ import annotations

import typer

from syndetect_cli import state
from syndetect_cli.app import app
from syndetect_cli.commands.core import Inputs, SkipInvalid, _read
from syndetect_cli.progress import progress_callback


@app.command("report")
def report_command(
    inputs: Inputs,
    output: str = typer.Option(
        ...,
        "--output",
        "-o",
        help="report.html, report.md or report.json (the format follows the extension).",
    ),
    skip_invalid: SkipInvalid = False,
) -> None:
    """The overlap report: outlet-by-outlet reuse matrix, time lags, most syndicated passages with their
    copy trees, per-document reuse with the reused spans highlighted. Writes the heatmap (REPORT.png) and
    the matrix (REPORT.matrix.csv) beside it.

    Example: syndetect report data/demo.jsonl -o report.html
    """
    from syndetect.report import report_format, write_report

    try:
        report_format(output)
    except ValueError as err:
        raise state.UsageError(str(err)) from err
    cfg, docs, rstats = _read(inputs, skip_invalid)
    with state.errors():
        summary = write_report(docs, cfg, output, rstats, progress_callback())
    state.say(
        f"{summary['clusters']} groups, {summary['edges']} copy edges among {summary['documents']} documents -> "
        + ", ".join(summary["report_files"])
    )
