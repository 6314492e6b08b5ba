"""The overlap report: how much each outlet takes from each other one, how fast, and what.

:func:`report_data` turns a run's groups into one JSON-able dict:

- ``matrix``: outlet by outlet, directional. Row A, column B: the share of A's reused passages whose
  origin is B (a group's origin, or its common upstream agency, shown as ``upstream:<agency>``). A
  reused passage is a group member that is not the origin (with a common upstream, every member is).
- ``lags``: per (outlet, origin outlet): the number of reused passages with both times known, and the
  median, quartiles and range of the lag from the origin, in hours.
- ``passages``: the most syndicated passages (most outlets, then most members), each with its copy tree.
- ``documents``: each document's reused share (characters inside reused passages over its length) and
  the share of it that others reused.
- ``views``: for the documents with the most reuse, their reused spans (coloured by group, linked to
  the origin) for the side-by-side view.

Renderers (``syndetect.report.render``): ``render_markdown``, ``render_json``, ``heatmap_png`` and
``matrix_csv`` (the matrix as a picture and a table); ``syndetect.report.html.render_html``.
:meth:`syndetect.pipeline.Run.write_report` writes ``report.html`` (or ``.md``, ``.json``) with ``report.png`` and
``report.matrix.csv`` beside it.
"""

from __future__ import annotations

import colorsys
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from syndetect.config import ReportConfig
from syndetect.provenance.attribution import agency_name
from syndetect.provenance.origin import union_length
from syndetect.records import Cluster, Document, Member
from syndetect.report.render import heatmap_png, matrix_csv, render_json, render_markdown

UPSTREAM = "upstream:"
FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


def cluster_color(index: int) -> str:
    """A light colour for group number ``index`` (1-based), as ``#rrggbb``; neighbours differ in hue.

    >>> cluster_color(1), cluster_color(2)
    ('#f5a3a3', '#a3f5bb')
    """
    hue = ((index - 1) * 137.508) % 360 / 360
    r, g, b = colorsys.hls_to_rgb(hue, 0.8, 0.8)
    return "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (r, g, b)))


def _index(cluster_id: str) -> int:
    try:
        return int(cluster_id.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return abs(hash(cluster_id)) % 1000


def source_label(c: Cluster, docs: dict[str, Document]) -> str:
    """Where a group's text came from: the origin's outlet, or ``upstream:<agency>``."""
    if c.upstream:
        return UPSTREAM + c.upstream
    return docs[c.origin.doc].outlet if c.origin else "unknown"


def reused_members(c: Cluster) -> list[Member]:
    """The members that took the text from elsewhere (every member when the source is upstream)."""
    if c.upstream:
        return list(c.members)
    origin_doc = c.origin.doc if c.origin else None
    return [m for m in c.members if m.parent is not None and m.passage.doc != origin_doc]


def _quantiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, med, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, med, q3


def _snippet(text: str, limit: int) -> str:
    s = " ".join(text.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _passage(doc: Document, start: int, end: int, limit: int) -> dict[str, Any]:
    return {
        "doc": doc.id,
        "outlet": doc.outlet,
        "published": doc.published,
        "start": start,
        "end": end,
        "text": _snippet(doc.text[start:end], limit),
    }


def _tree(c: Cluster, docs: dict[str, Document]) -> list[dict[str, Any]]:
    """The copy tree as nested nodes (roots: the origin, or every member under a common upstream)."""
    nodes = []
    for m in c.members:
        d = docs[m.passage.doc]
        nodes.append(
            {
                "doc": d.id,
                "outlet": d.outlet,
                "published": d.published,
                "start": m.passage.start,
                "end": m.passage.end,
                "parent": m.parent,
                "rule": m.rule,
                "similarity": m.similarity,
                "lag_hours": m.lag_hours,
                "credited": m.credited,
                "children": [],
            }
        )
    roots = []
    # A parent is named by document: attach to that document's first member listed before the child.
    seen: dict[str, dict[str, Any]] = {}
    for node in nodes:
        parent = seen.get(node["parent"]) if node["parent"] else None
        (parent["children"] if parent else roots).append(node)
        seen.setdefault(node["doc"], node)
    return roots


def report_data(
    docs: dict[str, Document] | list[Document],
    clusters: list[Cluster],
    stats: dict[str, Any] | None = None,
    rcfg: ReportConfig | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as one JSON-able dict (see the module docstring)."""
    rcfg = rcfg or ReportConfig()
    by_id = docs if isinstance(docs, dict) else {d.id: d for d in docs}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lags: dict[tuple[str, str], list[float]] = defaultdict(list)
    reused_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    origin_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in clusters:
        source = source_label(c, by_id)
        origin_doc = by_id[c.origin.doc] if c.origin else None
        for m in reused_members(c):
            d = by_id[m.passage.doc]
            counts[d.outlet][source] += 1
            reused_spans[d.id].append((m.passage.start, m.passage.end))
            if not c.upstream and origin_doc is not None and d.time and origin_doc.time:
                lags[(d.outlet, source)].append((d.time - origin_doc.time).total_seconds() / 3600)
        if c.origin and not c.upstream:
            origin_spans[c.origin.doc].append((c.origin.start, c.origin.end))
    rows = sorted(counts)
    cols = sorted({b for r in counts.values() for b in r}, key=lambda b: (b.startswith(UPSTREAM), b))
    matrix = {
        "rows": rows,
        "cols": cols,
        "counts": [[counts[a].get(b, 0) for b in cols] for a in rows],
        "shares": [
            [round(counts[a].get(b, 0) / max(1, sum(counts[a].values())), 4) for b in cols] for a in rows
        ],
        "totals": [sum(counts[a].values()) for a in rows],
    }
    lag_rows = []
    for (a, b), values in sorted(lags.items()):
        values.sort()
        q1, med, q3 = _quantiles(values)
        lag_rows.append(
            {
                "outlet": a,
                "source": b,
                "n": len(values),
                "median_hours": round(med, 2),
                "q1_hours": round(q1, 2),
                "q3_hours": round(q3, 2),
                "min_hours": round(values[0], 2),
                "max_hours": round(values[-1], 2),
            }
        )
    ranked = sorted(
        clusters, key=lambda c: (-len({by_id[m.passage.doc].outlet for m in c.members}), -c.size, c.id)
    )
    passages = []
    for c in ranked[: rcfg.top_passages]:
        outlets = []
        for m in c.members:
            o = by_id[m.passage.doc].outlet
            if o not in outlets:
                outlets.append(o)
        passages.append(
            {
                "cluster": c.id,
                "color": cluster_color(_index(c.id)),
                "size": c.size,
                "outlets": outlets,
                "upstream": c.upstream,
                "upstream_name": agency_name(c.upstream) if c.upstream else None,
                "origin": _passage(by_id[c.origin.doc], c.origin.start, c.origin.end, rcfg.snippet_chars)
                if c.origin
                else None,
                "tree": _tree(c, by_id),
            }
        )
    documents = []
    for doc_id in sorted(set(reused_spans) | set(origin_spans)):
        d = by_id[doc_id]
        length = max(1, len(d.text.strip()))
        reused = union_length(reused_spans.get(doc_id, []))
        given = union_length(origin_spans.get(doc_id, []))
        documents.append(
            {
                "doc": d.id,
                "outlet": d.outlet,
                "published": d.published,
                "title": d.title,
                "length": length,
                "reused_chars": reused,
                "reused_share": round(min(1.0, reused / length), 4),
                "reused_by_others_share": round(min(1.0, given / length), 4),
            }
        )
    documents.sort(key=lambda r: (-r["reused_share"], -r["reused_by_others_share"], r["doc"]))
    by_doc: dict[str, list[tuple[Cluster, Member]]] = defaultdict(list)
    for c in clusters:
        for m in c.members:
            by_doc[m.passage.doc].append((c, m))
    view_ids = [r["doc"] for r in documents if r["reused_chars"] > 0][: rcfg.max_views]
    origin_ids = [r["doc"] for r in documents if r["reused_chars"] == 0]
    view_ids += origin_ids[: max(0, rcfg.max_views - len(view_ids))]
    return {
        "summary": _summary(by_id, clusters, stats),
        "matrix": matrix,
        "lags": lag_rows,
        "passages": passages,
        "documents": documents[: rcfg.max_documents],
        "views": [_view(by_id[i], by_doc.get(i, []), by_id) for i in view_ids],
    }


def _summary(
    docs: dict[str, Document], clusters: list[Cluster], stats: dict[str, Any] | None
) -> dict[str, Any]:
    edges = [m for c in clusters for m in c.members if m.rule != "origin"]
    credited = sum(m.credited is True for m in edges)
    out: dict[str, Any] = {
        "documents": len(docs),
        "outlets": len({d.outlet for d in docs.values()}),
        "clusters": len(clusters),
        "edges": len(edges),
        "credited_edges": credited,
        "credited_share": round(credited / len(edges), 4) if edges else None,
        "upstream_clusters": sum(1 for c in clusters if c.upstream),
    }
    stats = stats or {}
    for key in ("verified_pairs", "revisions", "boilerplate"):
        if key in stats:
            value = stats[key]
            if isinstance(value, dict):
                value = {k: v for k, v in value.items() if k not in ("list", "by_outlet")}
            out[key] = value
    return out


def _view(doc: Document, members: list[tuple[Cluster, Member]], docs: dict[str, Document]) -> dict[str, Any]:
    """A document's marked spans: flattened so that the innermost passage decides each character."""
    spans = []  # (start, end, cluster, role)
    for c, m in members:
        role = "origin" if (c.origin == m.passage and not c.upstream) else "reused"
        spans.append((m.passage.start, m.passage.end, c, role))
    clusters = {c.id: c for c, _ in members}
    cuts = sorted({0, len(doc.text)} | {s for s, _, _, _ in spans} | {e for _, e, _, _ in spans})
    segments: list[dict[str, Any]] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        if hi <= lo:
            continue
        covering = [sp for sp in spans if sp[0] <= lo and sp[1] >= hi]
        if not covering:
            seg = {"start": lo, "end": hi}
        else:
            s, e, c, role = min(covering, key=lambda sp: (sp[1] - sp[0], sp[2].id))
            seg = {
                "start": lo,
                "end": hi,
                "cluster": c.id,
                "color": cluster_color(_index(c.id)),
                "role": role,
                "origin": c.origin.doc if c.origin else None,
                "upstream": c.upstream,
                "span": [s, e],
            }
        if segments and _same_mark(segments[-1], seg):
            segments[-1]["end"] = hi
        else:
            segments.append(seg)
    sources = []
    for cid in dict.fromkeys(s["cluster"] for s in segments if "cluster" in s):
        c = clusters[cid]
        sources.append(
            {
                "cluster": cid,
                "color": cluster_color(_index(cid)),
                "upstream": c.upstream,
                "upstream_name": agency_name(c.upstream) if c.upstream else None,
                "origin": _passage(docs[c.origin.doc], c.origin.start, c.origin.end, 400)
                if c.origin
                else None,
                "is_origin": bool(c.origin and c.origin.doc == doc.id and not c.upstream),
            }
        )
    return {
        "doc": doc.id,
        "outlet": doc.outlet,
        "published": doc.published,
        "title": doc.title,
        "url": doc.url,
        "text": doc.text,
        "segments": segments,
        "sources": sources,
    }


def _same_mark(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("cluster") == b.get("cluster") and a.get("span") == b.get("span") and a["end"] == b["start"]


def output_paths(out: str | Path) -> tuple[Path, Path, Path]:
    """``(report, heatmap PNG, matrix CSV)``: ``report.html`` -> ``report.png``, ``report.matrix.csv``."""
    path = Path(out)
    stem = path.with_suffix("")
    return path, stem.with_name(stem.name + ".png"), stem.with_name(stem.name + ".matrix.csv")


def report_format(out: str | Path) -> str:
    """``html``, ``md`` or ``json`` from the output's extension (``ValueError`` for anything else)."""
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{out}: unknown report format {suffix or '(none)'!r}; use .html, .md or .json")
    return FORMATS[suffix]


def write_report_files(
    out: str | Path, data: dict[str, Any], meta: dict[str, Any] | None = None, *, outputs: Any = None
) -> list[Path]:
    """Write the report in the format its extension names, with the heatmap PNG and matrix CSV beside it.

    The three files are one transaction (``syndetect.io.writers.Outputs``): all of them appear or none
    is replaced. ``outputs``: the caller's transaction, with the three paths declared (it commits).
    """
    from contextlib import nullcontext

    from syndetect.io.writers import Outputs

    fmt = report_format(out)
    path, png_path, csv_path = output_paths(out)
    png = heatmap_png(data)
    if fmt == "html":
        from syndetect.report.html import render_html

        text = render_html(data, png, meta)
    elif fmt == "md":
        text = render_markdown(data, png_path.name)
    else:
        text = render_json(data)
    with nullcontext(outputs) if outputs is not None else Outputs([path, png_path, csv_path]) as outs:
        outs.open(png_path, "wb").write(png)
        outs.open(csv_path).write(matrix_csv(data))
        outs.open(path).write(text)
    return [path, png_path, csv_path]
