"""Verification and alignment of one candidate document pair to exact token and character spans.

Two aligners run on a pair and their passages are merged:
- ``ordered_passages``: shared word n-grams are seeds; seeds on one diagonal form runs; runs are
  chained across small gaps (changed, inserted or dropped words) into passages.
- ``bag_passages``: windows whose content words are mostly contained in a window of the other
  document (order ignored: shuffled words and phrases), grown to neighbouring windows and trimmed to
  the words the two sides share.
Every passage is then measured exactly (Jaccard and containment of the spans' n-gram sets) and kept
only when it passes the configured floors: only verified reuse is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from syndetect.config import Config
from syndetect.features import Features

MAX_SEED_REPEATS = 8  # an n-gram repeated more often than this in one document seeds nothing


@dataclass(frozen=True, slots=True)
class Aligned:
    """A verified passage pair in token positions (end exclusive) and its measures."""

    a0: int
    a1: int
    b0: int
    b1: int
    jaccard: float
    containment: float
    bag: float
    kind: str


def _seeds(ga: list[int], gb: list[int], min_seeds: int) -> tuple[list[int], list[int]]:
    """All ``(i, j)`` with ``ga[i] == gb[j]``, skipping n-grams repeated too often.

    Plain sets and lists: on a few hundred n-grams they beat numpy's per-call overhead.
    """
    common = set(ga).intersection(gb)
    if len(common) < min_seeds:
        return [], []
    where: dict[int, list[int]] = {}
    for j, h in enumerate(gb):
        if h in common:
            where.setdefault(h, []).append(j)
    si, sj = [], []
    for i, h in enumerate(ga):
        js = where.get(h)
        if js is not None and len(js) <= MAX_SEED_REPEATS:
            si.extend([i] * len(js))
            sj.extend(js)
    return si, sj


def _runs(i: list[int], j: list[int]) -> list[tuple[int, int, int, int]]:
    """Seeds on one diagonal at consecutive positions, as ``(i0, i1, j0, j1)`` inclusive."""
    seeds = sorted(zip((b - a for a, b in zip(i, j, strict=True)), i, strict=True))
    runs = []
    d0, i0 = seeds[0]
    prev = i0
    for d, x in seeds[1:]:
        if d == d0 and x == prev + 1:
            prev = x
            continue
        runs.append((i0, prev, i0 + d0, prev + d0))
        d0, i0, prev = d, x, x
    runs.append((i0, prev, i0 + d0, prev + d0))
    return runs


def ordered_passages(fa: Features, fb: Features, n: int, max_gap: int, min_seeds: int) -> list[tuple[int, int, int, int]]:
    """Passages found by chaining shared n-grams: ``(a0, a1, b0, b1)`` token ranges, end exclusive."""
    i, j = _seeds(fa.grams.tolist(), fb.grams.tolist(), min_seeds)
    if not i:
        return []
    runs = sorted(_runs(i, j), key=lambda r: (r[0], r[2]))
    chains: list[list[int]] = []  # [i0, i1, j0, j1, seeds]
    for i0, i1, j0, j1 in runs:
        best = None
        for c in chains:
            di, dj = i0 - c[1], j0 - c[3]
            if 0 < di <= max_gap + 1 and 0 < dj <= max_gap + 1:
                if best is None or (di + dj) < (best[0]):
                    best = (di + dj, c)
            elif di <= 0 and dj <= 0 and i1 <= c[1] and j1 <= c[3] and c[0] <= i0 and c[2] <= j0:
                best = (0, c)  # inside an existing chain: nothing new
                break
        if best is None:
            chains.append([i0, i1, j0, j1, i1 - i0 + 1])
        else:
            c = best[1]
            if i1 > c[1] or j1 > c[3]:
                c[4] += i1 - max(i0, c[1] + 1) + 1 if i1 > c[1] else 0
                c[1], c[3] = max(c[1], i1), max(c[3], j1)
    return [(c[0], c[1] + n, c[2], c[3] + n) for c in chains if c[4] >= min_seeds]


def _window_bag(f: Features, lo: int, hi: int) -> set[int]:
    return set(f.tokens[lo:hi][f.content[lo:hi]].tolist())


def _trim(f: Features, lo: int, hi: int, other: set[int]) -> tuple[int, int] | None:
    """The first and last content token of ``[lo, hi)`` that the other side has too."""
    toks, content = f.tokens[lo:hi].tolist(), f.content[lo:hi].tolist()
    hit = [k for k, (t, c) in enumerate(zip(toks, content, strict=True)) if c and t in other]
    if not hit:
        return None
    return lo + hit[0], lo + hit[-1] + 1


def bag_passages(
    fa: Features, fb: Features, seeds: list[tuple[int, int]], cfg: Config
) -> list[tuple[int, int, int, int]]:
    """Passages whose content words match regardless of order, grown from candidate window pairs."""
    w, s = cfg.segment.window, cfg.segment.stride
    floor = cfg.verify.bag_containment
    min_words = max(4, cfg.verify.min_tokens // 2)
    na, nb = fa.n_tokens, fb.n_tokens
    cache: dict[tuple[str, int], set[int]] = {}

    def bag(side: str, start: int) -> set[int]:
        key = (side, start)
        if key not in cache:
            f, n = (fa, na) if side == "a" else (fb, nb)
            cache[key] = _window_bag(f, start, min(start + w, n))
        return cache[key]

    seen: set[tuple[int, int]] = set()
    accepted: list[tuple[int, int]] = []
    todo = [(p - p % s, q - q % s) for p, q in seeds]
    while todo:
        p, q = todo.pop()
        if (p, q) in seen or p < 0 or q < 0 or p >= na or q >= nb:
            continue
        seen.add((p, q))
        ba, bb = bag("a", p), bag("b", q)
        small = min(len(ba), len(bb))
        if small < min_words or len(ba & bb) / small < floor:
            continue
        accepted.append((p, q))
        todo.extend([(p + s, q), (p, q + s), (p + s, q + s), (p - s, q), (p, q - s), (p - s, q - s)])
    spans = []
    for p, q in accepted:
        ta = _trim(fa, p, min(p + w, na), bag("b", q))
        tb = _trim(fb, q, min(q + w, nb), bag("a", p))
        if ta and tb:
            spans.append((ta[0], ta[1], tb[0], tb[1]))
    return spans


def merge_spans(spans: list[tuple[int, int, int, int]], gap: int) -> list[tuple[int, int, int, int]]:
    """Merge passage pairs that overlap (or come within ``gap`` tokens) on both sides, until none do."""
    current = [list(x) for x in sorted(spans)]
    while True:
        out: list[list[int]] = []
        for a0, a1, b0, b1 in current:
            for m in out:
                if a0 <= m[1] + gap and m[0] <= a1 + gap and b0 <= m[3] + gap and m[2] <= b1 + gap:
                    m[0], m[1], m[2], m[3] = min(m[0], a0), max(m[1], a1), min(m[2], b0), max(m[3], b1)
                    break
            else:
                out.append([a0, a1, b0, b1])
        if len(out) == len(current):
            return [(m[0], m[1], m[2], m[3]) for m in sorted(out)]
        current = sorted(out)


def _extends(bag: tuple[int, int, int, int], ordered: list[tuple[int, int, int, int]], least: int) -> bool:
    """Whether an order-free passage adds to the ordered ones: it overlaps none of them on both sides,
    or reaches at least ``least`` tokens beyond the one it overlaps on both sides (loose window edges
    must not stretch a verbatim passage over a title or the neighbouring story)."""
    a0, a1, b0, b1 = bag
    for o0, o1, p0, p1 in ordered:
        if a0 < o1 and o0 < a1 and b0 < p1 and p0 < b1:
            outside_a = max(0, o0 - a0) + max(0, a1 - o1)
            outside_b = max(0, p0 - b0) + max(0, b1 - p1)
            if outside_a < least or outside_b < least:
                return False
    return True


def measure(fa: Features, fb: Features, a0: int, a1: int, b0: int, b1: int, n: int) -> tuple[float, float, float]:
    """Exact Jaccard and containment of the spans' n-gram sets, and content-word containment."""
    sa = set(fa.grams[a0 : max(a0, a1 - n + 1)].tolist())
    sb = set(fb.grams[b0 : max(b0, b1 - n + 1)].tolist())
    inter = len(sa & sb)
    union = len(sa) + len(sb) - inter
    jac = inter / union if union else 0.0
    cont = inter / min(len(sa), len(sb)) if min(len(sa), len(sb)) else 0.0
    wa, wb = _window_bag(fa, a0, a1), _window_bag(fb, b0, b1)
    wi = len(wa & wb)
    bag = wi / min(len(wa), len(wb)) if min(len(wa), len(wb)) else 0.0
    return jac, cont, bag


def kind_of(fa: Features, fb: Features, a0: int, a1: int, b0: int, b1: int, jaccard: float, cfg: Config) -> str:
    """``exact`` when the token sequences are equal after normalization, ``near`` for a few changed
    words (n-gram Jaccard at least ``verify.near_jaccard``), else ``rewrite``."""
    if a1 - a0 == b1 - b0 and np.array_equal(fa.tokens[a0:a1], fb.tokens[b0:b1]):
        return "exact"
    return "near" if jaccard >= cfg.verify.near_jaccard else "rewrite"


def align_pair(fa: Features, fb: Features, bag_seeds: list[tuple[int, int]], cfg: Config) -> list[Aligned]:
    """Every verified passage pair between two documents, merged so one reused passage is one pair."""
    n = cfg.shingle.ngram
    v = cfg.verify
    spans = merge_spans(ordered_passages(fa, fb, n, v.max_gap, v.min_seeds), v.max_gap)
    if bag_seeds:
        spans += [b for b in bag_passages(fa, fb, bag_seeds, cfg) if _extends(b, spans, 2 * v.min_tokens)]
    if not spans:
        return []
    out = []
    for a0, a1, b0, b1 in merge_spans(spans, v.max_gap):
        if min(a1 - a0, b1 - b0) < v.min_tokens:
            continue
        jac, cont, bag = measure(fa, fb, a0, a1, b0, b1, n)
        if cont < v.min_containment and bag < v.bag_containment:
            continue
        if jac < v.min_jaccard and bag < v.bag_containment:
            continue
        out.append(Aligned(a0, a1, b0, b1, jac, cont, bag, kind_of(fa, fb, a0, a1, b0, b1, jac, cfg)))
    return out
