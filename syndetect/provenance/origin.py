"""Who published first and who copied whom: the direction of a pair and the copy tree of a group.

Time decides first. A document's time is an interval: a full timestamp is a point, a day-only date
covers its whole day (it ties with every time that day), a crawl time covers the
``crawl_window_hours`` before it (the page was published at the latest then). Crawl times are the WARC
date of a page that gives none (``extra["published_source"] == "fallback"``) and the times of a crawl
batch: ten or more documents of one outlet stamped within a minute (:func:`crawl_batches`). An edge
decided by a crawl time says so (``earlier-crawl``). A document without a time ties with everything.

When times tie and one side is a news agency's own article (outlet ``was`` is SPA, see
:func:`syndetect.provenance.attribution.agency_of`), the agency is the source (``tie:agency-first``).
Otherwise, when time does not decide (a tie or a missing time), the text does, after polmineR's rule
(Kliche et al., LREC 2014): on the same day the shorter text is the copy, trimmed from the longer one;
but a text that contains the other whole *plus its own lead* is the later one (a page that quotes a
wire story, an aggregator). When neither applies, the direction is unknown (``None``).

The copy tree of a group (:func:`infer_tree`): members in that order; the origin is the first; every
other member's parent is the member it most likely copied from, with the rule that decided:

- ``enclosing-copy``: the member lies inside a longer passage of its document that is a copy of
  document E (an aggregator's section copying an outlet's article): its parent is E's member.
- ``credited-source``: the member's document credits an agency whose own article is a member.
- ``earlier`` / ``earlier-crawl``: the most similar member published before it.
- ``tie:agency-first``, ``tie:shorter-is-copy``, ``tie:contains-more``, ``tie:undecided``: the
  parent's time ties with the member's; the agency rule, the text rule (or nothing, then time and id
  order) put the parent first.
- ``shared-edits``: among candidates about as similar, the passages could not tell; the earlier
  document whose edits the member shares is its parent (:mod:`syndetect.provenance.lineage`).
- ``undated``: the member has no time; attached to the most similar dated member.
- ``same-document``: another passage of the origin's own document, attached to the origin.
- ``credited-order``: the parent is later by the clock but was put first because another member
  credits it (see below).

A credited agency's article counts as published no later than the articles that credit it (within
``ProvenanceConfig.credit_window_hours``): a credit is evidence of direction that beats a crawl clock.

Example:
    >>> from syndetect.records import Document, Match, Passage
    >>> from syndetect.io.readers import parse_published
    >>> def doc(i, text, when):
    ...     t, p = parse_published(when)
    ...     return Document(i, text, i, when, t, p)
    >>> wire = doc("wire", "أ" * 400, "2015-07-21")
    >>> trimmed = doc("copy", "أ" * 300, "2015-07-21")
    >>> m = Match(Passage("wire", 0, 300), Passage("copy", 0, 300), "exact", 1.0, 1.0)
    >>> direction(m, {"wire": wire, "copy": trimmed})
    Direction(source='a', rule='tie:shorter-is-copy')
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from syndetect.config import ProvenanceConfig
from syndetect.provenance.lineage import LINEAGE_MARGIN, LINEAGE_MAX, lineage_parent
from syndetect.records import Document, Match, Member, Passage

DAY = timedelta(days=1) - timedelta(microseconds=1)


# ------------------------------------------------------------------------------------------------ time


@dataclass(frozen=True, slots=True)
class When:
    """A document's time as an interval ``[lo, hi]``; ``basis`` is ``datetime``, ``day`` or ``crawl``."""

    lo: datetime
    hi: datetime
    basis: str


CRAWLED = ("fallback", "crawl-batch")  # extra["published_source"] values that mean "a crawl time"


def when(doc: Document, crawl_hours: float = 24.0) -> When | None:
    """The document's time with its uncertainty; ``None`` when unknown.

    A crawl time (``extra["published_source"]`` ``"fallback"`` or ``"crawl-batch"``) only bounds the
    publication from above: the interval is the ``crawl_hours`` before it.
    """
    if doc.time is None:
        return None
    if doc.time_precision == "day":
        return When(doc.time, doc.time + DAY, "day")
    if doc.extra.get("published_source") in CRAWLED:
        return When(doc.time - timedelta(hours=crawl_hours), doc.time, "crawl")
    return When(doc.time, doc.time, "datetime")


def crawl_batches(docs: Iterable[Document], min_docs: int = 10, seconds: float = 60.0) -> frozenset[str]:
    """Documents whose time is a crawl time: ``min_docs`` or more of one outlet stamped within a minute.

    A site does not publish ten articles in a minute; a crawler fetches them in one. A document is in
    a batch when at least ``min_docs`` documents of its outlet (itself included) lie within
    ``seconds`` of its time. Such a time is kept as an upper bound of the publication time (see
    :func:`when`), not as the time itself.
    """
    by_outlet: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for d in docs:
        if d.time is not None and d.time_precision != "day":
            by_outlet[d.outlet].append((d.time.timestamp(), d.id))
    found: set[str] = set()
    for stamps in by_outlet.values():
        stamps.sort()
        times = [t for t, _ in stamps]
        lo = hi = 0
        for k, t in enumerate(times):
            while times[lo] < t - seconds:
                lo += 1
            while hi < len(times) and times[hi] <= t + seconds:
                hi += 1
            if hi - lo >= min_docs:
                found.add(stamps[k][1])
    return frozenset(found)


def mark_crawl_batches(docs: dict[str, Document], min_docs: int = 10) -> dict[str, Document]:
    """The documents, those stamped in a crawl batch marked ``extra["published_source"] = "crawl-batch"``.

    Copies are made; the input documents are not changed (outputs still echo them as read).
    """
    batch = crawl_batches(docs.values(), min_docs)
    if not batch:
        return docs
    out = dict(docs)
    for i in batch:
        d = docs[i]
        if d.extra.get("published_source") is None:
            out[i] = replace(d, extra={**d.extra, "published_source": "crawl-batch"})
    return out


def earlier(a: When | None, b: When | None) -> str | None:
    """``"a"`` or ``"b"``, whichever is surely earlier; ``None`` on a tie or a missing time.

    >>> from datetime import datetime, UTC
    >>> t = lambda h: datetime(2015, 10, 21, h, tzinfo=UTC)
    >>> earlier(When(t(9), t(9), "datetime"), When(t(11), t(11), "datetime"))
    'a'
    >>> earlier(When(t(0), t(0) + DAY, "day"), When(t(11), t(11), "datetime")) is None
    True
    """
    if a is None or b is None:
        return None
    if a.hi < b.lo:
        return "a"
    if b.hi < a.lo:
        return "b"
    return None


def time_key(doc: Document, p: Passage) -> tuple[int, datetime | None, str, int]:
    """Sort key: dated before undated, then time, then id and offset (deterministic)."""
    if doc.time is None:
        return (1, None, doc.id, p.start)  # type: ignore[return-value]
    return (0, doc.time, doc.id, p.start)


def lag_hours(child: Document, parent: Document) -> float | None:
    """Hours from the parent's time to the child's (``None`` when either is unknown)."""
    if child.time is None or parent.time is None:
        return None
    return round((child.time - parent.time).total_seconds() / 3600.0, 2)


# ------------------------------------------------------------------------------------------ direction


def union_length(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by a set of intervals.

    >>> union_length([(0, 10), (5, 15), (20, 25)])
    20
    """
    total, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total


SharedSpans = dict[tuple[str, str], tuple[list[tuple[int, int]], list[tuple[int, int]]]]


def shared_spans(matches: Iterable[Match]) -> SharedSpans:
    """For every matched document pair ``(x, y)`` with ``x < y``: the spans of x and of y they share."""
    out: SharedSpans = defaultdict(lambda: ([], []))
    for m in matches:
        a, b = (m.a, m.b) if m.a.doc < m.b.doc else (m.b, m.a)
        sx, sy = out[(a.doc, b.doc)]
        sx.append((a.start, a.end))
        sy.append((b.start, b.end))
    return dict(out)


def _pair_spans(x: str, y: str, shared: SharedSpans | None, fallback: tuple[list, list]) -> tuple[list, list]:
    if shared is None:
        return fallback
    if x < y:
        return shared.get((x, y), fallback)
    sy, sx = shared.get((y, x), (fallback[1], fallback[0]))
    return sx, sy


@dataclass(frozen=True, slots=True)
class Direction:
    """Which side of a pair is the source (``"a"``, ``"b"`` or ``None``) and the rule that said so."""

    source: str | None
    rule: str


def text_rule(
    a: Document,
    a_spans: list[tuple[int, int]],
    b: Document,
    b_spans: list[tuple[int, int]],
    pcfg: ProvenanceConfig | None = None,
) -> Direction:
    """The polmineR rule for two texts whose times tie: ``source`` is the side that was copied from.

    The text containing the other (nearly) whole plus a lead of its own is the later one
    (``contains-more``); otherwise the shorter text, when enough of it is shared, is the trimmed copy
    (``shorter-is-copy``); otherwise ``undecided``.
    """
    pcfg = pcfg or ProvenanceConfig()
    la, lb = _stripped(a.text), _stripped(b.text)
    len_a, len_b = la[1] - la[0], lb[1] - lb[0]
    if len_a == len_b or not a_spans or not b_spans:
        return Direction(None, "undecided")
    small, large = ("a", "b") if len_a < len_b else ("b", "a")
    s_len, l_len = min(len_a, len_b), max(len_a, len_b)
    s_spans = a_spans if small == "a" else b_spans
    l_spans = b_spans if small == "a" else a_spans
    l_start = (la if large == "a" else lb)[0]
    s_cov = union_length(s_spans) / max(1, s_len)
    own_lead = min(s for s, _ in l_spans) - l_start
    if s_cov >= pcfg.contains_min_coverage and own_lead >= pcfg.contains_min_lead:
        return Direction(small, "contains-more")
    if s_cov >= pcfg.tie_min_coverage and (l_len - s_len) >= pcfg.tie_min_length_gap * s_len:
        return Direction(large, "shorter-is-copy")
    return Direction(None, "undecided")


def _stripped(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))


def doc_direction(
    a: Document,
    b: Document,
    a_spans: list[tuple[int, int]],
    b_spans: list[tuple[int, int]],
    pcfg: ProvenanceConfig | None = None,
) -> Direction:
    """The direction between two documents: time first; on a tie a news agency's own article first
    (``tie:agency-first``: wires are the newspapers' upstream); then the text rule (``tie:`` or
    ``undated:``)."""
    hours = (pcfg or ProvenanceConfig()).crawl_window_hours
    wa, wb = when(a, hours), when(b, hours)
    side = earlier(wa, wb)
    if side is not None:
        crawl = "crawl" in (wa.basis, wb.basis)  # type: ignore[union-attr]
        return Direction(side, "earlier-crawl" if crawl else "earlier")
    prefix = "tie" if wa is not None and wb is not None else "undated"
    if prefix == "tie":
        from syndetect.provenance.attribution import agency_of

        aa, ab = agency_of(a.outlet), agency_of(b.outlet)
        if (aa is None) != (ab is None):  # a news agency's own article comes before a newspaper's
            return Direction("a" if aa is not None else "b", "tie:agency-first")
    d = text_rule(a, a_spans, b, b_spans, pcfg)
    return Direction(d.source, f"{prefix}:{d.rule}")


def direction(
    match: Match,
    docs: dict[str, Document],
    shared: SharedSpans | None = None,
    pcfg: ProvenanceConfig | None = None,
) -> Direction:
    """The source side of a verified pair and the rule that decided it.

    Args:
        match: the pair.
        docs: documents by id.
        shared: every span the two documents share (:func:`shared_spans` of all matches); without it
            only this match's spans count for the text rule.
    """
    own = ([(match.a.start, match.a.end)], [(match.b.start, match.b.end)])
    sa, sb = _pair_spans(match.a.doc, match.b.doc, shared, own)
    return doc_direction(docs[match.a.doc], docs[match.b.doc], sa, sb, pcfg)


def source_of(match: Match, docs: dict[str, Document], shared: SharedSpans | None = None) -> str | None:
    """``"a"``, ``"b"`` or ``None``: the side the other copied from, by time, else by the text rule."""
    return direction(match, docs, shared).source


def with_sources(
    matches: list[Match], docs: dict[str, Document], pcfg: ProvenanceConfig | None = None
) -> list[Match]:
    """The matches with ``source`` set by the full rule (time, then polmineR's text rule).

    The same as ``replace(m, source=direction(m, docs, shared_spans(matches), pcfg).source)`` for
    every match, computed once per document pair (with every shared span known, the rule only sees
    the two documents and their shared spans, never the one match) and each document's time once.
    """
    pcfg = pcfg or ProvenanceConfig()
    shared = shared_spans(matches)
    hours = pcfg.crawl_window_hours
    times: dict[str, When | None] = {}
    decided: dict[tuple[str, str], str | None] = {}
    out: list[Match] = []
    for m in matches:
        x, y = m.a.doc, m.b.doc
        source = decided.get((x, y), _UNDECIDED)
        if source is _UNDECIDED:
            for d in (x, y):
                if d not in times:
                    times[d] = when(docs[d], hours)
            side = earlier(times[x], times[y])
            source = side if side is not None else direction(m, docs, shared, pcfg).source
            decided[(x, y)] = source
        out.append(m if m.source == source else _with_source(m, source))
    return out


_UNDECIDED = object()


def _with_source(m: Match, source: str | None) -> Match:
    """``replace(m, source=source)`` without ``dataclasses.replace``'s per-call field walk."""
    return Match(m.a, m.b, m.kind, m.jaccard, m.containment, source, m.cosine)


# ----------------------------------------------------------------------------------------- copy tree

Similarity = Callable[[int, int], float]


@dataclass
class TreeContext:
    """What :func:`infer_tree` may use beyond the nodes and their verified similarities.

    Args:
        shared: spans shared per document pair (for the text rule on ties).
        enclosing: node -> documents E such that the node lies inside a longer passage of its document
            that is a copy of E, in tiers: the documents of the longest such passage first.
        credits: document id -> agencies its byline or lead credits.
        agency_of: outlet -> the agency it is (``"was"`` -> ``"spa"``), when it is one.
        credited: ``(child doc, parent doc) -> bool``: whether the child credits the parent's source.
        text_similarity: ``(node, node) -> similarity`` from the texts, for members with no verified pair.
        variants: a document id or a passage -> its :func:`syndetect.provenance.lineage.variant_features`,
            for the lineage rule (shared edits) when the passages cannot tell the parent: the member's
            passage is compared with the candidates' whole documents.
    """

    shared: SharedSpans | None = None
    enclosing: dict[int, list[list[str]]] | None = None
    credits: dict[str, frozenset[str]] | None = None
    agency_of: Callable[[str], str | None] | None = None
    credited: Callable[[str, str], bool | None] | None = None
    text_similarity: Similarity | None = None
    config: ProvenanceConfig | None = None
    variants: Callable[[str | Passage], frozenset] | None = None


def infer_tree(
    nodes: list[Passage],
    sims: dict[tuple[int, int], float],
    docs: dict[str, Document],
    ctx: TreeContext | None = None,
) -> tuple[int, list[Member]]:
    """The origin node and one ``Member`` per node (origin first, then in copy order).

    Args:
        nodes: the passages of one group.
        sims: similarity of verified node pairs, keyed by ``(min, max)`` node index.
        docs: documents by id.
        ctx: optional evidence (credits, enclosing copies, shared spans); see :class:`TreeContext`.
    """
    ctx = ctx or TreeContext()
    pcfg = ctx.config or ProvenanceConfig()
    order = copy_order(nodes, docs, ctx)
    origin = order[0]
    members = [Member(nodes[origin], None, None, None, "origin", None)]
    for pos, x in enumerate(order[1:], start=1):
        earlier_nodes = [y for y in order[:pos] if nodes[y].doc != nodes[x].doc]
        if earlier_nodes:
            parent, sim, rule = _choose_parent(x, earlier_nodes, nodes, sims, docs, ctx, pcfg)
        else:  # another passage of the origin's own document: attached to the origin
            parent, sim, rule = origin, sims.get((min(x, origin), max(x, origin))), "same-document"
            if sim is None and ctx.text_similarity is not None:
                sim = ctx.text_similarity(x, origin)
        child_doc, parent_doc = docs[nodes[x].doc], docs[nodes[parent].doc]
        credited = ctx.credited(child_doc.id, parent_doc.id) if ctx.credited else None
        lag = lag_hours(child_doc, parent_doc)
        members.append(
            Member(
                nodes[x],
                parent_doc.id,
                round(sim, 4) if sim is not None else None,
                lag,
                clock_rule(rule, lag, child_doc, parent_doc, pcfg),
                credited,
            )
        )
    return origin, members


def clock_rule(
    rule: str, lag: float | None, child: Document, parent: Document, pcfg: ProvenanceConfig
) -> str:
    """The edge's rule, saying why the clock is overruled when the parent's stamp is the later one.

    A negative lag is only possible when a stamp is not a publication time: a crawl time (the WARC
    date, a crawl batch: ``crawl:<rule>``), a day-only date (``day:<rule>``), or when a credit put the
    credited agency first (``credited-order``, ``credited-source``). ``tie:`` gives way to the reason.

    >>> from syndetect.io.readers import parse_published
    >>> def d(i, when, **extra):
    ...     t, p = parse_published(when)
    ...     return Document(i, "", i, when, t, p, extra=extra)
    >>> spa, paper = d("spa", "2015-08-10T20:27:16"), d("paper", "2015-08-10T19:55:37", published_source="crawl-batch")
    >>> clock_rule("tie:agency-first", -0.53, paper, spa, ProvenanceConfig())
    'crawl:agency-first'
    """
    if lag is None or lag >= 0 or rule in ("credited-order", "credited-source"):
        return rule
    bases = {
        w.basis for w in (when(child, pcfg.crawl_window_hours), when(parent, pcfg.crawl_window_hours)) if w
    }
    base = rule.removeprefix("tie:")
    if "crawl" in bases:
        return f"crawl:{base}"
    if "day" in bases:
        return f"day:{base}"
    return "credited-order"  # both stamps are points: only a credit can have put the later one first


def copy_order(nodes: list[Passage], docs: dict[str, Document], ctx: TreeContext | None = None) -> list[int]:
    """The nodes from first published to last: time, credits, then the text rule, then id."""
    ctx = ctx or TreeContext()
    pcfg = ctx.config or ProvenanceConfig()
    whens = [when(docs[p.doc], pcfg.crawl_window_hours) for p in nodes]
    window = timedelta(hours=pcfg.credit_window_hours)

    def credits_agency_of(x: int, y: int) -> bool:
        """x's document credits the agency that y's outlet is (and times allow it)."""
        if not ctx.credits or not ctx.agency_of:
            return False
        agency = ctx.agency_of(docs[nodes[y].doc].outlet)
        if agency is None or agency not in ctx.credits.get(nodes[x].doc, frozenset()):
            return False
        if ctx.agency_of(docs[nodes[x].doc].outlet) == agency:
            return False
        wx, wy = whens[x], whens[y]
        return wx is None or wy is None or wy.lo - wx.hi <= window

    def cmp(x: int, y: int) -> int:
        px, py = nodes[x], nodes[y]
        if px.doc == py.doc:
            return -1 if (px.start, px.end) < (py.start, py.end) else 1
        if credits_agency_of(x, y) and not credits_agency_of(y, x):
            return 1
        if credits_agency_of(y, x) and not credits_agency_of(x, y):
            return -1
        if (whens[x] is None) != (whens[y] is None):  # undated members come after every dated one
            return 1 if whens[x] is None else -1
        d = _node_direction(x, y, nodes, docs, ctx, pcfg)
        if d.source == "a":
            return -1
        if d.source == "b":
            return 1
        return -1 if _fallback_key(x, nodes, docs) < _fallback_key(y, nodes, docs) else 1

    start = sorted(range(len(nodes)), key=lambda x: _fallback_key(x, nodes, docs))
    return sorted(start, key=functools.cmp_to_key(cmp))


def _fallback_key(x: int, nodes: list[Passage], docs: dict[str, Document]) -> tuple:
    d = docs[nodes[x].doc]
    return (d.time is None, d.time.timestamp() if d.time else 0.0, d.id, nodes[x].start, nodes[x].end)


def _node_direction(
    x: int, y: int, nodes: list[Passage], docs: dict[str, Document], ctx: TreeContext, pcfg: ProvenanceConfig
) -> Direction:
    px, py = nodes[x], nodes[y]
    own = ([(px.start, px.end)], [(py.start, py.end)])
    sx, sy = _pair_spans(px.doc, py.doc, ctx.shared, own)
    return doc_direction(docs[px.doc], docs[py.doc], sx, sy, pcfg)


def _choose_parent(
    x: int,
    candidates: list[int],
    nodes: list[Passage],
    sims: dict[tuple[int, int], float],
    docs: dict[str, Document],
    ctx: TreeContext,
    pcfg: ProvenanceConfig,
) -> tuple[int, float | None, str]:
    def sim(y: int) -> float | None:
        return sims.get((min(x, y), max(x, y)))

    def best(pool: list[int]) -> tuple[int, float | None, bool]:
        """The most similar of ``pool``; among those about as similar, the one whose document shares
        the member's edits (the lineage rule), when the documents tell. The flag says it decided."""
        paired = [(s, -k, y) for k, y in enumerate(pool) if (s := sim(y)) is not None]
        if not paired:
            if ctx.text_similarity is None:
                return pool[0], None, False
            near = pool[-pcfg.max_candidates :]
            paired = [(ctx.text_similarity(x, y), -k, y) for k, y in enumerate(near)]
        paired.sort(reverse=True)
        s, _, y = paired[0]
        if ctx.variants is not None and len(paired) > 1:
            contest = [(sy, yy) for sy, _, yy in paired[:LINEAGE_MAX] if sy >= s - LINEAGE_MARGIN]
            docs_in = list(dict.fromkeys(nodes[yy].doc for _, yy in contest))
            if len(docs_in) > 1:
                won = lineage_parent(ctx.variants(nodes[x]), [ctx.variants(d) for d in docs_in])
                if won is None:  # the documents cannot tell either: the earliest of the near-equals
                    first = min((yy for _, yy in contest), key=pool.index)
                    return first, next(sy for sy, yy in contest if yy == first), first != y
                if docs_in[won] != nodes[y].doc:
                    sy, yy = next((sy, yy) for sy, yy in contest if nodes[yy].doc == docs_in[won])
                    return yy, sy, True
        return y, s, False

    doc_x = nodes[x].doc
    # 1. enclosing copy: the passage sits inside a copy of document E; E's member is the parent.
    for tier in (ctx.enclosing or {}).get(x, []):  # longest enclosing copies first
        pool = [y for y in candidates if nodes[y].doc in tier]
        if pool:
            y, s, _ = best(pool)
            return y, s, "enclosing-copy"
    # 2. credited source: the document credits an agency whose article is an earlier member.
    if ctx.credits and ctx.agency_of:
        agencies = ctx.credits.get(doc_x, frozenset())
        own = ctx.agency_of(docs[doc_x].outlet)
        pool = [
            y
            for y in candidates
            if (a := ctx.agency_of(docs[nodes[y].doc].outlet)) is not None and a in agencies and a != own
        ]
        if pool:
            y, s, _ = best(pool)
            return y, s, "credited-source"
    # 3. the most similar earlier member; among equals, the one whose edits the member shares.
    y, s, by_lineage = best(candidates)
    if docs[doc_x].time is None:
        return y, s, "undated"
    d = _node_direction(y, x, nodes, docs, ctx, pcfg)
    if d.source == "b":
        return y, s, "credited-order"  # the parent is later by the clock, first by another member's credit
    if by_lineage:
        return y, s, "shared-edits"
    if d.source == "a":
        return y, s, d.rule  # earlier, earlier-crawl, tie:shorter-is-copy, tie:contains-more
    return y, s, "tie:undecided"
