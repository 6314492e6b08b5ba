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


def _seeds(ga: np.ndarray, gb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All ``(i, j)`` with ``ga[i] == gb[j]``, skipping n-grams repeated too often."""
    common = np.intersect1d(ga, gb)
    if not len(common):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    jb = np.flatnonzero(np.isin(gb, common))
    order = np.argsort(gb[jb], kind="stable")
    hb, jb = gb[jb][order], jb[order]
    ia = np.flatnonzero(np.isin(ga, common))
    lo = np.searchsorted(hb, ga[ia], "left")
    hi = np.searchsorted(hb, ga[ia], "right")
    counts = hi - lo
    ok = counts <= MAX_SEED_REPEATS
    ia, lo, counts = ia[ok], lo[ok], counts[ok]
    total = int(counts.sum())
    if not total:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    rep_i = np.repeat(ia, counts)
    idx = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(total)
    return rep_i, jb[idx]


def _runs(i: np.ndarray, j: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Seeds on one diagonal at consecutive positions, as ``(i0, i1, j0, j1)`` inclusive."""
    d = j - i
    order = np.lexsort((i, d))
    i, d = i[order], d[order]
    brk = np.flatnonzero((np.diff(d) != 0) | (np.diff(i) != 1)) + 1
    starts = np.concatenate(([0], brk))
    ends = np.concatenate((brk, [len(i)])) - 1
    return [
        (int(i[s]), int(i[e]), int(i[s] + d[s]), int(i[e] + d[e])) for s, e in zip(starts, ends, strict=True)
    ]


def ordered_passages(fa: Features, fb: Features, n: int, max_gap: int, min_seeds: int) -> list[tuple[int, int, int, int]]:
    """Passages found by chaining shared n-grams: ``(a0, a1, b0, b1)`` token ranges, end exclusive."""
    i, j = _seeds(fa.grams, fb.grams)
    if not len(i):
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


def _window_bag(f: Features, lo: int, hi: int) -> np.ndarray:
    return np.unique(f.tokens[lo:hi][f.content[lo:hi]])


def _trim(f: Features, lo: int, hi: int, other: np.ndarray) -> tuple[int, int] | None:
    """The first and last content token of ``[lo, hi)`` that the other side has too."""
    hit = np.flatnonzero(f.content[lo:hi] & np.isin(f.tokens[lo:hi], other))
    if not len(hit):
        return None
    return lo + int(hit[0]), lo + int(hit[-1]) + 1


def bag_passages(
    fa: Features, fb: Features, seeds: list[tuple[int, int]], cfg: Config
) -> list[tuple[int, int, int, int]]:
    """Passages whose content words match regardless of order, grown from candidate window pairs."""
    w, s = cfg.segment.window, cfg.segment.stride
    floor = cfg.verify.bag_containment
    min_words = max(4, cfg.verify.min_tokens // 2)
    na, nb = fa.n_tokens, fb.n_tokens
    cache: dict[tuple[str, int], np.ndarray] = {}

    def bag(side: str, start: int) -> np.ndarray:
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
        if small < min_words:
            continue
        shared = len(np.intersect1d(ba, bb, assume_unique=True))
        if shared / small < floor:
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
    sa = np.unique(fa.grams[a0 : max(a0, a1 - n + 1)])
    sb = np.unique(fb.grams[b0 : max(b0, b1 - n + 1)])
    inter = len(np.intersect1d(sa, sb, assume_unique=True))
    union = len(sa) + len(sb) - inter
    jac = inter / union if union else 0.0
    cont = inter / min(len(sa), len(sb)) if min(len(sa), len(sb)) else 0.0
    wa, wb = _window_bag(fa, a0, a1), _window_bag(fb, b0, b1)
    wi = len(np.intersect1d(wa, wb, assume_unique=True))
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
