"""The span graph under provenance groups: spans as nodes, verified pairs as weighted edges, and the
deterministic graph steps over it (union-find components, the split of sparse components by label
propagation). Pure functions; ``syndetect.provenance.groups`` builds the groups with them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from syndetect.records import Match, Passage


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
        weight = m.cosine if m.cosine is not None else max(m.jaccard, m.containment)  # paraphrase: cosine
        edges.append((u, v, weight, k))
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


SPLIT_MIN_NODES = 6  # smaller components are never split
SPLIT_ROUNDS = 30


def split_sparse(
    comps: list[list[int]], sims: dict[tuple[int, int], float], split_density: float
) -> list[list[int]]:
    """Split components too sparse to be one story: stories chained through shared formulas.

    Copies of one text are matched with one another, so a real group is dense. Stories that share only
    formulas ("رفع أسمى آيات التهاني لخادم الحرمين الشريفين ...") hang together through a few passages.
    A component of at least ``SPLIT_MIN_NODES`` nodes with fewer edges than ``split_density`` of all
    node pairs is cut into communities by :func:`label_communities`. Deterministic.
    """
    comp_of = {x: k for k, comp in enumerate(comps) for x in comp}
    edges_of: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for (u, v), w in sims.items():
        if u in comp_of and comp_of[u] == comp_of.get(v):
            edges_of[comp_of[u]].append((u, v, w))
    out: list[list[int]] = []
    for k, comp in enumerate(comps):
        n, edges = len(comp), edges_of.get(k, [])
        if n < SPLIT_MIN_NODES or len(edges) >= split_density * n * (n - 1) / 2:
            out.append(comp)
        else:
            out.extend(label_communities(comp, edges))
    return sorted((sorted(p) for p in out), key=min)


def label_communities(nodes: list[int], edges: list[tuple[int, int, float]]) -> list[list[int]]:
    """Communities of a graph by label propagation, made deterministic.

    Every node starts with its own label; in node order, each takes the label with the largest total
    edge weight among its neighbours (ties: it keeps its own if that is among the best, else the
    smallest), until nothing changes or ``SPLIT_ROUNDS`` rounds have passed.

    >>> tri = [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0)]
    >>> other = [(3, 4, 1.0), (4, 5, 1.0), (3, 5, 1.0)]
    >>> label_communities([0, 1, 2, 3, 4, 5], tri + other + [(2, 3, 0.5)])
    [[0, 1, 2], [3, 4, 5]]
    """
    adj: dict[int, dict[int, float]] = defaultdict(dict)
    for u, v, w in edges:
        adj[u][v] = max(w, adj[u].get(v, 0.0))
        adj[v][u] = adj[u][v]
    order = sorted(nodes)
    label = {x: x for x in order}
    for _ in range(SPLIT_ROUNDS):
        changed = False
        for x in order:
            score: dict[int, float] = defaultdict(float)
            for y, w in adj[x].items():
                score[label[y]] += w
            if not score:
                continue
            top = max(score.values())
            if score.get(label[x], -1.0) >= top:
                continue
            label[x] = min(lab for lab, w in score.items() if w == top)
            changed = True
        if not changed:
            break
    groups: dict[int, list[int]] = defaultdict(list)
    for x in order:
        groups[label[x]].append(x)
    return sorted(groups.values(), key=min)
