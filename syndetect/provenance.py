"""Origin and copy tree of a provenance group.

The origin is the earliest-published member; every other member's parent is the most similar
member published before it (a direct verified pair), else the origin. Members with no time come last
and never become the origin while a dated member exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from syndetect.records import Document, Member, Passage


def time_key(doc: Document, p: Passage) -> tuple[int, datetime | None, str, int]:
    """Sort key: dated before undated, then time, then id and offset (deterministic)."""
    if doc.time is None:
        return (1, None, doc.id, p.start)  # type: ignore[return-value]
    return (0, doc.time, doc.id, p.start)


def _before(a: Document, b: Document) -> bool:
    return a.time is not None and (b.time is None or a.time < b.time)


def infer_tree(
    nodes: list[Passage], sims: dict[tuple[int, int], float], docs: dict[str, Document]
) -> tuple[int, list[Member]]:
    """The origin node and one ``Member`` per node (origin first, then in time order).

    Args:
        nodes: the passages of one group.
        sims: similarity of directly matched node pairs, keyed by ``(min, max)`` node index.
        docs: documents by id.
    """
    order = sorted(range(len(nodes)), key=lambda x: _sort(x, nodes, docs))
    origin = order[0]
    members = [Member(nodes[origin], None, None, None, "origin")]
    for pos, x in enumerate(order[1:], start=1):
        dx = docs[nodes[x].doc]
        best, best_sim, rule = None, -1.0, "earliest-member"
        for y in order[:pos]:
            s = sims.get((min(x, y), max(x, y)))
            if s is None or nodes[y].doc == nodes[x].doc:
                continue
            if s > best_sim:
                best, best_sim = y, s
                rule = "most-similar-earlier" if _before(docs[nodes[y].doc], dx) else "most-similar-tied"
        if best is None:
            best = origin
        parent_doc = docs[nodes[best].doc]
        lag = None
        if dx.time is not None and parent_doc.time is not None:
            lag = round((dx.time - parent_doc.time).total_seconds() / 3600.0, 2)
        members.append(
            Member(nodes[x], nodes[best].doc, round(best_sim, 4) if best_sim >= 0 else None, lag, rule)
        )
    return origin, members


def _sort(x: int, nodes: list[Passage], docs: dict[str, Document]) -> Any:
    return time_key(docs[nodes[x].doc], nodes[x])
