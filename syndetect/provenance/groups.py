"""Provenance groups: passages linked by verified pairs, grouped without chaining unrelated stories.

Nodes are spans, not documents: the spans one document takes part in are one node only when they
nearly coincide (interval Jaccard at least ``cluster.min_overlap``). A whole article and a sentence
quoted inside it stay two nodes, so one shared sentence cannot pull two stories into one group.
Edges are verified pairs, plus the links that an *enclosing copy* implies: when a passage of document
D is a copy of document E (an aggregator's section reprinting an outlet article), a smaller node inside
it is linked to the node at the same place in E. Groups are the connected components of that graph;
each gets its origin and copy tree from :mod:`syndetect.provenance.origin`, credits from
:mod:`syndetect.provenance.attribution`, and a common upstream agency when every member credits one that has no
article among them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from syndetect.config import Config
from syndetect.provenance.attribution import Credit, agency_of, common_upstream, is_credited
from syndetect.provenance.attribution import credits as find_credits
from syndetect.provenance.boilerplate import (
    Boilerplate,
    drop_boilerplate_pairs,
    drop_stock_pairs,
    find_boilerplate,
    gram_document_frequency,
)
from syndetect.provenance.lineage import variant_features
from syndetect.provenance.origin import (
    ProvenanceConfig,
    TreeContext,
    infer_tree,
    mark_crawl_batches,
    shared_spans,
    time_key,
    when,
    with_sources,
)
from syndetect.provenance.revisions import Revisions, drop_revision_pairs, revision_chains
from syndetect.provenance.span_graph import (
    SpanGraph,
    UnionFind,
    connected_components,
    interval_jaccard,
    span_graph,
    split_sparse,
)
from syndetect.records import Cluster, Document, Match, Member, Passage
from syndetect.text.normalize import words

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


ENCLOSED_SHARE = 0.75  # a node is inside a longer copy when this much of it lies within it


def _is_copy(m: Match, pcfg: ProvenanceConfig) -> bool:
    """A verified pair with high containment and similar lengths: one side copies the other whole."""
    la, lb = m.a.length, m.b.length
    if min(la, lb) == 0 or m.containment < pcfg.enclosing_min_containment:
        return False
    return max(la, lb) / min(la, lb) <= pcfg.enclosing_max_ratio


def enclosing_copies(
    graph: SpanGraph,
    matches: list[Match],
    min_overlap: float,
    pcfg: ProvenanceConfig | None = None,
    docs: dict[str, Document] | None = None,
) -> tuple[dict[int, list[list[str]]], list[tuple[int, int]]]:
    """Passages that lie inside a longer copy of another document, and the edges that copy implies.

    When a passage P of document D is a copy of a passage Q of document E (a verified pair with high
    containment and similar lengths: an aggregator's section and the outlet article it reprints), every
    smaller node x of D inside P (at least ``ENCLOSED_SHARE`` of it) has its counterpart in Q, at the
    same relative position. Returns

    - ``enclosing``: node x -> the documents E it is so enclosed by, in tiers: the documents of the
      longest enclosing copy first (the one that explains the most of D's text around x: a full
      reprint of the wire story over a trimmed reprint of it that D's text also contains);
    - ``implied``: ``(x, y)`` for every node y of E that nearly coincides (interval Jaccard at least
      ``min_overlap``) with x's projection into Q: the same text, even when no pair links them directly.

    With ``docs``, a projection that meets no node of E becomes a new node (appended to
    ``graph.nodes``), its ends moved out to whole words, when its text is the same as x's (word 3-gram
    similarity at least 0.5): the aggregator's copy of a sentence then hangs under the article it
    reprints even when only another outlet was paired with that sentence.
    """
    pcfg = pcfg or ProvenanceConfig()
    by_doc: dict[str, list[int]] = defaultdict(list)
    for k, node in enumerate(graph.nodes):
        by_doc[node.doc].append(k)
    for ks in by_doc.values():  # in text order: the scan below bisects on the starts and stops at the end
        ks.sort(key=lambda k: (graph.nodes[k].start, graph.nodes[k].end, k))
    starts = {doc: [graph.nodes[k].start for k in ks] for doc, ks in by_doc.items()}
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    implied: set[tuple[int, int]] = set()
    added: dict[tuple[str, int, int], int] = {}
    extra_by_doc: dict[str, list[int]] = defaultdict(list)
    real = len(graph.nodes)
    copies = [m for m in matches if _is_copy(m, pcfg)]
    for m in copies:
        for big, other in ((m.a, m.b), (m.b, m.a)):
            ks = by_doc[big.doc]
            lo = bisect_left(starts[big.doc], big.start)
            ratio = other.length / big.length
            for k in ks[lo:]:
                if k >= real:
                    continue
                x = graph.nodes[k]
                if x.start >= big.end:
                    break
                inside = min(x.end, big.end) - max(x.start, big.start)
                if inside < ENCLOSED_SHARE * x.length or x.length >= 0.9 * big.length:
                    continue
                found[k].append((big.length, other.doc))
                ps = other.start + (x.start - big.start) * ratio
                pe = other.start + (x.end - big.start) * ratio
                hit = False
                for y in by_doc.get(other.doc, []) + extra_by_doc.get(other.doc, []):
                    node = graph.nodes[y]
                    if interval_jaccard((ps, pe), (node.start, node.end)) >= min_overlap:
                        implied.add((min(k, y), max(k, y)))
                        hit = True
                if hit or docs is None:
                    continue
                span = _whole_words(docs[other.doc].text, round(ps), round(pe), other.start, other.end)
                if span is None:
                    continue
                key = (other.doc, *span)
                if key not in added:
                    text_x = docs[x.doc].text[x.start : x.end]
                    if _gram_similarity(text_x, docs[other.doc].text[span[0] : span[1]]) < 0.5:
                        continue
                    added[key] = len(graph.nodes)
                    graph.nodes.append(Passage(*key))
                    extra_by_doc[other.doc].append(added[key])
                    found[added[key]].append((other.length, big.doc))  # a copy of x's place in D
                implied.add((k, added[key]))
    # A node added above is a copy of x's place in D; other copies enclosing it are evidence as well
    # (the wire's full copy of the text around it, beside the rewrite it was projected from).
    for m in copies if extra_by_doc else ():
        for big, other in ((m.a, m.b), (m.b, m.a)):
            for k in extra_by_doc.get(big.doc, ()):
                x = graph.nodes[k]
                inside = min(x.end, big.end) - max(x.start, big.start)
                if inside >= ENCLOSED_SHARE * x.length and x.length < 0.9 * big.length:
                    found[k].append((big.length, other.doc))
    enclosing: dict[int, list[list[str]]] = {}
    for k, items in found.items():
        tiers: dict[int, list[str]] = {}
        seen: set[str] = set()
        for length, doc in sorted(items):
            if doc not in seen:
                seen.add(doc)
                tiers.setdefault(length, []).append(doc)
        enclosing[k] = [tiers[length] for length in sorted(tiers, reverse=True)]
    return enclosing, sorted(implied)


def _whole_words(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int] | None:
    """``[start, end)`` clamped to ``[lo, hi)`` and moved out to whole words; ``None`` when empty."""
    start, end = max(lo, min(start, hi)), max(lo, min(end, hi))
    while start > lo and text[start - 1].isalnum():
        start -= 1
    while end < hi and text[end].isalnum():
        end += 1
    return (start, end) if end > start else None


def _grams(text: str) -> frozenset:
    w = words(text)
    n = 3 if len(w) >= 3 else 1
    return frozenset(tuple(w[i : i + n]) for i in range(len(w) - n + 1))


def _gram_similarity(a: str, b: str) -> float:
    """Word 3-gram Jaccard or containment of two texts, whichever is larger."""
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    inter = len(ga & gb)
    return max(inter / len(ga | gb), inter / min(len(ga), len(gb)))


class _TextSim:
    """Similarity of two nodes from their texts (:func:`_gram_similarity`), n-grams cached per node."""

    def __init__(self, nodes: list[Passage], docs: dict[str, Document]) -> None:
        self.nodes, self.docs = nodes, docs
        self.cache: dict[int, frozenset] = {}

    def grams(self, k: int) -> frozenset:
        if k not in self.cache:
            p = self.nodes[k]
            self.cache[k] = _grams(self.docs[p.doc].text[p.start : p.end])
        return self.cache[k]

    def __call__(self, x: int, y: int) -> float:
        a, b = self.grams(x), self.grams(y)
        if not a or not b:
            return 0.0
        inter = len(a & b)
        return max(inter / len(a | b), inter / min(len(a), len(b)))


class _Variants:
    """:func:`variant_features` of a document (a string) or of a passage, computed once."""

    def __init__(self, docs: dict[str, Document]) -> None:
        self.docs = docs
        self.cache: dict[str | Passage, frozenset] = {}

    def __call__(self, key: str | Passage) -> frozenset:
        if key not in self.cache:
            if isinstance(key, Passage):
                self.cache[key] = variant_features(self.docs[key.doc].text, key.start, key.end)
            else:
                self.cache[key] = variant_features(self.docs[key].text)
        return self.cache[key]


def build_clusters(
    matches: list[Match],
    docs: dict[str, Document],
    min_overlap: float,
    *,
    credits: dict[str, frozenset[str]] | None = None,
    revisions: Revisions | None = None,
    pcfg: ProvenanceConfig | None = None,
    split_density: float | None = None,
) -> list[Cluster]:
    """Provenance groups from verified pairs, with origin and copy tree, in a deterministic order.

    Args:
        matches: verified pairs (revision and boilerplate pairs already dropped).
        docs: documents by id.
        min_overlap: spans of one document that overlap this much (interval Jaccard) are one node.
        credits: document id -> agencies it credits (for credited edges and common upstream).
        revisions: revision chains; a group keeps only the earliest revision of a chain.
        pcfg: the provenance rules.
        split_density: split sparse components (see :func:`split_sparse`); ``None`` keeps them whole.

    Ids are ``c-000001``... in order of (origin time, origin document, origin start).
    """
    pcfg = pcfg or ProvenanceConfig()
    graph = span_graph(matches, min_overlap)
    translated = _paraphrase_only(graph, matches)
    enclosing, implied = enclosing_copies(graph, matches, min_overlap, pcfg, docs)
    text_sim = _TextSim(graph.nodes, docs)
    sims: dict[tuple[int, int], float] = {}
    for u, v, s, _ in graph.edges:
        key = (min(u, v), max(u, v))
        sims[key] = max(s, sims.get(key, 0.0))
    for u, v in implied:
        if (u, v) not in sims and graph.nodes[u].doc != graph.nodes[v].doc:
            sims[(u, v)] = text_sim(u, v)
    links = [(u, v, s, -1) for (u, v), s in sims.items()]
    comps = connected_components(len(graph.nodes), links)
    if split_density is not None:
        comps = split_sparse(comps, sims, split_density)
    comps = merge_enclosed(comps, graph.nodes, docs, pcfg)
    comp_of = {g: c for c, comp in enumerate(comps) for g in comp}
    comp_sims: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for (u, v), s in sims.items():
        comp_sims[comp_of[u]].append((u, v, s))
    shared = shared_spans(matches)
    credits = credits or {}
    credit_of = _credited(docs, credits)
    variants = _Variants(docs)
    groups = []
    for c, comp in enumerate(comps):
        comp = _first_revisions(comp, graph.nodes, docs, revisions)
        if len({graph.nodes[g].doc for g in comp}) < 2:
            continue
        nodes, local = one_node_per_document(comp, graph.nodes)
        if len(nodes) < 2:
            continue
        local_sims: dict[tuple[int, int], float] = {}
        for u, v, s in comp_sims[c]:
            if u in local and v in local and local[u] != local[v]:
                key = (min(local[u], local[v]), max(local[u], local[v]))
                local_sims[key] = max(s, local_sims.get(key, 0.0))
        local_enclosing: dict[int, list[list[str]]] = defaultdict(list)
        for g in comp:
            if g in enclosing and g in local:
                local_enclosing[local[g]].extend(enclosing[g])
        local_text_sim = _TextSim(nodes, docs)
        ctx = TreeContext(
            shared=shared,
            enclosing=dict(local_enclosing),
            credits=credits,
            agency_of=agency_of,
            credited=credit_of,
            text_similarity=local_text_sim,
            config=pcfg,
            variants=variants,
        )
        origin, members = infer_tree(nodes, local_sims, docs, ctx)
        if translated:
            members = _translation_edges(members, nodes, local, translated)
        upstream = common_upstream(
            [docs[m.passage.doc].outlet for m in members],
            [credits.get(m.passage.doc, frozenset()) for m in members],
        )
        if upstream is not None:
            members = [
                replace(
                    m, parent=None, similarity=None, lag_hours=None, rule="common-upstream", credited=True
                )
                for m in members
            ]
            members[0] = replace(members[0], rule="origin")
        groups.append((time_key(docs[nodes[origin].doc], nodes[origin]), nodes[origin], members, upstream))
    groups.sort(key=lambda g: (g[0][0], g[0][1] or _EPOCH, g[0][2], g[0][3], g[1].end))
    return [
        Cluster(f"c-{k:06d}", tuple(members), origin, upstream)
        for k, (_, origin, members, upstream) in enumerate(groups, start=1)
    ]


def _paraphrase_only(graph: SpanGraph, matches: list[Match]) -> dict[tuple[int, int], bool]:
    """Linked node pairs -> whether only the semantic channel's ``paraphrase`` matches link them
    (empty when there are no paraphrase matches: the channel is off)."""
    if not any(m.kind == "paraphrase" for m in matches):
        return {}
    kinds: dict[tuple[int, int], set[bool]] = defaultdict(set)
    for u, v, _, k in graph.edges:
        kinds[(min(u, v), max(u, v))].add(matches[k].kind == "paraphrase")
    return {key: found == {True} for key, found in kinds.items()}


def _translation_edges(
    members: list[Member],
    nodes: list[Passage],
    local: dict[int, int],
    translated: dict[tuple[int, int], bool],
) -> list[Member]:
    """Members whose every verified link to their parent's passages is a paraphrase get the rule
    ``translation``, so that a reader can tell a translation link from a copy."""
    index = {p: k for k, p in enumerate(nodes)}
    graph_nodes: dict[int, list[int]] = defaultdict(list)
    for g, k in local.items():
        graph_nodes[k].append(g)
    by_doc = {p.doc: k for k, p in enumerate(nodes)}
    out = []
    for m in members:
        if m.parent is not None and m.parent in by_doc:
            mine, theirs = graph_nodes[index[m.passage]], graph_nodes[by_doc[m.parent]]
            links = [
                translated[key] for g in mine for h in theirs if (key := (min(g, h), max(g, h))) in translated
            ]
            if links and all(links):
                m = replace(m, rule="translation")
        out.append(m)
    return out


ENCLOSED_GROUP_SHARE = 0.5  # a group joins the one that encloses at least this share of its documents


def merge_enclosed(
    comps: list[list[int]],
    nodes: list[Passage],
    docs: dict[str, Document] | None = None,
    pcfg: ProvenanceConfig | None = None,
) -> list[list[int]]:
    """Components joined to the component whose members enclose theirs: one passage, one group.

    A story trimmed by some reprints is matched over its first part by them and over the whole by
    others; the two spans of the wire are two nodes (they overlap too little to be one), so the story
    would come out as two groups holding the same passage. A component S joins component G when at
    least two of S's documents, and at least ``ENCLOSED_GROUP_SHARE`` of them, have their node inside a
    node of G of the same document (``ENCLOSED_SHARE`` of it within), and (with ``docs``) one of S's
    first-published documents is among them: the passage came into S from G's story. A sentence
    quoted by several stories is enclosed by as many groups, none of them holding most of it, so it
    chains nothing; a quote that a story and its reprints took from an earlier source stays the
    source's own group (its origin is not in the story's group).
    """
    pcfg = pcfg or ProvenanceConfig()
    comp_of = {g: k for k, comp in enumerate(comps) for g in comp}
    by_doc: dict[str, list[int]] = defaultdict(list)
    for g, p in enumerate(nodes):
        if g in comp_of:
            by_doc[p.doc].append(g)
    uf = UnionFind(len(comps))
    for k, comp in enumerate(comps):
        docs_here = {nodes[g].doc for g in comp}
        votes: dict[int, set[str]] = defaultdict(set)
        for g in comp:
            x = nodes[g]
            for h in by_doc[x.doc]:
                other = comp_of[h]
                y = nodes[h]
                if other == k or y.length <= x.length:
                    continue
                if min(x.end, y.end) - max(x.start, y.start) >= ENCLOSED_SHARE * x.length:
                    votes[other].add(x.doc)
        if not votes:
            continue
        target = max(sorted(votes), key=lambda t: len(votes[t]))
        n = len(votes[target])
        if n < 2 or n < ENCLOSED_GROUP_SHARE * len(docs_here):
            continue
        if docs is not None and not _first_published(docs_here, docs, pcfg) & votes[target]:
            continue
        uf.union(k, target)
    merged: dict[int, list[int]] = defaultdict(list)
    for k, comp in enumerate(comps):
        merged[uf.find(k)].extend(comp)
    return sorted((sorted(c) for c in merged.values()), key=min)


def _first_published(ids: Iterable[str], docs: dict[str, Document], pcfg: ProvenanceConfig) -> set[str]:
    """The documents that no other of ``ids`` was surely published before (all of them when none
    has a time)."""
    whens = {i: when(docs[i], pcfg.crawl_window_hours) for i in ids}
    dated = [w for w in whens.values() if w is not None]
    if not dated:
        return set(whens)
    first_hi = min(w.hi for w in dated)
    return {i for i, w in whens.items() if w is not None and w.lo <= first_hi}


NEAR_GAP = 200  # characters: two nodes of one document this close are one member of a group


def one_node_per_document(comp: list[int], nodes: list[Passage]) -> tuple[list[Passage], dict[int, int]]:
    """The group's members, one per document, and each graph node's member index.

    A document's nodes in one group that overlap or lie within ``NEAR_GAP`` characters of each other
    become one member spanning them (a trimmed and a full copy of the same story, the two runs around
    a dropped sentence). When a document still has several, separate passages in the group (the same
    paragraph twice), the longest one is its member and the others are left out: a copy tree lists each
    document once.
    """
    by_doc: dict[str, list[int]] = defaultdict(list)
    for g in comp:
        by_doc[nodes[g].doc].append(g)
    out: list[Passage] = []
    local: dict[int, int] = {}
    for doc in sorted(by_doc, key=lambda d: min(by_doc[d])):
        gs = sorted(by_doc[doc], key=lambda g: (nodes[g].start, nodes[g].end))
        runs: list[list[int]] = []
        for g in gs:
            if runs and nodes[g].start <= max(nodes[h].end for h in runs[-1]) + NEAR_GAP:
                runs[-1].append(g)
            else:
                runs.append([g])
        spans = [(min(nodes[h].start for h in r), max(nodes[h].end for h in r)) for r in runs]
        best = max(range(len(runs)), key=lambda i: (spans[i][1] - spans[i][0], -spans[i][0]))
        for h in runs[best]:
            local[h] = len(out)
        out.append(Passage(doc, *spans[best]))
    return out, local


def _first_revisions(
    comp: list[int], nodes: list[Passage], docs: dict[str, Document], revisions: Revisions | None
) -> list[int]:
    """The component without later revisions of an article whose earlier revision is in it too."""
    if revisions is None or not revisions.chain_of:
        return comp
    present: dict[str, list[str]] = defaultdict(list)
    for g in comp:
        chain = revisions.chain_of.get(nodes[g].doc)
        if chain is not None:
            present[chain].append(nodes[g].doc)
    keep_doc: dict[str, str] = {}
    for chain, ids in present.items():
        keep_doc[chain] = min(ids, key=lambda i: time_key(docs[i], Passage(i, 0, 0)))
    return [
        g
        for g in comp
        if (chain := revisions.chain_of.get(nodes[g].doc)) is None or keep_doc[chain] == nodes[g].doc
    ]


def _credited(docs: dict[str, Document], credits: dict[str, frozenset[str]]):
    def credited(child: str, parent: str) -> bool | None:
        if not credits:
            return None
        return is_credited(
            docs[child], docs[parent], credits.get(child, frozenset()), credits.get(parent, frozenset())
        )

    return credited


@dataclass
class Groups:
    """Everything the cluster stage decided: groups, the pairs kept and dropped, and why."""

    clusters: list[Cluster]
    matches: list[Match]  # the pairs the groups are built from, ``source`` set by the full rule
    revisions: Revisions
    boilerplate: Boilerplate
    dropped_revision_pairs: list[Match]
    dropped_boilerplate_pairs: list[Match]
    credits: dict[str, list[Credit]]
    dropped_stock_pairs: list[Match] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        """The cluster stage's statistics (for ``stats.json``)."""
        edges = [m for c in self.clusters for m in c.members if m.rule != "origin"]
        credited = sum(m.credited is True for m in edges)
        rules: dict[str, int] = defaultdict(int)
        for m in edges:
            rules[m.rule or "-"] += 1
        upstream: dict[str, int] = defaultdict(int)
        for c in self.clusters:
            if c.upstream:
                upstream[c.upstream] += 1
        by_agency: dict[str, int] = defaultdict(int)
        for found in self.credits.values():
            for agency in {c.agency for c in found if c.agency}:
                by_agency[agency] += 1
        return {
            "clusters": len(self.clusters),
            "pairs_in_clusters": len(self.matches),
            "edges": len(edges),
            "credited_edges": credited,
            "credited_share": round(credited / len(edges), 4) if edges else None,
            "rules": dict(sorted(rules.items())),
            "upstream_clusters": dict(sorted(upstream.items())),
            "credits": {
                "documents": sum(any(c.agency for c in f) for f in self.credits.values()),
                "by_agency": dict(sorted(by_agency.items())),
            },
            "revisions": {
                "chains": len(self.revisions.chains),
                "documents": sum(len(c) for c in self.revisions.chains),
                "pairs_dropped": len(self.dropped_revision_pairs),
                "list": self.revisions.to_json(),
            },
            "boilerplate": {
                **self.boilerplate.to_json(),
                "pairs_dropped": len(self.dropped_boilerplate_pairs),
                "stock_pairs_dropped": len(self.dropped_stock_pairs),
            },
        }


def group_matches(
    matches: list[Match],
    docs: dict[str, Document] | list[Document],
    cfg: Config,
    grams: Iterable[np.ndarray] | None = None,
    directed: bool = False,
    select: Callable[[list[Match]], list[Match]] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Groups:
    """The cluster stage: drop revision and boilerplate pairs, set sources, group, trace, credit.

    Args:
        matches: the verified pairs of a detection run.
        docs: the corpus (by id, or a list).
        cfg: the configuration (``cluster.min_overlap``; ``provenance`` and ``boilerplate`` when present).
        grams: every document's word n-gram hashes (``Features.grams``), for the corpus-wide stock
            phrase filter; without them that filter is off.
        directed: the matches' ``source`` is already decided by the full rule on these documents
            (:class:`syndetect.pipeline.Run` decides it once, before grouping); else it is decided here.
        select: which of the kept pairs (sources set) to group; all when ``None`` (the index regroups
            only the components a batch touched).
        progress: ``progress("group", done, 5)`` after each of the five steps (revisions,
            boilerplate, stock phrases, credits, groups).
    """

    def step(done: int) -> None:
        if progress:
            progress("group", done, 5)

    by_id = docs if isinstance(docs, dict) else {d.id: d for d in docs}
    pcfg = cfg.provenance
    if pcfg.crawl_batch_min_docs > 0:
        by_id = mark_crawl_batches(by_id, pcfg.crawl_batch_min_docs)
    bcfg = cfg.boilerplate
    revisions = revision_chains(by_id.values(), matches)
    kept, dropped_rev = drop_revision_pairs(matches, revisions)
    step(1)
    boiler = find_boilerplate(by_id.values(), bcfg)
    kept, dropped_bp = drop_boilerplate_pairs(kept, boiler, bcfg.max_pair_share)
    step(2)
    dropped_stock: list[Match] = []
    if grams is not None:
        df = gram_document_frequency(grams)
        kept, dropped_stock = drop_stock_pairs(kept, by_id, df, _gram_hasher(cfg), bcfg)
    step(3)
    if not directed:
        kept = with_sources(kept, by_id, pcfg)
    if select is not None:
        kept = select(kept)
    involved = sorted({p.doc for m in kept for p in (m.a, m.b)})
    found = {i: find_credits(by_id[i], pcfg.lead_chars, pcfg.tail_chars) for i in involved}
    agencies = {i: frozenset(c.agency for c in f if c.agency) for i, f in found.items()}
    step(4)
    clusters = build_clusters(
        kept,
        by_id,
        cfg.cluster.min_overlap,
        credits=agencies,
        revisions=revisions,
        pcfg=pcfg,
        split_density=cfg.cluster.split_density,
    )
    return Groups(clusters, kept, revisions, boiler, dropped_rev, dropped_bp, found, dropped_stock)


def _gram_hasher(cfg: Config) -> Callable[[str], np.ndarray]:
    """The engine's word n-gram hashes of a text (same normalization, clitics, seed and n)."""
    from syndetect.detect.shingle import ngram_hashes, token_hashes

    def grams(text: str) -> np.ndarray:
        w = words(text, cfg.normalize, clitics=cfg.shingle.clitics)
        return ngram_hashes(token_hashes(w, cfg.shingle.seed), cfg.shingle.ngram)

    return grams
