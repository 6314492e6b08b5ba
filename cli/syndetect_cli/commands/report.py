"""``syndetect report``: the overlap report (HTML, Markdown or JSON) with its heatmap and matrix CSV."""

from __future__ import annotations

import typer

from syndetect_cli.app import app
from syndetect_cli.commands.core import IndexPath, MaybeInputs, SkipInvalid, plan, source
from syndetect_cli.options import Options, UsageError, command, errors


@app.command("report")
@command
def report_command(
    opts: Options,
    inputs: MaybeInputs = None,
    output: str = typer.Option(
        ...,
        "--output",
        "-o",
        help="report.html, report.md or report.json (the format follows the extension).",
    ),
    index: IndexPath = None,
    skip_invalid: SkipInvalid = False,
) -> None:
    """The overlap report: outlet-by-outlet reuse matrix, time lags, most syndicated passages with their
    copy trees, per-document reuse with the reused spans highlighted. Writes the heatmap (REPORT.png) and
    the matrix (REPORT.matrix.csv) beside it. With --index (no INPUT): the report of everything indexed.

    Example: syndetect report data/demo.jsonl -o report.html
    """
    from syndetect.report.data import report_format

    try:
        report_format(output)
    except ValueError as err:
        raise UsageError(str(err)) from err
    with errors(), plan("report", output, inputs or []) as outs:
        run = source(opts, inputs, index, skip_invalid, "local")
        summary = run.write_report(output, outputs=outs)
    opts.say(
        f"{summary['clusters']} groups, {summary['edges']} copy edges among {summary['documents']} documents -> "
        + ", ".join(summary["report_files"])
    )
