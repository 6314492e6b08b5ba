"""Deduplication: one survivor per group of near-duplicate documents, or repeated passages cut out.

Document level: two documents are near-duplicates when the verified passages they share cover at
least ``dedup.threshold`` of each of them (so an article quoted inside a longer page is not a
duplicate of that page). Groups are connected components; the survivor is the earliest (or the
longest) member. Passage level: every member of a provenance group but its origin is cut out of its
document.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from syndetect.provenance.origin import time_key, union_length
from syndetect.provenance.span_graph import UnionFind
from syndetect.records import Cluster, Document, Match, Passage


@dataclass
class DedupResult:
    kept: list[Document]
    removed: list[dict[str, Any]]


def _text_length(doc: Document) -> int:
    return max(1, len(doc.text.strip()))


def coverage(matches: list[Match], docs: dict[str, Document]) -> dict[tuple[str, str], tuple[float, float]]:
    """For each matched document pair ``(x, y)``, ``x < y``: the share of x and of y that they share."""
    spans: dict[tuple[str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
    for m in matches:
        a, b = (m.a, m.b) if m.a.doc < m.b.doc else (m.b, m.a)
        sx, sy = spans[(a.doc, b.doc)]
        sx.append((a.start, a.end))
        sy.append((b.start, b.end))
    return {
        (x, y): (union_length(sx) / _text_length(docs[x]), union_length(sy) / _text_length(docs[y]))
        for (x, y), (sx, sy) in spans.items()
    }


def _survivor_key(doc: Document, keep: str) -> Any:
    if keep == "longest":
        return (-len(doc.text), doc.id)
    return time_key(doc, Passage(doc.id, 0, 0))


def dedup_documents(
    docs: list[Document], matches: list[Match], threshold: float, keep: str = "earliest"
) -> DedupResult:
    """One survivor per group of near-duplicate documents; the rest listed as removed, with why."""
    by_id = {d.id: d for d in docs}
    index = {d.id: k for k, d in enumerate(docs)}
    cov = coverage(matches, by_id)
    uf = UnionFind(len(docs))
    near = {}
    for (x, y), (cx, cy) in cov.items():
        if min(cx, cy) >= threshold:
            uf.union(index[x], index[y])
            near[(x, y)] = min(cx, cy)
    groups: dict[int, list[Document]] = defaultdict(list)
    for d in docs:
        groups[uf.find(index[d.id])].append(d)
    kept, removed = [], []
    survivor_of: dict[str, str] = {}
    for members in groups.values():
        survivor = min(members, key=lambda d: _survivor_key(d, keep))
        for d in members:
            survivor_of[d.id] = survivor.id
    for d in docs:
        s = survivor_of[d.id]
        if s == d.id:
            kept.append(d)
            continue
        pair = (min(d.id, s), max(d.id, s))
        sim = near.get(pair)
        reason = f"near-duplicate of {s}" if sim is not None else f"near-duplicate of a near-duplicate of {s}"
        removed.append(
            {
                "id": d.id,
                "kept": s,
                "similarity": round(sim, 4) if sim is not None else None,
                "reason": f"{reason} ({keep} kept)",
            }
        )
    return DedupResult(kept, removed)


def dedup_passages(docs: list[Document], clusters: list[Cluster]) -> DedupResult:
    """Cut every repeated passage out of the documents that are not its group's origin."""
    cuts: dict[str, list[tuple[int, int, str, float | None, str]]] = defaultdict(list)
    for c in clusters:
        if c.origin is None:
            continue
        for m in c.members:
            p = m.passage
            if p == c.origin or p.doc == c.origin.doc:
                continue
            cuts[p.doc].append((p.start, p.end, c.origin.doc, m.similarity, c.id))
    kept, removed = [], []
    for d in docs:
        spans = sorted(cuts.get(d.id, []))
        if not spans:
            kept.append(d)
            continue
        pieces, pos = [], 0
        for s, e, origin, sim, cid in spans:
            removed.append(
                {
                    "id": d.id,
                    "start": s,
                    "end": e,
                    "kept": origin,
                    "similarity": sim,
                    "reason": f"passage repeated from {origin} (cluster {cid})",
                }
            )
            if s > pos:
                pieces.append(d.text[pos:s])
            pos = max(pos, e)
        pieces.append(d.text[pos:])
        kept.append(replace(d, text="".join(pieces)))
    return DedupResult(kept, removed)
