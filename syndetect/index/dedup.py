"""Dedup against an index (the daily crawl): a batch without the documents that duplicate an indexed
one or each other, each removed one naming its survivor (an indexed document or one of the batch). The
index is not changed.

The batch's reuse is found as :func:`~syndetect.index.core.add` finds it (against everything indexed
and within itself); the document rule is :func:`~syndetect.dedup.dedup_documents`, with the indexed
documents it involves as survivors already kept. A batch document whose id is already indexed is
removed as ``already-indexed`` (the index's copy is the survivor).
"""

from __future__ import annotations

from syndetect.config import Config
from syndetect.dedup import DedupResult, dedup_documents
from syndetect.index.core import Progress, detect
from syndetect.index.store import Store
from syndetect.records import Document


def dedup_batch(
    store: Store, docs: list[Document], cfg: Config, progress: Progress | None = None
) -> DedupResult:
    """The batch with the documents already seen (in the index or earlier in the batch) removed."""
    indexed = store.doc_serial([d.id for d in docs])
    fresh = [d for d in docs if d.id not in indexed]
    got = detect(store, fresh, cfg, progress)
    mine = {d.id for d in fresh}
    matches = [m for m in got.matches if m.a.doc in mine or m.b.doc in mine]
    seen = {x for m in matches for x in (m.a.doc, m.b.doc)} - mine
    got.loader.documents(seen)
    involved = [got.loader.docs[i] for i in sorted(seen)]
    dd = dedup_documents(fresh + involved, matches, cfg.dedup, cfg.dedup.keep, cfg.normalize, seen=seen)
    kept = {d.id for d in dd.kept}
    removed = [r for r in dd.removed if r["id"] in mine]
    removed += [
        {
            "id": d.id,
            "kept": d.id,
            "similarity": None,
            "jaccard": None,
            "group": None,
            "group_size": None,
            "reason": "already-indexed",
        }
        for d in docs
        if d.id in indexed
    ]
    order = {d.id: k for k, d in enumerate(docs)}
    removed.sort(key=lambda r: order[r["id"]])
    stats = dict(dd.stats)
    stats["already_indexed"] = len(indexed)
    stats["survivors_indexed"] = len({r["kept"] for r in removed if r["kept"] in seen})
    return DedupResult([d for d in docs if d.id in kept and d.id in mine], removed, dd.groups, stats)
