"""Records as the JSON objects of the contract's output files (pairs, clusters)."""

from __future__ import annotations

from typing import Any

from syndetect.records import Cluster, Document, Match, Passage


def passage_json(p: Passage, doc: Document) -> dict[str, Any]:
    """``{"doc", "outlet", "published", "start", "end"}``."""
    return {"doc": p.doc, "outlet": doc.outlet, "published": doc.published, "start": p.start, "end": p.end}


def match_json(m: Match, docs: dict[str, Document]) -> dict[str, Any]:
    """A ``pairs.jsonl`` record (``cosine`` only on the semantic channel's ``paraphrase`` pairs)."""
    out = {
        "a": passage_json(m.a, docs[m.a.doc]),
        "b": passage_json(m.b, docs[m.b.doc]),
        "kind": m.kind,
        "jaccard": m.jaccard,
        "containment": m.containment,
        "source": m.source,
    }
    if m.cosine is not None:
        out["cosine"] = m.cosine
    return out


def cluster_json(c: Cluster, docs: dict[str, Document]) -> dict[str, Any]:
    """A ``clusters.jsonl`` record; members carry their parent and the evidence for that edge."""
    outlets: list[str] = []
    for m in c.members:
        o = docs[m.passage.doc].outlet
        if o not in outlets:
            outlets.append(o)
    members = []
    for m in c.members:
        rec = passage_json(m.passage, docs[m.passage.doc])
        rec["parent"] = m.parent
        rec["similarity"] = m.similarity
        rec["lag_hours"] = m.lag_hours
        rec["rule"] = m.rule
        if m.credited is not None:
            rec["credited"] = m.credited
        members.append(rec)
    out = {
        "cluster": c.id,
        "size": c.size,
        "outlets": outlets,
        "origin": passage_json(c.origin, docs[c.origin.doc]) if c.origin else None,
        "members": members,
    }
    if c.upstream:
        out["upstream"] = c.upstream
    if c.merged_from:
        out["merged_from"] = list(c.merged_from)
    return out
