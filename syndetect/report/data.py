"""The overlap report: how much each outlet takes from each other one, how fast, and what.

:func:`report_data` turns a run's groups into one JSON-able dict:

- ``matrix``: outlet by outlet, directional, across outlets. Row A, column B: the share of A's passages
  reused from other outlets whose origin is B (a group's origin, or its common upstream agency, shown as
  ``upstream:<agency>``). A reused passage is a group member that is not the origin (with a common
  upstream, every member is). An outlet reusing its own passages is counted apart, in ``self``, never
  in a cell: it would dwarf the cross-outlet reuse the matrix is for.
- ``lags``: per (outlet, origin outlet), across outlets: the number of reused passages with both times
  known, and the median, quartiles and range of the lag from the origin, in hours (``self_lags``: the
  same for an outlet's reuse of itself).
- ``passages``: the most syndicated stories (most outlets, then most members), one entry per story: the
  groups whose documents are mostly the same articles are one story, shown by its most syndicated
  passage (with its copy tree) and the count of its other passages. Passages that are mostly their
  outlet's boilerplate or corpus-wide stock phrases (royal titles, formulas) are left out of this list,
  and so are the members of a group that share nothing but stock phrases with the member they hang
  under (a formula chaining unrelated articles into the group): an entry counts, ranks and shows only
  the members that carry the passage (``left_out`` says how many others the group has). Snippets are
  cut at word edges.
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
import html
import statistics
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from syndetect.config import Config, ReportConfig
from syndetect.provenance.attribution import agency_name
from syndetect.provenance.origin import union_length
from syndetect.records import Cluster, Document, Member
from syndetect.report.render import heatmap_png, matrix_csv, render_json, render_markdown

UPSTREAM = "upstream:"
FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}
TOP_MIN_SPECIFIC = 10  # a top-list passage needs this many word n-grams that are not stock phrases
TOP_MIN_SHARED = 5  # a member carries it when it shares this many of them with the member above it
TOP_MAX_BOILERPLATE = 0.5  # ... and may be at most this share of its outlet's boilerplate
STORY_OVERLAP = 0.5  # groups sharing this share of the smaller one's documents (and 2+) are one story


class _Boilerplate(Protocol):
    def share(self, doc: str, start: int, end: int) -> float: ...


Specific = Callable[[str], frozenset]  # a text's word n-grams that are not stock phrases


def display_text(value: str | None) -> str | None:
    """A corpus string (a title) for display: HTML entities decoded once (``&#8220;`` is ``“``).

    Renderers escape it again, so a decoded ``<`` is shown, never run; ``&amp;amp;`` stays ``&amp;``.

    >>> display_text("&#8220;جوراسيك وورلد&#8221; &amp;amp; &lt;b&gt;")
    '“جوراسيك وورلد” &amp; <b>'
    """
    return None if value is None else html.unescape(value)


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


def word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved out to whole words when either end falls inside a word.

    >>> t = "قال الوزير أمس"
    >>> s, e = word_edges(t, 6, 12); t[s:e]
    'الوزير أمس'
    """
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def snippet(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word edge (then ``…``).

    >>> snippet("أعلنت الوزارة اليوم عن خطة جديدة", 20)
    'أعلنت الوزارة اليوم…'
    """
    s = " ".join(text.split())
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit)
    return (s[:cut] if cut > 0 else s[: limit - 1]).rstrip(" ،,؛;:-–") + "…"


def _passage(doc: Document, start: int, end: int, limit: int) -> dict[str, Any]:
    s, e = word_edges(doc.text, start, end)
    return {
        "doc": doc.id,
        "outlet": doc.outlet,
        "published": doc.published,
        "title": display_text(doc.title),
        "start": start,
        "end": end,
        "text": snippet(doc.text[s:e], limit),
    }


def _tree(members: list[Member] | tuple[Member, ...], docs: dict[str, Document]) -> list[dict[str, Any]]:
    """The copy tree as nested nodes (roots: the origin, or every member under a common upstream)."""
    nodes = []
    for m in members:
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
    *,
    specific: Specific | None = None,
    boilerplate: _Boilerplate | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as one JSON-able dict (see the module docstring).

    Args:
        specific: a text's word n-grams that are not corpus-wide stock phrases (:func:`stock_filter`);
            without it, every word 3-gram counts.
        boilerplate: the run's per-outlet boilerplate (``Groups.boilerplate``), kept out of the top list.
    """
    rcfg = rcfg or ReportConfig()
    by_id = docs if isinstance(docs, dict) else {d.id: d for d in docs}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    self_counts: dict[str, int] = defaultdict(int)
    lags: dict[tuple[str, str], list[float]] = defaultdict(list)
    reused_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    origin_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in clusters:
        source = source_label(c, by_id)
        origin_doc = by_id[c.origin.doc] if c.origin else None
        for m in reused_members(c):
            d = by_id[m.passage.doc]
            if d.outlet == source:
                self_counts[d.outlet] += 1
            else:
                counts[d.outlet][source] += 1
            reused_spans[d.id].append((m.passage.start, m.passage.end))
            if not c.upstream and origin_doc is not None and d.time and origin_doc.time:
                lags[(d.outlet, source)].append((d.time - origin_doc.time).total_seconds() / 3600)
        if c.origin and not c.upstream:
            origin_spans[c.origin.doc].append((c.origin.start, c.origin.end))
    rows = sorted(set(counts) | set(self_counts))
    cols = sorted({b for r in counts.values() for b in r}, key=lambda b: (b.startswith(UPSTREAM), b))
    totals = [sum(counts[a].values()) for a in rows]
    matrix = {
        "rows": rows,
        "cols": cols,
        "counts": [[counts[a].get(b, 0) for b in cols] for a in rows],
        "shares": [
            [round(counts[a].get(b, 0) / max(1, t), 4) for b in cols]
            for a, t in zip(rows, totals, strict=True)
        ],
        "totals": totals,
        "self": [self_counts.get(a, 0) for a in rows],
        "self_shares": [
            round(self_counts.get(a, 0) / max(1, t + self_counts.get(a, 0)), 4)
            for a, t in zip(rows, totals, strict=True)
        ],
    }
    lag_rows = [_lag_row(a, b, values) for (a, b), values in sorted(lags.items()) if a != b]
    self_lags = [_lag_row(a, b, values) for (a, b), values in sorted(lags.items()) if a == b]
    passages = [
        _story_entry(story, by_id, rcfg, specific)
        for story in stories(clusters, by_id, specific, boilerplate)
    ][: rcfg.top_passages]
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
                "title": display_text(d.title),
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
        "self_lags": self_lags,
        "passages": passages,
        "documents": documents[: rcfg.max_documents],
        "views": [_view(by_id[i], by_doc.get(i, []), by_id) for i in view_ids],
    }


def _lag_row(outlet: str, source: str, values: list[float]) -> dict[str, Any]:
    values = sorted(values)
    q1, med, q3 = _quantiles(values)
    return {
        "outlet": outlet,
        "source": source,
        "n": len(values),
        "median_hours": round(med, 2),
        "q1_hours": round(q1, 2),
        "q3_hours": round(q3, 2),
        "min_hours": round(values[0], 2),
        "max_hours": round(values[-1], 2),
    }


def stock_filter(grams: list[np.ndarray], cfg: Config) -> Specific:
    """A text's word n-grams (hashes, as the engine computes them) found in fewer than
    ``boilerplate.stock_min_docs`` documents of the corpus whose n-gram hashes (``Features.grams``) are
    ``grams``: what a stock phrase lacks."""
    from syndetect.detect.shingle import ngram_hashes, token_hashes
    from syndetect.provenance.boilerplate import gram_document_frequency
    from syndetect.text.normalize import words

    values, counts = gram_document_frequency(grams)
    min_docs = cfg.boilerplate.stock_min_docs

    def specific(text: str) -> frozenset[int]:
        w = words(text, cfg.normalize, clitics=cfg.shingle.clitics)
        h = np.unique(ngram_hashes(token_hashes(w, cfg.shingle.seed), cfg.shingle.ngram))
        if len(h) == 0 or len(values) == 0:
            return frozenset(h.tolist())
        pos = np.minimum(np.searchsorted(values, h), len(values) - 1)
        stock = (values[pos] == h) & (counts[pos] >= min_docs)
        return frozenset(h[~stock].tolist())

    return specific


def _plain_grams(text: str) -> frozenset[tuple[str, ...]]:
    w = text.split()
    return frozenset(zip(w, w[1:], w[2:], strict=False))


def carriers(c: Cluster, docs: dict[str, Document], specific: Specific | None = None) -> list[Member]:
    """The members that carry a group's passage: the origin's, and each member sharing at least
    ``TOP_MIN_SHARED`` non-stock word n-grams with the member it hangs under (itself a carrier; the
    origin under a common upstream). The others share nothing but stock phrases with the group: a
    formula (royal titles, a cable's opening) that chained their articles into it.

    The parent is named by document: its first member listed before the child, as in the copy tree.
    """
    spec = specific or _plain_grams
    cache: dict[tuple[str, int, int], frozenset] = {}

    def grams(p) -> frozenset:
        key = (p.doc, p.start, p.end)
        if key not in cache:
            cache[key] = spec(docs[p.doc].text[p.start : p.end])
        return cache[key]

    if c.origin is None:
        return list(c.members)
    keep: list[Member] = []
    carrying: dict[str, bool] = {}  # a document's first member: does it carry?
    firsts: dict[str, Member] = {}
    for m in c.members:
        if m.passage == c.origin:
            ok = True
        else:
            above = firsts.get(m.parent) if m.parent else None
            ref = above.passage if above is not None else c.origin
            ok = (above is None or carrying[above.passage.doc]) and len(
                grams(m.passage) & grams(ref)
            ) >= TOP_MIN_SHARED
        if ok:
            keep.append(m)
        if m.passage.doc not in firsts:
            firsts[m.passage.doc] = m
            carrying[m.passage.doc] = ok
    return keep


def stories(
    clusters: list[Cluster],
    docs: dict[str, Document],
    specific: Specific | None = None,
    boilerplate: _Boilerplate | None = None,
) -> list[list[Cluster]]:
    """The groups worth a place in the top list, most syndicated first, gathered by story.

    Only a group's :func:`carriers` count: their outlets, then their number, rank it. A group is left
    out when its origin passage has fewer than ``TOP_MIN_SPECIFIC`` word n-grams that are not stock
    phrases (``specific``), when no other member carries it, or when most of its carriers are mostly
    their outlet's boilerplate. A group joins the first (most syndicated) story whose leading group
    shares at least two of its carriers' documents and ``STORY_OVERLAP`` of the smaller one's: the
    paragraphs of one article reprinted by several outlets are one story. Compared with the leader
    only, so stories never chain.
    """
    spec = specific or _plain_grams
    candidates = []
    for c in clusters:
        if c.origin is None:
            continue
        o = c.origin
        if len(spec(docs[o.doc].text[o.start : o.end])) < TOP_MIN_SPECIFIC:
            continue
        keep = carriers(c, docs, spec)
        if len(keep) < 2:
            continue
        if boilerplate is not None:
            mostly = sum(
                boilerplate.share(m.passage.doc, m.passage.start, m.passage.end) > TOP_MAX_BOILERPLATE
                for m in keep
            )
            if 2 * mostly > len(keep):
                continue
        candidates.append((-len({docs[m.passage.doc].outlet for m in keep}), -len(keep), c.id, c, keep))
    out: list[tuple[set[str], list[Cluster]]] = []
    for *_, c, keep in sorted(candidates, key=lambda t: t[:3]):
        members = {m.passage.doc for m in keep}
        for lead, story in out:
            shared = len(members & lead)
            if shared >= 2 and shared >= STORY_OVERLAP * min(len(members), len(lead)):
                story.append(c)
                break
        else:
            out.append((members, [c]))
    return [story for _, story in out]


def _story_entry(
    story: list[Cluster], by_id: dict[str, Document], rcfg: ReportConfig, specific: Specific | None
) -> dict[str, Any]:
    c = story[0]
    keep = carriers(c, by_id, specific)
    outlets: list[str] = []
    for m in keep:
        o = by_id[m.passage.doc].outlet
        if o not in outlets:
            outlets.append(o)
    story_docs = {m.passage.doc for m in keep} | {
        m.passage.doc for g in story[1:] for m in carriers(g, by_id, specific)
    }
    return {
        "cluster": c.id,
        "color": cluster_color(_index(c.id)),
        "size": len(keep),
        "left_out": c.size - len(keep),
        "outlets": outlets,
        "upstream": c.upstream,
        "upstream_name": agency_name(c.upstream) if c.upstream else None,
        "origin": _passage(by_id[c.origin.doc], c.origin.start, c.origin.end, rcfg.snippet_chars)
        if c.origin
        else None,
        "tree": _tree(keep, by_id),
        "story": {
            "clusters": [g.id for g in story],
            "documents": len(story_docs),
            "outlets": len({by_id[d].outlet for d in story_docs}),
        },
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
        "title": display_text(doc.title),
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
    out: str | Path, data: dict[str, Any], meta: dict[str, Any] | None = None
) -> list[Path]:
    """Write the report in the format its extension names, with the heatmap PNG and matrix CSV beside it."""
    from syndetect.io.writers import atomic_open

    fmt = report_format(out)
    path, png_path, csv_path = output_paths(out)
    png = heatmap_png(data)
    with atomic_open(png_path, "wb") as fh:
        fh.write(png)
    with atomic_open(csv_path) as fh:
        fh.write(matrix_csv(data))
    if fmt == "html":
        from syndetect.report.html import render_html

        text = render_html(data, png, meta)
    elif fmt == "md":
        text = render_markdown(data, png_path.name)
    else:
        text = render_json(data)
    with atomic_open(path) as fh:
        fh.write(text)
    return [path, png_path, csv_path]
