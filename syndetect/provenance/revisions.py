"""Revisions: the same article crawled again, with or without edits, is not syndication.

Two documents are revisions of one article (one **revision chain**) when

- they have the same normalized URL (``extra["normalized_url"]`` from the web readers, else the URL
  without scheme, ``www.``, default port, fragment, trailing slash and tracking parameters), or one
  names the other in ``extra["revision_of"]``; or
- they come from the same outlet, carry the same title (normalized, at least two words) and share
  text: a verified pair covering at least half of the shorter one (a recurring column title alone,
  "كلمة الرياض", does not make two different articles one).

Pairs between revisions of one chain are dropped from clusters and reports (never an edge between two
captures, never counted as reuse), and a group keeps only the earliest revision of a chain.

Example:
    >>> from syndetect.records import Document
    >>> a = Document("a", "نص أول", "okaz", url="https://www.okaz.com.sa/news/1/")
    >>> b = Document("b", "نص معدل", "okaz", url="http://okaz.com.sa/news/1")
    >>> revision_chains([a, b]).chains
    [['a', 'b']]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from syndetect.provenance.origin import shared_spans, time_key, union_length
from syndetect.records import Document, Match, Passage
from syndetect.text.normalize import normalize_text


@dataclass
class Revisions:
    """Revision chains: ``chain_of`` maps a document in a chain to the chain's first document."""

    chain_of: dict[str, str] = field(default_factory=dict)
    chains: list[list[str]] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # chain id -> "url" | "title" | "url+title"

    def same_chain(self, a: str, b: str) -> bool:
        """Whether two documents are revisions of one article."""
        ca = self.chain_of.get(a)
        return ca is not None and ca == self.chain_of.get(b)

    def is_later_revision(self, doc: str) -> bool:
        """Whether the document is a chain member other than its first."""
        first = self.chain_of.get(doc)
        return first is not None and first != doc

    def to_json(self) -> list[dict[str, Any]]:
        """The chains as JSON: ``[{"chain", "documents", "by"}]``."""
        return [{"chain": c[0], "documents": c, "by": self.reasons.get(c[0], "url")} for c in self.chains]


def url_key(doc: Document) -> str | None:
    """The key that recognises the same page crawled again (``None`` without a URL)."""
    key = doc.extra.get("normalized_url")
    if isinstance(key, str) and key:
        return key
    if not doc.url:
        return None
    from syndetect.io.html import normalize_url

    return normalize_url(doc.url)


def title_key(doc: Document) -> tuple[str, str] | None:
    """``(outlet, normalized title)``, or ``None`` for a missing or one-word title."""
    if not doc.title:
        return None
    norm = normalize_text(doc.title)
    if len(norm.split()) < 2:
        return None
    return doc.outlet, norm


class _Sets:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def revision_chains(
    docs: Iterable[Document], matches: Iterable[Match] | None = None, min_shared: float = 0.5
) -> Revisions:
    """The revision chains of a corpus (see the module docstring for the rules).

    Args:
        docs: the corpus.
        matches: verified pairs; without them, same outlet and title alone never makes a chain.
        min_shared: the share of the shorter document a same-title pair must share.
    """
    docs = list(docs)
    by_id = {d.id: d for d in docs}
    sets = _Sets()
    how: dict[tuple[str, str], str] = {}
    by_url: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        key = url_key(d)
        if key:
            by_url[key].append(d.id)
        first = d.extra.get("revision_of")
        if isinstance(first, str) and first in by_id and first != d.id:
            sets.union(first, d.id)
            how[(min(first, d.id), max(first, d.id))] = "url"
    for ids in by_url.values():
        for other in ids[1:]:
            sets.union(ids[0], other)
            how[(min(ids[0], other), max(ids[0], other))] = "url"
    if matches is not None:
        titles: dict[str, tuple[str, str] | None] = {}

        def title_of(i: str) -> tuple[str, str] | None:
            if i not in titles:
                titles[i] = title_key(by_id[i])
            return titles[i]

        for (x, y), (sx, sy) in shared_spans(matches).items():
            if by_id[x].outlet != by_id[y].outlet or not by_id[x].title or not by_id[y].title:
                continue
            tx, ty = title_of(x), title_of(y)
            if tx is None or tx != ty:
                continue
            # the shorter document has the larger covered share
            cover = max(_covered(sx, by_id[x]), _covered(sy, by_id[y]))
            if cover >= min_shared:
                sets.union(x, y)
                how[(x, y)] = "title" if how.get((x, y)) is None else "url+title"
    groups: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        if d.id in sets.parent:
            groups[sets.find(d.id)].append(d.id)
    out = Revisions()
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: time_key(by_id[i], Passage(i, 0, 0)))
        first = members[0]
        kinds = {
            how[(min(a, b), max(a, b))] for a in members for b in members if (min(a, b), max(a, b)) in how
        }
        out.reasons[first] = "+".join(sorted({k for kind in kinds for k in kind.split("+")}))
        for m in members:
            out.chain_of[m] = first
        out.chains.append(members)
    out.chains.sort()
    return out


def _covered(spans: list[tuple[int, int]], doc: Document) -> float:
    return union_length(spans) / max(1, len(doc.text.strip()))


def drop_revision_pairs(matches: list[Match], revisions: Revisions) -> tuple[list[Match], list[Match]]:
    """``(kept, dropped)``: the pairs between two revisions of one article are dropped."""
    kept, dropped = [], []
    for m in matches:
        (dropped if revisions.same_chain(m.a.doc, m.b.doc) else kept).append(m)
    return kept, dropped
