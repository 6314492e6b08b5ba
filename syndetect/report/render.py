"""Renderers of the overlap report's data (``syndetect.report.data.report_data``): the outlet matrix as a
CSV table and a PNG heatmap, the report as JSON and Markdown. The HTML page is ``report_html``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run: text starting with ``= + - @``, tab or CR gets a ``'``.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("rt"), csv_cell(0.5)
    ("'=HYPERLINK(1)", 'rt', 0.5)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def matrix_csv(data: dict[str, Any]) -> str:
    """The matrix as CSV: one row per reusing outlet, one column per origin (shares of the row's
    cross-outlet reuse), the cross-outlet total, then the outlet's reuse of itself (count, share)."""
    m = data["matrix"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["outlet", *map(csv_cell, m["cols"]), "reused_passages", "self_reused", "self_share"])
    for a, shares, total, own, own_share in zip(
        m["rows"], m["shares"], m["totals"], m["self"], m["self_shares"], strict=True
    ):
        w.writerow([csv_cell(a), *shares, total, own, own_share])
    return buf.getvalue()


def heatmap_png(data: dict[str, Any]) -> bytes:
    """The matrix as a PNG heatmap (matplotlib, no display needed)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    m = data["matrix"]
    rows, cols = m["rows"], m["cols"]
    width = max(4.0, 1.2 + 0.55 * len(cols))
    height = max(3.0, 1.4 + 0.45 * len(rows))
    fig = Figure(figsize=(width, height), dpi=110)
    ax = fig.add_subplot()
    if rows and cols:
        import numpy as np

        shares = np.array(m["shares"], dtype=float)
        for i, a in enumerate(rows):  # an outlet's reuse of itself is not in the matrix: grey
            if a in cols:
                shares[i, cols.index(a)] = np.nan
        cmap = matplotlib.colormaps["YlOrRd"].with_extremes(bad="#e6e6e6")
        im = ax.imshow(np.ma.masked_invalid(shares), cmap=cmap, vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(cols)), labels=cols, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
        if len(rows) * len(cols) <= 400:
            for i, row in enumerate(m["shares"]):
                for j, v in enumerate(row):
                    if v >= 0.005:
                        ax.text(
                            j,
                            i,
                            f"{v:.2f}",
                            ha="center",
                            va="center",
                            fontsize=7,
                            color="black" if v < 0.6 else "white",
                        )
        fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="share of reused passages")
    else:
        ax.text(0.5, 0.5, "no reuse found", ha="center", va="center")
        ax.set_axis_off()
    ax.set_xlabel("origin (another outlet or an upstream agency)")
    ax.set_ylabel("reusing outlet")
    # two short lines: one long line is wider than the figure of a small corpus and gets cut off
    ax.set_title("Who reuses whom\n(cross-outlet; self-reuse in grey, counted apart)", fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.1)
    return buf.getvalue()


def render_json(data: dict[str, Any]) -> str:
    """The report as indented JSON."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|!])")
_LRI, _PDI = "\u2066", "\u2069"
_SAFE_ID = re.compile(r"[A-Za-z0-9.:/#?=+-]+")


def _md_num(value: Any) -> str:
    """A number that may be negative, in a left-to-right isolate (U+2066 ... U+2069): in right-to-left
    text a bare ``-8.92`` shows as ``8.92-``."""
    return f"{_LRI}{value}{_PDI}"


def _md_id(value: Any) -> str:
    """An identifier: a code span when it is plain, else escaped text (no raw HTML either way)."""
    text = str(value)
    return _md_code(text) if _SAFE_ID.fullmatch(text) else _md_cell(text)


def _md_cell(value: Any) -> str:
    """Corpus text as inert Markdown: HTML escaped (no ``<script>``, no ``<img onerror>``), Markdown's
    link, emphasis, code and table characters backslash-escaped, one line."""
    text = html.escape(str(value if value is not None else ""), quote=False)
    return " ".join(_MD_SPECIAL.sub(r"\\\1", text).split())


def _md_code(value: Any) -> str:
    """A value as a Markdown code span (literal: HTML inside is not interpreted), fenced by more
    backticks than it holds."""
    text = " ".join(str(value).split())
    runs = [len(r) for r in re.findall("`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(data: dict[str, Any], png_name: str | None = None) -> str:
    """The report as Markdown (tables, copy trees as nested lists, the heatmap as a linked picture)."""
    s = data["summary"]
    out = ["# تقرير إعادة النشر (syndetect overlap report)", ""]
    out.append(
        f"{s['documents']} documents, {s['outlets']} outlets, {s['clusters']} groups, {s['edges']} copy edges "
        f"({s['credited_edges']} credited), {s['upstream_clusters']} groups with a common upstream agency."
    )
    out += [
        "",
        "## Outlet matrix",
        "",
        "Row: the reusing outlet; column: the origin. Share of the row's reused passages.",
        "",
    ]
    m = data["matrix"]
    out.append("| outlet | " + " | ".join(_md_cell(c) for c in m["cols"]) + " | passages | self |")
    out.append("|---" * (len(m["cols"]) + 3) + "|")
    for a, row, total, own, own_share in zip(
        m["rows"], m["shares"], m["totals"], m["self"], m["self_shares"], strict=True
    ):
        cells = ["—" if c == a else (f"{v:.2f}" if v else "") for c, v in zip(m["cols"], row, strict=True)]
        own_cell = f"{own} ({own_share:.0%})" if own else ""
        out.append(f"| {_md_cell(a)} | " + " | ".join(cells) + f" | {total} | {own_cell} |")
    out += ["", "Self-reuse (an outlet's own passages again) is counted apart, not in the cells."]
    if png_name:
        out += ["", f"![outlet matrix heatmap]({png_name})"]
    out += [
        "",
        "## Time lag from the origin (hours)",
        "",
        "| outlet | origin | n | median | q1 | q3 | min | max |",
    ]
    out.append("|---|---|---|---|---|---|---|---|")
    for r in data["lags"] + data.get("self_lags", []):
        out.append(
            f"| {_md_cell(r['outlet'])} | {_md_cell(r['source'])} | {r['n']} | {_md_num(r['median_hours'])} "
            f"| {_md_num(r['q1_hours'])} | {_md_num(r['q3_hours'])} | {_md_num(r['min_hours'])} "
            f"| {_md_num(r['max_hours'])} |"
        )
    out += ["", "## Most syndicated passages (one per story)", ""]
    for p in data["passages"]:
        head = f"### {_md_cell(p['cluster'])}: {len(p['outlets'])} outlets, {p['size']} passages"
        if p["upstream"]:
            head += f", common upstream {_md_cell(p['upstream_name'])} ({_md_cell(p['upstream'])})"
        out += [head, ""]
        story = p.get("story") or {}
        if len(story.get("clusters", [])) > 1:
            out += [
                f"The same story: {len(story['clusters']) - 1} more reused passages, in {story['documents']} "
                f"documents of {story['outlets']} outlets.",
                "",
            ]
        if p.get("left_out"):
            out += [
                f"{p['left_out']} more members of the group share only stock phrases (titles, formulas) "
                "with it: left out here, all in clusters.jsonl.",
                "",
            ]
        if p["origin"]:
            out += [f"> {_md_cell(p['origin']['text'])}", ""]
        out += _md_tree(p["tree"], 0)
        out.append("")
    out += [
        "## Reuse per document",
        "",
        "| document | outlet | title | published | reused | reused by others |",
        "|---|---|---|---|---|---|",
    ]
    for d in data["documents"]:
        out.append(
            f"| {_md_cell(d['doc'])} | {_md_cell(d['outlet'])} | {_md_cell(d.get('title'))} | "
            f"{_md_cell(d['published'])} | {d['reused_share']:.0%} | {d['reused_by_others_share']:.0%} |"
        )
    return "\n".join(out) + "\n"


def _md_tree(nodes: list[dict[str, Any]], depth: int) -> list[str]:
    lines = []
    for n in nodes:
        evidence = []
        if n["rule"]:
            evidence.append(n["rule"])
        if n["similarity"] is not None:
            evidence.append(f"similarity {n['similarity']}")
        if n["lag_hours"] is not None:
            evidence.append(f"lag {_md_num(n['lag_hours'])} h")
        if n["credited"] is not None:
            evidence.append("credited" if n["credited"] else "uncredited")
        lines.append(
            "  " * depth
            + f"- {_md_id(n['doc'])} ({_md_cell(n['outlet'])}, {_md_cell(n['published'])}) "
            + f"\\[{n['start']}:{n['end']}\\] — "
            + ", ".join(evidence)
        )
        lines += _md_tree(n["children"], depth + 1)
    return lines
