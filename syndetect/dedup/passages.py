"""Passage-level dedup: every member of a provenance group but its origin is cut out of its document."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from syndetect.dedup.result import DedupResult
from syndetect.records import Cluster, Document


def dedup_passages(docs: list[Document], clusters: list[Cluster]) -> DedupResult:
    """Cut every repeated passage out of the documents that are not its group's origin."""
    cuts: dict[str, list[tuple[int, int, str, float | None, str, int]]] = defaultdict(list)
    for c in clusters:
        if c.origin is None:
            continue
        for m in c.members:
            p = m.passage
            if p == c.origin or p.doc == c.origin.doc:
                continue
            cuts[p.doc].append((p.start, p.end, c.origin.doc, m.similarity, c.id, c.size))
    kept, removed = [], []
    groups: Counter[str] = Counter()
    for d in docs:
        spans = sorted(cuts.get(d.id, []))
        if not spans:
            kept.append(d)
            continue
        pieces, pos = [], 0
        for s, e, origin, sim, cid, size in spans:
            groups[cid] += 1
            removed.append(
                {
                    "id": d.id,
                    "start": s,
                    "end": e,
                    "kept": origin,
                    "similarity": sim,
                    "jaccard": None,
                    "group": cid,
                    "group_size": size,
                    "reason": f"passage repeated from {origin} (cluster {cid})",
                }
            )
            if s > pos:
                pieces.append(d.text[pos:s])
            pos = max(pos, e)
        pieces.append(d.text[pos:])
        kept.append(replace(d, text="".join(pieces)))
    stats = {
        "groups": len(groups),
        "removed_by_reason": {"repeated-passage": len(removed)} if removed else {},
    }
    return DedupResult(kept, removed, {}, stats)
