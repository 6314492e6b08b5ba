"""Readable tables of what a run found (rich)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    s = " ".join(text[start:end].split())
    return s if len(s) <= width else s[: width - 1] + "…"


def print_demo(run, st: dict, files: list[Path]) -> None:
    """The demo's summary on stdout: counts, the verified pairs, the clusters, the files written."""
    console = Console()
    docs = run.by_id
    console.print(
        f"[bold]syndetect demo[/]: {st['documents']} documents, {st['verified_pairs']} verified pairs "
        f"({st['kinds']['exact']} exact, {st['kinds']['near']} near, {st['kinds']['rewrite']} rewrite), "
        f"{st['clusters']} clusters, {st['removed_passages']} repeated passages cut"
    )
    table = Table(title="Verified pairs", show_lines=False)
    wide = console.width >= 120  # the passage column only where it fits
    for col in ("a", "span", "b", "span", "kind", "J", "C", "source"):
        table.add_column(col, no_wrap=True)
    if wide:
        table.add_column("passage (a)", no_wrap=True, overflow="ellipsis", max_width=40)
    for m in run.pairs:
        table.add_row(
            m.a.doc,
            f"{m.a.start}-{m.a.end}",
            m.b.doc,
            f"{m.b.start}-{m.b.end}",
            m.kind,
            f"{m.jaccard:.2f}",
            f"{m.containment:.2f}",
            m.source or "-",
            *([_snippet(docs[m.a.doc].text, m.a.start, m.a.end)] if wide else []),
        )
    console.print(table)
    table = Table(title="Provenance groups")
    for col in ("cluster", "size", "origin", "copy tree"):
        table.add_column(col)
    for c in run.clusters:
        tree = ", ".join(f"{m.passage.doc}<-{m.parent}" for m in c.members if m.parent)
        table.add_row(c.id, str(c.size), f"{c.origin.doc} {c.origin.start}-{c.origin.end}", tree)
    console.print(table)
    console.print("wrote: " + ", ".join(str(f) for f in files))
