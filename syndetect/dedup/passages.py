"""Passage-level dedup: every member of a provenance group but its origin is cut out of its document.

Each cut is measured directly against the group's origin, as document-level removals are: its
``similarity`` is the share of the cut passage's word n-grams found in the origin's document (the kept
document it names), its ``jaccard`` the Jaccard of the cut passage's and the origin passage's n-grams.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from syndetect.config import DedupConfig, NormalizeConfig
from syndetect.dedup.measure import ngrams
from syndetect.dedup.result import DedupResult
from syndetect.records import Cluster, Document, Passage
from syndetect.text.normalize import words

REASON = "repeated-passage"


def dedup_passages(
    docs: list[Document],
    clusters: list[Cluster],
    cfg: DedupConfig | None = None,
    normalize: NormalizeConfig | None = None,
) -> DedupResult:
    """Cut every repeated passage out of the documents that are not its group's origin.

    Args:
        docs: the corpus.
        clusters: the provenance groups (their origins stay where they are).
        cfg: the ``[dedup]`` settings (``ngram``: the n of the word n-grams measured).
        normalize: how words are normalized before the n-grams are taken.
    """
    n = (cfg or DedupConfig()).ngram
    by_id = {d.id: d for d in docs}
    cache: dict[tuple[str, int, int], set] = {}

    def grams(p: Passage) -> set:
        key = (p.doc, p.start, p.end)
        if key not in cache:
            cache[key] = ngrams(words(by_id[p.doc].text[p.start : p.end], normalize), n)
        return cache[key]

    cuts: dict[str, list[tuple[int, int, str, float, float, str, int]]] = defaultdict(list)
    for c in clusters:
        o = c.origin
        if o is None:
            continue
        whole = grams(Passage(o.doc, 0, len(by_id[o.doc].text)))
        for m in c.members:
            p = m.passage
            if p == o or p.doc == o.doc:
                continue
            mine, theirs = grams(p), grams(o)
            sim = len(mine & whole) / len(mine) if mine else 0.0
            union = len(mine | theirs)
            jac = len(mine & theirs) / union if union else 0.0
            cuts[p.doc].append((p.start, p.end, o.doc, round(sim, 4), round(jac, 4), c.id, c.size))
    kept, removed = [], []
    groups: Counter[str] = Counter()
    for d in docs:
        spans = sorted(cuts.get(d.id, []))
        if not spans:
            kept.append(d)
            continue
        pieces, pos = [], 0
        for s, e, origin, sim, jac, cid, size in spans:
            groups[cid] += 1
            removed.append(
                {
                    "id": d.id,
                    "start": s,
                    "end": e,
                    "kept": origin,
                    "similarity": sim,
                    "jaccard": jac,
                    "group": cid,
                    "group_size": size,
                    "reason": REASON,
                }
            )
            if s > pos:
                pieces.append(d.text[pos:s])
            pos = max(pos, e)
        pieces.append(d.text[pos:])
        kept.append(replace(d, text="".join(pieces)))
    stats = {
        "groups": len(groups),
        "removed_by_reason": {REASON: len(removed)} if removed else {},
    }
    return DedupResult(kept, removed, {}, stats)
