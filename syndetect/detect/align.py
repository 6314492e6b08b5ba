"""The test oracle of the aligner: ``syndetect.detect.kernel`` in plain Python and numpy.

The engine never runs this module: it aligns with the compiled kernel, for every profile. This is the
same algorithm written for reading, one numpy call per step, and ``tests/test_kernel.py`` asserts that
the kernel gives exactly its passages, measures and kinds. An alignment change is made in the kernel
and here, and the equivalence tests say whether the two still agree.

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

import bisect

import numpy as np

from syndetect.config import Config
from syndetect.detect.features import Features
from syndetect.detect.kernel import MAX_SEED_REPEATS, RESCUE_SHARE, Aligned


def _seeds(fa: Features, fb: Features, min_seeds: int) -> tuple[np.ndarray, np.ndarray]:
    """All ``(i, j)`` with ``fa.grams[i] == fb.grams[j]``, skipping n-grams repeated more than
    ``MAX_SEED_REPEATS`` times in ``fb``; nothing when fewer than ``min_seeds`` distinct n-grams are shared.

    Works on the documents' sorted n-gram views: one intersection, then a cross product per shared
    n-gram (usually one position on each side).
    """
    common, ka, kb = np.intersect1d(fa.gram_keys, fb.gram_keys, assume_unique=True, return_indices=True)
    if len(common) < min_seeds:
        return _EMPTY_SEEDS
    ca = fa.gram_start[ka + 1] - fa.gram_start[ka]
    cb = fb.gram_start[kb + 1] - fb.gram_start[kb]
    keep = cb <= MAX_SEED_REPEATS
    if not keep.all():
        ka, kb, ca, cb = ka[keep], kb[keep], ca[keep], cb[keep]
    sa, sb = fa.gram_start[ka], fb.gram_start[kb]
    if (ca == 1).all() and (cb == 1).all():
        return fa.gram_pos[sa], fb.gram_pos[sb]
    per = ca * cb
    group = np.repeat(np.arange(len(per)), per)
    local = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    width = cb[group]
    return fa.gram_pos[sa[group] + local // width], fb.gram_pos[sb[group] + local % width]


_EMPTY_SEEDS = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int32))


def _runs(i: np.ndarray, j: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Seeds on one diagonal at consecutive positions, as ``(i0, i1, j0, j1)`` inclusive, sorted by
    ``(i0, j0)``."""
    i, j = i.astype(np.int64), j.astype(np.int64)
    diag = j - i
    order = np.lexsort((i, diag))
    i, diag = i[order], diag[order]
    first = np.ones(len(i), dtype=bool)
    first[1:] = (diag[1:] != diag[:-1]) | (i[1:] != i[:-1] + 1)
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(i)) - 1
    i0, i1, d = i[starts], i[ends], diag[starts]
    runs = np.stack([i0, i1, i0 + d, i1 + d], axis=1)
    runs = runs[np.lexsort((runs[:, 2], runs[:, 0]))]
    return [tuple(r) for r in runs.tolist()]


def ordered_passages(
    fa: Features, fb: Features, n: int, max_gap: int, min_seeds: int
) -> list[tuple[int, int, int, int]]:
    """Passages found by chaining shared n-grams: ``(a0, a1, b0, b1)`` token ranges, end exclusive."""
    i, j = _seeds(fa, fb, min_seeds)
    if not len(i):
        return []
    runs = _runs(i, j)
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


def _stem_bag(f: Features, lo: int, hi: int) -> set[int]:
    """The content words of ``[lo, hi)`` as verification compares them (light stems with ``shingle.bag_stem``)."""
    return set(f.words[lo:hi][f.content[lo:hi]].tolist())


def _trim(f: Features, lo: int, hi: int, other: set[int]) -> tuple[int, int] | None:
    """The first and last content token of ``[lo, hi)`` that the other side has too."""
    toks, content = f.tokens[lo:hi].tolist(), f.content[lo:hi].tolist()
    hit = [k for k, (t, c) in enumerate(zip(toks, content, strict=True)) if c and t in other]
    if not hit:
        return None
    return lo + hit[0], lo + hit[-1] + 1


def dense_regions(
    hit: np.ndarray, content: np.ndarray, width: int, floor: float, least: int
) -> list[tuple[int, int]]:
    """Token ranges where most content words are hits: ``[lo, hi)`` with at least ``least`` content words.

    A content word belongs to a region when, among the ``width`` content words around it, the share of
    hits is at least ``floor``; regions are trimmed to their first and last hit.
    """
    pos = np.flatnonzero(content)
    if len(pos) < least:
        return []
    h = hit[pos]
    w = min(width, len(pos))
    csum = np.zeros(len(pos) + 1, dtype=np.int32)
    np.cumsum(h, out=csum[1:])
    starts = np.flatnonzero((csum[w:] - csum[:-w]) >= floor * w)  # windows dense enough
    if not len(starts):
        return []
    # Every content word inside a dense window: +1 where a window starts, -1 where it ends.
    marks = np.zeros(len(pos) + 1, dtype=np.int32)
    marks[starts] += 1
    marks[starts + w] -= 1
    idx = np.flatnonzero((np.cumsum(marks[:-1]) > 0) & h)
    if not len(idx):
        return []
    cuts = np.flatnonzero(np.diff(idx) > w // 2).tolist()
    out = []
    lo = 0
    for hi in [*cuts, len(idx) - 1]:
        if hi - lo + 1 >= least:
            out.append((int(pos[idx[lo]]), int(pos[idx[hi]]) + 1))
        lo = hi + 1
    return out


def _focus(f: Features, lo: int, hi: int, other: set[int], length: int) -> tuple[int, int] | None:
    """The ``length``-token stretch of ``[lo, hi)`` holding most of the other side's words, trimmed."""
    length = max(1, min(length, hi - lo))
    toks, content = f.tokens[lo:hi].tolist(), f.content[lo:hi].tolist()
    hits = np.array([c and t in other for t, c in zip(toks, content, strict=True)], dtype=np.int32)
    csum = np.concatenate(([0], np.cumsum(hits)))
    best = int(np.argmax(csum[length:] - csum[:-length]))
    return _trim(f, lo + best, lo + best + length, other)


def _content(f: Features, lo: int, hi: int) -> np.ndarray:
    """The content-word hashes of ``[lo, hi)``, sorted and unique."""
    return np.unique(f.tokens[lo:hi][f.content[lo:hi]])


def _best_stretch(f: Features, lo: int, hi: int, other: np.ndarray, penalty: float) -> tuple[int, int] | None:
    """The stretch of ``[lo, hi)`` whose content words best match ``other``: the maximum-sum run of
    content words scoring +1 for a word ``other`` has and ``-penalty`` for one it lacks (a run holds
    on while its share of hits stays at least ``penalty / (1 + penalty)``)."""
    pos = np.flatnonzero(f.content[lo:hi])
    if not len(pos):
        return None
    hit = np.isin(f.tokens[lo:hi][pos], other, assume_unique=False)
    if not hit.any():
        return None
    csum = np.concatenate(([0.0], np.cumsum(np.where(hit, 1.0, -penalty))))
    low = np.minimum.accumulate(csum)
    end = int(np.argmax(csum[1:] - low[:-1]))  # the run ends at content word ``end``
    start = int(np.flatnonzero(csum[: end + 1] == low[end])[-1])  # and starts after the lowest prefix
    return lo + int(pos[start]), lo + int(pos[end]) + 1


def _tighten(
    fa: Features, fb: Features, xa: tuple[int, int], xb: tuple[int, int], penalty: float, rounds: int = 4
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Both sides cut down, in turn, to their best stretch against the other side's words, until stable:
    loose region edges (neighbouring text on one topic) fall off."""
    for _ in range(rounds):
        na = _best_stretch(fa, xa[0], xa[1], _content(fb, *xb), penalty)
        if na is None:
            return None
        nb = _best_stretch(fb, xb[0], xb[1], _content(fa, *na), penalty)
        if nb is None:
            return None
        if (na, nb) == (xa, xb):
            break
        xa, xb = na, nb
    return xa, xb


def in_order(fa: Features, fb: Features, a0: int, a1: int, b0: int, b1: int) -> float:
    """The longest common subsequence of the spans' content words, as a share of the shorter side's
    content words: near the content-word containment for a copy with substituted words, far below it
    for shuffled words or text that only shares a topic."""
    xs = fa.words[a0:a1][fa.content[a0:a1]].tolist()
    ys = fb.words[b0:b1][fb.content[b0:b1]].tolist()
    if not xs or not ys:
        return 0.0
    where: dict[int, list[int]] = {}
    for j, y in enumerate(ys):
        where.setdefault(y, []).append(j)
    tails: list[int] = []
    for x in xs:
        for j in reversed(where.get(x, ())):
            k = bisect.bisect_left(tails, j)
            if k == len(tails):
                tails.append(j)
            else:
                tails[k] = j
    return len(tails) / min(len(xs), len(ys))


def passes_bag(
    fa: Features, fb: Features, a0: int, a1: int, b0: int, b1: int, bag: float, cfg: Config
) -> bool:
    """Whether an order-free passage with content-word containment ``bag`` is verified: at least
    ``verify.bag_containment``, or at least ``verify.bag_ordered`` with as large a share kept in order."""
    if bag >= cfg.verify.bag_containment:
        return True
    low = cfg.verify.bag_ordered
    return 0 < low <= bag and in_order(fa, fb, a0, a1, b0, b1) >= low


def _rescue(
    fa: Features, fb: Features, xa: tuple[int, int], xb: tuple[int, int], cfg: Config
) -> tuple[int, int, int, int] | None:
    """The tightened stretches of a region pair, when their content words pass the floors."""
    tight = _tighten(fa, fb, xa, xb, cfg.verify.bag_tighten)
    if tight is None:
        return None
    (a0, a1), (b0, b1) = tight
    bag_a, bag_b = _window_bag(fa, a0, a1), _window_bag(fb, b0, b1)
    shared = len(bag_a & bag_b)
    if shared < cfg.verify.bag_min_words:
        return None
    if not passes_bag(fa, fb, a0, a1, b0, b1, shared / min(len(bag_a), len(bag_b)), cfg):
        return None
    return a0, a1, b0, b1


def bag_passages(fa: Features, fb: Features, cfg: Config) -> list[tuple[int, int, int, int]]:
    """Passages whose content words match regardless of order (shuffled words and phrases, rewrites).

    Content words of each document that the other has are hits; dense runs of hits on each side are
    regions; a region pair whose content words are mostly contained in one another is a passage,
    trimmed to the words they share.
    """
    floor = cfg.verify.bag_containment
    dense = min(floor, cfg.verify.bag_ordered) if cfg.verify.bag_ordered > 0 else floor
    least = cfg.verify.bag_min_words
    common = np.intersect1d(fa.bag_keys, fb.bag_keys, assume_unique=True)
    if len(common) < least:
        return []
    width = cfg.segment.stride
    # With order evidence allowed, regions are also sought at the lower density (one region may then
    # span a passage with substituted words); the denser regions stay, as their own candidates.
    levels = sorted({floor, dense})
    hit_b = _hits(fb, common)
    regions_b = sorted({r for x in levels for r in dense_regions(hit_b, fb.content, width, x, least)})
    if not regions_b:
        return []
    hit_a = _hits(fa, common)
    regions_a = sorted({r for x in levels for r in dense_regions(hit_a, fa.content, width, x, least)})
    bags_b = [_window_bag(fb, b0, b1) for b0, b1 in regions_b]
    spans = []
    for a0, a1 in regions_a:
        bag_a = _window_bag(fa, a0, a1)
        for (b0, b1), bag_b in zip(regions_b, bags_b, strict=True):
            shared = bag_a & bag_b
            share = len(shared) / min(len(bag_a), len(bag_b))
            if share < floor:
                # Two regions that each hold more than the passage (a neighbouring copy, text on the
                # same topic) may still hold it: their best-matching stretches are measured instead.
                if cfg.verify.bag_tighten > 0 and len(shared) >= least and share >= RESCUE_SHARE:
                    cut = _rescue(fa, fb, (a0, a1), (b0, b1), cfg)
                    if cut:
                        spans.append(cut)
                continue
            xa = _trim(fa, a0, a1, shared)
            xb = _trim(fb, b0, b1, shared)
            if not (xa and xb):
                continue
            # A region much longer than its partner holds more than this passage: keep its densest part.
            ratio = cfg.verify.bag_length_ratio
            la, lb = xa[1] - xa[0], xb[1] - xb[0]
            if la > ratio * lb:
                xa = _focus(fa, xa[0], xa[1], bag_b, int(1.5 * lb))
            elif lb > ratio * la:
                xb = _focus(fb, xb[0], xb[1], bag_a, int(1.5 * la))
            if xa and xb and cfg.verify.bag_tighten > 0:
                tight = _tighten(fa, fb, xa, xb, cfg.verify.bag_tighten)
                xa, xb = tight if tight else (None, None)
            if xa and xb:
                spans.append((xa[0], xa[1], xb[0], xb[1]))
    return spans


def _hits(f: Features, common: np.ndarray) -> np.ndarray:
    """Content words of ``f`` that are in ``common`` (sorted, not empty)."""
    at = np.searchsorted(common, f.tokens)
    at[at == len(common)] = 0
    return f.content & (common[at] == f.tokens)


def merge_spans(
    spans: list[tuple[int, int, int, int]], gap: int, gap_b: int | None = None
) -> list[tuple[int, int, int, int]]:
    """Merge passage pairs that overlap or come within ``gap`` tokens on one side and ``gap_b`` (default
    ``gap``) on the other, until none do. A larger ``gap_b`` joins phrases reordered inside one
    passage; either side may be the reordered one, so the pairs do not depend on which document is a."""
    gap_b = gap if gap_b is None else gap_b
    current = [list(x) for x in sorted(spans)]
    while True:
        out: list[list[int]] = []
        for a0, a1, b0, b1 in current:
            for m in out:
                if _near(a0, a1, b0, b1, m, gap, gap_b) or _near(a0, a1, b0, b1, m, gap_b, gap):
                    m[0], m[1], m[2], m[3] = min(m[0], a0), max(m[1], a1), min(m[2], b0), max(m[3], b1)
                    break
            else:
                out.append([a0, a1, b0, b1])
        if len(out) == len(current):
            return [(m[0], m[1], m[2], m[3]) for m in sorted(out)]
        current = sorted(out)


def _near(a0: int, a1: int, b0: int, b1: int, m: list[int], gap: int, gap_b: int) -> bool:
    """Whether span (a0, a1, b0, b1) comes within ``gap`` of ``m`` on side a and ``gap_b`` on side b."""
    return a0 <= m[1] + gap and m[0] <= a1 + gap and b0 <= m[3] + gap_b and m[2] <= b1 + gap_b


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


def _overlaps(x: tuple[int, int, int, int], y: tuple[int, int, int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1] and x[2] < y[3] and y[2] < x[3]


def _covered(region: tuple[int, int, int, int], ordered: list[tuple[int, int, int, int]]) -> float:
    """The share of a region's side-a tokens that verbatim passages overlapping it cover."""
    a0, a1 = region[0], region[1]
    spans = sorted((max(a0, o[0]), min(a1, o[1])) for o in ordered if _overlaps(o, region))
    total, end = 0, a0
    for s0, s1 in spans:
        if s1 > end:
            total += s1 - max(s0, end)
            end = s1
    return total / max(1, a1 - a0)


def _cut(
    region: tuple[int, int, int, int], apart: list[tuple[int, int, int, int]], least: int
) -> list[tuple[int, int, int, int]]:
    """The parts of an order-free region before, between and after the verbatim passages inside it."""
    pieces = [region]
    for o0, o1, p0, p1 in sorted(apart):
        nxt = []
        for a0, a1, b0, b1 in pieces:
            if not (a0 < o1 and o0 < a1 and b0 < p1 and p0 < b1):
                nxt.append((a0, a1, b0, b1))
                continue
            nxt.append((a0, min(a1, o0), b0, min(b1, p0)))
            nxt.append((max(a0, o1), a1, max(b0, p1), b1))
        pieces = [x for x in nxt if x[1] - x[0] >= least and x[3] - x[2] >= least]
    return pieces


def measure(
    fa: Features, fb: Features, a0: int, a1: int, b0: int, b1: int, n: int
) -> tuple[float, float, float]:
    """Exact Jaccard and containment of the spans' n-gram sets, and content-word containment."""
    sa = set(fa.grams[a0 : max(a0, a1 - n + 1)].tolist())
    sb = set(fb.grams[b0 : max(b0, b1 - n + 1)].tolist())
    inter = len(sa & sb)
    union = len(sa) + len(sb) - inter
    jac = inter / union if union else 0.0
    cont = inter / min(len(sa), len(sb)) if min(len(sa), len(sb)) else 0.0
    wa, wb = _stem_bag(fa, a0, a1), _stem_bag(fb, b0, b1)
    wi = len(wa & wb)
    bag = wi / min(len(wa), len(wb)) if min(len(wa), len(wb)) else 0.0
    return jac, cont, bag


def kind_of(
    fa: Features, fb: Features, a0: int, a1: int, b0: int, b1: int, jaccard: float, cfg: Config
) -> str:
    """``exact`` when the token sequences are equal after normalization, ``near`` for a few changed
    words (n-gram Jaccard at least ``verify.near_jaccard``), else ``rewrite``."""
    if a1 - a0 == b1 - b0 and np.array_equal(fa.tokens[a0:a1], fb.tokens[b0:b1]):
        return "exact"
    return "near" if jaccard >= cfg.verify.near_jaccard else "rewrite"


def align_pair(fa: Features, fb: Features, order_free: bool, cfg: Config) -> list[Aligned]:
    """Every verified passage pair between two documents, merged so one reused passage is one pair."""
    n = cfg.shingle.ngram
    v = cfg.verify
    ordered = merge_spans(ordered_passages(fa, fb, n, v.max_gap, v.min_seeds), v.max_gap)
    held, reach = ordered, 2 * v.min_tokens
    if v.bag_tighten > 0:
        # Tightened order-free passages have no loose edges: they need only reach a little beyond a
        # verbatim passage, and verbatim scraps too short to report do not hold them back.
        held, reach = [o for o in ordered if min(o[1] - o[0], o[3] - o[2]) >= v.min_tokens], v.min_tokens // 2
    bags = [b for b in bag_passages(fa, fb, cfg) if _extends(b, held, reach)] if order_free else []
    # Long verbatim passages stay pairs of their own, even inside a rewritten region: the region is
    # cut around them. Short ones (a reordered phrase) join the region they sit in.
    # A region mostly made of verbatim passages (shuffled phrases) absorbs them all.
    absorbing = [b for b in bags if _covered(b, ordered) >= 0.5]
    inside = {o for o in ordered for b in absorbing if _overlaps(o, b)}
    apart = [o for o in ordered if o not in inside and min(o[1] - o[0], o[3] - o[2]) >= v.keep_apart]
    short = [o for o in ordered if o not in apart]
    pieces = [p for b in bags for p in (_cut(b, apart, v.bag_min_words) if b not in absorbing else [b])]
    spans = apart + merge_spans(short + pieces, v.max_gap, v.reorder_gap)
    if not spans:
        return []
    out = []
    for a0, a1, b0, b1 in sorted(spans):
        if min(a1 - a0, b1 - b0) < v.min_tokens:
            continue
        jac, cont, bag = measure(fa, fb, a0, a1, b0, b1, n)
        if (cont < v.min_containment or jac < v.min_jaccard) and not passes_bag(
            fa, fb, a0, a1, b0, b1, bag, cfg
        ):
            continue
        out.append(Aligned(a0, a1, b0, b1, jac, cont, bag, kind_of(fa, fb, a0, a1, b0, b1, jac, cfg)))
    return out
