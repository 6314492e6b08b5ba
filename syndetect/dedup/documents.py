"""Document-level dedup: a document goes only when it is mostly a copy of the survivor it names.

Candidates are the document pairs that share a verified passage, and documents with the same words.
Documents are decided one by one in survivor order (earliest first, or longest first). A document is
removed when, measured directly against one already-kept document (never through a removed one), at
least ``dedup.threshold`` of its word n-grams are in that document (its ``similarity``) and nothing
says the two are different stories filled into one template: no number that differs where the texts
align, and no more name substitutions than ``dedup.name_changes_per_100`` allows. Otherwise it is kept.
So independent rewrites of one story (they share passages, not most of their n-grams) stay, and every
group of identical texts ends with one survivor.
"""

from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from typing import Any

from syndetect.config import DedupConfig, NormalizeConfig
from syndetect.dedup.measure import ngrams, substitutions
from syndetect.dedup.result import DedupResult
from syndetect.provenance.origin import time_key
from syndetect.records import Document, Match, Passage
from syndetect.text.normalize import words

REASONS = ("exact", "normalized", "near-copy", "contained")


def survivor_key(doc: Document, keep: str) -> Any:
    """Sort key of the survivor order: earliest first (undated last), or longest first; then id."""
    if keep == "longest":
        return (-len(doc.text), doc.id)
    return time_key(doc, Passage(doc.id, 0, 0))


def candidate_pairs(matches: Iterable[Match]) -> dict[str, set[str]]:
    """Each document's neighbours: the documents it shares at least one verified passage with."""
    out: dict[str, set[str]] = defaultdict(set)
    for m in matches:
        out[m.a.doc].add(m.b.doc)
        out[m.b.doc].add(m.a.doc)
    return out


def _squeeze(text: str) -> str:
    return " ".join(text.split())


class _Grams:
    """Word n-gram sets of documents, computed on demand, the most recent few thousand kept."""

    def __init__(self, tokens: dict[str, list[str]], n: int, size: int = 4096) -> None:
        self.tokens, self.n, self.size = tokens, n, size
        self.cache: OrderedDict[str, set] = OrderedDict()

    def __call__(self, doc_id: str) -> set:
        got = self.cache.get(doc_id)
        if got is None:
            got = ngrams(self.tokens[doc_id], self.n)
            self.cache[doc_id] = got
            if len(self.cache) > self.size:
                self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(doc_id)
        return got


def dedup_documents(
    docs: list[Document],
    matches: Iterable[Match],
    cfg: DedupConfig | None = None,
    keep: str | None = None,
    normalize: NormalizeConfig | None = None,
    seen: frozenset[str] | set[str] = frozenset(),
) -> DedupResult:
    """One survivor per group of copies; every removed document names the kept one it is a copy of.

    Args:
        docs: the corpus.
        matches: verified passage pairs (any direction); they only propose candidates.
        cfg: the ``[dedup]`` settings (threshold, n, evidence against).
        keep: ``earliest`` or ``longest`` (``cfg.keep`` when not given).
        normalize: how words are normalized before the n-grams are taken.
        seen: documents already kept (an index's): survivors ahead of every other, never removed.
    """
    cfg = cfg or DedupConfig()
    keep = keep or cfg.keep
    tokens = {d.id: words(d.text, normalize) for d in docs}
    grams = _Grams(tokens, cfg.ngram)
    order = sorted(docs, key=lambda d: (d.id not in seen, survivor_key(d, keep)))
    rank = {d.id: k for k, d in enumerate(order)}
    by_id = {d.id: d for d in docs}

    # documents with the same normalized words are decided together, by their first in order
    same: dict[str, list[str]] = defaultdict(list)
    for d in order:
        if tokens[d.id]:
            same[hashlib.blake2b("\x1f".join(tokens[d.id]).encode(), digest_size=16).hexdigest()].append(d.id)
    first_of = {m: ms[0] for ms in same.values() for m in ms}
    members_of = {ms[0]: ms for ms in same.values()}
    neighbours = candidate_pairs(matches)

    kept: set[str] = set()
    survivor: dict[str, tuple[str, float, float, str]] = {}  # removed id -> (kept id, sim, jaccard, reason)
    not_removed: Counter[str] = Counter()
    for d in order:
        if not tokens[d.id]:
            kept.add(d.id)  # no words: nothing to measure, never removed nor a survivor
            continue
        if first_of[d.id] != d.id:
            continue  # decided with the first of its identical texts
        members = members_of[d.id]
        near = {first_of.get(x, x) for m in members for x in neighbours.get(m, ())}
        cands = sorted((c for c in near if c in kept and tokens[c]), key=rank.__getitem__)
        if d.id in seen:
            decided = None
        else:
            decided = _best_survivor(d, cands, by_id, tokens, grams, cfg, not_removed)
        if decided is None:
            kept.add(d.id)
        else:
            survivor[d.id] = decided
        for m in members[1:]:
            if m in seen:
                kept.add(m)
            elif decided is None:
                reason = "exact" if _squeeze(by_id[m].text) == _squeeze(d.text) else "normalized"
                survivor[m] = (d.id, 1.0, 1.0, reason)
            else:
                survivor[m] = decided  # the same words: the same measure against the same survivor
    return _result(docs, survivor, not_removed)


def _best_survivor(
    d: Document,
    cands: list[str],
    by_id: dict[str, Document],
    tokens: dict[str, list[str]],
    grams: _Grams,
    cfg: DedupConfig,
    not_removed: Counter[str],
) -> tuple[str, float, float, str] | None:
    """The kept document this one is a copy of, with (similarity, jaccard, reason); ``None`` if none."""
    doc = d.id
    mine = grams(doc)
    scored = []
    for c in cands:
        shared = len(mine & grams(c))
        sim = shared / len(mine)
        if sim >= cfg.threshold:
            scored.append((-sim, c, shared))
    if not scored:
        if cands:
            not_removed["not_contained"] += 1
        return None
    scored.sort()  # most contained first; ties: earlier in survivor order (cands were ranked)
    allowed = max(1, int(len(tokens[doc]) * cfg.name_changes_per_100 / 100))
    veto = None
    for neg_sim, c, shared in scored:
        subs = substitutions(tokens[doc], tokens[c])
        if subs.numbers > cfg.max_number_changes:
            veto = veto or "different_numbers"
            continue
        if subs.names > allowed:
            veto = veto or "different_names"
            continue
        theirs = grams(c)
        jac = shared / len(mine | theirs)
        if tokens[doc] == tokens[c]:
            reason = "exact" if _squeeze(by_id[c].text) == _squeeze(d.text) else "normalized"
        else:  # contained: the survivor holds it and much more (a trimmed copy)
            reason = "near-copy" if shared / len(theirs) >= cfg.threshold else "contained"
        return c, -neg_sim, jac, reason
    not_removed[veto] += 1
    return None


def _result(
    docs: list[Document],
    survivor: dict[str, tuple[str, float, float, str]],
    not_removed: Counter[str],
) -> DedupResult:
    """The kept documents, the removed records, the groups and the statistics."""
    members: dict[str, list[str]] = defaultdict(list)
    for removed_id, (kept_id, *_rest) in survivor.items():
        members[kept_id].append(removed_id)
    group_id = {s: f"g-{k:06d}" for k, s in enumerate(sorted(members), 1)}
    groups = {}
    for s, ms in members.items():
        info = (group_id[s], len(ms) + 1)
        groups[s] = info
        for m in ms:
            groups[m] = info
    removed = []
    reasons: Counter[str] = Counter()
    for d in docs:
        if d.id not in survivor:
            continue
        kept_id, sim, jac, reason = survivor[d.id]
        reasons[reason] += 1
        gid, size = groups[d.id]
        removed.append(
            {
                "id": d.id,
                "kept": kept_id,
                "similarity": round(sim, 4),
                "jaccard": round(jac, 4),
                "group": gid,
                "group_size": size,
                "reason": reason,
            }
        )
    kept = [d for d in docs if d.id not in survivor]
    stats = {
        "groups": len(members),
        "removed_by_reason": {r: reasons[r] for r in REASONS if reasons[r]},
        "not_removed": dict(sorted(not_removed.items())),
    }
    return DedupResult(kept, removed, groups, stats)
