"""The evaluate command: score predicted pairs or clusters against gold."""

from __future__ import annotations

import json
from typing import Any

import typer

from syndetect_cli.app import app
from syndetect_cli.options import Options, command, errors


def _rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The result as (measure, value) rows: floats to 4 decimals, per-obfuscation figures flattened."""
    rows: list[tuple[str, str]] = []
    for key, value in result.items():
        if key in ("mode", "gold", "pred"):
            continue
        if key == "by_obfuscation":
            for label, figures in value.items():
                for name, figure in figures.items():
                    rows.append((f"{name} ({label})", _fmt(figure)))
        else:
            rows.append((key, _fmt(value)))
    return rows


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


@app.command("evaluate")
@command
def evaluate_command(
    opts: Options,
    gold: str = typer.Option(
        ..., "--gold", help="Gold: a directory of PAN XML files, a pairs.jsonl or a clusters.jsonl."
    ),
    pred: str = typer.Option(
        ..., "--pred", help="Predictions: pairs.jsonl or clusters.jsonl (or PAN XML detections)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
) -> None:
    """Precision, recall, F1 of pairs at character level; PAN plagdet for PAN gold; ARI for clusters.

    Example: syndetect evaluate --gold ../shared/data/exara/annotations --pred pairs.jsonl
    """
    from syndetect.evaluate.measures import evaluate

    with errors():
        result = evaluate(gold, pred)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"syndetect evaluate ({result['mode']})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in _rows(result):
        table.add_row(Text(name), Text(value))
    Console(soft_wrap=True).print(table)
