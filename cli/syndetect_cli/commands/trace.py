"""``syndetect trace``: where a passage came from, against an index."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from syndetect_cli.app import app
from syndetect_cli.commands.index import index_errors, index_option, open_index
from syndetect_cli.options import Options, command, errors, fail

FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"  # first-strong and left-to-right isolates, their end


def isolate(text: str | None) -> str:
    """Text as its own bidi run (first strong isolate): Arabic neither reorders nor is reordered by
    the columns beside it."""
    return f"{FSI}{text}{PDI}" if text else ""


def ltr(text: str) -> str:
    """Numbers, ids and dates kept left to right (an RTL terminal would flip ``1100-1206``)."""
    return f"{LRI}{text}{PDI}"


def snippet(text: str, width: int) -> str:
    s = " ".join(text.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def print_trace(result: dict) -> None:
    """The readable table: one row a match, best first, then the origin and the copy chain."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    matches = result["matches"]
    if not matches:
        console.print("no indexed passage matches this text")
        return
    origin = result["origin"]
    parents = {c["doc"]: c["parent"] for c in result["chain"]}
    wide = console.width >= 160  # the title column only where it fits
    if console.width < 120:  # too narrow for a table: one block a match
        for k, m in enumerate(matches, 1):
            head = " ".join(
                [
                    ltr(f"{k:>2}. {m['similarity']:.2f}"),
                    isolate(escape(m["outlet"])),
                    ltr(escape(m["published"] or "-")),
                    ltr(escape(f"{m['doc']} {m['start']}-{m['end']}")),
                    _role(m, origin, parents),
                ]
            )
            console.print(head, soft_wrap=True)
            console.print(
                "    " + isolate(escape(snippet(m["text"], max(20, console.width - 6)))), soft_wrap=True
            )
    else:
        _table(console, matches, origin, parents, wide)
    _footer(console, result)


def _role(m: dict, origin: dict | None, parents: dict) -> str:
    from rich.markup import escape

    if origin and m["doc"] == origin["doc"]:
        return "origin"
    if parents.get(m["doc"]):
        return f"copy of {ltr(escape(parents[m['doc']]))}"
    return "copy"


def _table(console, matches: list[dict], origin: dict | None, parents: dict, wide: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(matches)} matching passages, best first", show_lines=False)
    for col in ("#", "sim", "outlet", "published", "doc", "span", "role"):
        table.add_column(col, no_wrap=True, min_width=len(col))
    if wide:
        table.add_column("title", overflow="ellipsis", max_width=30, no_wrap=True)
    table.add_column("passage", overflow="ellipsis", max_width=50 if wide else 30, no_wrap=True)
    for k, m in enumerate(matches, 1):
        role = _role(m, origin, parents)
        cells = [
            ltr(str(k)),
            ltr(f"{m['similarity']:.2f}"),
            isolate(escape(m["outlet"])),
            ltr(escape(m["published"] or "-")),
            ltr(escape(m["doc"])),
            ltr(f"{m['start']}-{m['end']}"),
            role,
        ]
        if wide:
            cells.append(isolate(escape(snippet(m.get("title") or "", 30))))
        cells.append(isolate(escape(snippet(m["text"], 50 if wide else 30))))
        table.add_row(*cells)
    console.print(table)


def _footer(console, result: dict) -> None:
    from rich.markup import escape

    origin = result["origin"]
    if origin:
        where = " ".join(
            x for x in (isolate(escape(origin["outlet"])), ltr(escape(origin["published"] or "undated"))) if x
        )
        console.print(f"origin: {ltr(escape(origin['doc']))} {where}", soft_wrap=True)
        if origin.get("title"):
            console.print(f"  title: {isolate(escape(origin['title']))}", soft_wrap=True)
        if origin.get("url"):
            console.print(f"  url: {ltr(escape(origin['url']))}", soft_wrap=True)
    chain = " -> ".join(ltr(escape(c["doc"])) for c in result["chain"])
    console.print(f"chain: {chain}", soft_wrap=True)


def _queries(path: str):
    """``(id, text)`` of each line of a queries file (bad lines: file and line, exit 2)."""
    from syndetect.io.errors import InputError

    try:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as err:
        raise InputError(path, None, f"cannot read ({err.strerror})") from None
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                raise InputError(path, n, "not a JSON object") from None
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise InputError(path, n, 'missing "text"')
            if "id" not in rec:
                raise InputError(path, n, 'missing "id"')
            yield rec["id"], rec["text"]


@app.command("trace")
@command
def trace_command(
    opts: Options,
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="TEXT", help="The passage to trace; - reads standard input.", show_default=False
        ),
    ] = None,
    file: str = typer.Option(None, "--file", help="Read the passage from this file."),
    doc: str = typer.Option(None, "--doc", help="Trace an indexed document by its id."),
    index: str = index_option(),
    as_json: bool = typer.Option(False, "--json", help="One JSON object: query, origin, matches, chain."),
    queries: str = typer.Option(
        None, "--queries", help='Many passages, one {"id": ..., "text": ...} a line (with -o).'
    ),
    output: str = typer.Option(None, "--output", "-o", help="With --queries: one JSON object a line."),
) -> None:
    """Where a passage came from: the indexed passages it matches, ranked, with outlet, date, title
    and URL, the inferred origin and the copy chain from the origin to the best match.

    Example: syndetect trace "لولا قراراتكم وأعمالكم لكان الإرهاب الذي انتشر في المنطقة" --index demo.index
    """
    given = [x for x in (text, file, doc, queries) if x is not None]
    if len(given) != 1:
        fail("give one of TEXT, --file F, --doc ID or --queries Q.jsonl")
    if (queries is None) != (output is None):
        fail("--queries and -o go together")
    from syndetect.index.trace import QueryTooShort, Tracer

    store = open_index(index)
    with index_errors():
        tracer = Tracer(store)
    if queries is not None:
        from syndetect.io.writers import write_jsonl

        def answers():
            for qid, qtext in _queries(queries):
                try:
                    rec = tracer.trace(qtext)
                except QueryTooShort as err:
                    rec = {"query": qtext, "origin": None, "matches": [], "chain": [], "error": str(err)}
                yield {"id": qid, **rec}

        with index_errors():
            n = write_jsonl(output, answers())
        opts.say(f"traced {n} queries -> {output}")
        return
    if file is not None:
        with errors():
            try:
                with open(file, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError) as err:
                fail(f"{file}: cannot read ({getattr(err, 'strerror', None) or err})")
    elif text == "-":
        text = sys.stdin.read()
    with index_errors():
        try:
            result = tracer.trace_doc(doc) if doc is not None else tracer.trace(text)
        except QueryTooShort as err:
            fail(str(err))
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_trace(result)
