"""Provenance groups: passages linked by verified pairs, grouped without chaining unrelated stories.

Nodes are spans, not documents: the spans one document takes part in are one node only when they
nearly coincide (interval Jaccard at least ``cluster.min_overlap``). A whole article and a sentence
quoted inside it stay two nodes, so one shared sentence cannot pull two stories into one group.
Edges are verified pairs; groups are the connected components of that span graph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from syndetect.provenance import infer_tree, time_key
from syndetect.records import Cluster, Document, Match, Passage


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving; roots are the smallest member (deterministic)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            lo, hi = min(rx, ry), max(rx, ry)
            self.parent[hi] = lo


def interval_jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlap of two character intervals over their union.

    >>> interval_jaccard((0, 10), (5, 15))
    0.3333333333333333
    """
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


@dataclass(frozen=True)
class SpanGraph:
    """Span nodes (``Passage``) and weighted edges ``(node, node, similarity, match index)``."""

    nodes: list[Passage]
    edges: list[tuple[int, int, float, int]]


def span_graph(matches: list[Match], min_overlap: float) -> SpanGraph:
    """Merge near-coinciding spans of each document into nodes and link them by the matches."""
    spans_by_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in matches:
        spans_by_doc[m.a.doc].append((m.a.start, m.a.end))
        spans_by_doc[m.b.doc].append((m.b.start, m.b.end))
    nodes: list[Passage] = []
    lookup: dict[tuple[str, int, int], int] = {}
    for doc in sorted(spans_by_doc):
        spans = sorted(set(spans_by_doc[doc]))
        uf = UnionFind(len(spans))
        for x in range(len(spans)):
            for y in range(x + 1, len(spans)):
                if spans[y][0] >= spans[x][1]:
                    break
                if interval_jaccard(spans[x], spans[y]) >= min_overlap:
                    uf.union(x, y)
        groups: dict[int, list[int]] = defaultdict(list)
        for x in range(len(spans)):
            groups[uf.find(x)].append(x)
        for members in sorted(groups.values()):
            start = min(spans[x][0] for x in members)
            end = max(spans[x][1] for x in members)
            node = len(nodes)
            nodes.append(Passage(doc, start, end))
            for x in members:
                lookup[(doc, *spans[x])] = node
    edges = []
    for k, m in enumerate(matches):
        u = lookup[(m.a.doc, m.a.start, m.a.end)]
        v = lookup[(m.b.doc, m.b.start, m.b.end)]
        edges.append((u, v, max(m.jaccard, m.containment), k))
    return SpanGraph(nodes, edges)


def connected_components(n: int, edges: list[tuple[int, int, float, int]]) -> list[list[int]]:
    """Components of the span graph, each sorted, in order of their smallest node."""
    uf = UnionFind(n)
    for u, v, _, _ in edges:
        uf.union(u, v)
    comps: dict[int, list[int]] = defaultdict(list)
    for x in range(n):
        comps[uf.find(x)].append(x)
    return [sorted(c) for c in sorted(comps.values(), key=min)]


def build_clusters(matches: list[Match], docs: dict[str, Document], min_overlap: float) -> list[Cluster]:
    """Provenance groups from verified pairs, with origin and copy tree, in a deterministic order.

    Ids are ``c-000001``... in order of (origin time, origin document, origin start).
    """
    graph = span_graph(matches, min_overlap)
    sims: dict[tuple[int, int], float] = {}
    for u, v, s, _ in graph.edges:
        key = (min(u, v), max(u, v))
        sims[key] = max(s, sims.get(key, 0.0))
    groups = []
    for comp in connected_components(len(graph.nodes), graph.edges):
        local = {g: k for k, g in enumerate(comp)}
        nodes = [graph.nodes[g] for g in comp]
        local_sims = {
            (min(local[u], local[v]), max(local[u], local[v])): s
            for (u, v), s in sims.items()
            if u in local and v in local
        }
        origin, members = infer_tree(nodes, local_sims, docs)
        groups.append((time_key(docs[nodes[origin].doc], nodes[origin]), nodes[origin], members))
    groups.sort(key=lambda g: (g[0][0], g[0][2], g[0][3], g[1].end))
    return [
        Cluster(f"c-{k:06d}", tuple(members), origin) for k, (_, origin, members) in enumerate(groups, start=1)
    ]
